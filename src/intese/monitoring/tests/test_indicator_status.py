"""The status rules of an indicator, one by one, as published (monitoring/status.py): judged at
the date of its latest accepted measurement, against its targets and its direction."""

import datetime
from decimal import Decimal

import pytest

from intese.monitoring import services
from intese.monitoring.status import Status, indicator_states
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date
EXPLAINED = {"explanation": "Il cantiere è fermo per il ricorso al TAR."}


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto())


@pytest.fixture
def measure(people):
    """Measure an indicator of Sesto, accepted by the plan office."""

    def accepted(indicator, value, on, **fields):
        return build.measure(
            indicator,
            value,
            on,
            by=people.partner_sesto,
            accepted_by=people.plan_editor,
            **fields,
        )

    return accepted


def indicator(agreement, *targets, direction="increase", baseline="0", **fields):
    """An indicator of the agreement, owned by Sesto, with (due date, value) targets."""
    made = build.indicator(
        agreement, build.sesto(), direction=direction, baseline=baseline, **fields
    )
    for due_on, value in targets:
        services.target_set(made, due_on=due_on, value=Decimal(value))
    return made


def status(indicator, as_of):
    return indicator_states([indicator.pk], as_of)[indicator.pk].status


YEAR_END = (D(2024, 12, 31), "100")  # from 0 on 1 January 2024 to 100 by the end of the year


# 1. Missing


def test_without_an_accepted_measurement_the_data_is_missing(agreement, people):
    rising = indicator(agreement, YEAR_END)
    assert status(rising, D(2024, 7, 2)) == Status.MISSING
    build.measure(rising, "60", D(2024, 7, 1), by=people.partner_sesto)  # not reviewed yet
    assert status(rising, D(2024, 7, 2)) == Status.MISSING


def test_without_a_target_the_data_is_missing(agreement, measure):
    untargeted = indicator(agreement)
    measure(untargeted, "60", D(2024, 7, 1))
    assert status(untargeted, D(2024, 7, 2)) == Status.MISSING


# 2. Done


def test_reaching_the_last_target_is_done_even_early(agreement, measure):
    rising = indicator(agreement, (D(2024, 6, 30), "50"), YEAR_END)
    measure(rising, "100", D(2024, 3, 1))
    assert status(rising, D(2024, 3, 1)) == Status.DONE


# 3. Late


def test_a_target_due_and_not_reached_is_late(agreement, measure):
    rising = indicator(agreement, (D(2024, 6, 30), "50"), YEAR_END)
    measure(rising, "40", D(2024, 7, 1), **EXPLAINED)
    assert status(rising, D(2024, 7, 2)) == Status.LATE


def test_a_late_value_needs_an_explanation(agreement, measure):
    rising = indicator(agreement, (D(2024, 6, 30), "50"), YEAR_END)
    with pytest.raises(services.MonitoringError) as refused:
        measure(rising, "40", D(2024, 7, 1))
    assert refused.value.field == "explanation"
    assert status(rising, D(2024, 7, 2)) == Status.MISSING  # nothing written


# 4. At risk and 5. on track


def test_behind_the_straight_line_to_the_next_target_is_at_risk(agreement, measure):
    rising = indicator(agreement, YEAR_END)
    measure(rising, "30", D(2024, 7, 1))  # the line from 0 to 100 is near 50 on 1 July
    assert status(rising, D(2024, 7, 2)) == Status.AT_RISK


def test_ahead_of_the_straight_line_is_on_track(agreement, measure):
    rising = indicator(agreement, YEAR_END)
    measure(rising, "60", D(2024, 7, 1))
    assert status(rising, D(2024, 7, 2)) == Status.ON_TRACK


def test_the_line_starts_from_the_previous_target_once_it_is_passed(agreement, measure):
    rising = indicator(agreement, (D(2024, 6, 30), "80"), YEAR_END)
    measure(rising, "85", D(2024, 9, 30))  # over 80 but behind the line from 80 to 100 (~90)
    assert status(rising, D(2024, 10, 1)) == Status.AT_RISK
    measure(rising, "95", D(2024, 10, 1))
    assert status(rising, D(2024, 10, 2)) == Status.ON_TRACK


# Direction: decrease


@pytest.fixture
def falling(agreement):
    """From 100 on 1 January 2024 down to 50 by the end of the year (e.g. tonnes of CO2)."""
    return indicator(
        agreement, (D(2024, 12, 31), "50"), direction="decrease", baseline="100", unit="t"
    )


def test_decrease_done_at_or_below_the_target(falling, measure):
    measure(falling, "48", D(2024, 11, 1))
    assert status(falling, D(2024, 11, 2)) == Status.DONE


def test_decrease_ahead_of_the_line_is_on_track(falling, measure):
    measure(falling, "60", D(2024, 7, 1))  # the line is near 75 on 1 July
    assert status(falling, D(2024, 7, 2)) == Status.ON_TRACK


def test_decrease_behind_the_line_is_at_risk(falling, measure):
    measure(falling, "90", D(2024, 7, 1))
    assert status(falling, D(2024, 7, 2)) == Status.AT_RISK


def test_decrease_above_a_target_due_is_late(agreement, measure):
    falling = indicator(
        agreement,
        (D(2024, 6, 30), "80"),
        (D(2024, 12, 31), "50"),
        direction="decrease",
        baseline="100",
    )
    measure(falling, "85", D(2024, 7, 1), **EXPLAINED)
    assert status(falling, D(2024, 7, 2)) == Status.LATE


# Direction: keep within a tolerance


@pytest.fixture
def kept(agreement):
    """Keep 10 (± 1) through 2024, checked at mid-year and at the end of the year."""
    return indicator(
        agreement,
        (D(2024, 6, 30), "10"),
        (D(2024, 12, 31), "10"),
        direction="keep",
        baseline="10",
        tolerance=Decimal("1"),
    )


def test_keep_within_tolerance_before_the_last_target_is_on_track(kept, measure):
    measure(kept, "10.8", D(2024, 7, 1))
    assert status(kept, D(2024, 7, 2)) == Status.ON_TRACK


def test_keep_outside_tolerance_is_late(kept, measure):
    measure(kept, "12", D(2024, 7, 1), **EXPLAINED)
    assert status(kept, D(2024, 7, 2)) == Status.LATE


def test_keep_within_tolerance_past_the_last_target_is_done(kept, measure):
    measure(kept, "9.5", D(2025, 1, 2))
    assert status(kept, D(2025, 1, 3)) == Status.DONE


def test_keep_outside_tolerance_past_the_last_target_is_late(kept, measure):
    measure(kept, "8.5", D(2025, 1, 2), **EXPLAINED)
    assert status(kept, D(2025, 1, 3)) == Status.LATE


# As of a date


def test_status_as_of_a_day_uses_the_measurements_known_then(agreement, measure):
    rising = indicator(agreement, YEAR_END)
    measure(rising, "30", D(2024, 7, 1))
    measure(rising, "100", D(2024, 11, 1))
    assert status(rising, D(2024, 6, 30)) == Status.MISSING
    assert status(rising, D(2024, 7, 1)) == Status.AT_RISK
    assert status(rising, D(2024, 11, 1)) == Status.DONE
    state = indicator_states([rising.pk], D(2024, 8, 1))[rising.pk]
    assert (state.value, state.measured_on, state.next_value) == (
        Decimal("30"),
        D(2024, 7, 1),
        Decimal("100"),
    )
