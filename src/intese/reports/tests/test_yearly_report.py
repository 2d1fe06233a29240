"""The yearly monitoring report: its figures on the small plan of dataset.py, worked by hand."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from intese.monitoring.status import Status
from intese.reports import yearly
from intese.reports.tests.dataset import YEAR

pytestmark = pytest.mark.django_db

D = datetime.date


def build(data, document=True, as_of=None):
    return yearly.build(
        data.plan,
        data.document if document else None,
        YEAR,
        yearly.as_of_for(YEAR, as_of),
        with_charts=False,
    )


def text(response) -> str:
    """The page's text, without tags and with spaces collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def test_the_figures_refer_to_the_last_day_of_the_year_unless_another_is_chosen():
    assert yearly.as_of_for(2025) == D(2025, 12, 31)
    assert yearly.as_of_for(2025, D(2026, 3, 31)) == D(2026, 3, 31)


def test_results_roll_up_the_weighted_progress_of_the_linked_commitments(data):
    report = build(data)
    assert report.whole.progress == Decimal("62.5")
    assert report.whole.coverage_percent == Decimal("80.0")
    assert report.whole.status == Status.AT_RISK
    assert (report.whole.weighted_percent, report.whole.weight_with_data) == (250, 4)
    rows = {row.item.code: row.figure for row in report.items}
    assert rows["M1"].progress == rows["M1.1"].progress == Decimal("62.5")
    assert not rows["M2"].has_commitments


def test_missions_and_programmes_come_through_the_dups_operational_objectives(data):
    report = build(data)
    rows = {(row.level, row.code): row for row in report.classification}
    assert set(rows) == {("mission", "10"), ("programme", "1005"), ("objective", "OO1")}
    assert rows["objective", "OO1"].plan_items == "M1"
    for row in rows.values():
        assert row.figure.progress == Decimal("62.5")
        assert row.figure.total_weight == 5


def test_without_a_dup_there_is_no_classification_and_the_chart_groups_first_level_items(data):
    report = build(data, document=False)
    assert report.classification == []
    assert [label for label, _f in report.chart_groups] == [
        "M1 Mobilità sostenibile",
        "M2 Scuole sicure",
    ]


def test_funding_sums_the_lines_of_linked_agreements_only_by_source(data):
    funding = build(data).funding
    assert [(s.source, s.total, s.share) for s in funding.sources] == [
        ("own_budget", Decimal("50000.00"), Decimal("33.3")),
        ("pnrr", Decimal("100000.00"), Decimal("66.7")),
    ]
    assert funding.total == Decimal("150000.00")
    assert [a.code for a in funding.agreements] == [data.agreement.code]
    assert funding.unfunded == 0


def test_timing_lists_late_commitments_forecasts_past_due_and_missed_milestones(data):
    timing = build(data).timing
    assert [r.title for r in timing.late] == ["Gara per i lavori"]
    assert [r.title for r in timing.forecast_late] == ["Posa della segnaletica"]
    assert timing.due_in_year == 2 and timing.done_in_year == 1
    assert timing.without_data == 1
    assert timing.milestones_due_in_year == 2
    assert [m.title for m in timing.milestones_missed] == ["Progetto esecutivo"]


def test_procedures_count_agreements_by_status_and_list_the_acts_of_the_year(data):
    procedures = build(data).procedures
    counts = {row.key: row.count for row in procedures.by_status}
    assert counts["proposed"] == 1 and sum(counts.values()) == 1
    assert [act.agreement.code for act in procedures.acts] == [data.agreement.code]


def test_indicators_show_baseline_latest_value_targets_and_status(data):
    indicators = build(data).indicators
    rows = {row.code: row for row in indicators.rows}
    km = rows["IND-KM"]
    assert (km.baseline_value, km.value, km.next_value, km.final_value) == (
        Decimal(10),
        Decimal(25),
        Decimal(20),
        Decimal(40),
    )
    assert km.status == Status.ON_TRACK
    assert rows["IND-USO"].status == Status.MISSING
    shares = {row.key: row.count for row in indicators.shares}
    assert shares[Status.ON_TRACK] == 1 and shares[Status.MISSING] == 1


def test_an_earlier_day_sees_only_the_data_accepted_for_it(data):
    report = build(data, as_of=D(2025, 4, 30))
    assert report.whole.progress is None  # no report dated on or before 30/04
    assert report.whole.status == Status.MISSING


def test_the_page_shows_the_figures_their_method_and_missing_data(client, people, data):
    client.force_login(people.plan_viewer)
    query = {"piano": data.plan.code, "dup": data.document.code, "anno": 2025}
    response = client.get(reverse("reports:yearly"), query)
    assert response.status_code == 200
    page = text(response)
    assert "Piano strategico di prova per le relazioni" in page
    assert "M1.1 Piste ciclabili 62,5 % 80,0 % A rischio" in page
    assert "Missione 10" in page and "Programma 1005" in page
    assert "100.000,00" in page and "66,7 %" in page
    assert "Gara per i lavori" in page and "Progetto esecutivo" in page
    assert "IND-KM Chilometri di piste ciclabili" in page
    assert "dato mancante" in page
    assert "Come si calcola" in page
    assert "somma di (peso × percentuale)" in page  # noqa: RUF001
    assert "31 dicembre 2025" in page.lower()
    assert response.content.decode().count('src="data:image/svg+xml;base64,') == 2


def test_a_dup_of_another_plan_is_refused_with_a_message(client, people, data):
    from intese.plans import dup
    from intese.plans.models import Plan

    other_plan = Plan.objects.create(
        code="altro", title="Altro piano", period_start=D(2025, 1, 1), period_end=D(2026, 1, 1)
    )
    dup.document_create(
        by=None,
        code="dup-altro",
        title="Altro DUP",
        first_year=2025,
        last_year=2025,
        plan=other_plan,
    )
    client.force_login(people.plan_editor)
    response = client.get(
        reverse("reports:yearly"), {"piano": data.plan.code, "dup": "dup-altro", "anno": 2025}
    )
    assert response.status_code == 200
    assert "non si riferisce al piano" in response.content.decode()
