"""The plan explorer and the tree editor cost the same number of queries with a handful of items
as with 5,000 items and 10,000 agreements (20,000 links to the plan)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.agreements.models import PlanLink
from intese.plans import services
from intese.plans.models import PlanItem
from intese.testing.plans import grow_plan, scale_plan

pytestmark = pytest.mark.django_db

SCALE_PLAN = "scala"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def pages(code: str) -> dict:
    item = PlanItem.objects.get(plan__code=code, code="M1.1")
    explorer = reverse("portal:plan", args=[code])
    return {
        "explorer": explorer,
        "explorer filtered": explorer + "?etichetta=sdg:sdg-1",
        "item": reverse("portal:plan_item", args=[code, item.pk]),
        "plans": reverse("portal:plans"),
        "editor": reverse("backoffice:plan", args=[code]),
        "editor plans": reverse("backoffice:plans"),
    }


def test_plan_pages_do_not_grow_with_the_tree_or_the_registry(client, people):
    client.force_login(people.plan_editor)
    grow_plan(scale_plan("piccolo"), items=40, agreements=20, tops=2, per_top=3)
    small = {name: count_queries(client, url) for name, url in pages("piccolo").items()}
    grow_plan(scale_plan(), items=5000, agreements=10_000)
    assert PlanLink.objects.filter(plan_item__plan__code=SCALE_PLAN).count() == 20_000
    large = {name: count_queries(client, url) for name, url in pages(SCALE_PLAN).items()}
    assert large == small


def test_the_explorer_takes_seven_queries(client, django_assert_num_queries):
    plan = scale_plan()
    grow_plan(plan, items=30, agreements=10, tops=2, per_top=2)
    # 1 the plan, 2 the items, 3 their tags, 4 the tags' vocabularies, 5 the counts per
    # path prefix (one UNION ALL), 6 the tags on offer in the filter, 7 the plan's acts
    with django_assert_num_queries(7):
        client.get(reverse("portal:plan", args=[plan.code]))


def test_a_bulk_built_tree_is_a_tree_the_services_can_extend(db):
    """The builder writes paths exactly as the services do: adding and moving still work."""
    plan = scale_plan()
    grow_plan(plan, items=30, agreements=4, tops=2, per_top=2)
    top = plan.items.get(code="M2")
    added = services.item_add(plan=plan, by=None, parent=top, code="M2.3", title="Nuovo")
    assert added.path == f"{top.path}.0003"
    services.item_move(item=plan.items.get(code="M1.1"), new_parent=top, by=None)
    assert plan.items.get(code="M1.1").path == f"{top.path}.0004"
