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


def _first_address(row: dict, sources: dict) -> str:
    """The first of a row's sources that is a web address (some sources are texts)."""
    addresses = (sources.get(k, k) for k in row.get("sources", []))
    return next((a for a in addresses if a.startswith(("http://", "https://"))), "")


def _upsert(model, values: dict, **lookup):
    """Create the row, or update it only when something differs: a reload adds no history."""
    row, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created and any(getattr(row, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    return row


def _vocabularies(rows: list[dict], sources: dict) -> None:
    for row in rows:
        vocabulary = _upsert(
            Vocabulary,
            {
                "name": row["name"],
                "description": row.get("description", ""),
                "source": _first_address(row, sources),
            },
            code=row["code"],
        )
        for order, term in enumerate(row["terms"]):
            _upsert(
                Term,
                {
                    "name": term["name"],
                    "order": order,
                    "description": term.get("description", ""),
                    "source": _first_address(term, sources),
                },
                vocabulary=vocabulary,
                code=term["code"],
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
            example_fields=act.get("example_fields", []),
        )
    _items(plan, row.get("items", []), None, sources, by)
    return plan


@transaction.atomic
def load_demo_plans(path: Path, *, by=None) -> list[str]:
    """Create the demo plans that do not exist yet, with their trees and links."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _vocabularies(data["vocabularies"], data["sources"])
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
            agreement = Agreement.objects.get(code=link["agreement"])
            agreements.plan_link_add(
                agreement=agreement,
                by=by,
                plan_item=item,
                # a commitment is named by the start of its title
                commitment=agreement.commitments.get(title__startswith=link["commitment"])
                if link.get("commitment")
                else None,
                motivation=link["motivation"],
                is_example=link.get("is_example", False),
            )
    for row in data.get("carry_over", []):
        _carry_over(row, data["sources"], by)
    return [plan.code for plan in created]


def _carry_over(row: dict, sources: dict, by) -> None:
    """Carry the listed items into the next cycle, once (items already carried are skipped),
    citing why they are carried and flagging what the source does not say."""
    source, target = Plan.objects.get(code=row["from"]), Plan.objects.get(code=row["to"])
    carried = target.items.filter(carried_from__plan=source).values("carried_from")
    chosen = source.items.filter(code__in=row["items"]).exclude(pk__in=carried)
    if not chosen:
        return
    note, flags = _cite(row, sources), row.get("example_fields", {})
    for copy in services.plan_carry_over(source=source, target=target, by=by, items=chosen):
        services.item_update(
            item=copy,
            expected_version=copy.version,
            by=by,
            source_note="\n".join(line for line in (copy.source_note, note) if line),
            example_fields=[*copy.example_fields, *flags.get(copy.code, [])],
        )
