"""The plan office runs monitoring rounds in the browser: the list, the form with its refusals,
opening and closing, and the round's page with its completion figures and due list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.actors.models import Organisation
from intese.monitoring import rounds
from intese.monitoring.models import Reminder, Round, RoundStatus
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreement():
    """Sesto owes a progress report and a measurement; Rho a progress report."""
    agreement = build.agreement_with(build.sesto(), build.rho(), code="BICI-MONITOR")
    build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31), title="Ciclabile Sesto")
    build.commitment(agreement, build.rho(), due_on=D(2026, 12, 31), title="Ciclabile Rho")
    build.indicator(agreement, build.sesto(), code="KM-BICI", name="Km di ciclabili", unit="km")
    return agreement


def make_round(*agreements, **fields):
    values = {
        "title": "Monitoraggio primo semestre 2025",
        "period_start": D(2025, 1, 1),
        "period_end": D(2025, 6, 30),
        "opens_on": D(2025, 7, 1),
        "closes_on": D(2025, 7, 31),
        **fields,
    }
    return rounds.round_create(by=None, agreements=agreements, **values)


def form_data(agreement, **changes):
    data = {
        "title": "Monitoraggio primo semestre 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "plan": "",
        "agreements": [agreement.pk],
        "opens_on": "2025-07-01",
        "closes_on": "2025-07-31",
        "remind_days_before": "7",
        "version": "",
    }
    return {**data, **changes}


def page(client, round, **query):
    response = client.get(reverse("backoffice:monitoring_round", args=[round.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


# Who may do what


def test_the_plan_office_reads_and_only_editors_change(client, people, agreement):
    round = make_round(agreement)
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:monitoring_rounds")).content.decode()
    assert "Monitoraggio primo semestre 2025" in html
    assert "Nuovo ciclo" not in html
    assert "Apri il ciclo" not in page(client, round)
    assert client.get(reverse("backoffice:monitoring_round_create")).status_code == 403
    opening = client.post(reverse("backoffice:monitoring_round_open", args=[round.pk]))
    assert opening.status_code == 403
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT

    client.force_login(people.plan_editor)
    assert "Nuovo ciclo" in client.get(reverse("backoffice:monitoring_rounds")).content.decode()
    assert "Apri il ciclo" in page(client, round)


def test_partners_do_not_see_the_plan_office_pages(client, people, agreement):
    round = make_round(agreement)
    client.force_login(people.partner_sesto)
    assert client.get(reverse("backoffice:monitoring_rounds")).status_code == 403
    assert client.get(reverse("backoffice:monitoring_round", args=[round.pk])).status_code == 403


# The form


def test_an_editor_creates_a_round_in_preparation(client, people, agreement):
    client.force_login(people.plan_editor)
    response = client.post(reverse("backoffice:monitoring_round_create"), form_data(agreement))
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:monitoring_round", args=[round.pk])
    assert round.status == RoundStatus.DRAFT
    assert list(round.agreements.all()) == [agreement]
    html = client.get(response["Location"]).content.decode()
    assert "Ciclo di monitoraggio registrato" in html
    assert "BICI-MONITOR" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": "2025-06-30"}, "La chiusura deve seguire l&#x27;apertura."),
        ({"period_end": "2024-12-31"}, "Il periodo deve finire dopo l&#x27;inizio."),
        ({"agreements": []}, "Indicare il piano o almeno un&#x27;intesa da monitorare."),
        ({"opens_on": "31/02/2025"}, "Inserisci una data valida."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(client, people, agreement, changes, message):
    client.force_login(people.plan_editor)
    response = client.post(
        reverse("backoffice:monitoring_round_create"), form_data(agreement, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Round.objects.exists()


def test_an_edit_made_on_a_stale_page_is_refused(client, people, agreement):
    round = make_round(agreement)
    url = reverse("backoffice:monitoring_round_edit", args=[round.pk])
    client.force_login(people.plan_editor)
    assert f'value="{round.version}"' in client.get(url).content.decode()
    stale = form_data(agreement, title="Titolo nuovo", version=str(round.version))
    rounds.round_update(round, expected_version=round.version, title="Cambiato da altri")
    response = client.post(url, stale)
    assert "Qualcun altro ha modificato questi dati" in response.content.decode()
    round.refresh_from_db()
    assert round.title == "Cambiato da altri"


def test_an_editor_changes_the_scope_of_a_round(client, people, agreement):
    other = build.agreement_with(build.sesto(), code="ALTRA-INTESA")
    round = make_round(agreement)
    client.force_login(people.plan_editor)
    response = client.post(
        reverse("backoffice:monitoring_round_edit", args=[round.pk]),
        form_data(agreement, agreements=[agreement.pk, other.pk], version=str(round.version)),
    )
    assert response.status_code == 302
    assert set(round.agreements.all()) == {agreement, other}


# Opening and closing


def test_opening_asks_for_confirmation_then_opens(client, people, agreement):
    round = make_round(agreement)
    url = reverse("backoffice:monitoring_round_open", args=[round.pk])
    client.force_login(people.plan_editor)
    confirmation = client.get(url).content.decode()
    assert "Sì, apri il ciclo" in confirmation
    assert "le 3 voci dovute" in confirmation
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT  # asking changes nothing

    response = client.post(url, follow=True)
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    assert "Ciclo aperto." in response.content.decode()


def test_opening_twice_or_without_anything_due_is_refused_with_a_message(client, people):
    empty = make_round(build.agreement_with(code="SENZA-IMPEGNI"))
    client.force_login(people.plan_editor)
    response = client.post(
        reverse("backoffice:monitoring_round_open", args=[empty.pk]), follow=True
    )
    assert "Nessuno ha qualcosa da rendicontare" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == RoundStatus.DRAFT


def test_closing_an_open_round(client, people, agreement):
    round = rounds.round_open(make_round(agreement), by=None)
    client.force_login(people.plan_editor)
    response = client.post(
        reverse("backoffice:monitoring_round_close", args=[round.pk]), follow=True
    )
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED
    assert round.closed_by == people.plan_editor
    html = response.content.decode()
    assert "Ciclo chiuso." in html
    assert "Chiudi il ciclo" not in html and "Modifica" not in html

    again = client.post(reverse("backoffice:monitoring_round_close", args=[round.pk]), follow=True)
    assert "Solo un ciclo aperto si può chiudere." in again.content.decode()
    edit = client.post(
        reverse("backoffice:monitoring_round_edit", args=[round.pk]),
        form_data(agreement, version=str(round.version)),
    )
    assert "Un ciclo chiuso non si modifica." in edit.content.decode()


# The round's page


def test_the_page_shows_completion_per_organisation_and_the_due_list(client, people, agreement):
    round = rounds.round_open(make_round(agreement), by=None)
    sesto_commitment = agreement.commitments.get(responsible=build.sesto())
    rho_commitment = agreement.commitments.get(responsible=build.rho())
    build.report(
        sesto_commitment,
        30,
        D(2025, 6, 30),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
        round=round,
    )
    build.report(rho_commitment, 20, D(2025, 6, 30), by=people.partner_rho, round=round)
    Reminder.objects.create(
        round=round,
        organisation=build.rho(),
        kind="before",
        sent_on=D(2025, 7, 24),
        recipients=1,
        missing=1,
    )
    client.force_login(people.plan_viewer)
    html = page(client, round)

    assert "Nel complesso: 33% (1 voci accettate su 3)" in html
    sesto_row = html[html.index('<th scope="row">Comune di Sesto San Giovanni') :]
    sesto_row = sesto_row[: sesto_row.index("</tr>")]
    cells = [c.split(">")[-1] for c in sesto_row.split("</td>")[:-1]]
    assert cells == ["2", "0", "1", "0", "1", "50%"]  # due, submitted, accepted, back, missing
    rho_row = html[html.index('<th scope="row">Comune di Rho') :]
    rho_row = rho_row[: rho_row.index("</tr>")]
    assert [c.split(">")[-1] for c in rho_row.split("</td>")[:-1]] == [
        "1",
        "1",
        "0",
        "0",
        "0",
        "0%",
    ]
    # The due list, grouped by organisation, with the state of each item in the round.
    assert "Ciclabile Sesto" in html and "Ciclabile Rho" in html and "KM-BICI" in html
    assert html.count(">Accettato</span>") == 1
    assert html.count(">In revisione</span>") == 1
    assert html.count(">Da inviare</span>") == 1
    assert "24/07/2025" in html  # the reminder sent to Rho


def test_the_list_shows_each_rounds_completion(client, people, agreement):
    round = rounds.round_open(make_round(agreement), by=None)
    build.report(
        agreement.commitments.get(responsible=build.sesto()),
        30,
        D(2025, 6, 30),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
        round=round,
    )
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:monitoring_rounds")).content.decode()
    assert "33%" in html and "1 accettate su 3" in html
    assert "Aperto" in html and "31/07/2025" in html


def test_the_page_runs_the_same_queries_whatever_the_size_of_the_round(client, people):
    organisations = list(
        Organisation.objects.exclude(ipa_code__in=["cmmi", "c_f205"]).order_by("pk")[:10]
    )
    agreement = build.agreement_with(*organisations, code="GRANDE")
    round = make_round(agreement)
    client.force_login(people.plan_viewer)

    def fill(count):
        for organisation in organisations[:count]:
            c = build.commitment(agreement, organisation, due_on=D(2026, 12, 31))
            build.indicator(c, organisation)
            Reminder.objects.create(
                round=round,
                organisation=organisation,
                kind="before",
                sent_on=D(2025, 7, 24),
                recipients=1,
                missing=2,
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client, round)
        return len(captured)

    fill(2)
    small = queries()
    Reminder.objects.all().delete()
    fill(10)
    assert queries() == small
