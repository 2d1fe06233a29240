"""The public "Andamento" pages: how the plan is progressing, as of a day, and how it is computed.

Every figure comes from monitoring.public (the roll-ups of rollup.py over public agreements
only) and is shown with what it is made of, so that anyone can recompute it from the open data.
"""

import csv
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intese.actors.models import Organisation
from intese.agreements.models import Theme
from intese.core.permissions import PUBLIC, requires
from intese.core.spreadsheets import Echo, neutralise
from intese.monitoring import public
from intese.monitoring import status as rules
from intese.monitoring.status import STATUS_ORDER, Figure, Status
from intese.plans import selectors
from intese.plans.models import Plan
from intese.territory.models import Area

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # the only format of ?al=, as <input type="date">

# Status is never told by colour alone: every status has its word and its own icon.
STATUS_LOOK = {
    Status.DONE: ("it-check-circle", "icon-success"),
    Status.ON_TRACK: ("it-arrow-right-circle", "icon-primary"),
    Status.NOT_STARTED: ("it-minus-circle", "icon-secondary"),
    Status.AT_RISK: ("it-warning-circle", "icon-warning"),
    Status.LATE: ("it-error", "icon-danger"),
    Status.MISSING: ("it-help-circle", "icon-secondary"),
}
NO_COMMITMENTS_LOOK = ("it-close-circle", "icon-secondary")


@dataclass
class Shown:
    """A roll-up figure as a page shows it: percentages, status word and icon, the counts."""

    figure: Figure

    @property
    def progress(self) -> Decimal | None:
        return self.figure.progress

    @property
    def coverage(self) -> Decimal | None:
        coverage = self.figure.coverage
        return None if coverage is None else (coverage * 100).quantize(Decimal("0.1"))

    @property
    def status(self) -> str | None:
        return self.figure.status

    @property
    def label(self) -> str:
        return self.figure.get_status_display() or _("Nessun impegno")

    @property
    def icon(self) -> str:
        return STATUS_LOOK.get(self.status, NO_COMMITMENTS_LOOK)[0]

    @property
    def tone(self) -> str:
        return STATUS_LOOK.get(self.status, NO_COMMITMENTS_LOOK)[1]

    @property
    def counts(self) -> list[tuple[str, int, int]]:
        """(status word, number of commitments, their weight) in the published order."""
        counts, weights = self.figure.counts, self.figure.weights
        return [(s.label, counts[s], weights.get(s, 0)) for s in STATUS_ORDER if counts.get(s)]

    @property
    def reason(self) -> str:
        """Which rule of the group status applies, with its numbers."""
        if self.status is None:
            return _("Nessun impegno conteggiato.")
        figure = self.figure
        values = {
            "status": self.label,
            "total": figure.total_weight,
            "with_data": figure.weight_with_data,
            "late": figure.weight_of(Status.LATE),
            "trouble": figure.weight_of(Status.LATE, Status.AT_RISK),
            "judged": figure.total_weight - figure.weight_of(Status.MISSING),
            "coverage": number_format(_percent(rules.COVERAGE_MINIMUM)),
            "share": number_format(_percent(rules.TROUBLE_SHARE)),
        }
        return REASONS[self.status]() % values


REASONS = {
    Status.DONE: lambda: _("Stato «%(status)s»: tutto il peso (%(total)s) è concluso."),
    Status.MISSING: lambda: _(
        "Stato «%(status)s»: i dati coprono %(with_data)s su %(total)s di peso, meno del "
        "%(coverage)s%%."
    ),
    Status.LATE: lambda: _(
        "Stato «%(status)s»: il peso in ritardo (%(late)s) supera il %(share)s%% del peso "
        "valutato (%(judged)s)."
    ),
    Status.AT_RISK: lambda: _(
        "Stato «%(status)s»: il peso in ritardo o a rischio (%(trouble)s) supera il %(share)s%% "
        "del peso valutato (%(judged)s)."
    ),
    Status.NOT_STARTED: lambda: _("Stato «%(status)s»: nessun impegno è ancora avviato."),
    Status.ON_TRACK: lambda: _(
        "Stato «%(status)s»: il peso in ritardo o a rischio (%(trouble)s) non supera il "
        "%(share)s%% del peso valutato (%(judged)s)."
    ),
}


def _percent(share: Decimal) -> Decimal:
    value = share * 100
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


def shown(figures: dict, key) -> Shown:
    return Shown(figures.get(key) or Figure())


@dataclass
class AsOf:
    """The day the figures are computed for (GET ?al=YYYY-MM-DD, today by default)."""

    day: datetime.date
    today: datetime.date
    error: str = ""
    asked: bool = False

    @property
    def query(self) -> str:
        """The query string that keeps the chosen day on the links between the pages."""
        return f"?al={self.day.isoformat()}" if self.asked else ""


def as_of_from(request) -> AsOf:
    today = timezone.localdate()
    asked = request.GET.get("al", "").strip()
    if not asked:
        return AsOf(today, today)
    try:
        if not ISO_DAY.fullmatch(asked):
            raise ValueError(asked)
        day = datetime.date.fromisoformat(asked)
    except ValueError:
        message = _(
            "La data «%(value)s» non è valida: scrivila come AAAA-MM-GG (per esempio "
            "%(example)s). È mostrata la situazione di oggi."
        )
        return AsOf(today, today, message % {"value": asked[:40], "example": today.isoformat()})
    if day > today:
        message = _(
            "La data %(day)s è nel futuro: l'andamento si può vedere solo fino a oggi. "
            "È mostrata la situazione di oggi."
        )
        return AsOf(today, today, message % {"day": day.strftime("%d/%m/%Y")})
    return AsOf(day, today, asked=day != today)


def _render(request, template, as_of: AsOf, **context):
    return render(request, f"portal/monitoring/{template}", {"as_of": as_of, **context})


@requires(PUBLIC)
def progress_home(request):
    as_of = as_of_from(request)
    by_plan = public.by_plan(as_of.day)
    plans = list(Plan.objects.published().order_by("-period_start", "code"))
    return _render(
        request,
        "home.html",
        as_of,
        overall=Shown(public.overall(as_of.day)),
        plans=[(plan, shown(by_plan, plan.pk)) for plan in plans],
    )


@requires(PUBLIC)
def progress_plan(request, code):
    as_of = as_of_from(request)
    plan = get_object_or_404(Plan.objects.published(), code=code)
    figures = public.by_plan_item(plan, as_of.day)
    items = selectors.plan_tree(plan, public_only=True)
    return _render(
        request,
        "plan.html",
        as_of,
        plan=plan,
        whole=shown(figures, ""),
        rows=[(item, shown(figures, item.path)) for item in items],
    )


def _dimension(request, as_of: AsOf, kind: str, groups, figures: dict):
    rows = [(group, shown(figures, group.pk)) for group in groups]
    return _render(request, "dimension.html", as_of, kind=kind, rows=rows, **DIMENSIONS[kind]())


DIMENSIONS = {
    "zone": lambda: {
        "title": _("Andamento per zona omogenea"),
        "intro": _(
            "Un'intesa conta per una zona quando il suo ambito territoriale nomina la zona o "
            "un Comune che alla data scelta ne fa parte."
        ),
        "column": _("Zona omogenea"),
        "linked": True,
    },
    "theme": lambda: {
        "title": _("Andamento per tema"),
        "intro": _("Un'intesa conta per ciascuno dei temi a cui è associata."),
        "column": _("Tema"),
        "linked": False,
    },
    "party": lambda: {
        "title": _("Andamento per soggetto responsabile"),
        "intro": _(
            "Ogni impegno conta per l'organizzazione che ne è responsabile: sono elencate solo "
            "le organizzazioni con impegni in intese pubbliche."
        ),
        "column": _("Soggetto responsabile"),
        "linked": True,
    },
}


@requires(PUBLIC)
def progress_zones(request):
    as_of = as_of_from(request)
    zones = Area.objects.zones().order_by("name")
    return _dimension(request, as_of, "zone", zones, public.by_zone(as_of.day))


@requires(PUBLIC)
def progress_themes(request):
    as_of = as_of_from(request)
    themes = Theme.objects.order_by("name")
    return _dimension(request, as_of, "theme", themes, public.by_theme(as_of.day))


@requires(PUBLIC)
def progress_parties(request):
    """Only the organisations responsible for commitments of public agreements."""
    as_of = as_of_from(request)
    figures = public.by_party(as_of.day)
    parties = Organisation.objects.filter(pk__in=list(figures)).order_by("name", "pk")
    return _dimension(request, as_of, "party", parties, figures)


@requires(PUBLIC)
def progress_method(request):
    """The published rules, with the thresholds read from monitoring.status."""
    return render(
        request,
        "portal/monitoring/method.html",
        {
            "coverage_minimum": _percent(rules.COVERAGE_MINIMUM),
            "trouble_share": _percent(rules.TROUBLE_SHARE),
            "statuses": [(s.label, *STATUS_LOOK[s]) for s in STATUS_ORDER],
        },
    )


CSV_HEADER = [
    "id_impegno",
    "codice_intesa",
    "responsabile",
    "peso",
    "percentuale",
    "data_relazione",
    "stato",
    "descrizione_stato",
    "scadenza",
]


def _csv_row(row, labels: dict) -> list:
    commitment, agreement, responsible, weight, percent, reported_on, status, due_on = row
    return neutralise(
        [
            commitment,
            agreement,
            responsible,
            weight,
            "" if percent is None else percent,
            reported_on.isoformat() if reported_on else "",
            status,
            labels[status],
            due_on.isoformat() if due_on else "",
        ]
    )


@requires(PUBLIC)
def progress_csv(request):
    """The status of every commitment of the public agreements as of the day: streamed,
    formula-safe, enough to recompute every figure of these pages."""
    as_of = as_of_from(request)
    writer = csv.writer(Echo())
    labels = {s.value: str(s.label) for s in Status}  # in the request's language, before streaming

    def rows():
        yield writer.writerow(CSV_HEADER)
        for row in public.commitment_rows(as_of.day):
            yield writer.writerow(_csv_row(row, labels))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"andamento-impegni-{as_of.day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
