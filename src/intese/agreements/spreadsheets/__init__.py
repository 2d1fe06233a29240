"""The agreements registry as a spreadsheet: one format, exported and imported back unchanged.

The same sheets and columns travel in three containers: XLSX, ODS, and a ZIP holding one UTF-8
CSV per sheet. Export streams each sheet from one query and neutralises every text cell a
spreadsheet would run as a formula. Import checks the archive before any parsing (zip and XML
bombs), reads every row, validates everything against reference data loaded once, and writes
only when nothing is wrong: in one transaction, through the services of this app, so that an
imported agreement meets the same rules as one typed in a form. A dry run does the same and
rolls back.

The modules, in the order a file travels (docs/spreadsheets.md describes the format):
- the format: `format` (columns, sheets), `sheets` (the six sheets), `cells` (safe text and
  references), `limits`;
- export: `export`, `export_rows`, `writers` (XLSX, CSV), `ods_writer`;
- reading: `archive` (bomb and DTD checks), `reading`, `ods_reader`, `sheetdata`;
- validation: `values` (cell readers), `references`, `rows`, `structure`, `links`, `plan`;
- comparison: `registry`, `matching`, `comparison`, `descriptions`;
- writing: `registration` (new agreements, in bulk), `writing` (changes to registered ones,
  row by row), `importing` (the transaction), `report`.
"""

from intese.agreements.spreadsheets.archive import ImportRefused, check_archive
from intese.agreements.spreadsheets.export import SpreadsheetFile, export_agreements, template
from intese.agreements.spreadsheets.format import FORMATS, INSTRUCTIONS, Column, Sheet
from intese.agreements.spreadsheets.importing import import_agreements
from intese.agreements.spreadsheets.limits import (
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
)
from intese.agreements.spreadsheets.reading import read_workbook
from intese.agreements.spreadsheets.report import Addition, Change, ImportReport, Problem
from intese.agreements.spreadsheets.sheetdata import SheetData
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
    SHEETS,
)

__all__ = [
    "ACTS",
    "AGREEMENTS",
    "COMMITMENTS",
    "FORMATS",
    "FUNDING",
    "INSTRUCTIONS",
    "MAX_COLUMNS",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MILESTONES",
    "PARTIES",
    "SHEETS",
    "Addition",
    "Change",
    "Column",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "Sheet",
    "SheetData",
    "SpreadsheetFile",
    "check_archive",
    "export_agreements",
    "import_agreements",
    "read_workbook",
    "template",
]
