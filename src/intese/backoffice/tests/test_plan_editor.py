"""The plan office builds and edits a plan's tree: every change goes through plans.services, is
kept in the history with its author, and a refusal comes back as a clear message."""

import datetime

import pytest
from django.urls import reverse

from intese.agreements import services as agreements
from intese.plans import services
from intese.plans.models import Plan, PlanItem, Term, Vocabulary
from intese.testing import agreements as build

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


@pytest.fixture
def plan():
    return Plan.objects.create(
        code="psttm-2025-2027",
        title="PSTTM 2025-2027",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        level_names=["Missione", "Obiettivo", "Azione"],
    )


def add(plan, code, parent=None, **fields):
    return services.item_add(
        plan=plan, by=None, parent=parent, code=code, title=f"Voce {code}", **fields
    )


def codes(plan):
    return [(i.code, i.depth) for i in plan.items.order_by("path")]


def url(name, plan, *args):
    return reverse(f"backoffice:{name}", args=[plan.code, *args])


def text(response) -> str:
    return response.content.decode()


PLAN_DATA = {
    "code": "psttm-2028-2030",
    "title": "PSTTM 2028-2030",
    "period_start": "2028-01-01",
    "period_end": "2030-12-31",
    "status": "bozza",
    "level_names": "Missione\nObiettivo\n\nAzione ",
}


def test_an_editor_creates_a_plan_with_its_own_levels(editor, people):
    response = editor.post(reverse("backoffice:plan_create"), PLAN_DATA)
    plan = Plan.objects.get(code="psttm-2028-2030")
    assert response.status_code == 302 and response["Location"] == url("plan", plan)
    assert plan.level_names == ["Missione", "Obiettivo", "Azione"]
    assert plan.history.get().history_user == people.plan_editor


def test_a_plan_ending_before_it_starts_is_refused_in_the_form(editor):
    response = editor.post(
        reverse("backoffice:plan_create"), {**PLAN_DATA, "period_end": "2027-01-01"}
    )
    assert response.status_code == 200
    assert "Il periodo deve finire dopo l&#x27;inizio." in text(response)
    assert not Plan.objects.filter(code="psttm-2028-2030").exists()


def test_plans_cannot_follow_each_other_in_a_loop(editor, plan):
    following = services.plan_create(
        by=None, **{**PLAN_DATA, "level_names": ["Missione"], "previous": plan}
    )
    data = {**PLAN_DATA, "code": plan.code, "title": plan.title, "previous": following.pk}
    response = editor.post(url("plan_edit", plan), {**data, "version": plan.version})
    assert "Un piano non può seguire se stesso" in text(response)
    assert Plan.objects.get(pk=plan.pk).previous is None


def test_a_stale_plan_form_is_refused(editor, plan):
    services.plan_update(plan=plan, expected_version=plan.version, by=None, title="Nuovo titolo")
    data = {**PLAN_DATA, "code": plan.code, "version": plan.version - 1}
    response = editor.post(url("plan_edit", plan), data)
    assert "Qualcun altro ha modificato questi dati" in text(response)
    assert Plan.objects.get(pk=plan.pk).title == "Nuovo titolo"


def test_the_editor_shows_levels_codes_tags_examples_and_linked_agreements(editor, plan):
    vocabulary = Vocabulary.objects.create(code="driver", name="Driver")
    term = Term.objects.create(vocabulary=vocabulary, code="d1", name="Semplificazione")
    mission = add(plan, "M1")
    objective = add(plan, "M1.1", mission, tags=[term], is_example=True)
    agreements.plan_link_add(
        agreement=build.proposal(is_public=False), by=None, plan_item=objective, motivation="Sì."
    )
    page = text(editor.get(url("plan", plan)))
    assert "Missione" in page and "Obiettivo" in page
    assert "<strong>M1.1</strong> Voce M1.1" in page
    assert "Driver: Semplificazione" in page
    assert ">esempio</span>" in page
    assert page.count(">1 intesa</span>") == 2  # the objective and the mission above it
    assert "Sposta su M1.1" not in page  # first among its siblings: no way up


def test_a_viewer_sees_the_tree_without_any_control(client, people, plan):
    add(plan, "M1")
    client.force_login(people.plan_viewer)
    page = text(client.get(url("plan", plan)))
    assert "<strong>M1</strong>" in page
    assert url("plan_item_edit", plan, plan.items.get().pk) not in page
    assert "Aggiungi una voce" not in page


def test_items_are_added_at_the_top_level_and_under_another(editor, people, plan):
    editor.post(url("plan_item_add", plan), {"code": "M1", "title": "Mobilità"})
    mission = plan.items.get(code="M1")
    response = editor.post(
        url("plan_item_add", plan) + f"?sotto={mission.pk}", {"code": "M1.1", "title": "Ferro"}
    )
    assert response.status_code == 302
    assert codes(plan) == [("M1", 0), ("M1.1", 1)]
    assert plan.items.get(code="M1.1").history.get().history_user == people.plan_editor


def test_an_item_cannot_be_added_under_an_item_of_another_plan(editor, plan):
    other = Plan.objects.create(
        code="altro", title="Altro", period_start=plan.period_start, period_end=plan.period_end
    )
    foreign = add(other, "X")
    response = editor.post(
        url("plan_item_add", plan) + f"?sotto={foreign.pk}", {"code": "M1", "title": "Voce"}
    )
    assert response.status_code == 200
    assert "La voce superiore appartiene a un altro piano." in text(response)
    assert not plan.items.exists()


def test_a_duplicate_code_is_refused_on_its_field(editor, plan):
    add(plan, "M1")
    response = editor.post(url("plan_item_add", plan), {"code": "M1", "title": "Ancora"})
    assert "Il piano ha già una voce con questo codice." in text(response)
    assert plan.items.count() == 1


def test_an_item_edit_keeps_history_and_refuses_a_stale_form(editor, people, plan):
    item = add(plan, "M1")
    data = {"code": "M1", "title": "Mobilità sostenibile", "version": item.version}
    assert editor.post(url("plan_item_edit", plan, item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.title == "Mobilità sostenibile"
    assert item.history.first().history_user == people.plan_editor
    stale = editor.post(url("plan_item_edit", plan, item.pk), {**data, "title": "Altro"})
    assert "Qualcun altro ha modificato questi dati" in text(stale)
    item.refresh_from_db()
    assert item.title == "Mobilità sostenibile"


def test_an_item_moves_under_another_with_its_subtree(editor, plan):
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    add(plan, "M1.1.1", add(plan, "M1.1", m1))
    moved = plan.items.get(code="M1.1")
    form = text(editor.get(url("plan_item_move", plan, moved.pk)))
    assert "M1.1.1" not in form  # its own subtree is not on offer
    response = editor.post(url("plan_item_move", plan, moved.pk), {"parent": m2.pk})
    assert response.status_code == 302
    assert codes(plan) == [("M1", 0), ("M2", 0), ("M1.1", 1), ("M1.1.1", 2)]


def test_a_move_that_would_make_a_cycle_is_refused_with_a_clear_message(editor, plan):
    m1 = add(plan, "M1")
    child = add(plan, "M1.1", m1)
    response = editor.post(url("plan_item_move", plan, m1.pk), {"parent": child.pk})
    assert response.status_code == 200
    assert "Una voce non può stare sotto se stessa o sotto una sua sottovoce." in text(response)
    assert codes(plan) == [("M1", 0), ("M1.1", 1)]


def test_a_move_to_another_plan_is_refused_with_a_clear_message(editor, plan):
    other = Plan.objects.create(
        code="altro", title="Altro", period_start=plan.period_start, period_end=plan.period_end
    )
    item = add(plan, "M1")
    response = editor.post(url("plan_item_move", plan, item.pk), {"parent": add(other, "X").pk})
    assert "Una voce non può passare a un altro piano" in text(response)


def test_the_order_control_answers_htmx_with_the_refreshed_tree(editor, plan):
    m1, m2 = add(plan, "M1"), add(plan, "M2")
    add(plan, "M1.1", m1)
    response = editor.post(
        url("plan_item_shift", plan, m2.pk), {"direction": "su"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = text(response)
    assert page.startswith('<div id="plan-tree"') and "<h1>" not in page
    assert page.index("<strong>M2</strong>") < page.index("<strong>M1</strong>")
    assert 'hx-swap-oob="true">Voce M2 spostata.' in page
    assert codes(plan) == [("M2", 0), ("M1", 0), ("M1.1", 1)]


def test_the_order_control_works_without_javascript(editor, plan):
    m1 = add(plan, "M1")
    add(plan, "M2")
    response = editor.post(url("plan_item_shift", plan, m1.pk), {"direction": "giu"})
    assert response.status_code == 302
    assert response["Location"] == url("plan", plan) + f"#voce-{m1.pk}"
    assert codes(plan) == [("M2", 0), ("M1", 0)]


def test_the_order_control_only_takes_posts(editor, plan):
    item = add(plan, "M1")
    assert editor.get(url("plan_item_shift", plan, item.pk)).status_code == 405


def test_a_leaf_is_deleted_after_confirmation_and_stays_in_the_history(editor, people, plan):
    item = add(plan, "M1")
    confirm = editor.get(url("plan_item_delete", plan, item.pk))
    assert "Elimina la voce M1" in text(confirm)
    assert plan.items.exists()
    assert editor.post(url("plan_item_delete", plan, item.pk)).status_code == 302
    assert not plan.items.exists()
    assert PlanItem.history.filter(id=item.pk, history_type="-").get().history_user == (
        people.plan_editor
    )


def test_a_linked_item_or_a_parent_is_not_deleted_and_the_page_says_why(editor, plan):
    m1 = add(plan, "M1")
    leaf = add(plan, "M1.1", m1)
    agreements.plan_link_add(
        agreement=build.proposal(), by=None, plan_item=leaf, motivation="Attua la voce."
    )
    refused = text(editor.post(url("plan_item_delete", plan, leaf.pk)))
    assert "La voce è collegata a intese o impegni: togliere prima i collegamenti." in refused
    refused = text(editor.post(url("plan_item_delete", plan, m1.pk)))
    assert "La voce ha sottovoci: spostarle o eliminarle prima." in refused
    assert plan.items.count() == 2


def test_the_next_cycle_carries_over_the_previous_tree(editor, plan):
    add(plan, "M1.1", add(plan, "M1"))
    following = services.plan_create(
        by=None, **{**PLAN_DATA, "level_names": ["Missione"], "previous": plan}
    )
    response = editor.post(url("plan_carry_over", following))
    assert response.status_code == 302
    assert codes(following) == [("M1", 0), ("M1.1", 1)]
    again = editor.post(url("plan_carry_over", following), follow=True)
    assert "Voci già riprese in" in text(again)


def test_a_plan_without_a_previous_one_has_nothing_to_carry_over(editor, plan):
    response = editor.post(url("plan_carry_over", plan), follow=True)
    assert "Il piano non ha un piano precedente" in text(response)


def test_the_editor_lists_the_latest_changes_with_their_authors(editor, people, plan):
    editor.post(url("plan_item_add", plan), {"code": "M1", "title": "Mobilità"})
    page = text(editor.get(url("plan", plan)))
    history = page[page.index("Ultime modifiche") :]
    assert "M1 Mobilità" in history and "aggiunta" in history
    assert people.plan_editor.get_full_name() in history
