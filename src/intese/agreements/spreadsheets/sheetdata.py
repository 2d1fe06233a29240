"""What a sheet holds once read, whatever the container: headers and non-empty rows."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.archive import ImportRefused
from intese.agreements.spreadsheets.cells import unprotect
from intese.agreements.spreadsheets.limits import MAX_ROWS


@dataclass
class SheetData:
    """What a sheet holds: its normalised headers and its non-empty rows with their numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list]]


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_data(name: str, rows) -> SheetData:
    """Headers from row 1, then the non-empty rows; `rows` yields (row number, values)."""
    sheet = SheetData(name, [], [])
    for number, values in rows:
        values = [unprotect(v) for v in values]
        if number == 1:
            sheet.headers = [_normalise_header(v) for v in values]
            while sheet.headers and not sheet.headers[-1]:
                sheet.headers.pop()
            continue
        if all(is_empty(v) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise too_many_rows(name)
        sheet.rows.append((number, values))
    return sheet


def too_many_rows(name: str) -> ImportRefused:
    return ImportRefused(
        _("Il foglio «%(sheet)s» ha più di %(max)d righe.") % {"sheet": name, "max": MAX_ROWS}
    )


def _normalise_header(value) -> str:
    return "" if value is None else str(value).strip().lower()
