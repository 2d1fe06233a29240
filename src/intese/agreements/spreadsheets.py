"""The agreements registry as a spreadsheet: one format, exported and imported back unchanged.

The same sheets and columns travel in three containers: XLSX, ODS, and a ZIP holding one UTF-8
CSV per sheet. Export streams each sheet from one query and neutralises every text cell a
spreadsheet would run as a formula. Import checks the archive before any parsing (zip and XML
bombs), reads every row, validates everything against reference data loaded once, and writes
only when nothing is wrong: in one transaction, through the services of this app, so that an
imported agreement meets the same rules as one typed in a form. A dry run does the same and
rolls back.
"""

import csv
import datetime
import io
import logging
import re
import tempfile
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import (
    Act,
    ActKind,
    Agreement,
    AgreementKind,
    Commitment,
    CommitmentStatus,
    FundingLine,
    FundingSource,
    Milestone,
    Party,
    PartyRole,
    Renewal,
    Status,
    Theme,
)
from intese.core.errors import DomainError
from intese.core.spreadsheets import FORMULA_STARTS, neutralise
from intese.territory.models import Area, AreaKind

# Limits of an upload: the view refuses bigger files; the archive check refuses what would
# inflate beyond these once decompressed, before any parser sees it (ASVS V5.2.3).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 100
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # smaller members cannot hurt, and their ratios are noisy
MAX_ROWS = 100_000
MAX_COLUMNS = 200
log = logging.getLogger(__name__)
CHUNK = 500  # codes per query when reading the registry: below every database's parameter limit

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "application/zip",
}
FILE_EXTENSIONS = {"xlsx": "xlsx", "ods": "ods", "csv": "zip"}
INSTRUCTIONS = "Istruzioni"
LIST_SEPARATOR = "; "
YES, NO = "sì", "no"


# --- The format -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column: its header, the model field it fills, how its cells read, and its help text."""

    header: str
    field: str
    kind: str  # text, code, date, bool, int, decimal, choice, list, areas, org, agreement, ...
    help: str
    required: bool = False
    choices: type[models.TextChoices] | None = None
    default: object = None


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column_for(self, field_name: str) -> str:
        return next((c.header for c in self.columns if c.field == field_name), "")


def _agreement_column():
    return Column(
        "codice_intesa",
        "agreement",
        "agreement",
        gettext_lazy("Codice dell'intesa, nel foglio Intese o già nel registro."),
        required=True,
    )


def _example_column():
    return Column(
        "esempio",
        "is_example",
        "bool",
        gettext_lazy("sì se la riga è un dato illustrativo (demo), non un fatto."),
        default=False,
    )


ORGANISATION_HELP = gettext_lazy(
    "Organizzazione: codice IPA, altrimenti codice fiscale, altrimenti denominazione esatta."
)
DATE_HELP = gettext_lazy("Data AAAA-MM-GG (anche GG/MM/AAAA).")

AGREEMENTS = Sheet(
    "Intese",
    gettext_lazy("Una riga per intesa. Se il codice esiste già, la riga aggiorna l'intesa."),
    (
        Column(
            "codice",
            "code",
            "code",
            gettext_lazy("Codice univoco dell'intesa (al massimo 40 caratteri)."),
            required=True,
        ),
        Column("titolo", "title", "text", gettext_lazy("Titolo dell'intesa."), required=True),
        Column("sintesi", "summary", "text", gettext_lazy("Sintesi dei contenuti.")),
        Column(
            "tipo",
            "kind",
            "kind",
            gettext_lazy("Codice del tipo di intesa (es. accordo_pa_art15, protocollo_intesa)."),
            required=True,
        ),
        Column("base_giuridica", "legal_basis", "text", gettext_lazy("Norma di riferimento.")),
        Column(
            "intesa_quadro",
            "parent",
            "agreement",
            gettext_lazy(
                "Codice dell'intesa quadro di riferimento: un'altra riga del file (anche "
                "successiva) o un'intesa già registrata."
            ),
        ),
        Column(
            "stato",
            "status",
            "choice",
            gettext_lazy(
                "Stato attuale. Per una nuova intesa il sistema ripercorre il ciclo di vita "
                "fino a questo stato, con i suoi controlli (atto di approvazione, firme…); "
                "vuoto vale «proposed». Lo stato di un'intesa già registrata non si cambia "
                "da qui."
            ),
            choices=Status,
        ),
        Column(
            "temi",
            "themes",
            "themes",
            gettext_lazy("Codici dei temi, separati da «; »."),
        ),
        Column(
            "ambito",
            "areas",
            "areas",
            gettext_lazy(
                "Aree come tipo:codice separate da «; », es. «zone:sud-ovest; "
                "municipality:015146». Tipi: region, province, metropolitan_city, zone, "
                "municipality; codici ISTAT, o il codice della zona omogenea."
            ),
        ),
        Column(
            "coerenza",
            "coherence_statement",
            "text",
            gettext_lazy(
                "Motivazione della coerenza con il piano strategico: obbligatoria prima "
                "dell'approvazione."
            ),
        ),
        Column(
            "pubblica",
            "is_public",
            "bool",
            gettext_lazy("sì o no: l'intesa compare sul portale pubblico. Vuoto vale sì."),
            default=True,
        ),
        Column("efficace_dal", "effective_from", "date", DATE_HELP),
        Column("scade_il", "expires_on", "date", DATE_HELP),
        Column(
            "rinnovo",
            "renewal",
            "choice",
            gettext_lazy("Rinnovo previsto; vuoto vale «none»."),
            choices=Renewal,
            default=Renewal.NONE,
        ),
        Column(
            "campi_di_esempio",
            "example_fields",
            "list",
            gettext_lazy("Nomi dei campi dal valore illustrativo, separati da «; »."),
        ),
        Column("fonti", "source_note", "text", gettext_lazy("Fonti delle informazioni.")),
    ),
)
PARTIES = Sheet(
    "Parti",
    gettext_lazy("Una riga per ruolo di un'organizzazione in un'intesa."),
    (
        _agreement_column(),
        Column("organizzazione", "organisation", "org", ORGANISATION_HELP, required=True),
        Column("ruolo", "role", "choice", gettext_lazy("Ruolo nell'intesa."), True, PartyRole),
        Column(
            "firma_richiesta",
            "signature_required",
            "bool",
            gettext_lazy("sì o no: la parte deve firmare. Vuoto vale sì."),
            default=True,
        ),
        Column(
            "firmata_il",
            "signed_on",
            "date",
            gettext_lazy(
                "Data della firma. Per un'intesa già registrata, una firma nuova viene "
                "registrata come nel modulo (e l'ultima firma richiesta stipula l'intesa)."
            ),
        ),
        _example_column(),
    ),
)
ACTS = Sheet(
    "Atti",
    gettext_lazy("Atti che approvano o riguardano un'intesa."),
    (
        _agreement_column(),
        Column("tipo", "kind", "choice", gettext_lazy("Tipo di atto."), True, ActKind),
        Column("numero", "number", "text", gettext_lazy("Numero dell'atto.")),
        Column("data", "date", "date", DATE_HELP, required=True),
        Column("ente", "issuer", "org", ORGANISATION_HELP),
        Column("oggetto", "title", "text", gettext_lazy("Oggetto dell'atto.")),
        Column(
            "approva",
            "approves",
            "bool",
            gettext_lazy("sì se l'atto approva il testo dell'intesa. Vuoto vale no."),
            default=False,
        ),
        Column("pubblicato_dal", "published_from", "date", DATE_HELP),
        Column("pubblicato_al", "published_to", "date", DATE_HELP),
        Column("indirizzo", "url", "text", gettext_lazy("Indirizzo web dell'atto.")),
        _example_column(),
    ),
)
COMMITMENTS = Sheet(
    "Impegni",
    gettext_lazy("Impegni delle parti, numerati 1, 2, 3… all'interno di ogni intesa."),
    (
        _agreement_column(),
        Column(
            "numero",
            "position",
            "int",
            gettext_lazy(
                "Posizione dell'impegno nell'intesa (1..n). Un numero già registrato aggiorna "
                "quell'impegno; i nuovi seguono l'ultimo senza salti."
            ),
            required=True,
        ),
        Column("impegno", "title", "text", gettext_lazy("Che cosa si fa."), required=True),
        Column("descrizione", "description", "text", gettext_lazy("Descrizione.")),
        Column(
            "responsabile",
            "responsible",
            "org",
            gettext_lazy("Organizzazione responsabile: deve essere parte dell'intesa."),
            required=True,
        ),
        Column("scadenza", "due_on", "date", DATE_HELP),
        Column(
            "stato",
            "status",
            "choice",
            gettext_lazy("Stato; vuoto vale «planned»."),
            choices=CommitmentStatus,
            default=CommitmentStatus.PLANNED,
        ),
        _example_column(),
    ),
)
MILESTONES = Sheet(
    "Traguardi",
    gettext_lazy("Traguardi datati di un impegno."),
    (
        _agreement_column(),
        Column(
            "numero_impegno",
            "commitment",
            "int",
            gettext_lazy("Numero dell'impegno (colonna numero del foglio Impegni)."),
            required=True,
        ),
        Column("traguardo", "title", "text", gettext_lazy("Traguardo."), required=True),
        Column("previsto_il", "due_on", "date", DATE_HELP, required=True),
        Column("raggiunto_il", "reached_on", "date", DATE_HELP),
        _example_column(),
    ),
)
FUNDING = Sheet(
    "Finanziamenti",
    gettext_lazy("Risorse per l'intesa, per fonte."),
    (
        _agreement_column(),
        Column("fonte", "source", "choice", gettext_lazy("Fonte."), True, FundingSource),
        Column("descrizione", "description", "text", gettext_lazy("Descrizione.")),
        Column(
            "importo",
            "amount",
            "decimal",
            gettext_lazy("Euro, con punto o virgola per i decimali (es. 1250000,50)."),
            required=True,
        ),
        Column(
            "cup",
            "cup",
            "code",
            gettext_lazy("Codice Unico di Progetto, 15 caratteri (es. J41B21000000001)."),
        ),
        Column("missione_pnrr", "pnrr_mission", "code", gettext_lazy("Es. M5.")),
        Column("componente_pnrr", "pnrr_component", "code", gettext_lazy("Es. C2.")),
        Column("investimento_pnrr", "pnrr_investment", "code", gettext_lazy("Es. 2.1.")),
        _example_column(),
    ),
)
SHEETS = (AGREEMENTS, PARTIES, ACTS, COMMITMENTS, MILESTONES, FUNDING)
SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}


# --- Cells ------------------------------------------------------------------------------------

QUOTE_AGAIN = (*FORMULA_STARTS, "'")


def _protect(value):
    """Neutralise a text cell; a text that itself starts with a quote keeps it on import."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("'") and value[1:].startswith(QUOTE_AGAIN):
            value = "'" + value
    return value


def _unprotect(value):
    """Remove the quote that export added in front of a formula-looking text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(QUOTE_AGAIN):
        return value[1:]
    return value


def _cells(values: list) -> list:
    return neutralise([_protect(v) for v in values])


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _organisation_ref(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.ipa_code or organisation.codice_fiscale or organisation.name


def _area_ref(area: Area) -> str:
    return f"{area.kind}:{area.code}"


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula or an error instead of a value."""

    text: str


# --- Export -----------------------------------------------------------------------------------


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
    writer = {"xlsx": _XlsxWriter, "ods": _OdsWriter, "csv": _CsvZipWriter}[fmt](out)
    ids = queryset.values("pk")
    for sheet, rows in (
        (AGREEMENTS, _agreement_rows(ids)),
        (PARTIES, _party_rows(ids)),
        (ACTS, _act_rows(ids)),
        (COMMITMENTS, _commitment_rows(ids)),
        (MILESTONES, _milestone_rows(ids)),
        (FUNDING, _funding_rows(ids)),
    ):
        writer.add_sheet(sheet.name, sheet.headers, (_cells(r) for r in rows), sheet.columns)
    writer.add_sheet(
        INSTRUCTIONS,
        ["foglio", "colonna", "obbligatoria", "spiegazione"],
        (_cells(r) for r in _instructions()),
        (),
    )
    writer.close()
    out.seek(0)
    name = filename or f"intese-{timezone.localdate():%Y-%m-%d}"
    return SpreadsheetFile(out, f"{name}.{FILE_EXTENSIONS[fmt]}", FORMATS[fmt])


def template(fmt: str) -> SpreadsheetFile:
    """An empty file in the import format: the headers of every sheet and the instructions."""
    return export_agreements(Agreement.objects.none(), fmt, filename="modello-intese")


def _agreement_rows(ids):
    agreements = (
        Agreement.objects.filter(pk__in=ids)
        .select_related("kind", "parent")
        .prefetch_related("themes", Prefetch("areas", Area.objects.only("kind", "code")))
        .order_by("code")
    )
    for a in agreements.iterator(chunk_size=1000):
        yield [
            a.code,
            a.title,
            a.summary,
            a.kind.code,
            a.legal_basis,
            a.parent.code if a.parent else "",
            a.status,
            LIST_SEPARATOR.join(sorted(t.code for t in a.themes.all())),
            LIST_SEPARATOR.join(sorted(_area_ref(x) for x in a.areas.all())),
            a.coherence_statement,
            _yes_no(a.is_public),
            a.effective_from,
            a.expires_on,
            a.renewal,
            LIST_SEPARATOR.join(a.example_fields or []),
            a.source_note,
        ]


ORGANISATION_COLUMNS = ("name", "ipa_code", "codice_fiscale")


def _party_rows(ids):
    parties = (
        Party.objects.filter(agreement__in=ids)
        .select_related("agreement", "organisation")
        .only(
            "agreement__code",
            *(f"organisation__{f}" for f in ORGANISATION_COLUMNS),
            "role",
            "signature_required",
            "signed_on",
            "is_example",
        )
        .order_by("agreement__code", "pk")
    )
    for p in parties.iterator(chunk_size=2000):
        yield [
            p.agreement.code,
            _organisation_ref(p.organisation),
            p.role,
            _yes_no(p.signature_required),
            p.signed_on,
            _yes_no(p.is_example),
        ]


def _act_rows(ids):
    acts = (
        Act.objects.filter(agreement__in=ids)
        .select_related("agreement", "issuer")
        .order_by("agreement__code", "date", "pk")
    )
    for act in acts.iterator(chunk_size=2000):
        yield [
            act.agreement.code,
            act.kind,
            act.number,
            act.date,
            _organisation_ref(act.issuer),
            act.title,
            _yes_no(act.approves),
            act.published_from,
            act.published_to,
            act.url,
            _yes_no(act.is_example),
        ]


def _commitment_rows(ids):
    commitments = (
        Commitment.objects.filter(agreement__in=ids)
        .select_related("agreement", "responsible")
        .order_by("agreement__code", "pk")
    )
    code, position = None, 0
    for c in commitments.iterator(chunk_size=2000):
        position = position + 1 if c.agreement.code == code else 1
        code = c.agreement.code
        yield [
            code,
            position,
            c.title,
            c.description,
            _organisation_ref(c.responsible),
            c.due_on,
            c.status,
            _yes_no(c.is_example),
        ]


def _milestone_rows(ids):
    """Milestones name their commitment by its position: the rank of its pk in the agreement."""
    positions, last, n = {}, None, 0
    for agreement_id, pk in (
        Commitment.objects.filter(agreement__in=ids)
        .order_by("agreement", "pk")
        .values_list("agreement", "pk")
        .iterator(chunk_size=5000)
    ):
        n = n + 1 if agreement_id == last else 1
        positions[pk], last = n, agreement_id
    milestones = (
        Milestone.objects.filter(commitment__agreement__in=ids)
        .select_related("commitment__agreement")
        .order_by("commitment__agreement__code", "commitment_id", "due_on", "pk")
    )
    for m in milestones.iterator(chunk_size=2000):
        yield [
            m.commitment.agreement.code,
            positions[m.commitment_id],
            m.title,
            m.due_on,
            m.reached_on,
            _yes_no(m.is_example),
        ]


def _funding_rows(ids):
    lines = (
        FundingLine.objects.filter(agreement__in=ids)
        .select_related("agreement")
        .order_by("agreement__code", "pk")
    )
    for line in lines.iterator(chunk_size=2000):
        yield [
            line.agreement.code,
            line.source,
            line.description,
            line.amount,
            line.cup,
            line.pnrr_mission,
            line.pnrr_component,
            line.pnrr_investment,
            _yes_no(line.is_example),
        ]


def _instructions():
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
                _yes_no(column.required),
                f"{column.help}{allowed}",
            ]


def _width(column: Column) -> int:
    return 50 if column.kind == "text" else 18


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


class _XlsxWriter:
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


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
XMLNS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items() if k != "manifest")
ODS_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="{NS["manifest"]}" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2"
  manifest:media-type="{ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
ODS_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {XMLNS} office:version="1.2"/>
"""
ODS_CONTENT_START = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {XMLNS} office:version="1.2"><office:automatic-styles>
<number:date-style style:name="N_ISO"><number:year number:style="long"/>\
<number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text>\
<number:day number:style="long"/></number:date-style>
<style:style style:name="ce_date" style:family="table-cell" style:data-style-name="N_ISO"/>
<style:style style:name="ce_head" style:family="table-cell">\
<style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles><office:body><office:spreadsheet>
"""
ODS_CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n"
SPACES = re.compile(r"  +")


def _ods_paragraph(line: str) -> str:
    """Text of one paragraph, with the spaces and tabs that ODF would otherwise collapse."""
    text = escape(line)
    text = SPACES.sub(lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', text)
    if text.startswith(" "):
        text = "<text:s/>" + text[1:]
    if text.endswith(" "):
        text = text[:-1] + "<text:s/>"
    return text.replace("\t", "<text:tab/>")


def _ods_cell(value, style="") -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        day = value.isoformat()
        return (
            f'<table:table-cell table:style-name="ce_date" office:value-type="date" '
            f'office:date-value="{day}"><text:p>{day}</text:p></table:table-cell>'
        )
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = "".join(f"<text:p>{_ods_paragraph(line)}</text:p>" for line in lines)
    return f'<table:table-cell{style} office:value-type="string">{paragraphs}</table:table-cell>'


class _OdsWriter:
    """ODS written as a stream: odfpy builds the whole document in memory first, which takes
    a gigabyte and tens of seconds for 30,000 rows; this writes one row at a time."""

    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.zip.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, zipfile.ZIP_STORED)
        self.zip.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        self.zip.writestr("styles.xml", ODS_STYLES)
        self.content = self.zip.open("content.xml", "w")
        self.content.write(ODS_CONTENT_START.encode())

    def add_sheet(self, name, headers, rows, columns):
        write = self.content.write
        write(f"<table:table table:name={quoteattr(name)}>".encode())
        write(f'<table:table-column table:number-columns-repeated="{len(headers)}"/>'.encode())
        head = "".join(_ods_cell(h, ' table:style-name="ce_head"') for h in headers)
        write(f"<table:table-row>{head}</table:table-row>".encode())
        for row in rows:
            cells = "".join(_ods_cell(v) for v in row)
            write(f"<table:table-row>{cells}</table:table-row>".encode())
        write(b"</table:table>")

    def close(self):
        self.content.write(ODS_CONTENT_END.encode())
        self.content.close()
        self.zip.close()


class _CsvZipWriter:
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


# --- Reading a file ---------------------------------------------------------------------------


class ImportRefused(Exception):
    """The file as a whole cannot be read: wrong type, too big once inflated, unsafe XML."""


@dataclass
class SheetData:
    """What a sheet holds: its normalised headers and its non-empty rows with their numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list]]


NOT_A_SPREADSHEET = gettext_lazy(
    "Il file non è un foglio di calcolo .xlsx o .ods né un archivio .zip di file CSV."
)
UNREADABLE = gettext_lazy(
    "Il file è danneggiato o non leggibile: salvarlo di nuovo dal programma di foglio di "
    "calcolo e riprovare."
)
DANGEROUS_XML = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
]


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
                return _read_ods(archive)
            return _read_csv_zip(archive)
        except ImportRefused:
            raise
        except Exception as error:  # any parser failure on an untrusted file means "unreadable"
            log.info("spreadsheet refused as unreadable", exc_info=True)
            raise ImportRefused(UNREADABLE) from error


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse archives that would inflate too far, and XML with DTDs, before parsing anything.

    The sizes come from the archive's directory; Python's zipfile never inflates a member
    beyond its declared size (it stops and fails the CRC check), so checking them is enough.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(
            _("L'archivio contiene %(n)d file: al massimo %(max)d.")
            % {"n": len(members), "max": MAX_MEMBERS}
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            _("Una volta decompresso il file occuperebbe %(size)d MB: al massimo %(max)d MB.")
            % {"size": total // 2**20, "max": MAX_UNCOMPRESSED_BYTES // 2**20}
        )
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportRefused(
                _(
                    "«%(name)s» è compresso in modo anomalo (più di %(ratio)d volte): il file "
                    "è rifiutato come possibile bomba di decompressione."
                )
                % {"name": member.filename, "ratio": MAX_RATIO}
            )
    for member in members:
        if not member.filename.lower().endswith(".csv") and _declares_dtd(archive, member):
            raise ImportRefused(
                _(
                    "«%(name)s» contiene dichiarazioni DOCTYPE o ENTITY, che un foglio di "
                    "calcolo non usa: il file è rifiutato."
                )
                % {"name": member.filename}
            )


def _declares_dtd(archive, member) -> bool:
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                if any(marker in window for marker in DANGEROUS_XML):
                    return True
                tail = window[-32:]
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as error:
        raise ImportRefused(UNREADABLE) from error
    return False


def _normalise_header(value) -> str:
    return "" if value is None else str(value).strip().lower()


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(name: str, rows) -> SheetData:
    """Headers from row 1, then the non-empty rows; `rows` yields (row number, values)."""
    sheet = SheetData(name, [], [])
    for number, values in rows:
        values = [_unprotect(v) for v in values]
        if number == 1:
            sheet.headers = [_normalise_header(v) for v in values]
            while sheet.headers and not sheet.headers[-1]:
                sheet.headers.pop()
            continue
        if all(_is_empty(v) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise _too_many_rows(name)
        sheet.rows.append((number, values))
    return sheet


def _too_many_rows(name: str) -> ImportRefused:
    return ImportRefused(
        _("Il foglio «%(sheet)s» ha più di %(max)d righe.") % {"sheet": name, "max": MAX_ROWS}
    )


def _read_xlsx(file) -> dict[str, SheetData]:
    workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    try:
        sheets = {}
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # do not trust the size the file declares
            rows = ([_xlsx_value(c) for c in row] for row in worksheet.iter_rows())
            sheets[worksheet.title] = _sheet(worksheet.title, enumerate(rows, start=1))
        return sheets
    finally:
        workbook.close()


def _xlsx_value(cell):
    if cell.data_type in ("f", "e"):
        return Formula(str(cell.value))
    return cell.value


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


CELL_TAGS = {_q("table", "table-cell"), _q("table", "covered-table-cell")}
TABLE, ROW, P = _q("table", "table"), _q("table", "table-row"), _q("text", "p")
REPEAT_COLUMNS = _q("table", "number-columns-repeated")
REPEAT_ROWS = _q("table", "number-rows-repeated")
WHITESPACE = re.compile(r"[ \t\r\n]+")


def _read_ods(archive) -> dict[str, SheetData]:
    """Stream content.xml, defused and without DTDs. (odfpy's loader keeps the whole document
    as Python objects, over a gigabyte for 300,000 cells, which a 10 MB upload can hold.)"""
    sheets = {}
    with archive.open("content.xml") as content:
        name, rows, cells, number = "", [], [], 0
        for event, element in iterparse(content, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if element.tag == TABLE:
                    name, rows, cells, number = element.get(_q("table", "name"), ""), [], [], 0
            elif element.tag in CELL_TAGS:
                cells.append((_ods_value(element), int(element.get(REPEAT_COLUMNS, "1"))))
                element.clear()
            elif element.tag == ROW:
                values = _expand_cells(cells)
                # LibreOffice ends a sheet with a million repeated empty rows: count, not copy.
                repeat = int(element.get(REPEAT_ROWS, "1")) if values else 1
                for _copy in range(min(repeat, MAX_ROWS + 1)):
                    number += 1
                    rows.append((number, values))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_many_rows(name)
                number += int(element.get(REPEAT_ROWS, "1")) - 1 if not values else 0
                cells = []
                element.clear()
            elif element.tag == TABLE:
                sheets[name] = _sheet(name, rows)
                element.clear()
    return sheets


def _expand_cells(cells) -> list:
    """The values of a row, with repeated cells spelled out (trailing empty ones dropped)."""
    values = []
    for value, repeat in cells:
        values.extend([value] * min(repeat, MAX_COLUMNS))
        if len(values) > MAX_COLUMNS:
            break
    while values and _is_empty(values[-1]):
        values.pop()
    return values


def _ods_value(cell):
    formula = cell.get(_q("table", "formula"))
    if formula:
        return Formula(formula)
    kind = cell.get(_q("office", "value-type"))
    if kind in ("float", "percentage", "currency"):
        return Decimal(cell.get(_q("office", "value")))
    if kind == "date":
        return datetime.date.fromisoformat(cell.get(_q("office", "date-value"))[:10])
    if kind == "boolean":
        return cell.get(_q("office", "boolean-value")) == "true"
    paragraphs = [_ods_text(p) for p in cell if p.tag == P]
    if not paragraphs:
        return cell.get(_q("office", "string-value"))
    return "\n".join(paragraphs)


def _ods_text(element) -> str:
    parts = [WHITESPACE.sub(" ", element.text or "")]
    for child in element:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c"), "1")))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_ods_text(child))
        parts.append(WHITESPACE.sub(" ", child.tail or ""))
    return "".join(parts)


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
        sheets[path.stem] = _sheet(path.stem, enumerate(rows, start=1))
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


# --- The import report ------------------------------------------------------------------------


@dataclass
class Problem:
    """Something wrong in the file, where it is: sheet, row number and column header."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Change:
    """A value of the registry that the import changes."""

    sheet: str
    row: int
    code: str
    column: str
    before: str
    after: str


@dataclass
class Addition:
    """A row of the file that the import adds to the registry."""

    sheet: str
    row: int
    code: str
    description: str


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.additions or self.changes)

    @property
    def summary(self) -> str:
        if self.problems:
            return _(
                "Importazione non eseguita: %(n)d problemi da correggere. Non è stato salvato "
                "nulla."
            ) % {"n": len(self.problems)}
        if not self.has_changes:
            return _("Nessuna modifica: il file coincide con il registro.")
        counts = {"created": self.created, "changed": self.changed, "unchanged": self.unchanged}
        if self.dry_run:
            return (
                _(
                    "Verifica riuscita: %(created)d intese da creare, %(changed)d da modificare, "
                    "%(unchanged)d invariate. Non è stato salvato nulla."
                )
                % counts
            )
        return (
            _(
                "Importazione eseguita: %(created)d intese create, %(changed)d modificate, "
                "%(unchanged)d invariate."
            )
            % counts
        )

    def problem(self, sheet, row, column, message) -> None:
        self.problems.append(Problem(sheet, row, column, str(message)))

    def sort(self) -> None:
        def key(p):
            sheet = SHEETS[SHEET_ORDER[p.sheet]] if p.sheet in SHEET_ORDER else None
            column = sheet.headers.index(p.column) if sheet and p.column in sheet.headers else -1
            return (SHEET_ORDER.get(p.sheet, -1), p.row or 0, column)

        self.problems.sort(key=key)


def import_agreements(file, *, by, dry_run: bool = False) -> ImportReport:
    """Import agreements from an XLSX, ODS or ZIP of CSVs: all or nothing.

    Every row is validated first (types, choices, references by code) and every problem is
    reported; only a file without problems is written, in one transaction, through the
    services. A service refusing a row (a lifecycle check, a stale version) rolls everything
    back and is reported with its row. A dry run does the same and always rolls back.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = read_workbook(file)
    except ImportRefused as refusal:
        report.problem("", None, "", refusal)
        return report
    plan = _Plan(sheets, report)
    if report.ok and report.has_changes:
        with transaction.atomic():
            _Writer(plan, by).run()
            if dry_run or not report.ok:
                transaction.set_rollback(True)
    report.sort()
    return report


# --- Validation: from rows to a plan ----------------------------------------------------------


class _Bad(Exception):
    """One cell cannot be read."""


class _References:
    """The reference data, read once: no query per row while validating."""

    def __init__(self):
        self.kinds = {k.code: k for k in AgreementKind.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.areas = {
            (a.kind, a.code): a for a in Area.objects.only("kind", "code", "name").iterator()
        }
        self.by_ipa, self.by_cf, self.by_name = {}, {}, defaultdict(list)
        for o in Organisation.objects.only("name", "ipa_code", "codice_fiscale").iterator():
            if o.ipa_code:
                self.by_ipa[o.ipa_code.lower()] = o
            if o.codice_fiscale:
                self.by_cf[o.codice_fiscale.upper()] = o
            self.by_name[o.name].append(o)

    def organisation(self, text: str) -> Organisation:
        found = self.by_ipa.get(text.lower()) or self.by_cf.get(text.upper())
        if found:
            return found
        named = self.by_name.get(text, [])
        if len(named) > 1:
            raise _Bad(
                _(
                    "Più organizzazioni si chiamano «%(name)s»: indicare il codice IPA o il "
                    "codice fiscale."
                )
                % {"name": text}
            )
        if not named:
            raise _Bad(
                _(
                    "Organizzazione sconosciuta: «%(ref)s» (indicare il codice IPA, il codice "
                    "fiscale o la denominazione esatta)."
                )
                % {"ref": text}
            )
        return named[0]

    def kind(self, text: str) -> AgreementKind:
        if text not in self.kinds:
            raise _Bad(_("Tipo di intesa sconosciuto: «%(code)s».") % {"code": text})
        return self.kinds[text]

    def theme_list(self, text: str) -> list[Theme]:
        unknown = [code for code in _split(text) if code not in self.themes]
        if unknown:
            raise _Bad(_("Temi sconosciuti: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [self.themes[code] for code in _split(text)]

    def area_list(self, text: str) -> list[Area]:
        areas = []
        for ref in _split(text):
            kind, _sep, code = ref.partition(":")
            if kind.strip() not in AreaKind.values or not code.strip():
                raise _Bad(
                    _(
                        "«%(ref)s» non indica un'area: scrivere tipo:codice, es. zone:sud-ovest "
                        "o municipality:015146."
                    )
                    % {"ref": ref}
                )
            area = self.areas.get((kind.strip(), code.strip()))
            if area is None:
                raise _Bad(_("Area sconosciuta: «%(ref)s».") % {"ref": ref})
            areas.append(area)
        return areas


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _as_text(value) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


TRUE = {"sì", "si", "s", "yes", "y", "vero", "true", "1", "x"}
FALSE = {"no", "n", "falso", "false", "0"}


def _read_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _as_text(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise _Bad(_("«%(value)s» non è sì o no.") % {"value": value})


def _read_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _as_text(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    raise _Bad(
        _("«%(value)s» non è una data: scrivere AAAA-MM-GG (es. 2025-03-31).") % {"value": value}
    )


def _read_int(value) -> int:
    text = _as_text(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise _Bad(_("«%(value)s» non è un numero intero positivo.") % {"value": value})
    return int(text)


def _read_decimal(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = _as_text(value).strip().replace(" ", "").replace("€", "")
        if "," in text and "." in text:  # the last separator marks the decimals
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        raise _Bad(_("«%(value)s» non è un importo in euro (es. 1250000,50).") % {"value": value})
    if amount < 0:
        raise _Bad(_("L'importo non può essere negativo."))
    return amount


def _read_choice(value, choices) -> str:
    text = _as_text(value).strip()
    if text in choices.values:
        return text
    for choice in choices:
        if text == choice.value or text.lower() == str(choice.label).lower():
            return choice.value
    raise _Bad(
        _("«%(value)s» non è un valore ammesso: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(choices.values)}
    )


def _read_cell(column: Column, value, refs: _References):
    if isinstance(value, Formula):
        raise _Bad(
            _("La cella contiene una formula o un errore («%(formula)s»): scrivere il valore.")
            % {"formula": value.text}
        )
    if _is_empty(value):
        if column.required:
            raise _Bad(_("Valore obbligatorio."))
        if column.kind in ("themes", "areas", "list"):
            return []
        return "" if column.kind in ("text", "code") else column.default
    kind = column.kind
    if kind == "text":
        return _as_text(value)
    text = _as_text(value).strip()
    readers = {
        "code": lambda: text,
        "agreement": lambda: text,
        "date": lambda: _read_date(value),
        "bool": lambda: _read_bool(value),
        "int": lambda: _read_int(value),
        "decimal": lambda: _read_decimal(value),
        "choice": lambda: _read_choice(value, column.choices),
        "list": lambda: _split(text),
        "themes": lambda: refs.theme_list(text),
        "areas": lambda: refs.area_list(text),
        "org": lambda: refs.organisation(text),
        "kind": lambda: refs.kind(text),
    }
    return readers[kind]()


@dataclass
class _Row:
    """A row of the file, read: its values by model field name, and what it becomes."""

    sheet: Sheet
    number: int
    values: dict
    ok: bool = True  # no problem found in it
    match: object = None  # the registered row it describes, if any
    updates: dict = field(default_factory=dict)  # changes to apply to `match`
    created: object = None  # the row written from it


@dataclass
class _Draft:
    """An agreement as the file describes it (`row` is None when only child rows name it)."""

    code: str
    row: _Row | None = None
    existing: Agreement | None = None
    changes: dict = field(default_factory=dict)
    children: dict = field(default_factory=lambda: defaultdict(list))
    agreement: Agreement | None = None
    failed: bool = False

    @property
    def is_new(self) -> bool:
        return self.existing is None


MODELS = {
    AGREEMENTS.name: Agreement,
    PARTIES.name: Party,
    ACTS.name: Act,
    COMMITMENTS.name: Commitment,
    MILESTONES.name: Milestone,
    FUNDING.name: FundingLine,
}
CHILD_SHEETS = (PARTIES, ACTS, COMMITMENTS, MILESTONES, FUNDING)
# The fields that identify a registered row, and the fields then compared with it.
IDENTITY = {
    PARTIES.name: ("organisation", "role"),
    ACTS.name: ("kind", "number", "date"),
    COMMITMENTS.name: ("position",),
    MILESTONES.name: ("title",),
    FUNDING.name: ("source", "description", "cup"),
}
COMPARED = {
    PARTIES.name: ("signature_required", "signed_on", "is_example"),
    ACTS.name: (
        "issuer",
        "title",
        "approves",
        "published_from",
        "published_to",
        "url",
        "is_example",
    ),
    COMMITMENTS.name: ("title", "description", "responsible", "due_on", "status", "is_example"),
    MILESTONES.name: ("due_on", "reached_on", "is_example"),
    FUNDING.name: (
        "amount",
        "pnrr_mission",
        "pnrr_component",
        "pnrr_investment",
        "is_example",
    ),
}
AGREEMENT_COMPARED = (*services.AGREEMENT_FIELDS, "themes", "areas")
WHAT = {
    PARTIES.name: gettext_lazy("le parti"),
    ACTS.name: gettext_lazy("gli atti"),
    MILESTONES.name: gettext_lazy("i traguardi"),
    FUNDING.name: gettext_lazy("i finanziamenti"),
}


def _comparable(value):
    if isinstance(value, models.Model):
        return (type(value), value.pk)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list) and value and isinstance(value[0], models.Model):
        return sorted(v.pk for v in value)
    if value is None or (isinstance(value, list) and not value):
        return ""
    return value


def _display(value) -> str:
    if isinstance(value, Agreement):
        return value.code
    if isinstance(value, Area):
        return _area_ref(value)
    if isinstance(value, Organisation):
        return _organisation_ref(value)
    if isinstance(value, AgreementKind | Theme):
        return value.code
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_display(v) for v in value)
    if value is None:
        return ""
    return _as_text(value)


class _Plan:
    """Reads and validates every row, then compares the file with the registry.

    Structural problems (sheets, headers) stop here; otherwise every row is read, every cell
    problem noted, and the rows without problems are compared with what is registered, so one
    pass reports everything that is wrong.
    """

    def __init__(self, sheets: dict[str, SheetData], report: ImportReport):
        self.report = report
        self.sheets = self._structure(sheets)
        self.drafts: dict[str, _Draft] = {}
        if not report.ok:
            return
        refs = _References()
        self.rows = {s.name: self._read_rows(s, refs) for s in SHEETS}
        self.registered = _registered(self._codes())
        self._agreements()
        self._children()
        self._parents()
        self._compare()

    def _codes(self) -> set[str]:
        codes = set()
        for row in self.rows[AGREEMENTS.name]:
            codes |= {row.values.get("code"), row.values.get("parent")}
        for sheet in CHILD_SHEETS:
            codes |= {row.values.get("agreement") for row in self.rows[sheet.name]}
        return codes - {None, ""}

    # structure: sheets and headers
    def _structure(self, sheets) -> dict[str, SheetData]:
        known = {s.name.lower(): s for s in SHEETS}
        found = {}
        for name, data in sheets.items():
            sheet = known.get(name.strip().lower())
            if sheet is not None:
                found[sheet.name] = data
                self._headers(sheet, data)
            elif name.strip().lower() != INSTRUCTIONS.lower():
                self.report.problem(
                    name,
                    None,
                    "",
                    _("Foglio sconosciuto «%(name)s»: i fogli ammessi sono %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(s.name for s in SHEETS)},
                )
        if AGREEMENTS.name not in found:
            self.report.problem(
                AGREEMENTS.name, None, "", _("Manca il foglio «%(name)s».") % {"name": "Intese"}
            )
        return found

    def _headers(self, sheet: Sheet, data: SheetData) -> None:
        if not data.headers and not data.rows:
            return  # an empty sheet: nothing to import from it
        for header in sheet.headers:
            if header not in data.headers:
                self.report.problem(sheet.name, 1, header, _("Manca la colonna."))
        seen = set()
        for header in data.headers:
            if header in seen:
                self.report.problem(sheet.name, 1, header, _("Colonna ripetuta."))
            elif header not in sheet.headers:
                self.report.problem(
                    sheet.name,
                    1,
                    header,
                    _("Colonna sconosciuta: le colonne di questo foglio sono %(headers)s.")
                    % {"headers": ", ".join(sheet.headers)},
                )
            seen.add(header)

    # rows: every cell read, every problem noted
    def _read_rows(self, sheet: Sheet, refs: _References) -> list[_Row]:
        data = self.sheets.get(sheet.name)
        if data is None:
            return []
        index = {h: i for i, h in enumerate(data.headers)}
        rows = []
        for number, cells in data.rows:
            row = _Row(sheet, number, {})
            if any(not _is_empty(v) for v in cells[len(data.headers) :]):
                self._problem(row, "", _("Ci sono valori fuori dalle colonne intestate."))
            bad = set()
            for column in sheet.columns:
                i = index[column.header]
                try:
                    value = _read_cell(column, cells[i] if i < len(cells) else None, refs)
                except _Bad as error:
                    self._problem(row, column.header, error)
                    bad.add(column.field)
                else:
                    row.values[column.field] = value
            self._clean(row, bad)
            rows.append(row)
        return rows

    def _problem(self, row: _Row, column: str, message) -> None:
        row.ok = False
        self.report.problem(row.sheet.name, row.number, column, message)

    def _clean(self, row: _Row, bad: set) -> None:
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
                    self._problem(row, row.sheet.column_for(name), message)
        values = row.values
        # The rules the database also holds as constraints (their checks would cost a query).
        start, end = values.get("effective_from"), values.get("expires_on")
        if start and end and end <= start:
            self._problem(row, "scade_il", _("La scadenza deve seguire la data di efficacia."))
        start, end = values.get("published_from"), values.get("published_to")
        if start and end and end < start:
            self._problem(
                row, "pubblicato_al", _("La fine della pubblicazione deve seguirne l'inizio.")
            )

    # agreements: one draft per code
    def _agreements(self) -> None:
        for row in self.rows[AGREEMENTS.name]:
            code = row.values.get("code")
            if not code:
                continue
            if code in self.drafts:
                self._problem(
                    row,
                    "codice",
                    _("Codice ripetuto: «%(code)s» è già alla riga %(row)d.")
                    % {"code": code, "row": self.drafts[code].row.number},
                )
                continue
            self.drafts[code] = _Draft(code, row=row, existing=self.registered.get(code))

    def _draft(self, row: _Row) -> _Draft | None:
        code = row.values.get("agreement")
        if not code:
            return None
        if code not in self.drafts:
            if code not in self.registered:
                self._problem(
                    row,
                    "codice_intesa",
                    _("Intesa «%(code)s» assente dal foglio Intese e dal registro.")
                    % {"code": code},
                )
                return None
            self.drafts[code] = _Draft(code, existing=self.registered[code])
        return self.drafts[code]

    def _children(self) -> None:
        """Attach each row to its agreement, then check the references between rows (after
        every row has been read, so that a reference to an unreadable row stays silent)."""
        for sheet in CHILD_SHEETS:
            for row in self.rows[sheet.name]:
                draft = self._draft(row)
                if draft is not None:
                    draft.children[sheet.name].append(row)
        parties_readable = all(r.ok for r in self.rows[PARTIES.name])
        for draft in self.drafts.values():
            self._check_commitments(draft, parties_readable)

    def _check_commitments(self, draft: _Draft, parties_readable: bool) -> None:
        """Commitment numbers follow the registered ones without gaps; references hold.

        A reference is checked only when the rows it could point to were all readable:
        one wrong cell gives one problem, not a cascade of them.
        """
        registered = list(draft.existing.commitments.all()) if draft.existing else []
        rows = draft.children[COMMITMENTS.name]
        numbers = {}
        for row in rows:
            n = row.values.get("position")
            if n in numbers:
                self._problem(
                    row,
                    "numero",
                    _("Numero di impegno ripetuto: %(n)d è già alla riga %(row)d.")
                    % {"n": n, "row": numbers[n].number},
                )
            elif n is not None:
                numbers[n] = row
        expected = len(registered) + 1
        for n in sorted(k for k in numbers if k > len(registered)):
            if n != expected:
                self._problem(
                    numbers[n],
                    "numero",
                    _("Numero di impegno non consecutivo: il prossimo è %(next)d.")
                    % {"next": expected},
                )
                break
            expected += 1
        parties = draft.children[PARTIES.name]
        if parties_readable:
            members = {r.values["organisation"].pk for r in parties}
            members |= (
                {p.organisation_id for p in draft.existing.parties.all()}
                if (draft.existing)
                else set()
            )
            for row in rows:
                responsible = row.values.get("responsible")
                if responsible is not None and responsible.pk not in members:
                    self._problem(
                        row,
                        "responsabile",
                        _(
                            "%(name)s non è parte dell'intesa: il responsabile di un impegno "
                            "deve esserlo."
                        )
                        % {"name": responsible.name},
                    )
        if all(r.ok for r in rows):
            known = set(numbers) | set(range(1, len(registered) + 1))
            for row in draft.children[MILESTONES.name]:
                n = row.values.get("commitment")
                if n is not None and n not in known:
                    self._problem(
                        row,
                        "numero_impegno",
                        _("L'intesa «%(code)s» non ha l'impegno numero %(n)d.")
                        % {"code": draft.code, "n": n},
                    )

    # parents: in the file or in the registry, without cycles
    def _parents(self) -> None:
        parent_of = {code: a.parent.code for code, a in self.registered.items() if a.parent}
        described = [d for d in self.drafts.values() if d.row is not None]
        for draft in described:
            parent_of[draft.code] = draft.row.values.get("parent") or None
        for draft in described:
            parent = parent_of[draft.code]
            if not parent:
                continue
            if parent == draft.code:
                message = _("Un'intesa non può essere quadro di se stessa.")
            elif parent not in self.drafts and parent not in self.registered:
                message = _(
                    "Intesa quadro sconosciuta: «%(code)s» (assente dal foglio Intese e dal "
                    "registro)."
                ) % {"code": parent}
            elif _climbs_back(draft.code, parent_of):
                message = _(
                    "%(code)s non può avere come intesa quadro una sua intesa attuativa."
                ) % {"code": draft.code}
            else:
                continue
            self._problem(draft.row, "intesa_quadro", message)

    # comparison with the registry
    def _compare(self) -> None:
        for draft in self.drafts.values():
            before = (len(self.report.additions), len(self.report.changes))
            if draft.row is not None and draft.row.ok:
                if draft.is_new:
                    self.report.additions.append(
                        Addition(
                            AGREEMENTS.name,
                            draft.row.number,
                            draft.code,
                            _("Nuova intesa: %(title)s") % {"title": draft.row.values["title"]},
                        )
                    )
                else:
                    self._compare_agreement(draft)
            for sheet in CHILD_SHEETS:
                self._compare_children(draft, sheet)
            if draft.is_new:
                self.report.created += 1
            elif before != (len(self.report.additions), len(self.report.changes)):
                self.report.changed += 1
            elif draft.row is not None:
                self.report.unchanged += 1

    def _compare_agreement(self, draft: _Draft) -> None:
        agreement, values = draft.existing, draft.row.values
        status = values.get("status")
        if status and status != agreement.status:
            self._problem(
                draft.row,
                "stato",
                _(
                    "Lo stato di un'intesa registrata cambia solo con le azioni del suo ciclo "
                    "di vita: nel registro è «%(before)s», nel file «%(after)s»."
                )
                % {"before": Status(agreement.status).label, "after": Status(status).label},
            )
        for name in AGREEMENT_COMPARED:
            new = values.get(name)
            if name == "parent":
                old = agreement.parent.code if agreement.parent else ""
            elif name in ("themes", "areas"):
                old = list(getattr(agreement, name).all())
            else:
                old = getattr(agreement, name)
            if _comparable(old) != _comparable(new):
                draft.changes[name] = new
                self.report.changes.append(
                    Change(
                        AGREEMENTS.name,
                        draft.row.number,
                        draft.code,
                        AGREEMENTS.column_for(name),
                        _display(old),
                        _display(new),
                    )
                )

    def _compare_children(self, draft: _Draft, sheet: Sheet) -> None:
        """Pair each row with a registered one: equal ones first, then same identity."""
        rows = [r for r in draft.children[sheet.name] if r.ok]
        pool = defaultdict(list)
        for item in _registered_children(draft.existing, sheet):
            pool[_key(item, sheet)].append(item)
        seen, pending = {}, []
        for row in rows:
            key = _key(row.values, sheet)
            if sheet is PARTIES and key in seen:
                self._problem(
                    row,
                    "ruolo",
                    _(
                        "Parte ripetuta: la stessa organizzazione con lo stesso ruolo è alla "
                        "riga %(row)d."
                    )
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            same = next((m for m in pool[key] if not _differences(m, row.values, sheet)), None)
            if same is None:
                pending.append((key, row))
            else:
                pool[key].remove(same)
                row.match = same
        for key, row in pending:
            if pool[key]:
                row.match = pool[key].pop(0)
                self._differ(draft, row, _differences(row.match, row.values, sheet))
            else:
                self.report.additions.append(
                    Addition(sheet.name, row.number, draft.code, _describe(sheet, row.values))
                )

    def _differ(self, draft: _Draft, row: _Row, differences: list[str]) -> None:
        """Commitments are updated, a new signature is registered; other differences are
        refused, as no service changes a registered act, milestone or funding line."""
        sheet = row.sheet
        signature = sheet is PARTIES and differences == ["signed_on"] and not row.match.signed_on
        for name in differences:
            old, new = _registered_value(row.match, name), row.values.get(name)
            header = sheet.column_for(name)
            if sheet is COMMITMENTS or signature:
                row.updates[name] = new
                self.report.changes.append(
                    Change(sheet.name, row.number, draft.code, header, _display(old), _display(new))
                )
            else:
                self._problem(
                    row,
                    header,
                    _(
                        "Diverso dal registro («%(before)s» → «%(after)s»): l'importazione "
                        "aggiunge %(what)s ma non modifica quelli registrati."
                    )
                    % {"before": _display(old), "after": _display(new), "what": WHAT[sheet.name]},
                )


def _climbs_back(code: str, parent_of: dict) -> bool:
    """Whether following the parents from `code` comes back to it."""
    seen, current = set(), parent_of.get(code)
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _registered(codes: set[str]) -> dict[str, Agreement]:
    """The agreements the file names, with everything compared, in a few queries per chunk."""
    found = {}
    codes = sorted(codes)
    for start in range(0, len(codes), CHUNK):
        agreements = (
            Agreement.objects.filter(code__in=codes[start : start + CHUNK])
            .select_related("kind", "parent")
            .prefetch_related(
                "themes",
                Prefetch("areas", Area.objects.only("kind", "code", "name")),
                Prefetch("parties", Party.objects.order_by("pk")),
                Prefetch("acts", Act.objects.order_by("pk")),
                Prefetch(
                    "commitments",
                    Commitment.objects.order_by("pk").prefetch_related(
                        Prefetch("milestones", Milestone.objects.order_by("pk"))
                    ),
                ),
                Prefetch("funding_lines", FundingLine.objects.order_by("pk")),
            )
        )
        found.update((a.code, a) for a in agreements)
    return found


def _registered_children(agreement: Agreement | None, sheet: Sheet) -> list:
    if agreement is None:
        return []
    if sheet is MILESTONES:
        return [
            (position, m)
            for position, c in enumerate(agreement.commitments.all(), start=1)
            for m in c.milestones.all()
        ]
    related = {
        PARTIES.name: "parties",
        ACTS.name: "acts",
        COMMITMENTS.name: "commitments",
        FUNDING.name: "funding_lines",
    }[sheet.name]
    items = list(getattr(agreement, related).all())
    if sheet is COMMITMENTS:
        for position, commitment in enumerate(items, start=1):
            commitment.position = position
    return items


def _get(item, name):
    """A value of a registered row, or of a file row (a dict of values)."""
    if isinstance(item, dict):
        return item.get(name)
    if isinstance(item, tuple):  # a registered milestone with its commitment's position
        position, milestone = item
        return position if name == "commitment" else getattr(milestone, name)
    related = item._meta.get_field(name) if name != "position" else None
    if isinstance(related, models.ForeignKey):
        return getattr(item, related.attname)
    return getattr(item, name)


def _key(item, sheet: Sheet) -> tuple:
    names = IDENTITY[sheet.name] + (("commitment",) if sheet is MILESTONES else ())
    return tuple(_comparable_id(_get(item, name)) for name in names)


def _registered_value(item, name):
    """A value of a registered row as people read it (an organisation, not its id)."""
    return getattr(item[1], name) if isinstance(item, tuple) else getattr(item, name)


def _comparable_id(value):
    if isinstance(value, models.Model):
        return value.pk
    return _comparable(value)


def _differences(registered, values: dict, sheet: Sheet) -> list[str]:
    return [
        name
        for name in COMPARED[sheet.name]
        if _comparable_id(_get(registered, name)) != _comparable_id(values.get(name))
    ]


def _describe(sheet: Sheet, values: dict) -> str:
    texts = {
        PARTIES.name: lambda: (
            _("Nuova parte: %(org)s (%(role)s)")
            % {"org": values["organisation"].name, "role": PartyRole(values["role"]).label}
        ),
        ACTS.name: lambda: (
            _("Nuovo atto: %(kind)s n. %(number)s del %(date)s")
            % {
                "kind": ActKind(values["kind"]).label,
                "number": values["number"] or "—",
                "date": _display(values["date"]),
            }
        ),
        COMMITMENTS.name: lambda: (
            _("Nuovo impegno %(n)d: %(title)s")
            % {"n": values["position"], "title": values["title"]}
        ),
        MILESTONES.name: lambda: (
            _("Nuovo traguardo dell'impegno %(n)d: %(title)s")
            % {"n": values["commitment"], "title": values["title"]}
        ),
        FUNDING.name: lambda: (
            _("Nuovo finanziamento: %(source)s, %(amount)s €")
            % {"source": FundingSource(values["source"]).label, "amount": values["amount"]}
        ),
    }
    return texts[sheet.name]()


# --- Writing: through the services, in one transaction ----------------------------------------


class _Failed(Exception):
    """A service refused a row; the problem is in the report and the agreement is abandoned."""


class _Writer:
    def __init__(self, plan: _Plan, by):
        self.plan, self.by, self.report = plan, by, plan.report
        self.today = timezone.localdate()

    def run(self) -> None:
        done = set()
        for draft in self.plan.drafts.values():
            self._write_with_parent(draft, done)

    def _write_with_parent(self, draft: _Draft, done: set) -> None:
        if draft.code in done:
            return
        done.add(draft.code)
        parent = self.plan.drafts.get((draft.row.values.get("parent") if draft.row else "") or "")
        if parent is not None and parent.is_new:
            self._write_with_parent(parent, done)
            if parent.failed:
                draft.failed = True
                self.report.problem(
                    AGREEMENTS.name,
                    draft.row.number,
                    "intesa_quadro",
                    _("L'intesa quadro «%(code)s» non è stata registrata: vedere i suoi errori.")
                    % {"code": parent.code},
                )
                return
        try:
            self._write(draft)
        except _Failed:
            draft.failed = True

    @contextmanager
    def _at(self, row: _Row, column: str = ""):
        """Report a refusal of the services against the row that caused it."""
        try:
            yield
        except (DomainError, ValidationError, IntegrityError) as error:
            for header, message in _messages(error, row.sheet, column):
                self.report.problem(row.sheet.name, row.number, header, message)
            raise _Failed from error

    def _parent(self, code: str):
        if not code:
            return None
        draft = self.plan.drafts.get(code)
        if draft is not None and draft.agreement is not None:
            return draft.agreement
        return self.plan.registered[code]

    def _write(self, draft: _Draft) -> None:
        agreement = draft.existing
        if draft.is_new:
            values = draft.row.values
            fields = {n: values[n] for n in services.AGREEMENT_FIELDS if n != "parent"}
            with self._at(draft.row):
                agreement = services.agreement_create(
                    by=self.by,
                    themes=values["themes"],
                    areas=values["areas"],
                    parent=self._parent(values["parent"]),
                    **fields,
                )
        elif draft.changes:
            changes = dict(draft.changes)
            if "parent" in changes:
                changes["parent"] = self._parent(changes["parent"])
            with self._at(draft.row):
                services.agreement_update(
                    agreement=agreement, expected_version=agreement.version, by=self.by, **changes
                )
        draft.agreement = agreement
        self._children(draft, agreement)
        status = draft.row.values.get("status") if draft.row else None
        if draft.is_new and status and status != Status.PROPOSED:
            with self._at(draft.row, "stato"):
                services.agreement_bring_to(
                    agreement=agreement,
                    status=status,
                    by=self.by,
                    today=self.today,
                    note=_("Stato registrato dall'importazione di un foglio di calcolo."),
                )

    def _children(self, draft: _Draft, agreement: Agreement) -> None:
        rows = draft.children
        for row in rows[PARTIES.name]:
            if row.match is None:
                with self._at(row):
                    services.party_add(agreement=agreement, by=self.by, **_fields(row))
            elif row.updates:
                row.match.agreement = agreement
                with self._at(row, "firmata_il"):
                    services.party_sign(
                        party=row.match, signed_on=row.updates["signed_on"], by=self.by
                    )
        for row in rows[ACTS.name]:
            if row.match is None:
                with self._at(row):
                    services.act_add(agreement=agreement, by=self.by, **_fields(row))
        commitments = {}
        for row in sorted(rows[COMMITMENTS.name], key=lambda r: r.values["position"]):
            if row.match is None:
                with self._at(row):
                    row.created = services.commitment_add(
                        agreement=agreement, by=self.by, **_fields(row)
                    )
            elif row.updates:
                with self._at(row):
                    services.commitment_update(
                        commitment=row.match,
                        expected_version=row.match.version,
                        by=self.by,
                        **row.updates,
                    )
            commitments[row.values["position"]] = row.created or row.match
        if draft.existing:
            for position, c in enumerate(draft.existing.commitments.all(), start=1):
                commitments.setdefault(position, c)
        for row in rows[MILESTONES.name]:
            if row.match is None:
                with self._at(row):
                    services.milestone_add(
                        commitment=commitments[row.values["commitment"]],
                        by=self.by,
                        **_fields(row),
                    )
        for row in rows[FUNDING.name]:
            if row.match is None:
                with self._at(row):
                    services.funding_add(agreement=agreement, by=self.by, **_fields(row))


def _fields(row: _Row) -> dict:
    skip = {"agreement", "position", "commitment"}
    return {k: v for k, v in row.values.items() if k not in skip}


def _messages(error, sheet: Sheet, column: str):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                yield sheet.column_for(name) or column, message
    elif isinstance(error, ValidationError):
        for message in error.messages:
            yield column, message
    elif isinstance(error, DomainError):
        yield (sheet.column_for(error.field) if error.field else "") or column, error.message
    else:
        yield column, _("Il database ha rifiutato la riga: %(error)s") % {"error": error}
