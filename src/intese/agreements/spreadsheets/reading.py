"""Reading an upload: the archive check, then the reader its contents call for."""

import csv
import io
import logging
import zipfile
from pathlib import PurePosixPath

import openpyxl
from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.archive import (
    NOT_A_SPREADSHEET,
    UNREADABLE,
    ImportRefused,
    check_archive,
)
from intese.agreements.spreadsheets.format import Formula
from intese.agreements.spreadsheets.ods import ODS_MIMETYPE
from intese.agreements.spreadsheets.ods_reader import read_ods
from intese.agreements.spreadsheets.sheetdata import SheetData, sheet_data

log = logging.getLogger(__name__)


def read_workbook(file) -> dict[str, SheetData]:
    """The sheets of an uploaded file, after checking the archive. Raises ImportRefused."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(NOT_A_SPREADSHEET) from error
    with archive:
        check_archive(archive)
        names = set(archive.namelist())
        try:
            if "xl/workbook.xml" in names:
                file.seek(0)
                return _read_xlsx(file)
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE.encode():
                return read_ods(archive)
            return _read_csv_zip(archive)
        except ImportRefused:
            raise
        except Exception as error:  # any parser failure on an untrusted file means "unreadable"
            log.info("spreadsheet refused as unreadable", exc_info=True)
            raise ImportRefused(UNREADABLE) from error


def _read_xlsx(file) -> dict[str, SheetData]:
    workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    try:
        sheets = {}
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # do not trust the size the file declares
            rows = ([_xlsx_value(c) for c in row] for row in worksheet.iter_rows())
            sheets[worksheet.title] = sheet_data(worksheet.title, enumerate(rows, start=1))
        return sheets
    finally:
        workbook.close()


def _xlsx_value(cell):
    if cell.data_type in ("f", "e"):
        return Formula(str(cell.value))
    return cell.value


def _read_csv_zip(archive) -> dict[str, SheetData]:
    sheets = {}
    for member in archive.infolist():
        path = PurePosixPath(member.filename)
        if member.is_dir() or path.parts[0] == "__MACOSX":
            continue
        if path.suffix.lower() != ".csv":
            raise ImportRefused(
                _("L'archivio contiene «%(name)s»: sono ammessi solo file .csv.")
                % {"name": member.filename}
            )
        text = _decode(archive.read(member), member.filename)
        first_line = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = ([v or None for v in row] for row in reader)
        sheets[path.stem] = sheet_data(path.stem, enumerate(rows, start=1))
    return sheets


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        _("«%(name)s» non è un testo UTF-8: salvarlo come «CSV UTF-8».") % {"name": name}
    )
