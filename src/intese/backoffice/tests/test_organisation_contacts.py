"""A partner reporter keeps their organisation's codes and contacts up to date."""

import pytest
from django.urls import reverse

from intese.actors.models import Organisation


@pytest.fixture
def sesto(people):
    return Organisation.objects.get(area__code="015209")


def form_data(organisation, **changes):
    data = {
        "version": organisation.version,
        "ipa_code": organisation.ipa_code,
        "codice_fiscale": organisation.codice_fiscale,
        "partita_iva": organisation.partita_iva,
        "website": organisation.website,
        "pec": organisation.pec,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_reporter_saves_the_contacts_of_their_own_organisation(client, people, sesto):
    client.force_login(people.partner_sesto)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    response = client.post(
        url, form_data(sesto, website="https://www.sestosg.net", pec="protocollo@example.org")
    )
    assert response.status_code == 302
    sesto.refresh_from_db()
    assert sesto.website == "https://www.sestosg.net" and sesto.version == 2
    assert sesto.history.latest().history_user == people.partner_sesto


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_keeps_the_other_change(client, people, sesto):
    client.force_login(people.partner_sesto)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    opened = form_data(sesto)
    client.post(url, {**opened, "website": "https://primo.example.org"})
    response = client.post(url, {**opened, "website": "https://secondo.example.org"})
    assert response.status_code == 200
    assert "Qualcun altro ha modificato questi dati" in response.content.decode()
    sesto.refresh_from_db()
    assert sesto.website == "https://primo.example.org"


@pytest.mark.django_db
def test_an_invalid_codice_fiscale_is_explained_and_nothing_is_saved(client, people, sesto):
    client.force_login(people.plan_editor)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    response = client.post(
        url, form_data(sesto, codice_fiscale="02253000965", website="https://x.it")
    )
    assert response.status_code == 200
    assert "non è un codice fiscale valido" in response.content.decode()
    sesto.refresh_from_db()
    assert sesto.codice_fiscale == "" and sesto.website == "" and sesto.version == 1


@pytest.mark.django_db
def test_an_ipa_code_of_another_organisation_is_refused(client, people, sesto):
    client.force_login(people.plan_editor)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    response = client.post(url, form_data(sesto, ipa_code="c_f205"))
    assert "ha già questo codice IPA" in response.content.decode()
    sesto.refresh_from_db()
    assert sesto.ipa_code == ""


@pytest.mark.django_db
def test_a_reporter_cannot_touch_another_organisation(client, people, sesto):
    client.force_login(people.partner_rho)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    assert client.post(url, form_data(sesto, website="https://rho.example.org")).status_code == 403
    sesto.refresh_from_db()
    assert sesto.website == ""


@pytest.mark.django_db
def test_fields_outside_the_form_cannot_be_changed(client, people, sesto):
    client.force_login(people.partner_sesto)
    url = reverse("backoffice:organisation_contacts", args=[sesto.pk])
    client.post(url, form_data(sesto, name="Comune di Altrove", kind="association"))
    sesto.refresh_from_db()
    assert sesto.name == "Comune di Sesto San Giovanni" and sesto.kind == "municipality"


@pytest.mark.django_db
def test_reserved_area_lists_what_the_reporter_may_edit(client, people, sesto):
    client.force_login(people.partner_sesto)
    html = client.get(reverse("backoffice:home")).content.decode()
    assert "Comune di Sesto San Giovanni" in html and "Comune di Rho" not in html
