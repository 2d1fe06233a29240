"""The files of the yearly report: the PDF's text, and the spreadsheets' sheets and rows."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from pypdf import PdfReader

from intese.reports import outputs, yearly
from intese.reports.tests.dataset import YEAR

pytestmark = pytest.mark.django_db

SHEETS = [
    "Sintesi",
    "Risultati",
    "Missioni e programmi",
    "Finanziamenti",
    "Tempi",
    "Procedure",
    "Indicatori",
    "Metodo",
]


def report_of(data, charts=False):
    return yearly.build(data.plan, data.document, YEAR, yearly.as_of_for(YEAR), with_charts=charts)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_the_pdf_carries_the_plan_its_items_progress_statuses_and_method(data):
    report = report_of(data, charts=True)
    content = outputs.pdf("reports/_yearly_body.html", yearly.context(report))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Piano strategico di prova per le relazioni" in text
    assert re.search(r"M1\.1 Piste ciclabili 62,5 %", text)
    assert "A rischio" in text and "In ritardo" in text and "Dati mancanti" in text
    assert "Come si calcola" in text
    assert "somma dei loro pesi" in text.replace("- ", "")
    assert "100.000,00" in text


def test_the_pdf_fetches_nothing_from_the_network(data, monkeypatch):
    """Only data: URLs are allowed: any other address would fail the fetch, and be reported."""
    from weasyprint.urls import URLFetcher

    fetched = []
    original = URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    outputs.pdf("reports/_yearly_body.html", yearly.context(report_of(data, charts=True)))
    assert fetched and all(url.startswith("data:") for url in fetched)


def test_the_xlsx_has_one_sheet_per_section_with_the_rows(data):
    content = outputs.spreadsheet(outputs.yearly_tables(report_of(data)), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == SHEETS
    results = list(book["Risultati"].iter_rows(values_only=True))
    assert results[0][:4] == ("Codice", "Voce", "Livello", "Avanzamento (%)")
    by_code = {row[0]: row for row in results[1:]}
    assert by_code["M1.1"][1] == "Piste ciclabili"
    assert Decimal(str(by_code["M1.1"][3])) == Decimal("62.5")
    assert by_code["M1.1"][5] == "A rischio"
    assert by_code["M2"][5] == "nessun impegno"
    funding = list(book["Finanziamenti"].iter_rows(values_only=True))
    assert funding[2][:2] == ("Fonte", "PNRR") and funding[2][4] == 100000
    indicators = {row[0]: row for row in book["Indicatori"].iter_rows(values_only=True)}
    assert indicators["IND-KM"][8] == 25 and indicators["IND-USO"][15] == "Dati mancanti"
    method = [row[1] for row in book["Metodo"].iter_rows(values_only=True)]
    formula = "somma di (peso × percentuale)"  # noqa: RUF001
    assert any(formula in (text or "") for text in method)


def ods_rows(content: bytes, sheet: str) -> list[list[str]]:
    document = load(io.BytesIO(content))
    for table in document.spreadsheet.getElementsByType(Table):
        if table.getAttribute("name") == sheet:
            return [
                [str(cell) for cell in row.getElementsByType(TableCell)]
                for row in table.getElementsByType(TableRow)
            ]
    raise AssertionError(f"no sheet {sheet}")


def test_the_ods_opens_and_holds_the_same_rows(data):
    content = outputs.spreadsheet(outputs.yearly_tables(report_of(data)), "ods")
    assert zipfile.ZipFile(io.BytesIO(content)).read("mimetype").startswith(b"application/")
    results = ods_rows(content, "Risultati")
    row = next(r for r in results if r[0] == "M1.1")
    assert row[1:4] == ["Piste ciclabili", "Obiettivo", "62.5"]
    timing = ods_rows(content, "Tempi")
    assert ["Impegno in ritardo", data.agreement.code, "Gara per i lavori"] == timing[1][:3]
    assert any(r[0] == "Traguardo mancato" and r[2] == "Progetto esecutivo" for r in timing)
    summary = dict((r[0], r[1]) for r in ods_rows(content, "Sintesi"))
    assert summary["Avanzamento dell'intero piano (%)"] == "62.5"
    assert summary["Dati al"] == "2025-12-31"
