"""The plan office's alerts: overdue commitments, expiring agreements, rounds closing with
missing reports, indicators off target (monitoring/alerts.py)."""

import datetime

import pytest
from django.urls import reverse

from intese.agreements.models import CommitmentStatus
from intese.monitoring import alerts, rounds
from intese.monitoring.services import target_set
from intese.testing import agreements as agreements_build
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 28)


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto(), build.rho())


def labels(alert_list):
    return [item.label for item in alert_list.items]


def test_a_commitment_past_its_due_date_and_not_done_is_overdue(agreement, people):
    late = build.commitment(agreement, build.sesto(), due_on=D(2026, 6, 30), title="In ritardo")
    done = build.commitment(agreement, build.rho(), due_on=D(2026, 6, 30), title="Concluso")
    build.report(done, 100, D(2026, 6, 1), by=people.partner_rho, accepted_by=people.plan_editor)
    build.commitment(agreement, build.sesto(), due_on=D(2027, 6, 30), title="Non ancora")
    build.commitment(
        agreement,
        build.sesto(),
        due_on=D(2025, 1, 1),
        title="Annullato",
        status=CommitmentStatus.CANCELLED,
    )

    overdue = alerts.overdue_commitments(TODAY)

    assert overdue.count == 1
    item = overdue.items[0]
    assert item.label == late.title == "In ritardo"
    assert item.day == D(2026, 6, 30)
    assert item.status == "late" and item.get_status_display() == "In ritardo"
    assert "Sesto San Giovanni" in item.context and agreement.code in item.context
    assert item.note == "nessun avanzamento accettato"
    assert item.url == reverse("backoffice:agreement", args=[agreement.code])


def test_the_lists_keep_their_full_count_beyond_the_first_items(agreement):
    for month in (1, 2, 3):
        build.commitment(agreement, build.sesto(), due_on=D(2026, month, 1), title=f"C{month}")

    overdue = alerts.overdue_commitments(TODAY, limit=2)

    assert overdue.count == 3 and overdue.more == 1
    assert labels(overdue) == ["C1", "C2"]  # the oldest due dates first


def test_active_agreements_expiring_within_the_window_are_listed():
    soon = agreements_build.signed(expires_on=D(2026, 12, 31), code="SCADE-PRESTO")
    agreements_build.signed(expires_on=D(2027, 12, 31), code="SCADE-TARDI")
    agreements_build.proposal(expires_on=D(2026, 12, 31), code="ANCORA-PROPOSTA")

    expiring = alerts.expiring_agreements(TODAY, 60)

    assert [item.context for item in expiring.items] == ["SCADE-PRESTO"]
    assert expiring.count == 1
    assert expiring.items[0].day == D(2026, 12, 31)
    assert expiring.items[0].url == reverse("backoffice:agreement", args=[soon.code])
    assert alerts.expiring_agreements(TODAY, 20).count == 0


def open_round(agreement, people, closes_on, title="Ciclo di prova"):
    round = rounds.round_create(
        by=people.plan_editor,
        title=title,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        opens_on=D(2026, 11, 1),
        closes_on=closes_on,
        agreements=[agreement],
    )
    return rounds.round_open(round, by=people.plan_editor)


def test_open_rounds_closing_soon_with_missing_reports_are_listed(agreement, people):
    build.commitment(agreement, build.sesto(), due_on=D(2027, 6, 30))
    build.commitment(agreement, build.rho(), due_on=D(2027, 6, 30))
    soon = open_round(agreement, people, D(2026, 12, 4), "Vicino")
    open_round(agreement, people, D(2027, 3, 31), "Lontano")

    closing = alerts.rounds_closing(TODAY, 30)

    assert labels(closing) == ["Vicino"]
    assert closing.items[0].note == "voci mancanti: 2; rinviate: 0; soggetti: 2"
    assert closing.items[0].url == reverse("backoffice:monitoring_round", args=[soon.pk])


def test_a_round_past_its_closing_date_is_flagged(agreement, people):
    build.commitment(agreement, build.sesto(), due_on=D(2027, 6, 30))
    open_round(agreement, people, D(2026, 11, 20))

    item = alerts.rounds_closing(TODAY, 30).items[0]

    assert item.status == "late"
    assert item.note.startswith("chiusura prevista superata")


def test_a_round_where_everybody_has_reported_is_not_an_alert(agreement, people):
    c = build.commitment(agreement, build.sesto(), due_on=D(2027, 6, 30))
    round = open_round(agreement, people, D(2026, 12, 4))
    build.report(
        c, 50, D(2026, 11, 15), by=people.partner_sesto, accepted_by=people.plan_editor, round=round
    )

    assert alerts.rounds_closing(TODAY, 30).count == 0


def test_indicators_late_or_at_risk_are_off_target(agreement, people):
    on_track = build.indicator(agreement, build.sesto(), code="IND-OK", baseline="0")
    behind = build.indicator(agreement, build.sesto(), code="IND-RISCHIO", baseline="0")
    missed = build.indicator(agreement, build.rho(), code="IND-RITARDO", baseline="0")
    build.indicator(agreement, build.rho(), code="IND-SENZA-DATI", baseline="0")
    for indicator in (on_track, behind, missed):
        target_set(indicator, due_on=D(2025, 12, 31), value="50")
        target_set(indicator, due_on=D(2027, 12, 31), value="100")
    build.measure(
        on_track, "80", D(2026, 6, 30), by=people.partner_sesto, accepted_by=people.plan_editor
    )
    build.measure(
        behind, "60", D(2026, 6, 30), by=people.partner_sesto, accepted_by=people.plan_editor
    )
    build.measure(
        missed,
        "40",
        D(2026, 6, 30),
        by=people.partner_rho,
        accepted_by=people.plan_editor,
        explanation="Cantieri fermi.",
    )

    off = alerts.indicators_off_target(TODAY)

    assert [(i.label.split(" ")[0], i.status) for i in off.items] == [
        ("IND-RITARDO", "late"),
        ("IND-RISCHIO", "at_risk"),
    ]
    assert off.items[0].note == "rilevato 40 %; obiettivo 100 %"
    assert off.items[0].url == reverse("backoffice:monitoring_indicator", args=[missed.pk])


def test_all_alerts_come_in_a_fixed_order():
    assert [a.key for a in alerts.all_alerts(TODAY)] == [
        "commitments",
        "agreements",
        "rounds",
        "indicators",
    ]
