"""The plan explorer and the tree editor cost the same number of queries with a handful of items
as with 5,000 items and 10,000 agreements (20,000 links to the plan)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.agreements.models import Agreement, Commitment, PlanLink
from intese.plans import services
from intese.plans.models import PATH_STEP, Plan, PlanItem, Term, Vocabulary
from intese.testing import agreements as build

pytestmark = pytest.mark.django_db

SCALE_PLAN = "scala"


def scale_plan(code=SCALE_PLAN) -> Plan:
    return Plan.objects.create(
        code=code,
        title="Piano di prova su larga scala",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        level_names=["Missione", "Obiettivo", "Azione"],
    )


def _segment(position: int) -> str:
    return f"{position:0{PATH_STEP}d}"


def grow_plan(plan: Plan, *, items=5000, agreements=10_000, tops=10, per_top=10) -> None:
    """Bulk-write a three-level tree of `items` items (paths in the services' format), a
    vocabulary tagging one item in three, `agreements` agreements (one in five private) each
    linked to two leaves, and one commitment per four agreements linked with its agreement."""
    level0 = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, code=f"M{t + 1}", title=f"Missione {t + 1}", path=_segment(t + 1))
        for t in range(tops)
    )
    level1 = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            parent=top,
            code=f"{top.code}.{o + 1}",
            title=f"Obiettivo {top.code}.{o + 1}",
            path=f"{top.path}.{_segment(o + 1)}",
            depth=1,
        )
        for top in level0
        for o in range(per_top)
    )
    leaves, seen = [], {}
    for n in range(items - len(level0) - len(level1)):
        parent = level1[n % len(level1)]
        seen[parent.pk] = position = seen.get(parent.pk, 0) + 1
        leaves.append(
            PlanItem(
                plan=plan,
                parent=parent,
                code=f"{parent.code}.{position}",
                title=f"Azione {parent.code}.{position}",
                description="Azione generata per la misura delle prestazioni.",
                path=f"{parent.path}.{_segment(position)}",
                depth=2,
            )
        )
    leaves = PlanItem.objects.bulk_create(leaves, batch_size=1000)
    vocabulary, _created = Vocabulary.objects.get_or_create(code="sdg", defaults={"name": "SDG"})
    terms = [
        Term.objects.get_or_create(vocabulary=vocabulary, code=f"sdg-{n}", defaults={"name": n})[0]
        for n in range(1, 4)
    ]
    Tagged = PlanItem.tags.through
    Tagged.objects.bulk_create(
        (Tagged(planitem=item, term=terms[n % 3]) for n, item in enumerate(leaves) if n % 3 == 0),
        batch_size=2000,
    )
    rows = build.bulk(agreements, prefix=f"PIANO-{plan.code.upper()}")
    Agreement.objects.filter(pk__in=[a.pk for a in rows[::5]]).update(is_public=False)
    commitments = Commitment.objects.bulk_create(
        (
            Commitment(agreement=a, title="Impegno di prova", responsible=build.cmm())
            for a in rows[::4]
        ),
        batch_size=2000,
    )
    by_agreement = {c.agreement_id: c for c in commitments}
    PlanLink.objects.bulk_create(
        (
            PlanLink(
                agreement=a,
                commitment=by_agreement.get(a.pk) if k else None,
                plan_item=leaves[(n * 7 + k * 13) % len(leaves)],
                motivation="Attua l'azione del piano.",
            )
            for n, a in enumerate(rows)
            for k in (0, 1)
        ),
        batch_size=2000,
    )


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


def test_the_explorer_takes_six_queries(client, django_assert_num_queries):
    plan = scale_plan()
    grow_plan(plan, items=30, agreements=10, tops=2, per_top=2)
    # 1 the plan, 2 the items, 3 their tags, 4 the tags' vocabularies, 5 the counts per
    # path prefix (one UNION ALL), 6 the tags on offer in the filter
    with django_assert_num_queries(6):
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
