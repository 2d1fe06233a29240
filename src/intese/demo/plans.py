"""Load the demo plans (PSTTM cycles, vocabularies, tree, links) from data/demo/plan.json.

Facts cite their sources; illustrative items, tags and links carry their example flags.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction

from intese.agreements import services as agreements
from intese.agreements.models import Agreement
from intese.plans import services
from intese.plans.models import Plan, PlanAct, PlanItem, Term, Vocabulary

TOP_LEVEL_LABELS = {"PM": "Prime mosse"}


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _cite(row: dict, sources: dict) -> str:
    lines = [row.get("note", "")] + [sources.get(k, k) for k in row.get("sources", [])]
    return "\n".join(line for line in lines if line)


def _vocabularies(rows: list[dict]) -> None:
    for row in rows:
        vocabulary, _created = Vocabulary.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        for order, term in enumerate(row["terms"]):
            Term.objects.update_or_create(
                vocabulary=vocabulary,
                code=term["code"],
                defaults={"name": term["name"], "order": order},
            )


def _tags(codes: list[str]):
    pairs = [code.split(":", 1) for code in codes]
    return [Term.objects.get(vocabulary__code=v, code=t) for v, t in pairs]


def _items(plan, rows, parent, sources, by):
    for row in rows:
        item = services.item_add(
            plan=plan,
            by=by,
            parent=parent,
            code=row["code"],
            title=row["title"],
            description=row.get("description", ""),
            responsible_office=row.get("responsible_office", ""),
            level_label=row.get("level_label")
            or (TOP_LEVEL_LABELS.get(row["code"], "") if parent is None else ""),
            is_example=row.get("is_example", False),
            example_fields=row.get("example_fields", []),
            source_note=_cite(row, sources),
            tags=_tags(row.get("tags", [])),
        )
        _items(plan, row.get("children", []), item, sources, by)


def _plan(row: dict, sources: dict, by) -> Plan:
    plan = Plan.objects.create(
        code=row["code"],
        title=row["title"],
        period_start=_date(row["period_start"]),
        period_end=_date(row["period_end"]),
        status=row["status"],
        adopted_on=_date(row.get("adopted_on")),
        approved_on=_date(row.get("approved_on")),
        level_names=row.get("levels", []),
        example_fields=row.get("example_fields", []),
        source_note=_cite(row, sources),
    )
    for act in row.get("acts", []):
        PlanAct.objects.create(
            plan=plan,
            kind=act["role"],
            number=act.get("number", ""),
            date=_date(act["date"]),
            title=act.get("title", ""),
            url=act.get("url", ""),
            is_example=act.get("is_example", False),
        )
    _items(plan, row.get("items", []), None, sources, by)
    return plan


@transaction.atomic
def load_demo_plans(path: Path, *, by=None) -> list[str]:
    """Create the demo plans that do not exist yet, with their trees and links."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _vocabularies(data["vocabularies"])
    created = [
        _plan(row, data["sources"], by)
        for row in data["plans"]
        if not Plan.objects.filter(code=row["code"]).exists()
    ]
    for row in data["plans"]:
        if row.get("previous"):
            Plan.objects.filter(code=row["code"]).update(
                previous=Plan.objects.get(code=row["previous"])
            )
    if created:
        for link in data["links"]:
            item = PlanItem.objects.get(code=link["item"], plan__in=created)
            agreements.plan_link_add(
                agreement=Agreement.objects.get(code=link["agreement"]),
                by=by,
                plan_item=item,
                motivation=link["motivation"],
                is_example=link.get("is_example", False),
            )
    return [plan.code for plan in created]
