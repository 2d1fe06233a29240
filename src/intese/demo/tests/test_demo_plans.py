"""The demo PSTTM: its cycles, six missions, five keywords, the first moves and the links."""

from pathlib import Path

import pytest
from django.conf import settings

from intese.agreements.models import Agreement, PlanLink
from intese.demo.agreements import load_demo_agreements
from intese.demo.plans import load_demo_plans
from intese.plans.models import Plan, PlanItem

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo"


@pytest.fixture
def demo(db):
    load_demo_agreements(DEMO / "agreements.json")
    return load_demo_plans(DEMO / "plan.json")


def test_the_cycles_of_the_plan_follow_each_other(demo):
    current = Plan.objects.get(code="PSTTM-2022-2024")
    assert current.previous.code == "PSTTM-2019-2021"
    assert current.previous.previous.code == "PSTTM-2016-2018"
    assert Plan.objects.get(code="PSTTM-2025-2027").previous == current
    assert current.status == "approvato" and str(current.adopted_on) == "2023-03-22"


def test_the_plan_has_six_missions_and_five_first_moves(demo):
    plan = Plan.objects.get(code="PSTTM-2022-2024")
    missions = plan.items.filter(depth=0, code__startswith="M")
    assert missions.count() == 6
    moves = PlanItem.objects.get(plan=plan, code="PM")
    assert moves.level_name == "Prime mosse"
    assert [i.code for i in moves.children.order_by("path")] == [f"PM-{n}" for n in range(1, 6)]
    assert {i.level_name for i in moves.children.all()} == {"Prima mossa"}


def test_the_five_keywords_tag_the_plan(demo):
    from intese.plans.models import Term

    assert sorted(
        Term.objects.filter(vocabulary__code="parole-chiave").values_list("name", flat=True)
    ) == ["Attrattività", "Connettività", "Inclusione", "Prossimità", "Sostenibilità"]


def test_every_demo_agreement_serves_a_first_move_with_a_motivation(demo):
    for agreement in Agreement.objects.all():
        links = agreement.plan_links.filter(plan_item__code__startswith="PM-")
        assert links.exists(), agreement.code
        assert all(link.motivation.strip() for link in links)


def test_illustrative_items_and_links_are_marked(demo):
    assert all("(esempio)" in i.title for i in PlanItem.objects.filter(is_example=True))
    assert not PlanLink.objects.filter(
        plan_item__code__startswith="M", is_example=False, plan_item__code__contains="-ES-"
    ).exists()


def test_the_2025_2027_draft_carries_over_the_six_missions_as_the_source_says(demo):
    draft = Plan.objects.get(code="PSTTM-2025-2027")
    carried = {i.code: i for i in draft.items.select_related("carried_from__plan")}
    assert sorted(carried) == [f"M{n}" for n in range(1, 7)]
    for code, item in carried.items():
        original = item.carried_from
        assert original.plan.code == "PSTTM-2022-2024" and original.code == code
        assert item.level_name == "Missione" and item.title == original.title
        assert set(item.tags.all()) == set(original.tags.all())
        assert "tags" in item.example_fields  # the illustrative tags stay illustrative
        assert "sostanziale continuità" in item.source_note
        assert "dietrolanotizia.eu/2025/02/forum-metropolitano" in item.source_note
    # the source names five missions out of six: the sixth is a deduction, flagged
    assert "title" in carried["M6"].example_fields
    assert not any("title" in carried[f"M{n}"].example_fields for n in range(1, 6))


def test_some_commitments_serve_plan_items_and_the_explorer_counts_them(demo):
    from intese.plans import selectors

    links = PlanLink.objects.filter(commitment__isnull=False).select_related("commitment")
    assert links.count() == 5
    assert all(link.is_example and link.motivation.strip() for link in links)
    assert all(link.commitment.agreement_id == link.agreement_id for link in links)
    tree = selectors.plan_tree(Plan.objects.get(code="PSTTM-2022-2024"))
    counts = {item.code: item.commitment_count for item in tree}
    assert counts["PM"] == 2 and counts["PM-2"] == 1 and counts["M4-ES-1"] == 1


def test_loading_the_plans_twice_changes_nothing(demo):
    before = PlanItem.history.count(), PlanLink.objects.count()
    assert load_demo_plans(DEMO / "plan.json") == []
    assert (PlanItem.history.count(), PlanLink.objects.count()) == before
