"""The transparency list of agreements (D.Lgs. 33/2013, art. 23, comma 1, lettera d): for each
semester, the agreements made with other administrations or with private parties, with their
subject, parties, stipulation date, planned expenditure and approving acts; in open formats.
"""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _

from intese.agreements.models import Act, Agreement, FundingLine, Party

FIRST_YEAR = 2013  # the decree's year: nothing is due before it
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Semester:
    year: int
    half: int  # 1: January to June, 2: July to December

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the semester (inclusive)."""
        if self.half == 1:
            return datetime.date(self.year, 6, 30)
        return datetime.date(self.year, 12, 31)

    @property
    def slug(self) -> str:
        return f"{self.year}-S{self.half}"

    def label(self) -> str:
        if self.half == 1:
            return _("primo semestre %(year)s") % {"year": self.year}
        return _("secondo semestre %(year)s") % {"year": self.year}

    def has_begun(self, today: datetime.date) -> bool:
        return self.start <= today


def last_complete_semester(today: datetime.date) -> Semester:
    return Semester(today.year - 1, 2) if today.month <= 6 else Semester(today.year, 1)


def transparency_list(year: int, semester: int):
    """Public agreements stipulated in the semester, oldest first: three queries in all.

    The stipulation date is the last required signature, once every required party has signed
    (as services.stipulation_date); the planned expenditure is the sum of the funding lines.
    Both are correlated subqueries: joining parties and funding lines in one query would
    multiply the sums.
    """
    period = Semester(year, semester)
    required = Party.objects.filter(agreement=OuterRef("pk"), signature_required=True)
    example_funding = FundingLine.objects.filter(agreement=OuterRef("pk"), is_example=True)
    last_signature = (
        required.order_by().values("agreement").annotate(last=Max("signed_on")).values("last")
    )
    return (
        Agreement.objects.filter(is_public=True)
        .with_planned_expenditure()
        .annotate(
            stipulated_on=Subquery(last_signature),
            example_signature=Exists(required.filter(is_example=True)),
            example_funding=Exists(example_funding),
        )
        .filter(
            ~Exists(required.filter(signed_on__isnull=True)),
            stipulated_on__gte=period.start,
            stipulated_on__lte=period.end,
        )
        .select_related("kind")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            Prefetch(
                "acts",
                queryset=Act.objects.filter(approves=True).order_by("date", "pk"),
                to_attr="approving_acts",
            ),
        )
        .order_by("stipulated_on", "code")
    )


def party_organisations(agreement: Agreement) -> list:
    """The organisations taking part, each once, whatever roles they hold; `example` tells
    whether one of its parties is illustrative data."""
    seen = {}
    for party in agreement.parties.all():
        organisation = seen.setdefault(party.organisation_id, party.organisation)
        organisation.example = getattr(organisation, "example", False) or party.is_example
    return list(seen.values())


# The agreement's fields flagged as examples, by the column that shows them.
EXAMPLE_FIELDS = {"code": "codice", "title": "oggetto", "kind": "tipo"}


def example_columns(agreement: Agreement) -> list[str]:
    """The columns of the agreement's row whose values are illustrative (demo data), not facts.

    Needs the annotations and prefetches of transparency_list."""
    columns = [EXAMPLE_FIELDS[f] for f in EXAMPLE_FIELDS if agreement.is_example(f)]
    parties = [p for p in agreement.parties.all() if p.is_example]
    if parties:
        columns.append("parti")
    if any(p.organisation.codice_fiscale for p in parties):
        columns.append("parti_codice_fiscale")
    if agreement.example_signature:
        columns.append("data_stipula")
    if agreement.example_funding:
        columns.append("spesa_prevista_euro")
    acts = [act for act in agreement.approving_acts if act.is_example]
    if acts:
        columns.append("atti_approvazione")
    if any(act.url for act in acts):
        columns.append("atti_approvazione_indirizzo")
    return columns


# --- open formats ----------------------------------------------------------------------------

COLUMNS = [
    "codice",
    "oggetto",
    "tipo",
    "parti",
    "parti_codice_fiscale",
    "data_stipula",
    "spesa_prevista_euro",
    "atti_approvazione",
    "atti_approvazione_indirizzo",
    "esempio",
]


def act_address(act: Act, document_url=None) -> str:
    """Where to read an act: the download of its document for those allowed to open it
    (`document_url(pk)` gives its address, None for the public), else its web address."""
    if act.document_id is not None and document_url is not None:
        return document_url(act.document_id)
    return act.url


def export_row(agreement: Agreement, document_url=None) -> list:
    """One agreement as plain values: ISO dates, amounts with a dot, lists joined by "; ".

    An act's address is its document's download for those allowed (see act_address). The last
    column, "esempio", names the columns whose values are illustrative (demo data)."""
    organisations = party_organisations(agreement)
    addresses = (act_address(act, document_url) for act in agreement.approving_acts)
    return [
        agreement.code,
        agreement.title,
        agreement.kind.name,
        "; ".join(o.name for o in organisations),
        "; ".join(o.codice_fiscale or "" for o in organisations),
        agreement.stipulated_on,
        agreement.planned_expenditure,
        "; ".join(str(act) for act in agreement.approving_acts),
        "; ".join(address for address in addresses if address),
        "; ".join(example_columns(agreement)),
    ]


def csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else value


def ods_bytes(agreements, period: Semester, document_url=None) -> bytes:
    """The list as an OpenDocument spreadsheet: dates and amounts typed, text as text."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def cell(value):
        if isinstance(value, datetime.date):
            return TableCell(valuetype="date", datevalue=value.isoformat()), value.isoformat()
        if isinstance(value, Decimal):
            return TableCell(valuetype="float", value=f"{value:.2f}"), f"{value:.2f}"
        text = "" if value is None else str(value)
        return TableCell(valuetype="string"), text

    def row(values):
        table_row = TableRow()
        for value in values:
            table_cell, text = cell(value)
            if text:
                table_cell.addElement(P(text=text))
            table_row.addElement(table_cell)
        return table_row

    document = OpenDocumentSpreadsheet()
    table = Table(name=f"Accordi {period.slug}")
    table.addElement(row(COLUMNS))
    for agreement in agreements:
        table.addElement(row(export_row(agreement, document_url)))
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
