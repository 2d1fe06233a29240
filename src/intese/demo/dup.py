"""Load the demo DUP (data/demo/dup.json): the DUP 2024-2026 of the Città metropolitana di Milano
and the document that updates it, with their strategic (SeS) and operational (SeO) objectives
classified by Missione and Programma and linked to the PSTTM 2022-2024, and the demo agreements
linked to operational objectives with their coherence motivation.

Everything is written through the services (plans.dup, agreements.services), so the DUP rules
hold: a SeO objective has its Programma and falls within the document's years, an objective
implements only items of the document's plan. Idempotent: what exists is left as it is, but for
its sources, which follow the file. The documents are facts with their sources (the first web
address of a row's sources in `source_url`, its note and the other sources in `source_note`);
the objectives and links are examples, flagged.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from intese.agreements import services as agreements
from intese.agreements.models import Agreement, PlanLink
from intese.plans import dup
from intese.plans.models import (
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
)


@dataclass
class DupReport:
    documents: list[str] = field(default_factory=list)
    strategic: int = 0
    operational: int = 0
    links: int = 0


def _sources(row: dict, sources: dict) -> dict:
    """A row's source fields: its first cited web address, and its note with the other
    sources (texts, such as a chapter of the plan, or further addresses)."""
    cited = [sources.get(key, key) for key in row.get("sources", [])]
    url = next((c for c in cited if c.startswith(("http://", "https://"))), "")
    lines = [row.get("note", ""), *(c for c in cited if c != url)]
    return {"source_url": url, "source_note": "\n".join(line for line in lines if line)}


def _example(row: dict) -> dict:
    return {
        "is_example": row.get("is_example", False),
        "example_fields": row.get("example_fields", []),
    }


def _keep_sources(instance, values: dict, update, by, **target) -> None:
    """Bring the sources of a row loaded earlier up to date, through its service: a reload
    that changes nothing adds no history."""
    if any(getattr(instance, name) != value for name, value in values.items()):
        update(**target, expected_version=instance.version, by=by, **values)


def _plan_items(document: ProgrammingDocument, codes: list[str]) -> list[PlanItem]:
    items = {i.code: i for i in PlanItem.objects.filter(plan=document.plan, code__in=codes)}
    missing = [code for code in codes if code not in items]
    if missing:
        raise ValueError(f"{document.code}: voci del piano sconosciute {missing}")
    return [items[code] for code in codes]


def _document(row: dict, sources: dict, by, report: DupReport) -> ProgrammingDocument:
    document = ProgrammingDocument.objects.filter(code=row["code"]).first()
    cited = _sources(row, sources)
    if document is not None:
        _keep_sources(document, cited, dup.document_update, by, document=document)
    else:
        document = dup.document_create(
            by=by,
            code=row["code"],
            title=row["title"],
            kind=row["kind"],
            first_year=row["first_year"],
            last_year=row["last_year"],
            updates=ProgrammingDocument.objects.get(code=row["updates"])
            if row.get("updates")
            else None,
            plan=_plan(row.get("plan")),
            **_example(row),
            **cited,
        )
        report.documents.append(document.code)
    return document


def _plan(code):
    return Plan.objects.get(code=code) if code else None


def _strategic(document, row: dict, sources: dict, by, report: DupReport) -> None:
    cited = _sources(row, sources)
    existing = StrategicObjective.objects.filter(document=document, code=row["code"]).first()
    if existing is not None:
        _keep_sources(existing, cited, dup.strategic_objective_update, by, objective=existing)
        return
    dup.strategic_objective_add(
        document=document,
        by=by,
        plan_items=_plan_items(document, row.get("plan_items", [])),
        code=row["code"],
        title=row["title"],
        mission=BudgetMission.objects.get(code=row["mission"]) if row.get("mission") else None,
        **_example(row),
        **cited,
    )
    report.strategic += 1


def _operational(document, row: dict, sources: dict, by, report: DupReport) -> None:
    cited = _sources(row, sources)
    existing = (
        OperationalObjective.objects.select_related("document")
        .filter(document=document, year=row["year"], code=row["code"])
        .first()
    )
    if existing is not None:
        _keep_sources(existing, cited, dup.operational_objective_update, by, objective=existing)
        return
    strategic = row.get("strategic_objective")
    dup.operational_objective_add(
        document=document,
        by=by,
        plan_items=_plan_items(document, row.get("plan_items", [])),
        code=row["code"],
        title=row["title"],
        year=row["year"],
        strategic_objective=StrategicObjective.objects.get(document=document, code=strategic)
        if strategic
        else None,
        programme=BudgetProgramme.objects.get(code=row["programme"]),
        responsible_office=row.get("responsible_office", ""),
        **_example(row),
        **cited,
    )
    report.operational += 1


def _link(row: dict, by, report: DupReport) -> None:
    agreement = Agreement.objects.get(code=row["agreement"])
    objective = OperationalObjective.objects.get(
        document__code=row["document"], code=row["objective"]
    )
    if PlanLink.objects.filter(agreement=agreement, operational_objective=objective).exists():
        return
    agreements.plan_link_add(
        agreement=agreement,
        by=by,
        operational_objective=objective,
        motivation=row["motivation"],
        is_example=row.get("is_example", False),
    )
    report.links += 1


@transaction.atomic
def load_demo_dup(path: Path, *, by=None) -> DupReport:
    """Create what is missing of the demo DUP; needs the demo plans, agreements and the budget
    classification (`intese refdata budget`)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report, sources = DupReport(), data.get("sources", {})
    for row in data["documents"]:
        document = _document(row, sources, by, report)
        for objective in row.get("strategic_objectives", []):
            _strategic(document, objective, sources, by, report)
        for objective in row.get("operational_objectives", []):
            _operational(document, objective, sources, by, report)
    for row in data.get("links", []):
        _link(row, by, report)
    return report
