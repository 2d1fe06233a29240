"""Monitoring rounds: the due list is derived from the scope, completion is counted per party."""

import datetime

import pytest

from intese.agreements import services as agreements
from intese.agreements.models import CommitmentStatus
from intese.monitoring import rounds
from intese.monitoring.services import MonitoringError
from intese.plans import services as plans
from intese.plans.models import Plan
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def plan():
    plan = Plan.objects.create(
        code="psttm-test",
        title="Piano di prova",
        period_start=D(2025, 1, 1),
        period_end=D(2027, 12, 31),
    )
    return plan


def new_round(by, **fields):
    values = dict(
        title="Monitoraggio 2025",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        opens_on=D(2026, 1, 10),
        closes_on=D(2026, 2, 28),
    )
    return rounds.round_create(by=by, **{**values, **fields})


def test_the_due_list_comes_from_the_plan_and_the_agreements_in_scope(plan, people):
    item = plans.item_add(plan=plan, by=None, code="M1", title="Missione")
    linked = build.agreement_with(build.sesto())
    agreements.plan_link_add(agreement=linked, by=None, plan_item=item, motivation="Attua M1.")
    listed = build.agreement_with(build.rho())
    build.agreement_with(build.sesto())  # outside the scope
    open_one = build.commitment(linked, build.sesto())
    build.commitment(linked, build.sesto(), status=CommitmentStatus.DONE)
    build.commitment(linked, build.sesto(), status=CommitmentStatus.CANCELLED)
    rho_one = build.commitment(listed, build.rho())
    on_item = build.indicator(item, build.sesto())
    on_rho = build.indicator(rho_one, build.rho())

    round = new_round(people.plan_editor, plan=plan, agreements=[listed])

    assert set(rounds.commitments_due(round)) == {open_one, rho_one}
    assert set(rounds.indicators_due(round)) == {on_item, on_rho}
    commitments, indicators = rounds.due_for(round, build.sesto())
    assert list(commitments) == [open_one] and list(indicators) == [on_item]


def test_completion_counts_what_each_organisation_sent_and_what_was_accepted(people):
    agreement = build.agreement_with(build.sesto(), build.rho())
    first = build.commitment(agreement, build.sesto())
    build.commitment(agreement, build.sesto())
    build.commitment(agreement, build.rho())
    round = new_round(people.plan_editor, agreements=[agreement])
    rounds.round_open(round, by=people.plan_editor)
    round.refresh_from_db()
    build.report(
        first,
        30,
        D(2025, 12, 31),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
        round=round,
    )

    by_name = {c.organisation.name: c for c in rounds.completion(round)}
    sesto, rho = by_name["Comune di Sesto San Giovanni"], by_name["Comune di Rho"]
    assert (sesto.due, sesto.accepted, sesto.missing, sesto.percent) == (2, 1, 1, 50)
    assert (rho.due, rho.accepted, rho.missing, rho.percent) == (1, 0, 1, 0)


def test_a_round_needs_a_scope_and_ordered_dates(people):
    with pytest.raises(MonitoringError):
        new_round(people.plan_editor)
    agreement = build.agreement_with(build.sesto())
    with pytest.raises(MonitoringError) as caught:
        new_round(people.plan_editor, agreements=[agreement], closes_on=D(2026, 1, 1))
    assert caught.value.field == "closes_on"


def test_a_round_opens_once_and_only_with_something_due(people):
    agreement = build.agreement_with(build.sesto())
    round = new_round(people.plan_editor, agreements=[agreement])
    with pytest.raises(MonitoringError, match="Nessuno"):
        rounds.round_open(round, by=people.plan_editor)
    build.commitment(agreement, build.sesto())
    rounds.round_open(round, by=people.plan_editor)
    with pytest.raises(MonitoringError):
        rounds.round_open(round, by=people.plan_editor)
    closed = rounds.round_close(round, by=people.plan_editor)
    assert closed.closed_by == people.plan_editor
    with pytest.raises(MonitoringError):
        rounds.round_close(round, by=people.plan_editor)
