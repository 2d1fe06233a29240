"""The plan office keeps indicators in the browser: the list with each one's latest value and
status, the form with its refusals, targets, and the measurements with their review."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.monitoring import services
from intese.monitoring.models import Indicator, Target
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreement():
    agreement = build.agreement_with(build.sesto(), code="BICI-INDICATORI")
    build.commitment(agreement, build.sesto(), due_on=D(2030, 12, 31), title="Ciclabile Sesto")
    return agreement


@pytest.fixture
def indicator(agreement):
    return build.indicator(
        agreement, build.sesto(), code="KM-BICI", name="Km di ciclabili", unit="km"
    )


def form_data(**changes):
    data = {
        "code": "KM-NUOVI",
        "name": "Km di nuove piste ciclabili",
        "description": "",
        "plan_item": "",
        "agreement": "",
        "commitment": "",
        "owner": build.sesto().pk,
        "unit": "km",
        "direction": "increase",
        "baseline_value": "0",
        "baseline_on": "2024-01-01",
        "minimum": "",
        "maximum": "",
        "tolerance": "0",
        "source": "Ufficio tecnico comunale",
        "periodicity": "yearly",
        "weight": "1",
        "version": "",
    }
    return {**data, **changes}


def create(client, **changes):
    return client.post(reverse("backoffice:monitoring_indicator_create"), form_data(**changes))


def detail(client, indicator):
    response = client.get(reverse("backoffice:monitoring_indicator", args=[indicator.pk]))
    assert response.status_code == 200
    return response.content.decode()


# Who may do what


def test_the_plan_office_reads_and_only_editors_change(client, people, indicator):
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:monitoring_indicators")).content.decode()
    assert "KM-BICI" in html and "Nuovo indicatore" not in html
    assert "Fissa o cambia un obiettivo" not in detail(client, indicator)
    assert client.get(reverse("backoffice:monitoring_indicator_create")).status_code == 403
    target = reverse("backoffice:monitoring_target_set", args=[indicator.pk])
    assert client.post(target, {"due_on": "2026-12-31", "value": "10"}).status_code == 403
    assert not Target.objects.exists()

    client.force_login(people.partner_sesto)
    assert client.get(reverse("backoffice:monitoring_indicators")).status_code == 403


# The form


def test_an_editor_creates_an_indicator_of_an_agreement(client, people, agreement):
    client.force_login(people.plan_editor)
    response = create(client, agreement=agreement.pk)
    indicator = Indicator.objects.get(code="KM-NUOVI")
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:monitoring_indicator", args=[indicator.pk])
    assert indicator.subject == agreement and indicator.owner == build.sesto()
    html = detail(client, indicator)
    assert "Indicatore registrato." in html and "BICI-INDICATORI" in html


def test_an_indicator_of_a_commitment_with_values_written_in_italian(client, people, agreement):
    client.force_login(people.plan_editor)
    commitment = agreement.commitments.get()
    response = create(client, commitment=commitment.pk, baseline_value="2,5", maximum="100,5")
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="KM-NUOVI")
    assert indicator.subject == commitment
    assert (indicator.baseline_value, indicator.maximum) == (Decimal("2.5"), Decimal("100.5"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Un indicatore misura una sola cosa"),  # no subject
        ("two subjects", "Un indicatore misura una sola cosa"),
        ({"minimum": "10", "maximum": "5"}, "Il valore massimo deve superare il minimo."),
        ({"minimum": "5", "baseline_value": "2"}, "è sotto il minimo ammesso"),
        ({"code": "KM-BICI"}, "con questo Codice esiste già"),
        ({"weight": "0"}, "Il peso di un indicatore è almeno 1."),
        ({"baseline_value": "molti"}, "Inserisci un numero."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    client, people, agreement, indicator, changes, message
):
    if changes == "two subjects":
        changes = {"agreement": agreement.pk, "commitment": agreement.commitments.get().pk}
    elif "agreement" not in changes:
        changes = {"agreement": agreement.pk, **changes} if changes else changes
    client.force_login(people.plan_editor)
    response = create(client, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Indicator.objects.all()) == [indicator]


def test_an_editor_changes_an_indicator_but_not_on_a_stale_page(client, people, indicator):
    url = reverse("backoffice:monitoring_indicator_edit", args=[indicator.pk])
    client.force_login(people.plan_editor)
    html = client.get(url).content.decode()
    assert 'value="KM-BICI"' in html and f'value="{indicator.version}"' in html
    data = form_data(
        code="KM-BICI",
        name="Km di ciclabili in sede propria",
        agreement=indicator.agreement_id,
        version=str(indicator.version),
    )
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Km di ciclabili in sede propria"

    stale = client.post(url, {**data, "name": "Vecchia pagina"})
    assert "Qualcun altro ha modificato questi dati" in stale.content.decode()
    indicator.refresh_from_db()
    assert indicator.name == "Km di ciclabili in sede propria"


# Targets


def test_an_editor_sets_and_changes_a_target(client, people, indicator):
    url = reverse("backoffice:monitoring_target_set", args=[indicator.pk])
    client.force_login(people.plan_editor)
    response = client.post(url, {"due_on": "2026-12-31", "value": "12,5"}, follow=True)
    assert Target.objects.get().value == 12.5
    assert "Obiettivo registrato." in response.content.decode()
    client.post(url, {"due_on": "2026-12-31", "value": "15"})
    assert [t.value for t in indicator.targets.all()] == [15]  # same date: changed, not added
    assert "15 km" in detail(client, indicator)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_on": "2023-12-31", "value": "10"}, "dopo la data del valore di partenza"),
        ({"due_on": "2026-12-31", "value": "-3"}, "peggiora il valore di partenza"),
        ({"due_on": "2026-12-31", "value": "dieci"}, "non è un numero"),
        ({"due_on": "", "value": "10"}, "Questo campo è obbligatorio."),
    ],
)
def test_a_bad_target_is_refused(client, people, indicator, data, message):
    client.force_login(people.plan_editor)
    response = client.post(reverse("backoffice:monitoring_target_set", args=[indicator.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Target.objects.exists()


# Pages


def test_the_list_and_page_show_the_latest_value_and_status(client, people, indicator):
    services.target_set(indicator, due_on=D(2026, 12, 31), value="10")
    build.measure(
        indicator, "10", D(2025, 6, 30), by=people.partner_sesto, accepted_by=people.plan_editor
    )
    build.measure(indicator, "3", D(2025, 7, 31), by=people.partner_sesto)  # not reviewed
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:monitoring_indicators")).content.decode()
    assert "Km di ciclabili" in html and "Comune di Sesto San Giovanni" in html
    assert "In aumento" in html and "30/06/2025" in html
    assert ">Concluso</span>" in html  # the accepted 10 km reaches the target

    html = detail(client, indicator)
    assert "31/12/2026" in html and "10 km" in html
    assert ">Accettato</span>" in html and ">In revisione</span>" in html
    assert "ultimo valore accettato 10 km al 30/06/2025" in html


def test_the_list_runs_the_same_queries_whatever_the_number_of_indicators(
    client, people, agreement
):
    client.force_login(people.plan_viewer)
    commitment = agreement.commitments.get()

    def fill(count):
        for number in range(count):
            subject = (agreement, commitment)[number % 2]
            made = build.indicator(subject, build.sesto())
            services.target_set(made, due_on=D(2026, 12, 31), value="10")
            build.measure(
                made, "5", D(2025, 6, 30), by=people.partner_sesto, accepted_by=people.plan_editor
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("backoffice:monitoring_indicators")).status_code == 200
        return len(captured)

    fill(2)
    small = queries()
    fill(8)
    assert queries() == small
