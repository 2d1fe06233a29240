"""Large plans built in bulk, for the scale tests and the benchmarks: paths written as the
services write them, without a query per row."""

import datetime

from intese.agreements.models import Agreement, Commitment, PlanLink, Theme
from intese.plans.models import PATH_STEP, Plan, PlanItem, PlanStatus, Term, Vocabulary
from intese.territory.models import Area
from intese.testing.agreements import bulk as agreements_bulk
from intese.testing.agreements import cmm

MOTIVATION = "Attua la voce del piano."


def make_plan(code="psttm", start=2022) -> Plan:
    return Plan.objects.create(
        code=code,
        title=f"Piano {code}",
        period_start=datetime.date(start, 1, 1),
        period_end=datetime.date(start + 2, 12, 31),
        level_names=["Missione", "Obiettivo", "Azione"],
    )


def scale_plan(code="scala") -> Plan:
    return Plan.objects.create(
        code=code,
        title="Piano di prova su larga scala",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status=PlanStatus.APPROVED,  # published: the public explorer shows no drafts
        approved_on=datetime.date(2025, 1, 1),
        level_names=["Missione", "Obiettivo", "Azione"],
    )


def segment(position: int) -> str:
    return f"{position:0{PATH_STEP}d}"


def bulk_tree(plan: Plan, *, items: int, tops: int, per_top: int = 10, description=""):
    """A three-level tree of `items` items: `tops` missions, `per_top` objectives under each,
    the other items as actions spread in turn under the objectives. Returns the actions."""
    level0 = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, code=f"M{t}", title=f"Missione {t}", path=segment(t))
        for t in range(1, tops + 1)
    )
    level1 = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            parent=top,
            code=f"{top.code}.{o}",
            title=f"Obiettivo {top.code}.{o}",
            path=f"{top.path}.{segment(o)}",
            depth=1,
        )
        for top in level0
        for o in range(1, per_top + 1)
    )
    positions: dict[int, int] = {}
    leaves = []
    for n in range(items - len(level0) - len(level1)):
        parent = level1[n % len(level1)]
        positions[parent.pk] = position = positions.get(parent.pk, 0) + 1
        leaves.append(
            PlanItem(
                plan=plan,
                parent=parent,
                code=f"{parent.code}.{position}",
                title=f"Azione {parent.code}.{position}",
                description=description,
                path=f"{parent.path}.{segment(position)}",
                depth=2,
            )
        )
    return PlanItem.objects.bulk_create(leaves, batch_size=2000)


def grow(plan: Plan, *, items: int, agreements: int, prefix: str) -> list[Agreement]:
    """Bulk-write a three-level tree of `items` items (10 per top item at the second level,
    paths as the services write them) and `agreements` agreements, each on one theme with a
    zone or a Comune as scope, linked to one leaf, one in four also through a commitment."""
    leaves = bulk_tree(plan, items=items, tops=max(1, items // 100))
    rows = agreements_bulk(agreements, prefix=prefix)
    themes = [
        Theme.objects.get_or_create(code=code, defaults={"name": code.title()})[0]
        for code in ("mobilita", "ambiente", "lavoro", "casa")
    ]
    scopes = list(Area.objects.zones()) + list(Area.objects.municipalities()[:40])
    Themed, Scoped = Agreement.themes.through, Agreement.areas.through
    Themed.objects.bulk_create(
        (Themed(agreement=a, theme=themes[n % 3]) for n, a in enumerate(rows)), batch_size=4000
    )
    Scoped.objects.bulk_create(
        (Scoped(agreement=a, area=scopes[n % len(scopes)]) for n, a in enumerate(rows)),
        batch_size=4000,
    )
    responsible = cmm()
    commitments = {
        c.agreement_id: c
        for c in Commitment.objects.bulk_create(
            (Commitment(agreement=a, title="Impegno", responsible=responsible) for a in rows[::4]),
            batch_size=4000,
        )
    }
    PlanLink.objects.bulk_create(
        (
            PlanLink(
                agreement=a,
                commitment=commitments.get(a.pk),
                plan_item=leaves[(n * 7) % len(leaves)],
                motivation=MOTIVATION,
            )
            for n, a in enumerate(rows)
        ),
        batch_size=4000,
    )
    return rows


def grow_plan(plan: Plan, *, items=5000, agreements=10_000, tops=10, per_top=10) -> None:
    """Bulk-write a three-level tree of `items` items (paths in the services' format), a
    vocabulary tagging one item in three, `agreements` agreements (one in five private) each
    linked to two leaves, and one commitment per four agreements linked with its agreement."""
    leaves = bulk_tree(
        plan,
        items=items,
        tops=tops,
        per_top=per_top,
        description="Azione generata per la misura delle prestazioni.",
    )
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
    rows = agreements_bulk(agreements, prefix=f"PIANO-{plan.code.upper()}")
    Agreement.objects.filter(pk__in=[a.pk for a in rows[::5]]).update(is_public=False)
    responsible = cmm()
    commitments = Commitment.objects.bulk_create(
        (
            Commitment(agreement=a, title="Impegno di prova", responsible=responsible)
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
