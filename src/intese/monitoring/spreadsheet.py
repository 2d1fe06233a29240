"""A partner's reporting as a spreadsheet: what an organisation owes in a round, written as a
file to fill in, and that file read back and sent through the services.

The file has two sheets, "Impegni" (one row per commitment owing a progress report) and
"Indicatori" (one row per indicator owing a measurement); the first columns say what the row
is and are not read back except the id, the others are filled in by the partner. Reading reuses
the checks of the agreements' import (archive size, zip bombs, DTDs refused before any parser,
row limits). The import submits every filled row through services.progress_submit and
services.measurement_submit in one transaction: if any row is refused nothing is written, and
every problem is listed with its sheet, row and column. Empty rows are skipped.
"""

import datetime
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from intese.agreements.spreadsheets import ImportRefused, read_workbook
from intese.agreements.spreadsheets.cells import cells
from intese.agreements.spreadsheets.export import SpreadsheetFile
from intese.agreements.spreadsheets.format import Formula
from intese.agreements.spreadsheets.ods_writer import OdsWriter
from intese.agreements.spreadsheets.sheetdata import is_empty
from intese.agreements.spreadsheets.values import Bad, as_text, read_date
from intese.core.errors import DomainError
from intese.monitoring import rounds, services
from intese.monitoring.models import (
    Measurement,
    ProgressReport,
    ReviewStatus,
    SelfAssessment,
    Target,
)

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
COMMITMENTS, INDICATORS, INSTRUCTIONS = "Impegni", "Indicatori", "Istruzioni"
COMMITMENT_HEADERS = [
    "id",
    "intesa",
    "impegno",
    "scadenza",
    "avanzamento %",
    "valutazione",
    "descrizione",
    "ostacoli",
    "spiegazione",
]
INDICATOR_HEADERS = [
    "id",
    "codice",
    "nome",
    "unità",
    "data",
    "valore",
    "fonte",
    "nota",
    "spiegazione",
]
# The columns the partner fills in: a row with none of them is skipped.
COMMITMENT_INPUTS = COMMITMENT_HEADERS[4:]
INDICATOR_INPUTS = ["data", "valore", "fonte", "nota", "spiegazione"]
# Where a service's refusal of a field is shown.
COMMITMENT_COLUMNS = {
    "percent": "avanzamento %",
    "self_assessment": "valutazione",
    "narrative": "descrizione",
    "obstacles": "ostacoli",
    "explanation": "spiegazione",
    "commitment": "id",
    "organisation": "id",
}
INDICATOR_COLUMNS = {
    "value": "valore",
    "measured_on": "data",
    "unit": "unità",
    "source": "fonte",
    "note": "nota",
    "explanation": "spiegazione",
    "indicator": "id",
    "organisation": "id",
}
WIDTHS = {"intesa": 16, "impegno": 50, "nome": 50, "descrizione": 50, "ostacoli": 40}


# What is due, with what the page and the file show about it ---------------------------------


def due_items(round, organisation, today: datetime.date | None = None):
    """The commitments and indicators an organisation owes in a round, each annotated with the
    latest accepted figure, the next target and the review of its latest submission in the
    round: two queries whatever their number."""
    today = today or timezone.localdate()
    commitments, indicators = rounds.due_for(round, organisation)
    accepted_reports = ProgressReport.objects.filter(
        commitment=OuterRef("pk"), review_status=ReviewStatus.ACCEPTED
    ).order_by("-reported_on", "-pk")
    round_reports = ProgressReport.objects.filter(round=round, commitment=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    commitments = commitments.annotate(
        last_percent=Subquery(accepted_reports.values("percent")[:1]),
        last_reported_on=Subquery(accepted_reports.values("reported_on")[:1]),
        round_reason=Subquery(round_reports.values("review_reason")[:1]),
    )
    accepted_values = Measurement.objects.filter(
        indicator=OuterRef("pk"), review_status=ReviewStatus.ACCEPTED
    ).order_by("-measured_on", "-pk")
    round_values = Measurement.objects.filter(round=round, indicator=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    next_targets = Target.objects.filter(indicator=OuterRef("pk"), due_on__gte=today).order_by(
        "due_on"
    )
    indicators = indicators.annotate(
        last_value=Subquery(accepted_values.values("value")[:1]),
        last_measured_on=Subquery(accepted_values.values("measured_on")[:1]),
        next_target=Subquery(next_targets.values("value")[:1]),
        next_target_on=Subquery(next_targets.values("due_on")[:1]),
        round_reason=Subquery(round_values.values("review_reason")[:1]),
    )
    return commitments, indicators


# Export -------------------------------------------------------------------------------------


def commitment_rows(commitments):
    for c in commitments:
        yield [c.pk, c.agreement.code, c.title, c.due_on, None, None, None, None, None]


def indicator_rows(indicators):
    for i in indicators:
        yield [i.pk, i.code, i.name, i.unit, None, None, None, None, None]


def instruction_rows(round, organisation):
    labels = ", ".join(str(label) for label in SelfAssessment.labels)
    return [
        [
            _("Rendicontazione di %(organisation)s — %(round)s (periodo dal %(start)s al %(end)s).")
            % {
                "organisation": organisation.name,
                "round": round.title,
                "start": round.period_start.strftime("%d/%m/%Y"),
                "end": round.period_end.strftime("%d/%m/%Y"),
            }
        ],
        [
            _(
                "Compilare solo le colonne dopo le prime quattro; non cambiare le intestazioni né "
                "gli id. Le righe lasciate vuote non vengono inviate."
            )
        ],
        [
            _(
                "Impegni: avanzamento intero da 0 a 100; valutazione tra: %(labels)s; la "
                "descrizione è obbligatoria; spiegare ritardi e ostacoli."
            )
            % {"labels": labels}
        ],
        [
            _(
                "Indicatori: data di riferimento AAAA-MM-GG (non futura), valore nell'unità "
                "indicata, fonte e nota facoltative."
            )
        ],
        [
            _(
                "Se anche una sola riga ha un problema non viene salvato niente: l'elenco indica "
                "foglio, riga e colonna di ogni problema."
            )
        ],
    ]


def template(round, organisation, fmt: str = "xlsx") -> SpreadsheetFile:
    """The file an organisation fills in for a round: its due items, one row each."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format: {fmt}")
    commitments, indicators = rounds.due_for(round, organisation)
    commitments, indicators = list(commitments), list(indicators)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    sheets = [
        (COMMITMENTS, COMMITMENT_HEADERS, [cells(r) for r in commitment_rows(commitments)]),
        (INDICATORS, INDICATOR_HEADERS, [cells(r) for r in indicator_rows(indicators)]),
        (
            INSTRUCTIONS,
            [_("Istruzioni")],
            [cells(r) for r in instruction_rows(round, organisation)],
        ),
    ]
    if fmt == "xlsx":
        _write_xlsx(out, sheets)
    else:
        writer = OdsWriter(out)
        for name, headers, rows in sheets:
            writer.add_sheet(name, headers, rows, ())
        writer.close()
    out.seek(0)
    filename = f"rendicontazione-{round.pk}-{organisation.pk}-{timezone.localdate():%Y-%m-%d}"
    return SpreadsheetFile(out, f"{filename}.{fmt}", FORMATS[fmt])


def _write_xlsx(out, sheets) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append(row)
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 18)
        last = max(sheet.max_row, 2)
        if name == COMMITMENTS:
            _commitment_validations(sheet, last)
        elif name == INDICATORS:
            _indicator_validations(sheet, last)
    workbook.save(out)


def _column(headers, header) -> str:
    return get_column_letter(headers.index(header) + 1)


def _validate(sheet, rule: DataValidation, column: str, last: int) -> None:
    rule.error = rule.error or _("Valore non ammesso.")
    rule.showErrorMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{column}2:{column}{last}")


def _commitment_validations(sheet, last: int) -> None:
    labels = ",".join(str(label) for label in SelfAssessment.labels)
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    percent.error = _("L'avanzamento è una percentuale intera tra 0 e 100.")
    _validate(sheet, percent, _column(COMMITMENT_HEADERS, "avanzamento %"), last)
    assessment = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    assessment.error = _("Scegliere una valutazione dall'elenco.")
    _validate(sheet, assessment, _column(COMMITMENT_HEADERS, "valutazione"), last)
    for row in range(2, last + 1):
        sheet[f"{_column(COMMITMENT_HEADERS, 'scadenza')}{row}"].number_format = "yyyy-mm-dd"


def _indicator_validations(sheet, last: int) -> None:
    day = DataValidation(type="date", operator="greaterThan", formula1="1")
    day.error = _("Scrivere una data AAAA-MM-GG.")
    _validate(sheet, day, _column(INDICATOR_HEADERS, "data"), last)
    value = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15")
    value.error = _("Scrivere un numero.")
    _validate(sheet, value, _column(INDICATOR_HEADERS, "valore"), last)
    for row in range(2, last + 1):
        sheet[f"{_column(INDICATOR_HEADERS, 'data')}{row}"].number_format = "yyyy-mm-dd"


# Import -------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One thing to correct: where (sheet, row, column header) and what."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.problems:
            return _(
                "Non è stato salvato niente: correggere i problemi elencati (%(n)d) e caricare "
                "di nuovo il file."
            ) % {"n": len(self.problems)}
        return _(
            "Inviati %(reports)d stati di avanzamento e %(measurements)d rilevazioni: ora sono "
            "in revisione presso l'Ufficio di Piano."
        ) % {"reports": len(self.reports), "measurements": len(self.measurements)}


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def import_reports(file, *, round, organisation, by, today=None) -> ImportResult:
    """Read a filled-in template and submit every filled row, all or nothing."""
    result = ImportResult()
    try:
        sheets = read_workbook(file)
    except ImportRefused as error:
        result.problems.append(Problem("", None, "", str(error)))
        return result
    if not round.is_open:
        message = (
            _("Il ciclo «%(round)s» è chiuso: non accetta più invii.")
            if round.status == "closed"
            else _("Il ciclo «%(round)s» non è ancora aperto.")
        ) % {"round": round.title}
        result.problems.append(Problem("", None, "", message))
        return result
    by_name = {name.strip().casefold(): sheet for name, sheet in sheets.items()}
    commitment_sheet = by_name.get(COMMITMENTS.casefold())
    indicator_sheet = by_name.get(INDICATORS.casefold())
    if commitment_sheet is None and indicator_sheet is None:
        result.problems.append(
            Problem(
                "",
                None,
                "",
                _("Il file non è il modello di rendicontazione: mancano i fogli «%(a)s» e «%(b)s».")
                % {"a": COMMITMENTS, "b": INDICATORS},
            )
        )
        return result
    today = today or timezone.localdate()
    commitments, indicators = rounds.due_for(round, organisation)
    context = _Context(round, organisation, by, today, result)
    with transaction.atomic():
        if commitment_sheet is not None:
            due = {c.pk: c for c in commitments.select_related("responsible")}
            _import_sheet(commitment_sheet, COMMITMENTS, COMMITMENT_HEADERS, due, context)
        if indicator_sheet is not None:
            due = {i.pk: i for i in indicators.select_related("owner")}
            _import_sheet(indicator_sheet, INDICATORS, INDICATOR_HEADERS, due, context)
        if not result.problems and not (result.reports or result.measurements):
            result.problems.append(
                Problem("", None, "", _("Nessuna riga compilata: non c'è niente da inviare."))
            )
        if result.problems:
            transaction.set_rollback(True)
            result.reports, result.measurements = [], []
    return result


@dataclass
class _Context:
    round: object
    organisation: object
    by: object
    today: datetime.date
    result: ImportResult


def _import_sheet(sheet, name, headers, due, context) -> None:
    positions = {header: i for i, header in enumerate(sheet.headers) if header}
    missing = [h for h in headers if h not in positions and h in _read_columns(name)]
    if missing:
        context.result.problems.append(
            Problem(
                name,
                1,
                ", ".join(missing),
                _(
                    "Mancano le colonne %(columns)s: usare il modello senza cambiare le "
                    "intestazioni."
                )
                % {"columns": ", ".join(f"«{h}»" for h in missing)},
            )
        )
        return
    seen: dict[int, int] = {}
    for number, values in sheet.rows:
        row = {h: values[i] if i < len(values) else None for h, i in positions.items()}
        if all(is_empty(row.get(h)) for h in _inputs(name)):
            continue
        try:
            item = _item(row, name, due, seen, number, context.organisation)
            if name == COMMITMENTS:
                context.result.reports.append(_submit_progress(row, item, context))
            else:
                context.result.measurements.append(_submit_measurement(row, item, context))
        except _RowError as error:
            context.result.problems.append(Problem(name, number, error.column, error.message))


def _read_columns(name) -> list[str]:
    return ["id", *_inputs(name)] + (["unità"] if name == INDICATORS else [])


def _inputs(name) -> list[str]:
    return COMMITMENT_INPUTS if name == COMMITMENTS else INDICATOR_INPUTS


def _item(row, name, due, seen, number, organisation):
    value = _cell(row, "id")
    if is_empty(value):
        raise _RowError("id", _("Manca l'id: non cambiare le prime colonne del modello."))
    text = as_text(value).strip()
    what = _("L'impegno") if name == COMMITMENTS else _("L'indicatore")
    if not text.isdigit() or int(text) not in due:
        raise _RowError(
            "id",
            _(
                "%(what)s con id «%(id)s» non è tra quelli che %(organisation)s deve "
                "rendicontare in questo ciclo."
            )
            % {"what": what, "id": text, "organisation": organisation.name},
        )
    pk = int(text)
    if pk in seen:
        raise _RowError(
            "id",
            _("%(what)s con id %(id)d compare già alla riga %(row)d.")
            % {"what": what, "id": pk, "row": seen[pk]},
        )
    seen[pk] = number
    return due[pk]


def _cell(row, header):
    value = row.get(header)
    if isinstance(value, Formula):
        raise _RowError(
            header,
            _("La cella contiene una formula o un errore («%(formula)s»): scrivere il valore.")
            % {"formula": value.text},
        )
    return value


def _text(row, header) -> str:
    value = _cell(row, header)
    return "" if is_empty(value) else as_text(value).strip()


def _assessment(row) -> str:
    text = _text(row, "valutazione")
    if not text:
        return ""
    for choice in SelfAssessment:
        if text.casefold() in (choice.value, str(choice.label).casefold()):
            return choice.value
    raise _RowError(
        "valutazione",
        _("«%(value)s» non è una valutazione ammessa: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(str(label) for label in SelfAssessment.labels)},
    )


def _submit_progress(row, commitment, context):
    fields = dict(
        percent=_text(row, "avanzamento %"),
        self_assessment=_assessment(row),
        narrative=_text(row, "descrizione"),
        obstacles=_text(row, "ostacoli"),
        explanation=_text(row, "spiegazione"),
    )
    try:
        return services.progress_submit(
            commitment=commitment,
            reported_on=context.today,
            by=context.by,
            organisation=context.organisation,
            round=context.round,
            **fields,
        )
    except DomainError as error:
        raise _RowError(COMMITMENT_COLUMNS.get(error.field, ""), error.message) from None


def _submit_measurement(row, indicator, context):
    day = _cell(row, "data")
    if is_empty(day):
        raise _RowError("data", _("Indicare la data di riferimento (AAAA-MM-GG)."))
    try:
        day = read_date(day)
    except Bad as error:
        raise _RowError("data", str(error)) from None
    value = _cell(row, "valore")
    if is_empty(value):
        raise _RowError("valore", _("Indicare il valore."))
    if isinstance(value, float):
        value = Decimal(repr(value))
    elif not isinstance(value, Decimal | int):
        value = as_text(value)
    try:
        return services.measurement_submit(
            indicator=indicator,
            value=value,
            measured_on=day,
            unit=_text(row, "unità"),
            by=context.by,
            organisation=context.organisation,
            round=context.round,
            source=_text(row, "fonte"),
            note=_text(row, "nota"),
            explanation=_text(row, "spiegazione"),
        )
    except DomainError as error:
        raise _RowError(INDICATOR_COLUMNS.get(error.field, ""), error.message) from None
