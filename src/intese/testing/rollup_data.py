"""Builders of roll-up scenarios for tests: a small plan tree, themes, areas and links, through
the services (monitoring.py beside this file builds agreements, commitments and reports)."""

import datetime
import itertools

from intese.agreements import services as agreements
from intese.agreements.models import Theme
from intese.plans import services as plans
from intese.plans.models import Plan, PlanStatus
from intese.territory.models import Area
from intese.testing import monitoring as build

_codes = itertools.count(1)
MOTIVATION = "Attua la voce del piano nel territorio dell'intesa."


def plan_tree(code=None, *, children=("M1.1", "M1.2")):
    """A plan with one mission M1 and `children` below it; returns (plan, {code: item})."""
    plan = Plan.objects.create(
        code=code or f"piano-{next(_codes)}",
        title="Piano di prova",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        status=PlanStatus.APPROVED,  # drafts are not shown on the public pages
        approved_on=datetime.date(2024, 1, 1),
        level_names=["Missione", "Obiettivo"],
    )
    mission = plans.item_add(plan=plan, by=None, code="M1", title="Missione")
    items = {"M1": mission}
    for child in children:
        items[child] = plans.item_add(
            plan=plan, by=None, parent=mission, code=child, title=f"Obiettivo {child}"
        )
    return plan, items


def link(item, agreement, commitment=None):
    """Link an agreement (or one of its commitments) to a plan item."""
    return agreements.plan_link_add(
        agreement=agreement,
        by=None,
        motivation=MOTIVATION,
        plan_item=item,
        commitment=commitment,
    )


def theme(name=None):
    number = next(_codes)
    return Theme.objects.create(code=f"tema-{number}", name=name or f"Tema di prova {number}")


def comune(istat_code: str) -> Area:
    return Area.objects.get(kind="municipality", code=istat_code)


def zone(code: str) -> Area:
    return Area.objects.get(kind="zone", code=code)


def busy_agreement(people, plan_items, *, themes=(), areas=(), is_public=True):
    """A public agreement of Sesto with three commitments (one reported and accepted, one
    reported and waiting, one without a report), linked to the plan: the kind of data a page
    must show without more queries."""
    agreement = build.agreement_with(build.sesto(), themes=themes, areas=areas, is_public=is_public)
    day = datetime.date(2024, 7, 1)
    reported, waiting, silent = (
        build.commitment(agreement, build.sesto(), due_on=datetime.date(2026, 12, 31), weight=w)
        for w in (1, 2, 3)
    )
    build.report(reported, 60, day, by=people.partner_sesto, accepted_by=people.plan_editor)
    build.report(waiting, 30, day, by=people.partner_sesto)
    for item in plan_items[:1]:
        link(item, agreement)
    for item in plan_items[1:]:
        link(item, agreement, silent)
    return agreement
