"""Every problem of a file is reported with sheet, row and column, and nothing is written."""

import io

import openpyxl
import pytest

from intese.agreements.models import Agreement
from intese.agreements.spreadsheets import SHEETS, import_agreements
from intese.agreements.tests.test_spreadsheets_roundtrip import (
    build_registry,
    edit,
    exported,
    snapshot,
    themes,
)
from intese.testing.factories import OrganisationFactory

BASE = {
    "Intese": {
        "codice": "NUOVA-1",
        "titolo": "Intesa nuova",
        "tipo": "protocollo_intesa",
        "stato": "proposed",
        "temi": "mobilita",
        "ambito": "zone:nord-milano; municipality:015146",
        "pubblica": "sì",
        "efficace_dal": "2025-01-01",
        "scade_il": "2026-01-01",
        "rinnovo": "none",
    },
    "Parti": {"codice_intesa": "NUOVA-1", "organizzazione": "cmmi", "ruolo": "promoter"},
    "Atti": {
        "codice_intesa": "NUOVA-1",
        "tipo": "altro",
        "numero": "7",
        "data": "2025-01-01",
        "ente": "cmmi",
        "indirizzo": "https://www.cittametropolitana.mi.it/atti/7",
    },
    "Impegni": {
        "codice_intesa": "NUOVA-1",
        "numero": 1,
        "impegno": "Studio di fattibilità",
        "responsabile": "cmmi",
        "scadenza": "2025-06-30",
    },
    "Traguardi": {
        "codice_intesa": "NUOVA-1",
        "numero_impegno": 1,
        "traguardo": "Consegna",
        "previsto_il": "2025-05-31",
    },
    "Finanziamenti": {
        "codice_intesa": "NUOVA-1",
        "fonte": "pnrr",
        "missione_pnrr": "M2",
        "importo": "1.250,50",
        "cup": "J41B21000000001",
    },
}


def workbook(rows: dict[str, list[dict]], *, skip=(), extra_headers=None) -> io.BytesIO:
    """An XLSX in the import format, written with openpyxl as any office tool would."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        if sheet.name in skip:
            continue
        ws = book.create_sheet(sheet.name)
        headers = [h for h in sheet.headers if h not in skip] + (extra_headers or {}).get(
            sheet.name, []
        )
        ws.append(headers)
        for row in rows.get(sheet.name, []):
            ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def valid(**changes) -> dict[str, list[dict]]:
    """The base file, one row per sheet; changes={"Sheet": {"column": value}}."""
    return {name: [{**row, **changes.get(name, {})}] for name, row in BASE.items()}


@pytest.fixture
def reference(db):
    themes()


def problems(report):
    return [(p.sheet, p.row, p.column) for p in report.problems]


@pytest.mark.django_db
def test_a_valid_file_creates_the_agreement_with_everything_it_holds(people, reference):
    report = import_agreements(workbook(valid()), by=people.plan_editor)
    assert report.problems == []
    agreement = Agreement.objects.get(code="NUOVA-1")
    assert agreement.parties.get().organisation.ipa_code == "cmmi"
    assert str(agreement.funding_lines.get().amount) == "1250.50"
    assert agreement.commitments.get().milestones.get().title == "Consegna"
    assert sorted(a.code for a in agreement.areas.all()) == ["015146", "nord-milano"]


CELL_ERRORS = [
    ("Intese", "efficace_dal", "31/02/2025", "non è una data"),
    ("Intese", "tipo", "accordo_segreto", "Tipo di intesa sconosciuto"),
    ("Intese", "temi", "mobilita; spazio", "Temi sconosciuti: spazio"),
    ("Intese", "ambito", "zone:atlantide", "Area sconosciuta"),
    ("Intese", "ambito", "015146", "non indica un'area"),
    ("Intese", "intesa_quadro", "NON-ESISTE", "Intesa quadro sconosciuta"),
    ("Intese", "intesa_quadro", "NUOVA-1", "quadro di se stessa"),
    ("Intese", "pubblica", "forse", "non è sì o no"),
    ("Intese", "stato", "firmatissima", "non è un valore ammesso"),
    ("Intese", "scade_il", "2024-12-31", "La scadenza deve seguire"),
    ("Intese", "titolo", None, "obbligatorio"),
    ("Intese", "titolo", "X" * 301, "300 caratteri"),
    ("Parti", "organizzazione", "Comune di Atlantide", "Organizzazione sconosciuta"),
    ("Parti", "ruolo", "spettatore", "non è un valore ammesso"),
    ("Parti", "codice_intesa", "ALTRA", "assente dal foglio Intese e dal registro"),
    ("Atti", "data", "ieri", "non è una data"),
    ("Atti", "indirizzo", "non è un indirizzo", "URL"),
    ("Atti", "ente", "Ente che non c'è", "Organizzazione sconosciuta"),
    ("Impegni", "responsabile", "c_f205", "non è parte dell'intesa"),
    ("Impegni", "numero", 3, "non consecutivo"),
    ("Impegni", "numero", "primo", "non è un numero intero positivo"),
    ("Traguardi", "numero_impegno", 2, "non ha l'impegno numero 2"),
    ("Finanziamenti", "cup", "J41B2100", "non è un CUP"),
    ("Finanziamenti", "importo", "mille euro", "non è un importo"),
    ("Finanziamenti", "importo", "-5", "negativo"),
    ("Finanziamenti", "importo", "10,123", "decimal"),
    ("Finanziamenti", "fonte", "lotteria", "non è un valore ammesso"),
    ("Finanziamenti", "missione_pnrr", "M9", "non è una missione del PNRR"),
    ("Finanziamenti", "componente_pnrr", "C5", "da C1 a C4"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("sheet", "column", "value", "message"), CELL_ERRORS)
def test_a_bad_cell_is_reported_where_it_is_and_nothing_is_written(
    people, reference, sheet, column, value, message
):
    before = snapshot()
    report = import_agreements(workbook(valid(**{sheet: {column: value}})), by=people.plan_editor)
    assert problems(report) == [(sheet, 2, column)], report.problems
    assert message.lower() in report.problems[0].message.lower()
    assert snapshot() == before
    assert "non è stato salvato nulla" in report.summary.lower()


@pytest.mark.django_db
def test_every_problem_of_the_file_is_reported_at_once(people, reference):
    rows = valid(
        Intese={"efficace_dal": "ieri"},
        Parti={"organizzazione": "Nessuno"},
        Finanziamenti={"importo": "tanto", "cup": "X"},
    )
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [
        ("Intese", 2, "efficace_dal"),
        ("Parti", 2, "organizzazione"),
        ("Finanziamenti", 2, "importo"),
        ("Finanziamenti", 2, "cup"),
    ]


@pytest.mark.django_db
def test_one_bad_row_among_a_thousand_good_ones_writes_nothing(people, reference):
    rows = {"Intese": [{**BASE["Intese"], "codice": f"N-{i}"} for i in range(1000)]}
    rows["Intese"][-1]["scade_il"] = "presto"
    before = snapshot()
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [("Intese", 1001, "scade_il")]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_repeated_code_is_reported_on_its_second_row(people, reference):
    rows = valid()
    rows["Intese"].append(dict(rows["Intese"][0]))
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [("Intese", 3, "codice")]
    assert "riga 2" in report.problems[0].message


@pytest.mark.django_db
def test_a_repeated_party_is_reported(people, reference):
    rows = valid()
    rows["Parti"].append(dict(rows["Parti"][0]))
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [("Parti", 3, "ruolo")]


@pytest.mark.django_db
def test_an_organisation_name_shared_by_two_is_ambiguous(people, reference):
    OrganisationFactory.create_batch(2, name="Associazione omonima")
    report = import_agreements(
        workbook(valid(Parti={"organizzazione": "Associazione omonima"})), by=people.plan_editor
    )
    assert problems(report) == [("Parti", 2, "organizzazione")]
    assert "codice IPA" in report.problems[0].message


@pytest.mark.django_db
def test_organisations_are_found_by_ipa_code_codice_fiscale_or_exact_name(people, reference):
    rows = valid()
    rows["Parti"] = [
        {**BASE["Parti"], "organizzazione": "C_F205", "ruolo": "signatory"},
        {**BASE["Parti"], "organizzazione": "80050050154", "ruolo": "funder"},
        {**BASE["Parti"], "organizzazione": "Comune di Sesto San Giovanni", "ruolo": "adherent"},
    ]
    rows["Impegni"][0]["responsabile"] = "c_f205"
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert report.problems == []
    parties = Agreement.objects.get(code="NUOVA-1").parties.order_by("role")
    assert [p.organisation.name for p in parties] == [
        "Comune di Sesto San Giovanni",
        "Regione Lombardia",
        "Comune di Milano",
    ]


@pytest.mark.django_db
def test_a_missing_sheet_is_reported(people, reference):
    report = import_agreements(workbook(valid(), skip={"Intese"}), by=people.plan_editor)
    assert problems(report) == [("Intese", None, "")]
    assert "Manca il foglio" in report.problems[0].message


@pytest.mark.django_db
def test_missing_and_unknown_columns_are_reported_on_the_header_row(people, reference):
    data = workbook(valid(), skip={"sintesi"}, extra_headers={"Parti": ["note"]})
    report = import_agreements(data, by=people.plan_editor)
    assert problems(report) == [("Intese", 1, "sintesi"), ("Parti", 1, "note")]
    assert report.problems[0].message == "Manca la colonna."


@pytest.mark.django_db
def test_an_unknown_sheet_is_reported_and_the_instructions_are_ignored(people, reference):
    data = workbook(valid())
    book = openpyxl.load_workbook(data)
    book.create_sheet("Parte")
    book.create_sheet("Istruzioni")
    out = io.BytesIO()
    book.save(out)
    report = import_agreements(out, by=people.plan_editor)
    assert problems(report) == [("Parte", None, "")]


@pytest.mark.django_db
def test_a_framework_agreement_may_come_later_in_the_file(people, reference):
    rows = valid(Intese={"intesa_quadro": "QUADRO-1"})
    rows["Intese"].append({**BASE["Intese"], "codice": "QUADRO-1", "tipo": "intesa_quadro"})
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert report.problems == []
    assert Agreement.objects.get(code="NUOVA-1").parent.code == "QUADRO-1"


@pytest.mark.django_db
def test_framework_agreements_cannot_form_a_cycle(people, reference):
    rows = valid(Intese={"intesa_quadro": "QUADRO-1"})
    rows["Intese"].append({**BASE["Intese"], "codice": "QUADRO-1", "intesa_quadro": "NUOVA-1"})
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [("Intese", 2, "intesa_quadro"), ("Intese", 3, "intesa_quadro")]


@pytest.mark.django_db
def test_a_status_that_breaks_the_lifecycle_is_reported_and_rolls_everything_back(
    people, reference
):
    """The first agreement is written through the services; the second cannot be "signed"
    without signatures, so the first is rolled back too."""
    rows = valid()
    rows["Intese"].append(
        {
            **BASE["Intese"],
            "codice": "FIRMATA-1",
            "stato": "signed",
            "coerenza": "Coerente con il piano.",
        }
    )
    rows["Atti"].append({**BASE["Atti"], "codice_intesa": "FIRMATA-1", "approva": "sì"})
    rows["Parti"].append({**BASE["Parti"], "codice_intesa": "FIRMATA-1", "ruolo": "signatory"})
    before = snapshot()
    report = import_agreements(workbook(rows), by=people.plan_editor)
    assert problems(report) == [("Intese", 3, "stato")]
    assert "firme" in report.problems[0].message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_dry_run_reports_lifecycle_refusals_too(people, reference):
    report = import_agreements(
        workbook(valid(Intese={"stato": "approved"})), by=people.plan_editor, dry_run=True
    )
    assert problems(report) == [("Intese", 2, "stato")]
    assert "coerenza" in report.problems[0].message


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_changing_the_status_of_a_registered_agreement_is_refused(people, fmt):
    build_registry(people.plan_editor)
    data = edit(exported(fmt), fmt, "Intese", 3, "stato", "under_review")
    before = snapshot()
    report = import_agreements(data, by=people.plan_editor)
    assert problems(report) == [("Intese", 3, "stato")]
    assert "ciclo di vita" in report.problems[0].message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_registered_act_is_not_changed_by_the_import(people):
    build_registry(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Atti", 2, "oggetto", "Altro oggetto")
    before = snapshot()
    report = import_agreements(data, by=people.plan_editor)
    assert problems(report) == [("Atti", 2, "oggetto")]
    assert "non modifica" in report.problems[0].message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_signature_date_is_refused(people):
    build_registry(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Parti", 2, "firmata_il", "2024-07-01")
    report = import_agreements(data, by=people.plan_editor)
    assert problems(report) == [("Parti", 2, "firmata_il")]
    assert "2024-02-01" in report.problems[0].message


@pytest.mark.django_db
def test_a_signature_can_be_added_to_a_registered_party(people):
    """The new signature goes through party_sign, as in the form."""
    build_registry(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Parti", 4, "firmata_il", "2024-07-01")
    report = import_agreements(data, by=people.plan_editor)
    assert problems(report) == [("Parti", 4, "firmata_il")]
    assert "stipulata" in report.problems[0].message  # the agreement is already in progress
    protocol = edit(exported("xlsx"), "xlsx", "Parti", 5, "firmata_il", "2024-07-01")
    report = import_agreements(protocol, by=people.plan_editor)
    assert report.problems == []
    assert [(c.code, c.column, c.after) for c in report.changes] == [
        ("INT-2024-002", "firmata_il", "2024-07-01")
    ]
    party = Agreement.objects.get(code="INT-2024-002").parties.get()
    assert str(party.signed_on) == "2024-07-01"


@pytest.mark.django_db
def test_registered_commitments_are_updated_and_new_ones_appended(people):
    build_registry(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Impegni", 3, "stato", "done")
    book = openpyxl.load_workbook(data)
    book["Impegni"].append(["INT-2024-001", 3, "Nuovo impegno", None, "cmmi", None, None, None])
    out = io.BytesIO()
    book.save(out)
    report = import_agreements(out, by=people.plan_editor)
    assert report.problems == []
    assert [(c.sheet, c.row, c.column, c.after) for c in report.changes] == [
        ("Impegni", 3, "stato", "done")
    ]
    assert [(a.sheet, a.row) for a in report.additions] == [("Impegni", 4)]
    commitments = Agreement.objects.get(code="INT-2024-001").commitments.order_by("pk")
    assert [(c.title, c.status) for c in commitments] == [
        ("Piano della mobilità", "in_progress"),
        ("Corsie ciclabili", "done"),
        ("Nuovo impegno", "planned"),
    ]
