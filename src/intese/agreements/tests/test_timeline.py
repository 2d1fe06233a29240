"""The agreement's timeline: every change to the agreement and to what it holds, newest first,
with who and when; lifecycle steps named by their action; nothing for saves that change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intese.agreements import selectors, services
from intese.agreements.models import Agreement, Theme
from intese.testing import agreements as build

DAY = datetime.date(2024, 6, 3)


def labels(agreement):
    agreement = selectors.agreement_detail(Agreement.objects.all(), agreement.code)
    return [str(e.label) for e in selectors.timeline(agreement)]


@pytest.mark.django_db
def test_a_new_agreement_is_registered_once_with_its_parties(people):
    agreement = build.proposal(by=people.plan_editor)
    events = selectors.timeline(agreement)
    assert [str(e.label) for e in events] == [
        "Parte aggiunta",
        "Parte aggiunta",
        "Intesa registrata",
    ]
    assert {e.user for e in events} == {people.plan_editor}
    assert "Comune di Milano (Sottoscrittore)" in [e.subject for e in events]


@pytest.mark.django_db
def test_themes_set_to_what_they_were_leave_no_event():
    agreement = build.proposal()
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    agreement.history.update(history_date=an_hour_ago)  # the form was saved an hour ago
    theme = Theme.objects.create(code="mobilita", name="Mobilità")
    agreement.themes.set([])
    agreement.areas.set([])
    assert labels(agreement).count("Dati modificati") == 0
    agreement.themes.set([theme])
    events = selectors.timeline(agreement)
    assert str(events[0].label) == "Dati modificati" and events[0].fields == ["temi"]


@pytest.mark.django_db
def test_an_edit_names_the_fields_it_changed_themes_included(people):
    agreement = build.proposal()
    theme = Theme.objects.create(code="casa", name="Casa")
    services.agreement_update(
        agreement=agreement,
        expected_version=agreement.version,
        by=people.plan_editor,
        title="Intesa sulla casa",
        themes=[theme],
    )
    edit = selectors.timeline(agreement)[0]
    assert str(edit.label) == "Dati modificati" and edit.user == people.plan_editor
    assert [str(f) for f in edit.fields] == ["titolo", "temi"]


@pytest.mark.django_db
def test_acts_signatures_commitments_milestones_and_funding_appear_with_the_steps():
    agreement = build.signed()
    services.agreement_transition(
        agreement=agreement, action="start", on=datetime.date(2024, 4, 1), by=None
    )
    services.commitment_add(
        agreement=agreement,
        by=None,
        title="Piano della ciclabilità",
        responsible=build.cmm(),
        milestones=[{"title": "Progetto di fattibilità", "due_on": DAY}],
    )
    services.funding_add(
        agreement=agreement, by=None, source="regional", amount=Decimal("250000"), is_example=True
    )
    events = selectors.timeline(agreement)
    seen = [(str(e.label), e.subject) for e in events]
    for expected in [
        ("Atto registrato", "Decreto del Sindaco metropolitano n. 45/2024 del 01/03/2024"),
        ("Firma registrata", "Comune di Milano (Sottoscrittore)"),
        ("Impegno aggiunto", "Piano della ciclabilità"),
        ("Traguardo aggiunto", "Progetto di fattibilità"),
        ("Finanziamento aggiunto", "Fondi regionali: 250.000,00 €"),
        ("Approva", ""),
        ("Avvia l'attuazione", ""),
    ]:
        assert expected in seen, expected
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    funding = next(e for e in events if str(e.label) == "Finanziamento aggiunto")
    assert funding.example


@pytest.mark.django_db
def test_an_amendment_and_a_renewal_are_named_with_the_new_expiry(client, people):
    agreement = build.signed()
    services.agreement_transition(
        agreement=agreement, action="start", on=datetime.date(2024, 4, 1), by=None
    )
    addendum = services.act_add(
        agreement=agreement, by=None, kind="atto_aggiuntivo", number="2", date=DAY
    )
    services.agreement_transition(
        agreement=agreement, action="amend", on=DAY, by=None, act=addendum
    )
    renewal = services.act_add(
        agreement=agreement, by=None, kind="atto_rinnovo", number="3", date=DAY
    )
    services.agreement_transition(
        agreement=agreement,
        action="renew",
        on=DAY,
        by=None,
        act=renewal,
        new_expires_on=datetime.date(2027, 12, 31),
    )
    events = selectors.timeline(agreement)
    renew, amend = events[0], events[2]
    assert str(renew.label) == "Rinnova" and renew.new_expires_on == datetime.date(2027, 12, 31)
    assert str(amend.label) == "Registra un atto aggiuntivo" and amend.new_expires_on is None
    client.force_login(people.plan_editor)
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "nuova scadenza: 31 dicembre 2027" in html
    assert "stato invariato: In attuazione" in html
    assert "In attuazione → In attuazione" not in html


@pytest.mark.django_db
def test_the_timeline_costs_the_same_queries_however_much_happened():
    def queries(agreement):
        agreement = selectors.agreement_detail(Agreement.objects.all(), agreement.code)
        with CaptureQueriesContext(connection) as captured:
            selectors.timeline(agreement)
        return len(captured)

    small = build.proposal()
    large = build.signed()
    for n in range(5):
        services.commitment_add(
            agreement=large,
            by=None,
            title=f"Impegno {n}",
            responsible=build.cmm(),
            milestones=[{"title": f"Traguardo {n}", "due_on": DAY}],
        )
        services.funding_add(
            agreement=large,
            by=None,
            source="own_budget",
            amount=Decimal("10"),
            shares=[(large.parties.first(), Decimal("5"))],
        )
    assert queries(large) == queries(small)
