"""The structure of a file: its sheets and their headers, checked before any row is read."""

from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.format import INSTRUCTIONS, Sheet
from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.spreadsheets.sheetdata import SheetData
from intese.agreements.spreadsheets.sheets import AGREEMENTS, SHEETS


def check_structure(sheets: dict[str, SheetData], report: ImportReport) -> dict[str, SheetData]:
    """The known sheets by their canonical name; unknown sheets and bad headers are reported."""
    known = {s.name.lower(): s for s in SHEETS}
    found = {}
    for name, data in sheets.items():
        sheet = known.get(name.strip().lower())
        if sheet is not None:
            found[sheet.name] = data
            _check_headers(sheet, data, report)
        elif name.strip().lower() != INSTRUCTIONS.lower():
            report.problem(
                name,
                None,
                "",
                _("Foglio sconosciuto «%(name)s»: i fogli ammessi sono %(allowed)s.")
                % {"name": name, "allowed": ", ".join(s.name for s in SHEETS)},
            )
    if AGREEMENTS.name not in found:
        report.problem(
            AGREEMENTS.name, None, "", _("Manca il foglio «%(name)s».") % {"name": "Intese"}
        )
    return found


def _check_headers(sheet: Sheet, data: SheetData, report: ImportReport) -> None:
    if not data.headers and not data.rows:
        return  # an empty sheet: nothing to import from it
    for header in sheet.headers:
        if header not in data.headers:
            report.problem(sheet.name, 1, header, _("Manca la colonna."))
    seen = set()
    for header in data.headers:
        if header in seen:
            report.problem(sheet.name, 1, header, _("Colonna ripetuta."))
        elif header not in sheet.headers:
            report.problem(
                sheet.name,
                1,
                header,
                _("Colonna sconosciuta: le colonne di questo foglio sono %(headers)s.")
                % {"headers": ", ".join(sheet.headers)},
            )
        seen.add(header)
