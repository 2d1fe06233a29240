"""Spreadsheets are untrusted both ways: formulas are neutralised on export, and bombs, DTDs
and formulas are refused on import before they can cost memory or run anywhere."""

import io
import time
import zipfile

import openpyxl
import pytest

from intese.agreements import services
from intese.agreements.models import Agreement, AgreementKind
from intese.agreements.spreadsheets import import_agreements
from intese.agreements.tests.test_spreadsheets_errors import BASE, valid, workbook
from intese.agreements.tests.test_spreadsheets_roundtrip import FORMATS, exported, snapshot, themes

FORMULAS = {
    "titolo": '=HYPERLINK("http://evil.invalid","apri")',
    "sintesi": "+1+1",
    "base_giuridica": "-2+3",
    "coerenza": "@SUM(A1:A2)",
    "fonti": "\t=1",
}


def _agreement_with_formulas(by):
    return services.agreement_create(
        by=by,
        code="=CODICE",
        title=FORMULAS["titolo"],
        summary=FORMULAS["sintesi"],
        legal_basis=FORMULAS["base_giuridica"],
        coherence_statement=FORMULAS["coerenza"],
        source_note=FORMULAS["fonti"],
        kind=AgreementKind.objects.get(code="patto"),
    )


@pytest.mark.django_db
def test_formulas_are_neutralised_in_xlsx_exports(people):
    _agreement_with_formulas(people.plan_editor)
    sheet = openpyxl.load_workbook(exported("xlsx"))["Intese"]
    headers = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    assert row["codice"].value == "'=CODICE"
    for header, text in FORMULAS.items():
        assert row[header].value == f"'{text}"
        assert row[header].data_type == "s"
    raw = zipfile.ZipFile(exported("xlsx")).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw


@pytest.mark.django_db
def test_formulas_are_neutralised_in_ods_exports(people):
    _agreement_with_formulas(people.plan_editor)
    content = zipfile.ZipFile(exported("ods")).read("content.xml").decode()
    assert "table:formula" not in content
    assert "<text:p>'=HYPERLINK(" in content and "<text:p>'+1+1</text:p>" in content
    assert "<text:p>'@SUM(A1:A2)</text:p>" in content and "<text:p>'-2+3</text:p>" in content


@pytest.mark.django_db
def test_formulas_are_neutralised_and_quoted_in_csv_exports(people):
    _agreement_with_formulas(people.plan_editor)
    text = zipfile.ZipFile(exported("csv")).read("Intese.csv").decode("utf-8-sig")
    line = text.splitlines()[1]
    assert line.startswith("'=CODICE,")
    assert '"\'=HYPERLINK(""http://evil.invalid"",""apri"")"' in line  # RFC 4180 quotes
    assert ",'+1+1," in line and ",'-2+3," in line and ",'@SUM(A1:A2)," in line


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_neutralised_texts_come_back_as_they_were(people, fmt):
    """Export adds a quote, import removes it; a text that starts with a quote keeps it."""
    agreement = _agreement_with_formulas(people.plan_editor)
    services.agreement_update(
        agreement=agreement,
        expected_version=agreement.version,
        by=people.plan_editor,
        summary="'=già protetto",
        legal_basis="'citazione",
    )
    before = snapshot()
    report = import_agreements(exported(fmt), by=people.plan_editor)
    assert report.ok and not report.has_changes, report.problems or report.changes
    assert snapshot() == before


@pytest.mark.django_db
def test_an_imported_formula_looking_text_is_stored_without_the_added_quote(people):
    themes()
    rows = valid(Intese={"titolo": '\'=HYPERLINK("x")', "sintesi": "'ciao", "fonti": "''=due"})
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert report.ok, report.problems
    agreement = Agreement.objects.get(code=BASE["Intese"]["codice"])
    assert agreement.title == '=HYPERLINK("x")'
    assert agreement.summary == "'ciao"
    assert agreement.source_note == "'=due"


@pytest.mark.django_db
def test_a_real_formula_in_an_uploaded_file_is_refused(people):
    themes()
    rows = valid(Intese={"titolo": '=CONCAT("a";"b")'})
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("Intese", 2, "titolo")]
    assert "formula" in report.problems[0].message


# --- archives ---------------------------------------------------------------------------------


def _zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def _zeros(name: str, megabytes: int) -> io.BytesIO:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        block = b"\0" * 2**20
        for _i in range(megabytes):
            member.write(block)
    out.seek(0)
    return out


def _refused(data, fragment: str):
    start = time.perf_counter()
    report = import_agreements(data, by=None)
    elapsed = time.perf_counter() - start
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("", None, "")]
    assert fragment in report.problems[0].message, report.problems[0].message
    assert elapsed < 2, f"refused in {elapsed:.1f} s"
    return report


@pytest.fixture(scope="module")
def zip_bomb():
    """An .xlsx-looking archive whose one sheet inflates from 200 kB to 200 MB of zeros."""
    return _zeros("xl/worksheets/sheet1.xml", 200).getvalue()


def test_a_zip_bomb_is_refused_before_decompression(zip_bomb):
    assert len(zip_bomb) < 1_000_000
    _refused(io.BytesIO(zip_bomb), "200 MB")


def test_a_member_compressed_beyond_the_ratio_limit_is_refused():
    _refused(_zeros("Intese.csv", 20), "compresso in modo anomalo")


def test_an_archive_with_too_many_members_is_refused():
    _refused(_zip({f"foglio{i}.csv": b"codice\n" for i in range(101)}), "101 file")


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    _refused(io.BytesIO(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "non è un foglio di calcolo")


def test_a_zip_of_csv_files_with_anything_else_is_refused():
    _refused(_zip({"Intese.csv": b"codice\n", "installa.exe": b"MZ"}), "solo file .csv")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>
</worksheet>
"""


def _replace(data: io.BytesIO, name: str, content: bytes) -> io.BytesIO:
    source, out = zipfile.ZipFile(data), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            target.writestr(member, content if member == name else source.read(member))
    out.seek(0)
    return out


@pytest.mark.django_db
def test_a_billion_laughs_inside_an_xlsx_is_refused(people):
    data = _replace(workbook(valid()), "xl/workbook.xml", BILLION_LAUGHS)
    _refused(data, "DOCTYPE o ENTITY")


@pytest.mark.django_db
def test_an_external_entity_inside_an_xlsx_is_refused(people):
    data = _replace(workbook(valid()), "xl/worksheets/sheet1.xml", EXTERNAL_ENTITY)
    report = _refused(data, "DOCTYPE o ENTITY")
    assert "root:" not in report.problems[0].message


@pytest.mark.django_db
def test_a_dtd_written_in_utf16_is_refused_too(people):
    data = _replace(workbook(valid()), "xl/workbook.xml", BILLION_LAUGHS.decode().encode("utf-16"))
    _refused(data, "DOCTYPE o ENTITY")


@pytest.mark.django_db
def test_a_billion_laughs_inside_an_ods_is_refused(people):
    data = _replace(exported("ods"), "content.xml", BILLION_LAUGHS)
    _refused(data, "DOCTYPE o ENTITY")


def test_a_member_that_lies_about_its_size_is_refused_as_damaged():
    """The check trusts the declared sizes because zipfile never inflates beyond them."""
    data = bytearray(_zip({"Intese.xml": b"<a>" + b"x" * 5_000_000 + b"</a>"}).getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[22:26] = data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    _refused(io.BytesIO(bytes(data)), "danneggiato")


@pytest.mark.django_db
def test_a_damaged_spreadsheet_is_reported_as_unreadable(people):
    data = _replace(workbook(valid()), "xl/workbook.xml", b"<workbook><sheets>")
    _refused(data, "danneggiato")
