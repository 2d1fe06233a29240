"""The status rules of a commitment, one by one, as published (monitoring/status.py)."""

import datetime

import pytest

from intese.agreements.models import CommitmentStatus
from intese.monitoring.status import Status, commitment_states
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto(), effective_from=D(2024, 1, 1))


def status(commitment, as_of):
    return commitment_states([commitment.pk], as_of)[commitment.pk].status


def test_without_an_accepted_report_the_data_is_missing_not_zero(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31))
    build.report(c, 40, D(2024, 6, 30), by=people.partner_sesto)  # submitted, not reviewed
    assert status(c, D(2024, 7, 1)) == Status.MISSING


def test_an_accepted_report_at_the_expected_pace_is_on_track(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2025, 1, 1))
    build.report(c, 60, D(2024, 7, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    state = commitment_states([c.pk], D(2024, 7, 2))[c.pk]
    assert state.status == Status.ON_TRACK
    assert state.percent == 60
    assert state.forecast == D(2024, 10, 30)  # 182 days for 60 %: 121 more for 40 %
    assert not state.forecast_late


def test_a_pace_that_misses_the_due_date_is_at_risk(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2025, 1, 1))
    build.report(c, 20, D(2024, 7, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    state = commitment_states([c.pk], D(2024, 7, 2))[c.pk]
    assert state.status == Status.AT_RISK
    assert state.forecast_late


def test_the_partner_saying_at_risk_makes_it_at_risk(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2026, 1, 1))
    build.report(
        c,
        50,
        D(2024, 7, 1),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
        assessment="at_risk",
    )
    assert status(c, D(2024, 8, 1)) == Status.AT_RISK


def test_past_the_due_date_and_not_done_is_late_even_without_data(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2024, 6, 30))
    assert status(c, D(2024, 6, 30)) == Status.MISSING
    assert status(c, D(2024, 7, 1)) == Status.LATE


def test_done_at_100_percent_whatever_the_dates(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2024, 6, 30))
    build.report(c, 100, D(2024, 9, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    assert status(c, D(2024, 8, 31)) == Status.LATE
    assert status(c, D(2024, 9, 1)) == Status.DONE


def test_zero_percent_is_not_started(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31))
    build.report(c, 0, D(2024, 3, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    assert status(c, D(2024, 3, 2)) == Status.NOT_STARTED


def test_status_as_of_a_past_date_uses_the_reports_known_then(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2025, 1, 1))
    build.report(c, 30, D(2024, 3, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    build.report(c, 100, D(2024, 10, 1), by=people.partner_sesto, accepted_by=people.plan_editor)
    assert status(c, D(2024, 2, 1)) == Status.MISSING
    assert commitment_states([c.pk], D(2024, 5, 1))[c.pk].percent == 30
    assert status(c, D(2024, 10, 1)) == Status.DONE


def test_cancelled_commitments_are_left_out(agreement, people):
    c = build.commitment(
        agreement, build.sesto(), due_on=D(2024, 6, 30), status=CommitmentStatus.CANCELLED
    )
    assert commitment_states([c.pk], D(2025, 1, 1)) == {}


def test_a_commitment_that_had_not_started_yet_is_left_out(agreement, people):
    later = build.commitment(agreement, build.sesto(), starts_on=D(2025, 3, 1))
    assert commitment_states([later.pk], D(2025, 2, 28)) == {}
    assert status(later, D(2025, 3, 1)) == Status.MISSING
