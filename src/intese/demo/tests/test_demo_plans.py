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


def test_loading_the_plans_twice_changes_nothing(demo):
    before = PlanItem.history.count()
    assert load_demo_plans(DEMO / "plan.json") == []
    assert PlanItem.history.count() == before
