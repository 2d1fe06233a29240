"""The plan's tree: levels of its own, order, moves without cycles, carry-over, counts."""

import datetime

import pytest

from intese.agreements import services as agreements
from intese.plans import coherence, selectors, services
from intese.plans.models import Plan, PlanItem
from intese.plans.services import PlanError
from intese.testing import agreements as build


@pytest.fixture
def plan(db):
    return Plan.objects.create(
        code="psttm-2022-2024",
        title="PSTTM 2022-2024",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        level_names=["Missione", "Obiettivo", "Azione"],
    )


def add(plan, code, parent=None):
    return services.item_add(plan=plan, by=None, parent=parent, code=code, title=f"Voce {code}")


def codes(plan):
    return [(i.code, i.depth) for i in plan.items.order_by("path")]


def test_each_plan_names_its_own_levels(plan):
    mission = add(plan, "M1")
    objective = add(plan, "M1.1", mission)
    assert (mission.level_name, objective.level_name) == ("Missione", "Obiettivo")
    deeper = add(plan, "M1.1.1.1", add(plan, "M1.1.1", objective))
    assert deeper.level_name == "Livello 4"  # no fixed depth: unnamed levels are numbered


def test_items_keep_tree_order(plan):
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    add(plan, "M1.1", m1)
    add(plan, "M2.1", m2)
    assert codes(plan) == [("M1", 0), ("M1.1", 1), ("M2", 0), ("M2.1", 1)]


def test_moving_an_item_carries_its_subtree(plan):
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    add(plan, "M1.1.1", add(plan, "M1.1", m1))
    services.item_move(item=PlanItem.objects.get(code="M1.1"), new_parent=m2, by=None)
    assert codes(plan) == [("M1", 0), ("M2", 0), ("M1.1", 1), ("M1.1.1", 2)]


def test_an_item_cannot_move_under_itself_or_its_descendants(plan):
    m1 = add(plan, "M1")
    child = add(plan, "M1.1", m1)
    for target in (m1, child):
        with pytest.raises(PlanError, match="sotto se stessa"):
            services.item_move(item=m1, new_parent=target, by=None)
    assert codes(plan) == [("M1", 0), ("M1.1", 1)]


def test_an_item_cannot_move_to_another_plan(plan):
    other = Plan.objects.create(
        code="altro", title="Altro", period_start=plan.period_start, period_end=plan.period_end
    )
    with pytest.raises(PlanError, match="altro piano"):
        services.item_move(item=add(plan, "M1"), new_parent=add(other, "X"), by=None)


def test_siblings_change_places_with_their_subtrees(plan):
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    add(plan, "M1.1", m1)
    services.item_shift(item=m2, direction=-1, by=None)
    assert codes(plan) == [("M2", 0), ("M1", 0), ("M1.1", 1)]
    # the new order is in the history of both items
    assert m2.history.latest().path == "0001" and m1.history.latest().path == "0002"


def test_a_linked_item_or_a_parent_cannot_be_deleted(plan):
    m1 = add(plan, "M1")
    leaf = add(plan, "M1.1", m1)
    with pytest.raises(PlanError, match="sottovoci"):
        services.item_delete(item=m1, by=None)
    agreements.plan_link_add(
        agreement=build.proposal(), by=None, plan_item=leaf, motivation="Attua l'obiettivo."
    )
    with pytest.raises(PlanError, match="collegata"):
        services.item_delete(item=leaf, by=None)
    assert plan.items.count() == 2


def test_the_next_cycle_carries_over_the_tree_with_its_origin(plan):
    m1 = add(plan, "M1")
    add(plan, "M1.1", m1)
    following = Plan.objects.create(
        code="psttm-2025-2027",
        title="PSTTM 2025-2027",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        previous=plan,
    )
    copies = services.plan_carry_over(source=plan, target=following, by=None)
    assert codes(following) == [("M1", 0), ("M1.1", 1)]
    assert {c.carried_from.code for c in copies} == {"M1", "M1.1"}
    with pytest.raises(PlanError, match=r"Voci già riprese in PSTTM 2025-2027: M1, M1\.1\."):
        services.plan_carry_over(source=plan, target=following, by=None)


def test_counts_include_everything_linked_below_an_item(plan, django_assert_num_queries):
    m1 = add(plan, "M1")
    objective = add(plan, "M1.1", m1)
    add(plan, "M2")
    for code in ("A", "B"):
        agreements.plan_link_add(
            agreement=build.proposal(code=code),
            by=None,
            plan_item=objective,
            motivation="Attua l'obiettivo.",
        )
    with django_assert_num_queries(3):  # the items, their tags (none here), the counts
        tree = list(selectors.plan_tree(plan))
    assert [(i.code, i.agreement_count) for i in tree] == [("M1", 2), ("M1.1", 2), ("M2", 0)]
    assert [i.code for i in tree if i.agreement_count == 0] == ["M2"]
    assert [i.code for i in coherence.items_without_agreements(plan)] == ["M2"]  # the same


def test_a_link_to_the_plan_needs_its_motivation(plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="non può essere vuoto"):
        agreements.plan_link_add(
            agreement=build.proposal(), by=None, plan_item=add(plan, "M1"), motivation="  "
        )


def test_the_budget_classification_is_loaded_with_its_evidence(db):
    from intese.plans.models import BudgetMission, BudgetProgramme

    assert BudgetMission.objects.count() == 23
    assert BudgetProgramme.objects.get(code="0101").evidence == "unverified"
    assert BudgetProgramme.objects.filter(evidence__startswith="seen_in_source").count() == 9
