"""The demo's monitoring data: an example agreement with Sesto San Giovanni and Rho, indicators,
reports and two rounds (one closed, one open), all marked as examples; loading twice changes
nothing; the statuses and alerts come out of it."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from intese.agreements.models import Agreement, Commitment, PlanLink
from intese.demo.agreements import load_demo_agreements
from intese.demo.monitoring import load_demo_monitoring
from intese.demo.plans import load_demo_plans
from intese.monitoring import alerts, rollup, rounds
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    ReviewStatus,
    Round,
    RoundStatus,
    Target,
)
from intese.monitoring.status import commitment_states, indicator_states
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo"
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def demo(people):
    load_demo_agreements(DEMO / "agreements.json", by=people.plan_editor)
    load_demo_plans(DEMO / "plan.json", by=people.plan_editor)
    return load_demo_monitoring(DEMO / "monitoring.json", people=people)


def test_the_demo_loads_indicators_reports_and_two_rounds(demo):
    assert demo.agreements == ["ES-BUL-NORD-2024"]
    assert demo.indicators == 5 and demo.rounds == [
        "Monitoraggio 2025",
        "Monitoraggio 2026 — secondo semestre",
    ]
    assert Indicator.objects.get(code="ES-BUL-COMUNI").name == (
        "Comuni collegati alla banda ultralarga"
    )
    closed, open_ = Round.objects.order_by("period_end")
    assert closed.status == RoundStatus.CLOSED and open_.status == RoundStatus.OPEN
    assert open_.opens_on < TODAY < open_.closes_on <= datetime.date(2026, 12, 10)


def test_every_monitoring_record_of_the_demo_is_marked_as_an_example(demo):
    for model in (Indicator, Target, Round, ProgressReport, Measurement):
        assert model.objects.exists()
        assert not model.objects.filter(is_example=False).exists(), model
    agreement = Agreement.objects.get(code="ES-BUL-NORD-2024")
    assert agreement.title.startswith("(Esempio)") and agreement.is_example("expires_on")
    assert all(c.is_example for c in agreement.commitments.all())
    assert all(link.is_example for link in PlanLink.objects.filter(agreement=agreement))


def test_reviews_are_mixed_accepted_awaiting_and_one_sent_back(demo):
    statuses = [
        s
        for model in (ProgressReport, Measurement)
        for s in model.objects.values_list("review_status", flat=True)
    ]
    assert statuses.count(ReviewStatus.SENT_BACK) == 1
    assert statuses.count(ReviewStatus.SUBMITTED) >= 2
    assert statuses.count(ReviewStatus.ACCEPTED) > 10
    sent_back = ProgressReport.objects.get(review_status=ReviewStatus.SENT_BACK)
    assert sent_back.organisation == build.rho() and sent_back.review_reason


def test_sesto_and_rho_have_something_to_report_in_the_open_round(demo):
    open_round = Round.objects.get(status=RoundStatus.OPEN)
    for organisation in (build.sesto(), build.rho()):
        assert rounds.open_rounds_for(organisation, TODAY) == [open_round]
    owed = {c.organisation.name: c for c in rounds.completion(open_round)}
    assert owed["Comune di Sesto San Giovanni"].missing == 3
    assert owed["Comune di Rho"].sent_back == 1 and owed["Comune di Rho"].missing == 1


def test_statuses_are_computed_from_the_demo(demo):
    commitments = Commitment.objects.filter(agreement__code="ES-BUL-NORD-2024")
    states = commitment_states([c.pk for c in commitments], TODAY)

    def status(start):
        return next(states[c.pk].status for c in commitments if c.title.startswith(start))

    assert status("(Esempio) Collegamento in fibra") == "on_track"
    assert status("(Esempio) Copertura Wi-Fi") == "late"
    assert status("(Esempio) Sportello digitale") == "not_started"
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    states = indicator_states(indicators.values(), TODAY)
    assert states[indicators["ES-BUL-COMUNI"]].status == "at_risk"
    assert states[indicators["ES-BUL-RHO-WIFI"]].status == "late"
    assert states[indicators["ES-OCCUPAZIONE-20-64"]].status == "on_track"
    assert rollup.overall(TODAY).count > 10


def test_the_demo_raises_an_alert_of_each_kind(demo):
    counts = {a.key: a.count for a in alerts.all_alerts(TODAY)}
    assert all(counts.values()), counts


def test_loading_twice_changes_nothing(demo, people):
    histories = (
        Indicator.history,
        Target.history,
        Round.history,
        ProgressReport.history,
        Measurement.history,
        Commitment.history,
        Agreement.history,
    )
    before = [h.count() for h in histories]

    again = load_demo_monitoring(DEMO / "monitoring.json", people=people)

    assert not again
    assert [h.count() for h in histories] == before


def test_the_demo_command_loads_the_monitoring_data(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", stdout=out)
    assert "cicli creati: Monitoraggio 2025, Monitoraggio 2026 — secondo semestre" in out.getvalue()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "cicli creati: nessuno" in out.getvalue()
