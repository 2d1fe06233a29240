"""A partner reports on the "Rendiconta" page: every open item of their organisation on one
page, each sent on its own through the monitoring services; or all at once with the file."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intese.backoffice import forms_reporting
from intese.monitoring import rounds, services
from intese.monitoring.models import Measurement, ProgressReport
from intese.testing import monitoring as build
from intese.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
HTMX = {"HX-Request": "true"}
PAGE = "backoffice:reporting_home"


@pytest.fixture
def sesto_agreement():
    return build.agreement_with(build.sesto(), code="RENDICONTA-SESTO")


@pytest.fixture
def commitment(sesto_agreement):
    return build.commitment(
        sesto_agreement, build.sesto(), title="Pista ciclabile di Sesto", due_on=D(2030, 12, 31)
    )


@pytest.fixture
def indicator(sesto_agreement):
    indicator = build.indicator(
        sesto_agreement,
        build.sesto(),
        code="KM-SESTO",
        name="Chilometri di piste a Sesto",
        unit="km",
        minimum=Decimal(0),
    )
    services.target_set(indicator, due_on=D(2026, 1, 1), value="10")
    services.target_set(indicator, due_on=D(2030, 1, 1), value="40")
    return indicator


@pytest.fixture
def rho_agreement():
    return build.agreement_with(build.rho(), code="RENDICONTA-RHO")


@pytest.fixture
def rho_commitment(rho_agreement):
    return build.commitment(rho_agreement, build.rho(), title="Parco di Rho", due_on=D(2030, 1, 1))


@pytest.fixture
def rho_indicator(rho_agreement):
    return build.indicator(rho_agreement, build.rho(), code="ALBERI-RHO", name="Alberi piantati")


def open_round(*agreements, title="Monitoraggio 2026"):
    today = timezone.localdate()
    created = rounds.round_create(
        by=None,
        title=title,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        agreements=list(agreements),
    )
    return rounds.round_open(created, by=None)


@pytest.fixture
def round(commitment, indicator, rho_commitment, rho_indicator):
    return open_round(commitment.agreement, rho_commitment.agreement)


def progress_url(round, commitment):
    return reverse("backoffice:reporting_progress", args=[round.pk, commitment.pk])


def measurement_url(round, indicator):
    return reverse("backoffice:reporting_measurement", args=[round.pk, indicator.pk])


def progress_data(round, commitment, **changes):
    fields = {
        "percent": "40",
        "self_assessment": "on_track",
        "narrative": "Gara aggiudicata, cantiere aperto.",
        "obstacles": "",
        "explanation": "",
        **changes,
    }
    return {f"c{round.pk}-{commitment.pk}-{k}": v for k, v in fields.items()}


def measurement_data(round, indicator, **changes):
    fields = {
        "value": "12,5",
        "measured_on": "2026-06-30",
        "source": "Ufficio tecnico",
        "note": "",
        "explanation": "",
        **changes,
    }
    return {f"i{round.pk}-{indicator.pk}-{k}": v for k, v in fields.items()}


# The page


def test_the_page_lists_only_the_items_of_the_reporters_organisation(client, people, round):
    client.force_login(people.partner_sesto)
    html = client.get(reverse(PAGE)).content.decode()

    assert "Comune di Sesto San Giovanni" in html and "Monitoraggio 2026" in html
    assert "Pista ciclabile di Sesto" in html and "KM-SESTO" in html
    assert "Parco di Rho" not in html and "ALBERI-RHO" not in html
    assert "Da inviare" in html

    client.force_login(people.partner_rho)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Parco di Rho" in html and "ALBERI-RHO" in html
    assert "Pista ciclabile di Sesto" not in html and "KM-SESTO" not in html


def test_the_page_shows_last_accepted_figures_next_target_and_a_sent_back_reason(
    client, people, round, commitment, indicator
):
    build.report(
        commitment, 20, D(2026, 3, 31), by=people.partner_sesto, accepted_by=people.plan_editor
    )
    build.measure(
        indicator, "8", D(2025, 12, 31), by=people.partner_sesto, accepted_by=people.plan_editor
    )
    sent = build.report(commitment, 30, D(2026, 6, 30), by=people.partner_sesto, round=round)
    services.review(sent, by=people.plan_editor, accept=False, reason="Allegare il verbale.")
    client.force_login(people.partner_sesto)

    html = client.get(reverse(PAGE)).content.decode()

    assert "20% (31 marzo 2026)" in html
    assert "8 km (31 dicembre 2025)" in html
    assert "40 km entro il 1 gennaio 2030" in html
    assert "Rinviato" in html and "Allegare il verbale." in html


def test_a_reporter_may_not_look_at_another_organisation(client, people, round):
    client.force_login(people.partner_rho)
    url = f"{reverse(PAGE)}?organisation={build.sesto().pk}"
    assert client.get(url).status_code == 403


def test_the_plan_office_picks_any_organisation(client, people, round):
    client.force_login(people.plan_editor)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Rendiconta per conto di" in html and "Pista ciclabile di Sesto" not in html

    html = client.get(f"{reverse(PAGE)}?organisation={build.sesto().pk}").content.decode()
    assert "Pista ciclabile di Sesto" in html and "Parco di Rho" not in html


def test_no_open_round_no_items(client, people, commitment):
    client.force_login(people.partner_sesto)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Nessun ciclo di monitoraggio aperto" in html


def test_the_page_costs_the_same_queries_for_2_or_10_items(
    client, people, django_assert_max_num_queries
):
    def round_with(n):
        agreement = build.agreement_with(build.sesto())
        for _i in range(n):
            build.commitment(agreement, build.sesto(), due_on=D(2030, 1, 1))
            build.indicator(agreement, build.sesto())
        return open_round(agreement, title=f"Ciclo con {n} voci")

    client.force_login(people.partner_sesto)
    small = round_with(1)  # 2 items
    with CaptureQueriesContext(connection) as queries:
        assert "Ciclo con 1 voci" in client.get(reverse(PAGE)).content.decode()
    rounds.round_close(small, by=people.plan_editor)
    round_with(5)  # 10 items
    with django_assert_max_num_queries(len(queries)):
        assert client.get(reverse(PAGE)).content.decode().count("<article") == 10


# One item at a time


def test_a_reporter_sends_a_progress_report(client, people, round, commitment):
    client.force_login(people.partner_sesto)
    evidence = SimpleUploadedFile("verbale.pdf", pdf_bytes(), content_type="application/pdf")
    data = progress_data(round, commitment)
    data[f"c{round.pk}-{commitment.pk}-evidence"] = evidence

    response = client.post(progress_url(round, commitment), data)

    assert response.status_code == 302
    assert (
        f"?organisation={build.sesto().pk}#impegno-{round.pk}-{commitment.pk}"
        in (response["Location"])
    )
    report = ProgressReport.objects.get()
    assert (report.percent, report.self_assessment, report.round) == (40, "on_track", round)
    assert report.organisation == build.sesto() and report.submitted_by == people.partner_sesto
    assert report.reported_on == timezone.localdate()
    assert report.evidence_name == "verbale.pdf"


def test_with_htmx_the_item_is_swapped_with_its_new_state(client, people, round, commitment):
    client.force_login(people.partner_sesto)

    response = client.post(
        progress_url(round, commitment), progress_data(round, commitment), headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="impegno-{round.pk}-{commitment.pk}"' in html
    assert "Inviato, in revisione" in html and "ora è in revisione" in html


def test_a_reporter_sends_a_measurement(client, people, round, indicator):
    client.force_login(people.partner_sesto)

    response = client.post(measurement_url(round, indicator), measurement_data(round, indicator))

    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("12.5") and measurement.measured_on == D(2026, 6, 30)
    assert measurement.round == round and measurement.source == "Ufficio tecnico"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent": "120"}, "L&#x27;avanzamento è una percentuale intera tra 0 e 100."),
        ({"narrative": ""}, "Descrivere l&#x27;avanzamento."),
        ({"self_assessment": "late"}, "risulta in ritardo: spiegarne il motivo."),
        ({"percent": "100"}, "quando, e solo quando, l&#x27;avanzamento è al 100%"),
    ],
)
def test_a_bad_progress_report_is_explained_and_nothing_is_written(
    client, people, round, commitment, changes, message
):
    client.force_login(people.partner_sesto)

    response = client.post(
        progress_url(round, commitment), progress_data(round, commitment, **changes), headers=HTMX
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "invalid-feedback" in response.content.decode()
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "dodici"}, "«dodici» non è un numero."),
        ({"value": "-1"}, "è sotto il minimo ammesso"),
        ({"measured_on": "2099-01-01"}, "La data di riferimento non può essere futura."),
        # 5 km on 30 June 2026 misses the 10 km due on 1 January 2026: late, to be explained.
        ({"value": "5"}, "l&#x27;indicatore risulta in ritardo rispetto all&#x27;obiettivo"),
    ],
)
def test_a_bad_measurement_is_explained_and_nothing_is_written(
    client, people, round, indicator, changes, message
):
    client.force_login(people.partner_sesto)

    response = client.post(
        measurement_url(round, indicator), measurement_data(round, indicator, **changes)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Measurement.objects.count() == 0


def test_a_late_value_with_its_explanation_is_accepted_for_review(client, people, round, indicator):
    client.force_login(people.partner_sesto)
    data = measurement_data(round, indicator, value="5", explanation="Cantiere fermo per ricorso.")

    assert client.post(measurement_url(round, indicator), data).status_code == 302
    assert Measurement.objects.get().explanation == "Cantiere fermo per ricorso."


def test_another_organisations_items_are_forbidden(
    client, people, round, rho_commitment, rho_indicator
):
    client.force_login(people.partner_sesto)

    progress = client.post(
        progress_url(round, rho_commitment), progress_data(round, rho_commitment)
    )
    measurement = client.post(
        measurement_url(round, rho_indicator), measurement_data(round, rho_indicator)
    )

    assert progress.status_code == 403 and measurement.status_code == 403
    assert ProgressReport.objects.count() == 0 and Measurement.objects.count() == 0


def test_an_item_the_round_does_not_ask_for_is_not_found(client, people, round, sesto_agreement):
    outside = build.agreement_with(build.sesto())
    other = build.commitment(outside, build.sesto(), due_on=D(2030, 1, 1))
    client.force_login(people.partner_sesto)

    response = client.post(progress_url(round, other), progress_data(round, other))

    assert response.status_code == 404 and ProgressReport.objects.count() == 0


def test_a_closed_round_refuses_reports_with_the_services_message(
    client, people, round, commitment
):
    rounds.round_close(round, by=people.plan_editor)
    client.force_login(people.partner_sesto)

    response = client.post(progress_url(round, commitment), progress_data(round, commitment))

    assert response.status_code == 200
    assert "Il ciclo «Monitoraggio 2026» è chiuso: non accetta più invii." in (
        response.content.decode()
    )
    assert ProgressReport.objects.count() == 0


def test_without_javascript_an_item_has_a_page_of_its_own(client, people, round, commitment):
    client.force_login(people.partner_sesto)

    html = client.get(progress_url(round, commitment)).content.decode()

    assert "<h1>Monitoraggio 2026: rendicontazione di Comune di Sesto San Giovanni</h1>" in html
    assert "<h2" in html and "Pista ciclabile di Sesto" in html


def test_the_plan_office_reports_on_behalf_of_an_organisation(client, people, round, commitment):
    client.force_login(people.plan_editor)

    response = client.post(progress_url(round, commitment), progress_data(round, commitment))

    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.organisation == build.sesto() and report.submitted_by == people.plan_editor


# The spreadsheet


def template_url(round, organisation):
    return reverse("backoffice:reporting_template", args=[round.pk, organisation.pk])


def import_url(round, organisation):
    return reverse("backoffice:reporting_import", args=[round.pk, organisation.pk])


def upload(workbook, name="rendicontazione.xlsx"):
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_template_round_trip_through_the_pages(client, people, round, commitment, indicator):
    client.force_login(people.partner_sesto)
    response = client.get(template_url(round, build.sesto()))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    workbook["Impegni"]["E2"], workbook["Impegni"]["F2"] = 40, "In linea"
    workbook["Impegni"]["G2"] = "Gara aggiudicata."
    workbook["Indicatori"]["E2"], workbook["Indicatori"]["F2"] = D(2026, 6, 30), 12

    html = client.post(import_url(round, build.sesto()), {"file": upload(workbook)})

    assert "Inviati 1 stati di avanzamento e 1 rilevazioni" in html.content.decode()
    assert ProgressReport.objects.get().commitment == commitment
    assert Measurement.objects.get().value == Decimal(12)


def test_a_bad_file_lists_every_problem_and_writes_nothing(client, people, round):
    client.force_login(people.partner_sesto)
    response = client.get(template_url(round, build.sesto()))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    workbook["Impegni"]["E2"], workbook["Impegni"]["F2"] = 120, "In linea"
    workbook["Impegni"]["G2"] = "Troppo."
    workbook["Indicatori"]["E2"], workbook["Indicatori"]["F2"] = D(2026, 6, 30), "molti"

    html = client.post(import_url(round, build.sesto()), {"file": upload(workbook)})

    page = html.content.decode()
    assert "Non è stato salvato niente" in page and "2 problemi da correggere" in page
    assert "<td>Impegni</td><td>2</td><td>avanzamento %</td>" in page
    assert "<td>Indicatori</td><td>2</td><td>valore</td>" in page
    assert ProgressReport.objects.count() == 0 and Measurement.objects.count() == 0


def test_a_reporter_cannot_download_or_upload_for_another_organisation(client, people, round):
    client.force_login(people.partner_rho)
    assert client.get(template_url(round, build.sesto())).status_code == 403
    assert client.get(import_url(round, build.sesto())).status_code == 403


def test_an_oversized_or_foreign_file_is_refused_before_reading(client, people, round, monkeypatch):
    client.force_login(people.partner_sesto)
    html = client.post(
        import_url(round, build.sesto()),
        {"file": SimpleUploadedFile("dati.csv", b"id;valore\n1;2\n")},
    ).content.decode()
    assert "estensione .xlsx o .ods" in html

    monkeypatch.setattr(forms_reporting, "MAX_UPLOAD_BYTES", 2**20)
    html = client.post(
        import_url(round, build.sesto()),
        {"file": SimpleUploadedFile("grande.xlsx", b"x" * (2**20 + 1))},
    ).content.decode()
    assert "al massimo 1 MB" in html
    assert ProgressReport.objects.count() == 0
