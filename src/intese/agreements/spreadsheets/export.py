"""Export: the registry, or an empty template, written in one of the three containers."""

import tempfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from intese.agreements.models import Agreement
from intese.agreements.spreadsheets import export_rows
from intese.agreements.spreadsheets.cells import cells, yes_no
from intese.agreements.spreadsheets.format import FILE_EXTENSIONS, FORMATS, INSTRUCTIONS
from intese.agreements.spreadsheets.ods_writer import OdsWriter
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
    SHEETS,
)
from intese.agreements.spreadsheets.writers import CsvZipWriter, XlsxWriter

WRITERS = {"xlsx": XlsxWriter, "ods": OdsWriter, "csv": CsvZipWriter}
ROWS = (
    (AGREEMENTS, export_rows.agreement_rows),
    (PARTIES, export_rows.party_rows),
    (ACTS, export_rows.act_rows),
    (COMMITMENTS, export_rows.commitment_rows),
    (MILESTONES, export_rows.milestone_rows),
    (FUNDING, export_rows.funding_rows),
)


@dataclass
class SpreadsheetFile:
    """A spreadsheet ready to send: the open file (at its start), its name and its type."""

    file: object
    filename: str
    content_type: str


def export_agreements(queryset, fmt: str, *, filename: str = "") -> SpreadsheetFile:
    """Write the agreements of `queryset`, with everything they hold, in format `fmt`.

    Each sheet is streamed from one query into a temporary file (in memory while small), so
    memory stays flat whatever the number of agreements. The sheet "Istruzioni" closes the file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format: {fmt}")
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    writer = WRITERS[fmt](out)
    ids = queryset.values("pk")
    for sheet, rows in ROWS:
        writer.add_sheet(sheet.name, sheet.headers, (cells(r) for r in rows(ids)), sheet.columns)
    writer.add_sheet(
        INSTRUCTIONS,
        ["foglio", "colonna", "obbligatoria", "spiegazione"],
        (cells(r) for r in instructions()),
        (),
    )
    writer.close()
    out.seek(0)
    name = filename or f"intese-{timezone.localdate():%Y-%m-%d}"
    return SpreadsheetFile(out, f"{name}.{FILE_EXTENSIONS[fmt]}", FORMATS[fmt])


def template(fmt: str) -> SpreadsheetFile:
    """An empty file in the import format: the headers of every sheet and the instructions."""
    return export_agreements(Agreement.objects.none(), fmt, filename="modello-intese")


def instructions():
    """The rows of the sheet "Istruzioni": the rules of the file, then every column."""
    yield [
        "",
        "",
        "",
        _(
            "Il file si importa così com'è: ogni foglio ha in prima riga le intestazioni, "
            "che non vanno cambiate. Le righe che mancano non cancellano nulla; se una sola "
            "riga ha un problema non viene salvato niente e il rapporto indica foglio, riga e "
            "colonna di ogni problema. Le date sono AAAA-MM-GG; sì/no per le colonne a scelta "
            "doppia. Un apostrofo iniziale davanti a =, +, - o @ protegge dalle formule e "
            "viene tolto all'importazione."
        ),
    ]
    for sheet in SHEETS:
        yield [sheet.name, "", "", str(sheet.help)]
        for column in sheet.columns:
            allowed = ""
            if column.choices:
                allowed = " " + _("Valori: %(values)s.") % {
                    "values": ", ".join(f"{c.value} ({c.label})" for c in column.choices)
                }
            yield [
                sheet.name,
                column.header,
                yes_no(column.required),
                f"{column.help}{allowed}",
            ]
