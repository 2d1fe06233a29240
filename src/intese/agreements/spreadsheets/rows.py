"""Rows of the file, read: every cell through its reader, then the model's own field rules."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from intese.agreements.models import Act, Agreement, Commitment, FundingLine, Milestone, Party
from intese.agreements.spreadsheets.format import Sheet
from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.spreadsheets.sheetdata import SheetData, is_empty
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
)
from intese.agreements.spreadsheets.values import Bad, read_cell

MODELS = {
    AGREEMENTS.name: Agreement,
    PARTIES.name: Party,
    ACTS.name: Act,
    COMMITMENTS.name: Commitment,
    MILESTONES.name: Milestone,
    FUNDING.name: FundingLine,
}
SERVICE_SKIPS = {"agreement", "position", "commitment"}


@dataclass
class Row:
    """A row of the file, read: its values by model field name, and what it becomes."""

    sheet: Sheet
    number: int
    values: dict
    ok: bool = True  # no problem found in it
    match: object = None  # the registered row it describes, if any
    updates: dict = field(default_factory=dict)  # changes to apply to `match`
    created: object = None  # the row written from it

    def service_fields(self) -> dict:
        """The values as the services take them: without the agreement and commitment named
        by code and number, which the writer turns into rows."""
        return {k: v for k, v in self.values.items() if k not in SERVICE_SKIPS}


def read_rows(sheet: Sheet, data: SheetData | None, refs, report: ImportReport) -> list[Row]:
    """Every row of a sheet, every cell read and every problem noted in the report."""
    if data is None:
        return []
    index = {h: i for i, h in enumerate(data.headers)}
    rows = []
    for number, cells in data.rows:
        row = Row(sheet, number, {})
        if any(not is_empty(v) for v in cells[len(data.headers) :]):
            report.problem_in(row, "", _("Ci sono valori fuori dalle colonne intestate."))
        for column in sheet.columns:
            i = index[column.header]
            try:
                value = read_cell(column, cells[i] if i < len(cells) else None, refs)
            except Bad as error:
                report.problem_in(row, column.header, error)
            else:
                row.values[column.field] = value
        _clean(row, report)
        rows.append(row)
    return rows


def _clean(row: Row, report: ImportReport) -> None:
    """The model's own field validation (lengths, web addresses, CUP…), without queries."""
    model = MODELS[row.sheet.name]
    simple = {
        f.name: row.values[f.name]
        for f in model._meta.concrete_fields
        if f.name in row.values and not f.is_relation
    }
    exclude = [f.name for f in model._meta.concrete_fields if f.name not in simple]
    try:
        model(**simple).clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                report.problem_in(row, row.sheet.column_for(name), message)
    values = row.values
    # The rules the database also holds as constraints (their checks would cost a query).
    start, end = values.get("effective_from"), values.get("expires_on")
    if start and end and end <= start:
        report.problem_in(row, "scade_il", _("La scadenza deve seguire la data di efficacia."))
    start, end = values.get("published_from"), values.get("published_to")
    if start and end and end < start:
        report.problem_in(
            row, "pubblicato_al", _("La fine della pubblicazione deve seguirne l'inizio.")
        )
