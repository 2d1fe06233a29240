"""Writers of XLSX and of a ZIP of CSV files: a sheet at a time, a row at a time.

Every writer has the same three steps: open on a file, `add_sheet` for each sheet, `close`.
"""

import csv
import datetime
import io
import zipfile

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from intese.agreements.spreadsheets.format import Column


def _width(column: Column) -> int:
    return 50 if column.kind == "text" else 18


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


class XlsxWriter:
    """XLSX through openpyxl's write-only mode, with bold headers and a frozen first row."""

    def __init__(self, out):
        self.out = out
        self.workbook = openpyxl.Workbook(write_only=True)

    def add_sheet(self, name, headers, rows, columns):
        sheet = self.workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns or (), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _width(column)
        sheet.append([_bold(sheet, h) for h in headers])
        for row in rows:
            sheet.append(row)

    def close(self):
        self.workbook.save(self.out)


class CsvZipWriter:
    """One CSV per sheet (UTF-8 with BOM, comma, RFC 4180 quoting) in a ZIP archive."""

    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)

    def add_sheet(self, name, headers, rows, columns):
        with (
            self.zip.open(f"{name}.csv", "w") as member,
            io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text,
        ):
            writer = csv.writer(text)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_csv_value(v) for v in row])

    def close(self):
        self.zip.close()


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value
