"""The plan office reviews what partners send: the queue, oldest first, with what was sent and
the status it would give; accepting, sending back with a reason, the refusals; and the
download of a submission's evidence."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.monitoring.models import Measurement, ProgressReport, ReviewStatus
from intese.testing import monitoring as build
from intese.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
QUEUE = "backoffice:monitoring_review"


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto(), build.rho(), code="BICI-REVISIONE")


@pytest.fixture
def sesto_report(agreement, people):
    commitment = build.commitment(
        agreement, build.sesto(), due_on=D(2030, 12, 31), title="Ciclabile Sesto"
    )
    return build.report(
        commitment,
        40,
        D(2025, 6, 30),
        by=people.partner_sesto,
        narrative="Progetto esecutivo approvato.",
        obstacles="Ritardo nella gara.",
        evidence=SimpleUploadedFile("verbale.pdf", pdf_bytes("Verbale"), "application/pdf"),
    )


@pytest.fixture
def rho_measurement(agreement, people):
    indicator = build.indicator(agreement, build.rho(), code="KM-RHO", name="Km a Rho", unit="km")
    return build.measure(indicator, "12,5", D(2025, 6, 30), by=people.partner_rho)


def decide(client, submission, **data):
    kind = "progress" if isinstance(submission, ProgressReport) else "measurement"
    return client.post(
        reverse("backoffice:monitoring_review_decide", args=[kind, submission.pk]),
        data,
        follow=True,
    )


def status_of(submission):
    submission.refresh_from_db()
    return submission.review_status


# The queue


def test_the_queue_shows_what_was_sent_oldest_first(client, people, sesto_report, rho_measurement):
    client.force_login(people.plan_editor)
    html = client.get(reverse(QUEUE)).content.decode()
    assert "2 invii in attesa." in html
    assert html.index("Ciclabile Sesto") < html.index("KM-RHO")  # oldest first
    assert "40% — In linea" in html
    assert "Progetto esecutivo approvato." in html and "Ritardo nella gara." in html
    assert "12,5 km" in html  # as written in Italian
    evidence = reverse("backoffice:monitoring_evidence", args=["progress", sesto_report.pk])
    assert f'href="{evidence}"' in html and "verbale.pdf" in html
    assert html.count('name="decision" value="accept"') == 2


def test_each_shows_the_status_it_would_give_once_accepted(
    client, people, sesto_report, rho_measurement
):
    """By the published rules, as of today, as if accepted: the report's pace is on track; the
    indicator has no target, so its data stays missing. Nothing is accepted by looking."""
    client.force_login(people.plan_editor)
    html = client.get(reverse(QUEUE)).content.decode()
    would_give = 'Stato se accettato</dt><dd class="col-sm-9"><span class="badge {}">{}</span>'
    assert would_give.format("bg-success", "In linea") in html
    assert would_give.format("bg-secondary", "Dati mancanti") in html
    assert status_of(sesto_report) == ReviewStatus.SUBMITTED
    assert status_of(rho_measurement) == ReviewStatus.SUBMITTED


def test_the_queue_filters_by_organisation(client, people, sesto_report, rho_measurement):
    client.force_login(people.plan_viewer)
    html = client.get(reverse(QUEUE), {"organizzazione": build.rho().pk}).content.decode()
    assert "KM-RHO" in html and "Ciclabile Sesto" not in html
    assert "1 invio in attesa." in html


def test_a_viewer_sees_the_queue_but_cannot_review(client, people, sesto_report):
    client.force_login(people.plan_viewer)
    html = client.get(reverse(QUEUE)).content.decode()
    assert "Ciclabile Sesto" in html
    assert 'name="decision"' not in html
    url = reverse("backoffice:monitoring_review_decide", args=["progress", sesto_report.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403
    assert status_of(sesto_report) == ReviewStatus.SUBMITTED


def test_partners_do_not_see_the_queue(client, people, sesto_report):
    client.force_login(people.partner_sesto)
    assert client.get(reverse(QUEUE)).status_code == 403


# Decisions


def test_an_editor_accepts_a_submission(client, people, sesto_report):
    client.force_login(people.plan_editor)
    response = decide(client, sesto_report, decision="accept")
    assert "Invio accettato." in response.content.decode()
    assert status_of(sesto_report) == ReviewStatus.ACCEPTED
    assert sesto_report.reviewed_by == people.plan_editor
    assert "Nessun invio da revisionare." in response.content.decode()


def test_sending_back_needs_a_reason(client, people, rho_measurement):
    client.force_login(people.plan_editor)
    refused = decide(client, rho_measurement, decision="send_back", reason="  ")
    assert "Indicare il motivo del rinvio." in refused.content.decode()
    assert status_of(rho_measurement) == ReviewStatus.SUBMITTED

    response = decide(
        client, rho_measurement, decision="send_back", reason="Manca la fonte del dato."
    )
    assert "Invio rinviato al partner con il motivo." in response.content.decode()
    assert status_of(rho_measurement) == ReviewStatus.SENT_BACK
    assert rho_measurement.review_reason == "Manca la fonte del dato."


def test_nobody_reviews_their_own_submission(client, people, agreement):
    commitment = build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31))
    own = build.report(commitment, 10, D(2025, 6, 30), by=people.plan_editor)
    client.force_login(people.plan_editor)
    response = decide(client, own, decision="accept")
    assert "Non si può revisionare un proprio invio." in response.content.decode()
    assert status_of(own) == ReviewStatus.SUBMITTED


def test_a_submission_already_reviewed_is_not_reviewed_again(client, people, sesto_report):
    client.force_login(people.plan_editor)
    decide(client, sesto_report, decision="accept")
    again = decide(client, sesto_report, decision="send_back", reason="Ripensamento.")
    assert "Questo invio è già stato revisionato (Accettato)." in again.content.decode()
    assert status_of(sesto_report) == ReviewStatus.ACCEPTED


def test_with_htmx_the_card_is_replaced_in_place(client, people, sesto_report, rho_measurement):
    client.force_login(people.plan_editor)
    url = reverse("backoffice:monitoring_review_decide", args=["progress", sesto_report.pk])
    done = client.post(url, {"decision": "accept"}, headers={"HX-Request": "true"})
    html = done.content.decode()
    assert html.lstrip().startswith("<article") and "<html" not in html
    assert "Invio accettato." in html and f'id="invio-progress-{sesto_report.pk}"' in html

    url = reverse("backoffice:monitoring_review_decide", args=["measurement", rho_measurement.pk])
    refused = client.post(url, {"decision": "send_back"}, headers={"HX-Request": "true"})
    html = refused.content.decode()
    assert "Indicare il motivo del rinvio." in html and "KM-RHO" in html
    assert 'role="alert"' in html
    assert status_of(rho_measurement) == ReviewStatus.SUBMITTED


def test_the_next_address_stays_on_this_site(client, people, sesto_report):
    client.force_login(people.plan_editor)
    url = reverse("backoffice:monitoring_review_decide", args=["progress", sesto_report.pk])
    response = client.post(url, {"decision": "accept", "next": "https://evil.example/"})
    assert response["Location"] == reverse(QUEUE)


# Evidence


def test_the_evidence_is_served_as_an_attachment(client, people, sesto_report):
    url = reverse("backoffice:monitoring_evidence", args=["progress", sesto_report.pk])
    for person in (people.plan_viewer, people.partner_sesto):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "verbale.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_other_partners_do_not_get_the_evidence(client, people, sesto_report):
    url = reverse("backoffice:monitoring_evidence", args=["progress", sesto_report.pk])
    for person in (people.partner_rho, people.body_member, people.zone_coordinator):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_a_submission_without_evidence_or_of_an_unknown_kind_is_not_found(
    client, people, rho_measurement
):
    client.force_login(people.plan_viewer)
    url = reverse("backoffice:monitoring_evidence", args=["measurement", rho_measurement.pk])
    assert client.get(url).status_code == 404
    url = reverse("backoffice:monitoring_evidence", args=["altro", rho_measurement.pk])
    assert client.get(url).status_code == 404


# Size


def test_the_queue_runs_the_same_queries_whatever_its_length(client, people, agreement):
    indicator = build.indicator(agreement, build.rho(), code="KM-N", unit="km")
    commitment = build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31))
    client.force_login(people.plan_editor)

    def fill(count):
        for day in range(1, count + 1):
            build.report(commitment, day, D(2025, 5, day), by=people.partner_sesto)
            build.measure(indicator, day, D(2025, 5, day), by=people.partner_rho)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(QUEUE)).status_code == 200
        return len(captured)

    fill(1)  # 2 submissions
    small = queries()
    fill(9)  # 20 submissions
    assert queries() == small
    assert ProgressReport.objects.count() + Measurement.objects.count() == 20


def test_the_filter_stays_when_the_last_submission_of_an_organisation_is_reviewed(
    client, people, sesto_report, rho_measurement
):
    client.force_login(people.plan_editor)
    queue = reverse(QUEUE) + f"?organizzazione={build.rho().pk}"
    url = reverse("backoffice:monitoring_review_decide", args=["measurement", rho_measurement.pk])
    response = client.post(url, {"decision": "accept", "next": queue}, follow=True)
    html = response.content.decode()
    assert "Invio accettato." in html
    assert "Nessun invio da revisionare." in html and "Ciclabile Sesto" not in html
    assert f'<option value="{build.rho().pk}" selected>Comune di Rho</option>' in html
