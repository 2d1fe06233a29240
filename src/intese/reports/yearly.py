"""The yearly monitoring report (relazione annuale sul controllo strategico, art. 147-ter TUEL).

Its sections follow the dimensions the law names for the strategic control: results against
objectives, economic-financial aspects, timing against forecasts, procedures, quality of
services and socio-economic effects. Every figure is computed by the published rules
(monitoring/status.py) as of one day, and shown with what it is made of.

`build` asks the database a fixed number of questions whatever the size of the plan; it calls
`on_step(percent, label)` between sections so that a background run can show its progress.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from intese.agreements.models import Act, Agreement, FundingLine, FundingSource, StatusChange
from intese.agreements.models import Status as AgreementStatus
from intese.monitoring.rollup import by_plan_item
from intese.monitoring.status import STATUS_ORDER, Status
from intese.plans.models import OperationalObjective, Plan, PlanItem, ProgrammingDocument
from intese.reports import charts, queries
from intese.reports.figures import FigureView, view

CHART_LABEL = 45  # characters of a group's name on a chart


@dataclass
class ItemRow:
    item: PlanItem
    figure: FigureView


@dataclass
class ClassRow:
    """A Missione, a Programma or an operational objective of the DUP, with its roll-up."""

    level: str  # mission | programme | objective
    code: str
    name: str
    figure: FigureView
    plan_items: str = ""


@dataclass
class SourceRow:
    source: str
    label: str
    total: Decimal
    lines: int
    agreements: int
    share: Decimal | None


@dataclass
class Funding:
    sources: list
    total: Decimal
    agreements: list
    unfunded: int


@dataclass
class Timing:
    due_in_year: int
    done_in_year: int
    late: list
    forecast_late: list
    without_data: int
    milestones_due_in_year: int
    milestones_missed: list


@dataclass
class CountRow:
    key: str
    label: str
    count: int
    extra: int = 0


@dataclass
class Procedures:
    by_status: list
    transitions: list
    acts: list


@dataclass
class Indicators:
    rows: list
    shares: list  # CountRow per status: count, extra = weight


@dataclass
class YearlyReport:
    plan: Plan
    document: ProgrammingDocument | None
    year: int
    as_of: datetime.date
    whole: FigureView
    items: list
    classification: list
    funding: Funding
    timing: Timing
    procedures: Procedures
    indicators: Indicators
    chart_groups: list = field(default_factory=list)
    chart_groups_by_mission: bool = False
    progress_groups: list = field(default_factory=list)
    status_chart: charts.Chart | None = None
    progress_chart: charts.Chart | None = None

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [
            ("risultati", _("Risultati rispetto agli obiettivi")),
            ("economico-finanziari", _("Aspetti economico-finanziari")),
            ("tempi", _("Tempi di realizzazione rispetto alle previsioni")),
            ("procedure", _("Procedure")),
            ("qualita-effetti", _("Qualità dei servizi ed effetti socio-economici")),
            ("metodo", _("Come si calcola")),
        ]


def context(report: YearlyReport) -> dict:
    """What the templates of the report need, on the page and in the PDF."""
    from intese.reports import method

    return {
        "report": report,
        "method": method.for_templates(),
        "title": _("Relazione annuale sul monitoraggio: %(plan)s, anno %(year)s")
        % {"plan": report.plan, "year": report.year},
    }


def as_of_for(year: int, as_of: datetime.date | None = None) -> datetime.date:
    """The day the figures refer to: the chosen day, else the last day of the year."""
    return as_of or datetime.date(year, 12, 31)


def linked_agreements(plan, document, year):
    """Primary keys of the agreements linked to the plan's items or to the DUP's objectives
    of the year (the same set as queries.scope_sql's linked_agreements)."""
    linked = Q(plan_links__plan_item__plan=plan)
    if document is not None:
        linked |= Q(
            plan_links__operational_objective__document=document,
            plan_links__operational_objective__year=year,
        )
    return Agreement.objects.filter(linked).values("pk")


def _no_step(percent: int, label: str) -> None:
    return None


def build(
    plan: Plan,
    document: ProgrammingDocument | None,
    year: int,
    as_of: datetime.date,
    *,
    on_step: Callable[[int, str], None] = _no_step,
    with_charts: bool = True,
) -> YearlyReport:
    params = queries.scope_params(plan, document, year, as_of)
    on_step(10, _("Risultati rispetto agli obiettivi"))
    whole, items = _results(plan, as_of)
    on_step(25, _("Missioni e programmi del DUP"))
    classification = _classification(document, year, params)
    on_step(40, _("Aspetti economico-finanziari"))
    linked = linked_agreements(plan, document, year)
    funding = _funding(linked)
    on_step(55, _("Tempi rispetto alle previsioni"))
    timing = _timing(params, year, as_of)
    on_step(65, _("Procedure"))
    procedures = _procedures(linked, year)
    on_step(75, _("Indicatori"))
    indicators = _indicators(params)
    report = YearlyReport(
        plan=plan,
        document=document,
        year=year,
        as_of=as_of,
        whole=whole,
        items=items,
        classification=classification,
        funding=funding,
        timing=timing,
        procedures=procedures,
        indicators=indicators,
    )
    _chart_groups(report)
    if with_charts:
        on_step(80, _("Grafici"))
        _draw(report)
    return report


# Results against objectives ----------------------------------------------------------------


def _results(plan: Plan, as_of: datetime.date):
    figures = by_plan_item(plan, as_of)
    items = [ItemRow(item, view(figures.get(item.path))) for item in plan.items.all()]
    return view(figures.get("")), items


def _classification(document, year: int, params: dict) -> list[ClassRow]:
    """Missioni, their Programmi and the operational objectives of the year, each rolled up."""
    if document is None:
        return []
    objectives = (
        OperationalObjective.objects.filter(document=document, year=year)
        .select_related("programme__mission")
        .prefetch_related("plan_items")
        .order_by("programme__code", "code")
    )
    figures = queries.classification_figures(params)
    rows, seen = [], set()
    for objective in objectives:
        programme = objective.programme
        mission = programme.mission
        for level, code, name in (
            ("mission", mission.code, mission.name),
            ("programme", programme.code, programme.name),
        ):
            key = f"{level[0].upper()}{code}"
            if key not in seen:
                seen.add(key)
                rows.append(ClassRow(level, code, name, view(figures.get(key))))
        rows.append(
            ClassRow(
                "objective",
                objective.code,
                objective.title,
                view(figures.get(f"O{objective.pk}")),
                ", ".join(item.code for item in objective.plan_items.all()),
            )
        )
    return rows


# Economic-financial aspects ----------------------------------------------------------------


def _funding(linked) -> Funding:
    counted = FundingLine.objects.filter(agreement__in=linked).exclude(
        agreement__status=AgreementStatus.REVOKED
    )
    by_source = (
        counted.values("source")
        .annotate(
            total=Sum("amount"), lines=Count("pk"), agreements=Count("agreement", distinct=True)
        )
        .order_by("source")
    )
    sources = [
        SourceRow(
            row["source"],
            FundingSource(row["source"]).label,
            row["total"],
            row["lines"],
            row["agreements"],
            None,
        )
        for row in by_source
    ]
    total = sum((s.total for s in sources), start=Decimal(0))
    for source in sources:
        source.share = (100 * source.total / total).quantize(Decimal("0.1")) if total else None
    agreements = list(
        Agreement.objects.filter(pk__in=linked)
        .exclude(status=AgreementStatus.REVOKED)
        .with_planned_expenditure()
        .only("code", "title", "status")
        .order_by("code")
    )
    unfunded = sum(1 for a in agreements if a.planned_expenditure is None)
    return Funding(sources, total, agreements, unfunded)


# Timing against forecasts ------------------------------------------------------------------


def _timing(params: dict, year: int, as_of: datetime.date) -> Timing:
    rows = queries.commitments(params)
    due = [r for r in rows if r.due_on and r.due_on.year == year]
    milestones = queries.milestones(params)
    for milestone in milestones:
        if milestone.reached_on and milestone.reached_on > as_of:
            milestone.reached_on = None  # not reached yet on the report's day
    return Timing(
        due_in_year=len(due),
        done_in_year=sum(1 for r in due if r.status == Status.DONE),
        late=[r for r in rows if r.status == Status.LATE],
        forecast_late=[r for r in rows if r.status != Status.LATE and r.forecast_late],
        without_data=sum(1 for r in rows if r.percent is None),
        milestones_due_in_year=sum(1 for m in milestones if m.due_on.year == year),
        milestones_missed=[
            m for m in milestones if m.reached_on is None or m.reached_on > m.due_on
        ],
    )


# Procedures --------------------------------------------------------------------------------


def _procedures(linked, year: int) -> Procedures:
    counts = dict(
        Agreement.objects.filter(pk__in=linked)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [
        CountRow(status, label, counts.get(status, 0)) for status, label in AgreementStatus.choices
    ]
    moves = dict(
        StatusChange.objects.filter(agreement__in=linked, on__year=year)
        .values("to_status")
        .annotate(n=Count("pk"))
        .values_list("to_status", "n")
    )
    transitions = [
        CountRow(status, label, moves[status])
        for status, label in AgreementStatus.choices
        if status in moves
    ]
    acts = list(
        Act.objects.filter(agreement__in=linked, date__year=year)
        .select_related("agreement", "issuer")
        .order_by("date", "pk")
    )
    return Procedures(by_status, transitions, acts)


# Quality of services and socio-economic effects --------------------------------------------


def _indicators(params: dict) -> Indicators:
    rows = queries.indicators(params)
    shares = [
        CountRow(
            status,
            Status(status).label,
            sum(1 for r in rows if r.status == status),
            sum(r.weight for r in rows if r.status == status),
        )
        for status in STATUS_ORDER
        if status != Status.NOT_STARTED
    ]
    return Indicators(rows, shares)


# Charts ------------------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= CHART_LABEL else text[: CHART_LABEL - 1] + "…"


def _chart_groups(report: YearlyReport) -> None:
    """Status by Missione when a DUP is given, else by first-level item of the plan; progress
    of the whole plan and of each first-level item."""
    missions = [row for row in report.classification if row.level == "mission"]
    top = [row for row in report.items if row.item.depth == 0]
    if missions:
        report.chart_groups = [(_short(f"{m.code} {m.name}"), m.figure) for m in missions]
        report.chart_groups_by_mission = True
    else:
        report.chart_groups = [(_short(str(r.item)), r.figure) for r in top]
    report.progress_groups = [(_("Intero piano"), report.whole)] + [
        (_short(str(r.item)), r.figure) for r in top
    ]


def _draw(report: YearlyReport) -> None:
    if report.chart_groups:
        report.status_chart = charts.status_distribution(
            report.chart_groups,
            alt=_(
                "Grafico a barre: quota del peso degli impegni in ciascuno stato, per %(group)s. "
                "I valori sono nella tabella che segue."
            )
            % {
                "group": _("missione")
                if report.chart_groups_by_mission
                else _("voce di primo livello")
            },
        )
    report.progress_chart = charts.progress_bars(
        report.progress_groups,
        alt=_(
            "Grafico a barre: avanzamento ponderato dell'intero piano e di ciascuna voce di "
            "primo livello. I valori sono nella tabella che segue."
        ),
        missing_label=_("dato mancante"),
        empty_label=_("nessun impegno"),
    )
