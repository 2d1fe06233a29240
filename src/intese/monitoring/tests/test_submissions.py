"""What a partner may submit and how the plan office reviews it (monitoring/services.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intese.monitoring import rounds, services
from intese.monitoring.models import Measurement, ProgressReport, ReviewStatus
from intese.monitoring.services import MonitoringError
from intese.testing import monitoring as build
from intese.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto())


@pytest.fixture
def commitment(agreement):
    return build.commitment(agreement, build.sesto(), due_on=D(2027, 12, 31))


@pytest.fixture
def indicator(agreement):
    indicator = build.indicator(
        agreement, build.sesto(), unit="%", baseline="10", minimum=Decimal(0), maximum=Decimal(100)
    )
    services.target_set(indicator, due_on=D(2026, 12, 31), value="50")
    return indicator


def submit_progress(commitment, people, **changes):
    fields = dict(
        commitment=commitment,
        percent=40,
        self_assessment="on_track",
        narrative="Gara aggiudicata.",
        reported_on=D(2025, 6, 30),
        by=people.partner_sesto,
        organisation=build.sesto(),
    )
    return services.progress_submit(**{**fields, **changes})


def refused(call, field=None):
    with pytest.raises(MonitoringError) as caught:
        call()
    if field:
        assert caught.value.field == field
    return caught.value.message


def test_a_progress_report_waits_for_review(commitment, people):
    report = submit_progress(commitment, people)
    assert report.review_status == ReviewStatus.SUBMITTED
    assert report.submitted_by == people.partner_sesto


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": 120}, "percent"),
        ({"percent": "molto"}, "percent"),
        ({"narrative": "  "}, "narrative"),
        ({"self_assessment": "done"}, "self_assessment"),  # done only at 100 %
        ({"reported_on": timezone.localdate() + datetime.timedelta(days=1)}, "reported_on"),
    ],
)
def test_bad_progress_is_refused_and_nothing_is_written(commitment, people, changes, field):
    refused(lambda: submit_progress(commitment, people, **changes), field)
    assert not ProgressReport.objects.exists()


def test_only_the_responsible_organisation_reports_on_a_commitment(commitment, people):
    message = refused(lambda: submit_progress(commitment, people, organisation=build.rho()))
    assert "Sesto San Giovanni" in message


def test_a_report_that_makes_the_commitment_late_needs_an_explanation(agreement, people):
    overdue = build.commitment(agreement, build.sesto(), due_on=D(2025, 3, 31))
    refused(lambda: submit_progress(overdue, people), "explanation")
    report = submit_progress(overdue, people, explanation="Ricorso al TAR sulla gara.")
    assert report.explanation == "Ricorso al TAR sulla gara."


def test_a_measurement_is_checked_for_range_and_unit(indicator, people):
    def measure(**changes):
        fields = dict(
            indicator=indicator,
            value="30",
            measured_on=D(2025, 12, 31),
            by=people.partner_sesto,
            organisation=build.sesto(),
        )
        return services.measurement_submit(**{**fields, **changes})

    assert "massimo" in refused(lambda: measure(value="130"), "value")
    assert "Unità di misura" in refused(lambda: measure(unit="km"), "unit")
    assert "non è un numero" in refused(lambda: measure(value="tanti"), "value")
    assert refused(lambda: measure(measured_on=D(2023, 1, 1)), "measured_on")
    assert not Measurement.objects.exists()
    assert measure(value="30,5", unit="%").value == Decimal("30.5")


def test_a_value_that_turns_the_indicator_red_needs_an_explanation(indicator, people):
    services.target_set(indicator, due_on=D(2025, 6, 30), value="30")

    def measure(**changes):
        return services.measurement_submit(
            indicator=indicator,
            value="20",
            measured_on=D(2025, 7, 15),  # past a target date, target not reached: late
            by=people.partner_sesto,
            organisation=build.sesto(),
            **changes,
        )

    refused(measure, "explanation")
    assert measure(explanation="Dati ISTAT in ritardo.").review_status == ReviewStatus.SUBMITTED


def test_evidence_is_checked_like_an_agreement_document(commitment, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("verbale.pdf", b"MZ\x90\x00 not a pdf")
    refused(lambda: submit_progress(commitment, people, evidence=fake), "evidence")
    good = SimpleUploadedFile("verbale.pdf", pdf_bytes("Verbale di collaudo"))
    report = submit_progress(commitment, people, evidence=good)
    assert report.evidence_name == "verbale.pdf"
    assert report.evidence_type == "application/pdf"
    assert len(report.evidence_sha256) == 64


def test_the_plan_office_accepts_or_sends_back_with_a_reason(commitment, people):
    first = submit_progress(commitment, people)
    refused(lambda: services.review(first, by=people.plan_editor, accept=False), "reason")
    services.review(first, by=people.plan_editor, accept=False, reason="Manca il verbale.")
    first.refresh_from_db()
    assert first.review_status == ReviewStatus.SENT_BACK
    assert first.review_reason == "Manca il verbale."
    second = submit_progress(commitment, people, percent=45)
    services.review(second, by=people.plan_editor, accept=True)
    second.refresh_from_db()
    assert second.is_accepted and second.reviewed_by == people.plan_editor


def test_nobody_reviews_their_own_submission_or_reviews_twice(commitment, people):
    own = submit_progress(commitment, people, by=people.plan_editor)
    assert "proprio invio" in refused(
        lambda: services.review(own, by=people.plan_editor, accept=True)
    )
    services.review(own, by=people.administrator, accept=True)
    assert "già stato revisionato" in refused(
        lambda: services.review(own, by=people.administrator, accept=True)
    )


def test_a_closed_round_accepts_nothing_more(agreement, commitment, people):
    round = rounds.round_create(
        by=people.plan_editor,
        title="Monitoraggio 2025",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        opens_on=D(2026, 1, 10),
        closes_on=D(2026, 2, 28),
        agreements=[agreement],
    )
    assert "non è ancora aperto" in refused(
        lambda: submit_progress(commitment, people, round=round)
    )
    rounds.round_open(round, by=people.plan_editor)
    round.refresh_from_db()
    submit_progress(commitment, people, round=round)
    rounds.round_close(round, by=people.plan_editor)
    round.refresh_from_db()
    assert "è chiuso" in refused(lambda: submit_progress(commitment, people, round=round))
    assert ProgressReport.objects.count() == 1


def test_targets_must_follow_the_baseline_and_the_direction(indicator):
    refused(lambda: services.target_set(indicator, due_on=D(2023, 12, 31), value="60"), "due_on")
    refused(lambda: services.target_set(indicator, due_on=D(2027, 12, 31), value="5"), "value")
    refused(lambda: services.target_set(indicator, due_on=D(2027, 12, 31), value="500"), "value")
    services.target_set(indicator, due_on=D(2026, 12, 31), value="60")  # changes the existing
    assert list(indicator.targets.values_list("value", flat=True)) == [Decimal("60")]


def test_an_indicator_measures_exactly_one_subject(agreement, commitment):
    with pytest.raises(MonitoringError):
        build.indicator(agreement, build.sesto(), commitment=commitment)
