"""A partner's reporting as a spreadsheet (monitoring/spreadsheet.py): the file lists what the
organisation owes in the round; filled in and uploaded, every row is sent, or none."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from intese.agreements.spreadsheets import read_workbook
from intese.monitoring import rounds, services, spreadsheet
from intese.monitoring.models import Measurement, ProgressReport, ReviewStatus
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def sesto_agreement():
    return build.agreement_with(build.sesto(), code="RENDICONTA-SESTO")


@pytest.fixture
def commitment(sesto_agreement):
    return build.commitment(
        sesto_agreement, build.sesto(), title="Pista ciclabile", due_on=D(2030, 12, 31)
    )


@pytest.fixture
def indicator(sesto_agreement):
    return build.indicator(
        sesto_agreement,
        build.sesto(),
        code="KM-CICLABILI",
        name="Chilometri di piste",
        unit="km",
        minimum=Decimal(0),
    )


@pytest.fixture
def rho_commitment():
    agreement = build.agreement_with(build.rho())
    return build.commitment(agreement, build.rho(), title="Parco di Rho", due_on=D(2030, 1, 1))


@pytest.fixture
def round(commitment, indicator, rho_commitment):
    today = timezone.localdate()
    created = rounds.round_create(
        by=None,
        title="Monitoraggio 2026",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        agreements=[commitment.agreement, rho_commitment.agreement],
    )
    return rounds.round_open(created, by=None)


def workbook_of(file):
    file.seek(0)
    return openpyxl.load_workbook(io.BytesIO(file.read()))


def saved(workbook) -> io.BytesIO:
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def import_file(file, round, people, organisation=None):
    return spreadsheet.import_reports(
        file, round=round, organisation=organisation or build.sesto(), by=people.partner_sesto
    )


def filled(round, *, commitment_row=(), indicator_row=()):
    """The template of Sesto for the round, with its first rows filled from column E on."""
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    for column, value in enumerate(commitment_row, start=5):
        workbook["Impegni"].cell(row=2, column=column, value=value)
    for column, value in enumerate(indicator_row, start=5):
        workbook["Indicatori"].cell(row=2, column=column, value=value)
    return saved(workbook)


def where(result):
    return {(p.sheet, p.row, p.column) for p in result.problems}


# The template


def test_the_template_lists_what_the_organisation_owes_in_the_round(round, commitment, indicator):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)

    commitments, indicators = workbook["Impegni"], workbook["Indicatori"]
    assert [c.value for c in commitments[1]] == spreadsheet.COMMITMENT_HEADERS
    values = [c.value for c in commitments[2]]
    assert values[:3] == [commitment.pk, "RENDICONTA-SESTO", "Pista ciclabile"]
    assert values[3].date() == D(2030, 12, 31) and values[4:] == [None] * 5
    assert commitments.max_row == 2  # Rho's commitment is not in Sesto's file
    assert [c.value for c in indicators[1]] == spreadsheet.INDICATOR_HEADERS
    assert [c.value for c in indicators[2]][:4] == [
        indicator.pk,
        "KM-CICLABILI",
        "Chilometri di piste",
        "km",
    ]


def test_the_template_offers_lists_and_ranges_where_useful(round):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)

    rules = {str(r.sqref): r for r in workbook["Impegni"].data_validations.dataValidation}
    assert rules["F2"].type == "list" and "In linea" in rules["F2"].formula1
    assert (rules["E2"].type, rules["E2"].formula1, rules["E2"].formula2) == ("whole", "0", "100")
    types = {r.type for r in workbook["Indicatori"].data_validations.dataValidation}
    assert types == {"date", "decimal"}


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(sesto_agreement, round):
    build.commitment(sesto_agreement, build.sesto(), title='=HYPERLINK("http://x","y")')

    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)

    titles = [row[2] for row in workbook["Impegni"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x","y")' in titles
    assert all(cell.data_type != "f" for row in workbook["Impegni"].iter_rows() for cell in row)


def test_the_template_is_also_offered_as_ods(round, commitment):
    file = spreadsheet.template(round, build.sesto(), "ods")

    assert file.filename.endswith(".ods")
    sheets = read_workbook(file.file)
    assert sheets["Impegni"].headers == spreadsheet.COMMITMENT_HEADERS
    assert sheets["Impegni"].rows[0][1][:3] == [
        commitment.pk,
        "RENDICONTA-SESTO",
        "Pista ciclabile",
    ]


# The import


def test_a_filled_template_sends_every_row_for_review(round, people, commitment, indicator):
    file = filled(
        round,
        commitment_row=[40, "In linea", "Gara aggiudicata.", "", ""],
        indicator_row=[D(2026, 6, 30), 12.5, "Ufficio tecnico", "", ""],
    )

    result = import_file(file, round, people)

    assert result.ok, result.problems
    report = ProgressReport.objects.get()
    assert (report.commitment, report.percent, report.self_assessment) == (
        commitment,
        40,
        "on_track",
    )
    assert (report.round, report.organisation, report.submitted_by) == (
        round,
        build.sesto(),
        people.partner_sesto,
    )
    assert report.review_status == ReviewStatus.SUBMITTED
    measurement = Measurement.objects.get()
    assert (measurement.indicator, measurement.value, measurement.measured_on) == (
        indicator,
        Decimal("12.5"),
        D(2026, 6, 30),
    )
    assert measurement.source == "Ufficio tecnico" and measurement.round == round
    assert "Inviati 1 stati di avanzamento e 1 rilevazioni" in result.summary


def test_rows_left_empty_are_skipped(round, people, sesto_agreement):
    build.commitment(sesto_agreement, build.sesto(), title="Secondo impegno", due_on=D(2031, 1, 1))
    file = filled(round, commitment_row=[10, "on_track", "Avviato.", "", ""])

    result = import_file(file, round, people)

    assert result.ok and ProgressReport.objects.count() == 1
    assert Measurement.objects.count() == 0


def test_a_template_sent_back_empty_sends_nothing_and_says_so(round, people):
    result = import_file(spreadsheet.template(round, build.sesto()).file, round, people)

    assert not result.ok
    assert [p.message for p in result.problems] == [
        "Nessuna riga compilata: non c'è niente da inviare."
    ]


def test_one_bad_row_and_nothing_is_written_every_problem_is_listed(
    round, people, sesto_agreement, indicator
):
    build.commitment(sesto_agreement, build.sesto(), title="Secondo impegno", due_on=D(2031, 1, 1))
    services.target_set(indicator, due_on=D(2026, 1, 1), value="10")
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    commitments, indicators = workbook["Impegni"], workbook["Indicatori"]
    for column, value in enumerate([30, "In linea", "Buono.", "", ""], start=5):
        commitments.cell(row=2, column=column, value=value)  # fine alone
    for column, value in enumerate([120, "In linea", "", "", ""], start=5):
        commitments.cell(row=3, column=column, value=value)  # percent out of range
    commitments.append([999999, "", "", "", 10, "In linea", "Altro.", "", ""])  # not due
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    indicators.cell(row=2, column=5, value=tomorrow)
    indicators.cell(row=2, column=6, value=3)

    result = import_file(saved(workbook), round, people)

    assert where(result) == {
        ("Impegni", 3, "avanzamento %"),
        ("Impegni", 4, "id"),
        ("Indicatori", 2, "data"),
    }
    messages = " ".join(p.message for p in result.problems)
    assert "percentuale intera tra 0 e 100" in messages
    assert "non è tra quelli che Comune di Sesto San Giovanni deve rendicontare" in messages
    assert "non può essere futura" in messages
    assert ProgressReport.objects.count() == 0 and Measurement.objects.count() == 0
    assert "Non è stato salvato niente" in result.summary


@pytest.mark.parametrize(
    ("commitment_row", "indicator_row", "column", "message"),
    [
        ([50, "In linea", "", "", ""], (), "descrizione", "Descrivere l'avanzamento."),
        ([50, "Benissimo", "Fatto.", "", ""], (), "valutazione", "non è una valutazione"),
        ([20, "In ritardo", "Fermo.", "", ""], (), "spiegazione", "risulta in ritardo"),
        ((), [D(2026, 6, 30), "tanti", "", "", ""], "valore", "non è un numero"),
        ((), ["30 giugno", 3, "", "", ""], "data", "non è una data"),
        ((), [D(2026, 6, 30), "", "", "", ""], "valore", "Indicare il valore."),
        ((), [D(2026, 6, 30), -3, "", "", ""], "valore", "sotto il minimo"),
        ((), [D(2026, 6, 30), "=1+2", "", "", ""], "valore", "formula"),
    ],
)
def test_each_refusal_names_its_column(
    round, people, commitment_row, indicator_row, column, message
):
    file = filled(round, commitment_row=commitment_row, indicator_row=indicator_row)

    result = import_file(file, round, people)

    assert [(p.column, message in p.message) for p in result.problems] == [(column, True)]
    assert ProgressReport.objects.count() == 0 and Measurement.objects.count() == 0


def test_a_changed_unit_is_refused(round, people):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    workbook["Indicatori"]["D2"] = "m"
    workbook["Indicatori"]["E2"] = D(2026, 6, 30)
    workbook["Indicatori"]["F2"] = 3

    result = import_file(saved(workbook), round, people)

    assert where(result) == {("Indicatori", 2, "unità")}


def test_an_item_of_another_organisation_is_refused(round, people, rho_commitment):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    workbook["Impegni"].append([rho_commitment.pk, "", "", "", 10, "In linea", "Fatto.", "", ""])

    result = import_file(saved(workbook), round, people)

    assert where(result) == {("Impegni", 3, "id")}
    assert ProgressReport.objects.count() == 0


def test_the_same_item_twice_is_refused(round, people, commitment):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    workbook["Impegni"].append([commitment.pk, "", "", "", 10, "In linea", "Uno.", "", ""])
    workbook["Impegni"].append([commitment.pk, "", "", "", 20, "In linea", "Due.", "", ""])

    result = import_file(saved(workbook), round, people)

    assert where(result) == {("Impegni", 4, "id")}
    assert "compare già alla riga 3" in result.problems[0].message


def test_a_closed_round_accepts_nothing(round, people):
    file = filled(round, commitment_row=[40, "In linea", "Gara aggiudicata.", "", ""])
    rounds.round_close(round, by=people.plan_editor)
    round.refresh_from_db()

    result = import_file(file, round, people)

    assert [p.message for p in result.problems] == [
        "Il ciclo «Monitoraggio 2026» è chiuso: non accetta più invii."
    ]
    assert ProgressReport.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(round, people):
    result = import_file(io.BytesIO(b"not a spreadsheet"), round, people)

    assert "non è un foglio di calcolo" in result.problems[0].message


def test_xml_with_a_dtd_is_refused_before_parsing(round, people):
    """Billion laughs and external entities: no parser sees a DOCTYPE."""
    original = spreadsheet.template(round, build.sesto()).file
    out = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data
            target.writestr(member, data)

    result = import_file(out, round, people)

    assert "DOCTYPE o ENTITY" in result.problems[0].message


def test_a_file_without_the_sheets_is_not_the_template(round, people):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Foglio1"
    workbook.active.append(["id", "valore"])

    result = import_file(saved(workbook), round, people)

    assert "non è il modello di rendicontazione" in result.problems[0].message


def test_changed_headers_are_reported(round, people):
    workbook = workbook_of(spreadsheet.template(round, build.sesto()).file)
    workbook["Impegni"]["E1"] = "percentuale"

    result = import_file(saved(workbook), round, people)

    assert where(result) == {("Impegni", 1, "avanzamento %")}
