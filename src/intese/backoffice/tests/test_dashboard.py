"""The reserved area's home as a dashboard: the plan office sees the alerts and the overall
status; a partner reporter sees what their organisation owes in the open rounds."""

import datetime

import pytest
from django.urls import reverse

from intese.monitoring import rounds
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date
HOME = "backoffice:home"


def add(agreement, people, n: int):
    """`n` late commitments for Sesto and `n` half-done, reported ones for Rho."""
    for k in range(n):
        build.commitment(agreement, build.sesto(), due_on=D(2026, 1, 1), title=f"Scaduto {k}")
        done = build.commitment(agreement, build.rho(), due_on=D(2027, 6, 30))
        build.report(
            done, 50, D(2026, 6, 30), by=people.partner_rho, accepted_by=people.plan_editor
        )


def grow(people, n: int):
    """An agreement with `n` commitments of each kind and an open round closing soon over it."""
    agreement = build.agreement_with(build.sesto(), build.rho())
    add(agreement, people, n)
    round = rounds.round_create(
        by=people.plan_editor,
        title=f"Ciclo con {n}",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        opens_on=D(2026, 11, 1),
        closes_on=D(2026, 12, 31),
        agreements=[agreement],
    )
    rounds.round_open(round, by=people.plan_editor)
    return agreement


@pytest.fixture
def data(people):
    return grow(people, 12)


def test_the_plan_office_sees_the_alerts_with_counts_and_the_first_ten(client, people, data):
    client.force_login(people.plan_viewer)

    page = client.get(reverse(HOME)).content.decode()

    assert "Monitoraggio" in page and "Segnalazioni" in page
    assert "Impegni scaduti</a>: <strong>12</strong>" in page
    assert page.count("Scaduto ") == 10
    assert "e ancora 2 voci" in page
    assert "Cicli di monitoraggio in chiusura con rendicontazioni mancanti</a>: <strong>1" in page
    assert reverse("backoffice:agreement", args=[data.code]) in page
    assert reverse("backoffice:monitoring_rounds") in page


def test_the_plan_office_sees_the_overall_figure(client, people, data):
    client.force_login(people.plan_editor)

    page = client.get(reverse(HOME)).content.decode()

    assert "Stato complessivo al" in page
    assert "Avanzamento medio ponderato" in page and "50,0%" in page  # only Rho's have data
    assert "In ritardo" in page  # the status, in words


def test_a_partner_sees_what_their_organisation_owes(client, people, data):
    client.force_login(people.partner_sesto)

    page = client.get(reverse(HOME)).content.decode()

    assert "Da rendicontare" in page
    assert "Ciclo con 12" in page and "Comune di Sesto San Giovanni" in page
    assert "<td>12</td>" in page  # 12 due, 12 still to send
    assert "Segnalazioni" not in page  # the plan office's alerts are not theirs


def test_a_partner_with_nothing_owed_sees_no_reporting_box(client, people):
    client.force_login(people.partner_sesto)

    page = client.get(reverse(HOME)).content.decode()

    assert "Da rendicontare" not in page


@pytest.mark.parametrize("persona", ["zone_coordinator", "body_member"])
def test_other_roles_see_neither(client, people, data, persona):
    client.force_login(getattr(people, persona))

    page = client.get(reverse(HOME)).content.decode()

    assert "Segnalazioni" not in page and "Da rendicontare" not in page


@pytest.mark.parametrize("persona", ["plan_editor", "partner_sesto"])
def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    client, people, django_assert_num_queries, persona
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agreement = grow(people, 2)
    client.force_login(getattr(people, persona))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(HOME)).status_code == 200
    add(agreement, people, 30)
    with django_assert_num_queries(len(small)):
        assert client.get(reverse(HOME)).status_code == 200
