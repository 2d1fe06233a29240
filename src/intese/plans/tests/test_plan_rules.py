"""Rules of a plan that protect its story and its tree: the status agrees with the adoption and
approval dates and acts; acts keep their order and their history; an item measured by an
indicator is not deleted; a level holds at most 9,999 items; moves read the tree under a lock."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intese.core.concurrency import StaleEdit
from intese.plans import services
from intese.plans.models import MAX_SIBLINGS, Plan, PlanAct, PlanItem, PlanStatus
from intese.plans.services import PlanError
from intese.testing import monitoring as build
from intese.testing.plans import make_plan

pytestmark = pytest.mark.django_db

MARCH, JUNE = datetime.date(2023, 3, 22), datetime.date(2023, 6, 1)


def plan_fields(**changes):
    return {
        "code": "psttm-2022-2024",
        "title": "PSTTM 2022-2024",
        "period_start": datetime.date(2022, 1, 1),
        "period_end": datetime.date(2024, 12, 31),
        "level_names": ["Missione", "Obiettivo"],
        **changes,
    }


def add(plan, code, parent=None):
    return services.item_add(plan=plan, by=None, parent=parent, code=code, title=f"Voce {code}")


def act(plan, kind, date, **fields):
    return services.plan_act_add(plan=plan, by=None, kind=kind, date=date, **fields)


# Status and dates --------------------------------------------------------------------------


def test_an_adopted_plan_needs_its_adoption_date_or_act():
    with pytest.raises(PlanError, match="Un piano «adottato» ha la data di adozione") as refusal:
        services.plan_create(by=None, **plan_fields(status=PlanStatus.ADOPTED))
    assert refusal.value.field == "adopted_on"
    assert not Plan.objects.exists()

    plan = services.plan_create(by=None, **plan_fields())  # a draft needs no date
    act(plan, PlanAct.Kind.ADOPTION, MARCH)
    services.plan_update(plan=plan, expected_version=plan.version, by=None, status="adottato")
    assert Plan.objects.get().status == PlanStatus.ADOPTED


def test_an_approved_plan_needs_its_approval_date():
    with pytest.raises(PlanError, match="Un piano «approvato» ha la data di approvazione") as r:
        services.plan_create(by=None, **plan_fields(status=PlanStatus.APPROVED, adopted_on=MARCH))
    assert r.value.field == "approved_on"
    plan = services.plan_create(
        by=None, **plan_fields(status=PlanStatus.APPROVED, adopted_on=MARCH, approved_on=JUNE)
    )
    assert plan.status == PlanStatus.APPROVED


def test_approval_cannot_come_before_adoption():
    fields = plan_fields(status=PlanStatus.APPROVED, adopted_on=JUNE, approved_on=MARCH)
    with pytest.raises(PlanError, match="approvazione \\(22/03/2023\\) non può precedere") as r:
        services.plan_create(by=None, **fields)
    assert r.value.field == "approved_on"


# Acts --------------------------------------------------------------------------------------


def test_acts_are_recorded_with_their_author_and_corrected_with_a_version(people):
    plan = make_plan()
    adoption = services.plan_act_add(
        plan=plan, by=people.plan_editor, kind="adozione", date=MARCH, number="12"
    )
    assert adoption.history.get().history_user == people.plan_editor
    services.plan_act_update(act=adoption, expected_version=1, by=people.plan_editor, number="13")
    assert PlanAct.objects.get().number == "13"
    assert adoption.history.count() == 2
    with pytest.raises(StaleEdit, match="Qualcun altro ha modificato"):
        services.plan_act_update(
            act=PlanAct.objects.get(), expected_version=1, by=None, number="14"
        )
    assert PlanAct.objects.get().number == "13"


def test_an_approval_or_update_before_the_adoption_is_refused():
    plan = make_plan()
    act(plan, PlanAct.Kind.ADOPTION, JUNE)
    for kind in (PlanAct.Kind.APPROVAL, PlanAct.Kind.UPDATE):
        with pytest.raises(PlanError, match="non può precedere l'adozione del piano \\(01/06"):
            act(plan, kind, MARCH)
    yearly = act(plan, PlanAct.Kind.UPDATE, datetime.date(2024, 3, 1))
    assert yearly.get_kind_display() == "Aggiornamento annuale"


def test_an_adoption_after_the_approval_is_refused():
    plan = make_plan()
    Plan.objects.filter(pk=plan.pk).update(approved_on=MARCH)
    plan.refresh_from_db()
    with pytest.raises(PlanError, match="L'adozione non può seguire l'approvazione") as refusal:
        act(plan, PlanAct.Kind.ADOPTION, JUNE)
    assert refusal.value.field == "date"
    assert not PlanAct.objects.exists()


def test_the_only_adoption_act_of_an_adopted_plan_keeps_its_kind():
    plan = services.plan_create(by=None, **plan_fields())
    adoption = act(plan, PlanAct.Kind.ADOPTION, MARCH)
    services.plan_update(plan=plan, expected_version=plan.version, by=None, status="adottato")
    with pytest.raises(PlanError, match="unico atto di adozione"):
        services.plan_act_update(act=adoption, expected_version=1, by=None, kind="parere")
    assert PlanAct.objects.get().kind == PlanAct.Kind.ADOPTION


def test_an_act_is_removed_with_its_author_in_the_history(people):
    plan = make_plan()
    opinion = act(plan, PlanAct.Kind.OPINION, MARCH)
    services.plan_act_delete(act=opinion, by=people.plan_editor, expected_version=1)
    assert not PlanAct.objects.exists()
    removal = PlanAct.history.get(history_type="-")
    assert (removal.id, removal.history_user) == (opinion.pk, people.plan_editor)


def test_the_only_adoption_act_of_an_adopted_plan_without_its_date_stays():
    plan = services.plan_create(by=None, **plan_fields())
    adoption = act(plan, PlanAct.Kind.ADOPTION, MARCH)
    services.plan_update(plan=plan, expected_version=plan.version, by=None, status="adottato")
    with pytest.raises(PlanError, match="unico atto di adozione: indicare prima la data"):
        services.plan_act_delete(act=adoption, by=None)
    assert PlanAct.objects.get() == adoption

    second = act(plan, PlanAct.Kind.ADOPTION, datetime.date(2023, 3, 23))  # recorded twice
    services.plan_act_delete(act=second, by=None)
    plan.refresh_from_db()
    services.plan_update(plan=plan, expected_version=plan.version, by=None, adopted_on=MARCH)
    services.plan_act_delete(act=adoption, by=None)  # the date now holds the status
    assert not PlanAct.objects.exists()
    assert Plan.objects.get().status == PlanStatus.ADOPTED


def test_an_act_corrected_or_removed_meanwhile_is_not_removed_unseen():
    plan = make_plan()
    opinion = act(plan, PlanAct.Kind.OPINION, MARCH)
    services.plan_act_update(act=opinion, expected_version=1, by=None, number="3")
    with pytest.raises(PlanError, match="Qualcun altro ha corretto l'atto"):
        services.plan_act_delete(act=opinion, by=None, expected_version=1)
    assert PlanAct.objects.get().number == "3"
    services.plan_act_delete(act=opinion, by=None, expected_version=2)
    with pytest.raises(PlanError, match="L'atto non c'è più"):
        services.plan_act_delete(act=opinion, by=None, expected_version=2)


# Deletion ----------------------------------------------------------------------------------


def test_an_item_measured_by_indicators_is_not_deleted_and_the_message_names_them():
    plan = make_plan()
    item = add(plan, "M1")
    build.indicator(item, build.sesto(), code="IND-VERDE")
    build.indicator(item, build.sesto(), code="IND-ALBERI")
    with pytest.raises(PlanError) as refusal:
        services.item_delete(item=item, by=None)
    assert refusal.value.message == (
        "La voce è misurata dagli indicatori IND-ALBERI, IND-VERDE: spostare o eliminare "
        "prima gli indicatori."
    )
    assert PlanItem.objects.filter(pk=item.pk).exists()


# The tree's limits and concurrent changes --------------------------------------------------


def test_a_level_holds_at_most_9999_items():
    plan = make_plan()
    parent = add(plan, "M1")
    PlanItem.objects.create(
        plan=plan, parent=parent, code="M1.last", title="Ultima", path=f"{parent.path}.9999"
    )
    assert MAX_SIBLINGS == 9999
    with pytest.raises(PlanError, match="non se ne possono aggiungere altre") as refusal:
        add(plan, "M1.next", parent)
    assert refusal.value.field == "parent"
    other = add(plan, "M2")
    with pytest.raises(PlanError, match="non se ne possono aggiungere altre"):
        services.item_move(item=other, new_parent=parent, by=None)
    assert PlanItem.objects.get(pk=other.pk).path == other.path  # nothing half-written


def test_moves_and_shifts_work_on_the_tree_as_it_is_not_as_the_caller_read_it():
    """Another request changed the order after this one read the item: the service reads the
    places again under the lock, so the swap is the one asked for, without a clash."""
    plan = make_plan()
    m1, m2, m3 = add(plan, "M1"), add(plan, "M2"), add(plan, "M3")
    child = add(plan, "M3.1", m3)
    stale = PlanItem.objects.get(pk=m3.pk)
    services.item_shift(item=m3, direction=-1, by=None)  # M1, M3, M2
    services.item_shift(item=stale, direction=-1, by=None)  # M3, M1, M2
    tree = [(i.code, i.path) for i in plan.items.order_by("path")]
    assert tree == [("M3", "0001"), ("M3.1", "0001.0001"), ("M1", "0002"), ("M2", "0003")]
    services.item_move(item=PlanItem.objects.get(pk=m2.pk), new_parent=m3, by=None)
    services.item_move(item=stale, new_parent=m1, by=None)  # m3's path is stale here too
    tree = [(i.code, i.depth) for i in plan.items.order_by("path")]
    assert tree == [("M1", 0), ("M3", 1), ("M3.1", 2), ("M2", 2)]
    assert PlanItem.objects.get(pk=child.pk).path.startswith(PlanItem.objects.get(pk=m3.pk).path)


def test_tree_changes_lock_the_plan_row_where_the_database_can():
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite runs one writer at a time: there is no row to lock")
    plan = make_plan()
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    for change in (
        lambda: services.item_shift(item=m2, direction=-1, by=None),
        lambda: services.item_move(item=m1, new_parent=m2, by=None),
        lambda: add(plan, "M3"),
    ):
        with CaptureQueriesContext(connection) as captured:
            change()
        locks = [q["sql"] for q in captured if "FOR UPDATE" in q["sql"]]
        assert locks and '"plans_plan"' in locks[0]
