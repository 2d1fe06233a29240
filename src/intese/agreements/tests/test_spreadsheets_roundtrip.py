"""What the registry exports, it imports back unchanged; one changed cell is one change."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import (
    Act,
    Agreement,
    AgreementKind,
    Commitment,
    FundingLine,
    Milestone,
    Party,
    StatusChange,
    Theme,
)
from intese.agreements.spreadsheets import (
    AGREEMENTS,
    export_agreements,
    import_agreements,
    read_workbook,
)
from intese.territory.models import Area

FORMATS = ["xlsx", "ods", "csv"]
D = datetime.date

# --- builders shared by the spreadsheet tests ------------------------------------------------


def organisation(ref: str) -> Organisation:
    return (
        Organisation.objects.get(ipa_code=ref)
        if "_" in ref or ref == "cmmi"
        else (Organisation.objects.get(name=ref))
    )


def themes() -> dict:
    return {
        code: Theme.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("mobilita", "Mobilità e trasporti"), ("ambiente", "Ambiente")]
    }


def area(kind: str, code: str) -> Area:
    return Area.objects.get(kind=kind, code=code)


def build_registry(by) -> dict:
    """A framework agreement in progress and a private protocol under it, via the services."""
    t = themes()
    cmmi, milano = organisation("cmmi"), organisation("c_f205")
    sesto = Organisation.objects.get(area__code="015209")
    framework = services.agreement_create(
        by=by,
        code="INT-2024-001",
        title='=HYPERLINK("http://esempio.invalid")  Mobilità   nord',
        summary="Prima riga.\r\nSeconda riga con\tun tab.",
        kind=AgreementKind.objects.get(code="accordo_pa_art15"),
        legal_basis="art. 15 L. 241/1990",
        coherence_statement="Coerente con l'asse 2 del piano strategico.",
        effective_from=D(2024, 2, 5),
        expires_on=D(2027, 2, 5),
        renewal="explicit",
        example_fields=["summary"],
        source_note="+39 delibera; @fonte",
        themes=[t["mobilita"], t["ambiente"]],
        areas=[area("zone", "nord-milano"), area("municipality", "015146")],
    )
    services.act_add(
        agreement=framework,
        by=by,
        kind="decreto_sindaco_metropolitano",
        number="12/2024",
        date=D(2024, 1, 10),
        issuer=cmmi,
        title="Approvazione dello schema di accordo",
        approves=True,
        published_from=D(2024, 1, 11),
        published_to=D(2024, 1, 26),
        url="https://www.cittametropolitana.mi.it/atti/12-2024",
    )
    services.party_add(
        agreement=framework, organisation=cmmi, role="signatory", by=by, signed_on=D(2024, 2, 1)
    )
    services.party_add(
        agreement=framework, organisation=milano, role="signatory", by=by, signed_on=D(2024, 2, 5)
    )
    services.party_add(
        agreement=framework, organisation=sesto, role="adherent", by=by, signature_required=False
    )
    first = services.commitment_add(
        agreement=framework,
        by=by,
        title="Piano della mobilità",
        description="-- bozza --",
        responsible=cmmi,
        due_on=D(2025, 6, 30),
        status="in_progress",
        milestones=[{"title": "Bozza", "due_on": D(2024, 9, 30), "reached_on": D(2024, 9, 20)}],
    )
    services.commitment_add(
        agreement=framework,
        by=by,
        title="Corsie ciclabili",
        responsible=milano,
        due_on=D(2026, 12, 31),
    )
    services.milestone_add(commitment=first, by=by, title="Approvazione", due_on=D(2025, 6, 30))
    services.funding_add(
        agreement=framework,
        by=by,
        source="pnrr",
        description="Mobilità sostenibile",
        amount=Decimal("1250000.50"),
        cup="J41B21000000001",
        pnrr_mission="M2",
        pnrr_component="C2",
        pnrr_investment="4.1",
    )
    services.funding_add(agreement=framework, by=by, source="own_budget", amount=Decimal("300"))
    services.agreement_bring_to(
        agreement=framework,
        status="in_progress",
        by=by,
        today=D(2024, 3, 1),
        note="Registrata per i test.",
    )
    protocol = services.agreement_create(
        by=by,
        code="INT-2024-002",
        title="Protocollo attuativo per Sesto",
        kind=AgreementKind.objects.get(code="protocollo_intesa"),
        parent=framework,
        is_public=False,
        areas=[area("municipality", "015209")],
    )
    services.party_add(agreement=protocol, organisation=sesto, role="promoter", by=by)
    return {"framework": framework, "protocol": protocol}


HISTORIES = [Agreement, Party, Act, Commitment, Milestone, FundingLine]


def snapshot() -> dict:
    """Row and history counts of everything an import could write."""
    counts = {m.__name__: (m.objects.count(), m.history.count()) for m in HISTORIES}
    counts["StatusChange"] = StatusChange.objects.count()
    counts["m2m"] = (
        Agreement.themes.through.objects.count(),
        Agreement.areas.through.objects.count(),
    )
    return counts


def exported(fmt: str, queryset=None) -> io.BytesIO:
    result = export_agreements(queryset or Agreement.objects.all(), fmt)
    return io.BytesIO(result.file.read())


def edit(data: io.BytesIO, fmt: str, sheet: str, row: int, header: str, value) -> io.BytesIO:
    """Change one cell as a person would, with another tool than ours."""
    if fmt == "xlsx":
        book = openpyxl.load_workbook(data)
        ws = book[sheet]
        column = [c.value for c in ws[1]].index(header) + 1
        ws.cell(row=row, column=column, value=value)
        out = io.BytesIO()
        book.save(out)
        return io.BytesIO(out.getvalue())
    if fmt == "ods":
        document = load_ods(data)
        table = next(
            t
            for t in document.spreadsheet.getElementsByType(Table)
            if t.getAttribute("name") == sheet
        )
        rows = table.getElementsByType(TableRow)
        headers = [teletype.extractText(c) for c in rows[0].getElementsByType(TableCell)]
        cell = rows[row - 1].getElementsByType(TableCell)[headers.index(header)]
        for child in list(cell.childNodes):
            cell.removeChild(child)
        cell.setAttribute("valuetype", "string")
        cell.addElement(P(text=str(value)))
        out = io.BytesIO()
        document.write(out)
        return io.BytesIO(out.getvalue())
    source, out = zipfile.ZipFile(data), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            text = source.read(name).decode("utf-8-sig")
            if name == f"{sheet}.csv":
                table = list(csv.reader(io.StringIO(text, newline="")))
                table[row - 1][table[0].index(header)] = str(value)
                buffer = io.StringIO(newline="")
                csv.writer(buffer).writerows(table)
                text = buffer.getvalue()
            target.writestr(name, text.encode("utf-8-sig"))
    return io.BytesIO(out.getvalue())


# --- tests -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_importing_what_was_exported_changes_nothing(people, fmt):
    build_registry(people.plan_editor)
    before = snapshot()
    report = import_agreements(exported(fmt), by=people.plan_editor)
    assert report.problems == []
    assert "nessuna modifica" in report.summary.lower()
    assert (report.created, report.changed, report.unchanged) == (0, 0, 2)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_one_changed_cell_is_exactly_one_change(people, fmt):
    build_registry(people.plan_editor)
    data = edit(exported(fmt), fmt, "Intese", 2, "titolo", "Accordo per la mobilità nord")
    before = snapshot()
    report = import_agreements(data, by=people.plan_editor)
    assert report.problems == []
    assert [(c.code, c.column, c.after) for c in report.changes] == [
        ("INT-2024-001", "titolo", "Accordo per la mobilità nord")
    ]
    assert report.additions == [] and (report.changed, report.unchanged) == (1, 1)
    framework = Agreement.objects.get(code="INT-2024-001")
    assert framework.title == "Accordo per la mobilità nord"
    assert framework.history.first().history_user == people.plan_editor
    after = snapshot()
    assert after["Agreement"] == (2, before["Agreement"][1] + 1)
    assert {k: v for k, v in after.items() if k != "Agreement"} == {
        k: v for k, v in before.items() if k != "Agreement"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_exported_registry_rebuilds_itself_in_an_empty_database(people, fmt):
    """Export, empty the registry, import: the lifecycle replays and the export is the same."""
    build_registry(people.plan_editor)
    first = exported(fmt)
    StatusChange.objects.all().delete()
    Agreement.objects.filter(parent__isnull=False).delete()
    Agreement.objects.all().delete()
    report = import_agreements(first, by=people.plan_editor)
    assert report.problems == []
    assert report.created == 2
    framework = Agreement.objects.get(code="INT-2024-001")
    assert framework.status == "in_progress"
    assert list(framework.status_changes.values_list("action", flat=True)) == [
        "start_review",
        "approve",
        "sign",
        "start",
    ]
    first.seek(0)
    assert _contents(read_workbook(exported(fmt))) == _contents(read_workbook(first))


def _contents(sheets) -> dict:
    return {name: (s.headers, s.rows) for name, s in sheets.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_dry_run_reports_the_same_changes_and_writes_nothing(people, fmt):
    build_registry(people.plan_editor)
    data = edit(exported(fmt), fmt, "Intese", 3, "sintesi", "Nuova sintesi")
    before = snapshot()
    dry = import_agreements(data, by=people.plan_editor, dry_run=True)
    assert snapshot() == before
    assert dry.ok and dry.dry_run and "non è stato salvato nulla" in dry.summary.lower()
    real = import_agreements(data, by=people.plan_editor)
    assert real.changes == dry.changes and real.additions == dry.additions
    assert Agreement.objects.get(code="INT-2024-002").summary == "Nuova sintesi"


@pytest.mark.django_db
def test_an_ods_saved_by_an_office_suite_is_read_with_its_repeats_and_spaces(people):
    """Office suites repeat identical cells and rows, and spell spaces and line breaks as
    elements: the reader expands them and keeps the row numbers of the sheet."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.text import LineBreak, S

    themes()
    document = OpenDocumentSpreadsheet()
    table = Table(name="Intese")
    headers = AGREEMENTS.headers

    def row(values, repeat=1):
        tr = TableRow(numberrowsrepeated=repeat) if repeat > 1 else TableRow()
        for value in values:
            if not isinstance(value, str):  # a cell built by the caller
                tr.addElement(value)
                continue
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        tr.addElement(TableCell(numbercolumnsrepeated=1000))  # the rest of the row, empty
        return tr

    title = TableCell(valuetype="string")
    paragraph = P(text="Due")
    paragraph.addElement(S(c=2))
    paragraph.addText("spazi")
    paragraph.addElement(LineBreak())
    paragraph.addText("e a capo")
    title.addElement(paragraph)
    table.addElement(row(headers))
    table.addElement(row([""] * 16, repeat=3))  # rows 2-4: empty
    table.addElement(
        row(["ODS-1", title, "", "patto", "", "", "", "", "", "", "", "", "", "", "", ""])
    )
    table.addElement(row(["ODS-2", "Seconda", "", "patto", "", "", "", "", "", "", "forse"]))
    table.addElement(TableRow(numberrowsrepeated=1048570))  # up to the end of the sheet
    document.spreadsheet.addElement(table)
    data = io.BytesIO()
    document.write(data)

    report = import_agreements(data, by=people.plan_editor)
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("Intese", 6, "pubblica")]
    sheet = read_workbook(data)["Intese"]
    assert sheet.rows[0][0] == 5
    assert sheet.rows[0][1][1] == "Due  spazi\ne a capo"
