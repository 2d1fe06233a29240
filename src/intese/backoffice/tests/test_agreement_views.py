"""The plan office runs the registry in the browser: list, page, forms and lifecycle actions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intese.agreements.models import Agreement, AgreementKind, Status
from intese.testing import agreements as build


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


def agreement_form(**changes):
    data = {
        "code": "NUOVA-1",
        "title": "Intesa sulla mobilità",
        "summary": "",
        "kind": AgreementKind.objects.get(code="accordo_pa_art15").pk,
        "legal_basis": "",
        "coherence_statement": "",
        "is_public": "on",
        "renewal": "none",
        "version": "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_editor_registers_an_agreement(editor):
    response = editor.post(reverse("backoffice:agreement_create"), agreement_form())
    agreement = Agreement.objects.get(code="NUOVA-1")
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert agreement.status == Status.PROPOSED


@pytest.mark.django_db
def test_a_bad_form_explains_itself_and_writes_nothing(editor):
    response = editor.post(
        reverse("backoffice:agreement_create"),
        agreement_form(effective_from="2025-05-01", expires_on="2024-01-01"),
    )
    assert response.status_code == 200
    assert "La scadenza deve seguire la data di efficacia" in response.content.decode()
    assert not Agreement.objects.filter(code="NUOVA-1").exists()


@pytest.mark.django_db
def test_a_stale_edit_is_refused(editor):
    agreement = build.proposal()
    url = reverse("backoffice:agreement_edit", args=[agreement.code])
    stale = agreement_form(code=agreement.code, version=agreement.version)
    editor.post(url, {**stale, "title": "Prima modifica"})
    response = editor.post(url, {**stale, "title": "Seconda modifica"})
    assert "Qualcun altro ha modificato" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).title == "Prima modifica"


@pytest.mark.django_db
def test_a_lifecycle_action_runs_through_htmx_and_redirects(editor):
    agreement = build.proposal()
    url = reverse("backoffice:agreement_transition", args=[agreement.code, "start_review"])
    fragment = editor.get(url, headers={"hx-request": "true"})
    assert "<html" not in fragment.content.decode()
    response = editor.post(
        url,
        {"on": "2024-05-02", "version": agreement.version, "note": ""},
        headers={"hx-request": "true"},
    )
    assert response["HX-Redirect"] == agreement.get_absolute_url()
    agreement.refresh_from_db()
    assert agreement.status == Status.UNDER_REVIEW


@pytest.mark.django_db
def test_a_refused_action_says_why_in_the_form(editor):
    agreement = build.proposal(coherence="")
    build.approving_act(agreement)
    editor.post(
        reverse("backoffice:agreement_transition", args=[agreement.code, "start_review"]),
        {"on": "2024-02-01", "version": agreement.version},
    )
    agreement.refresh_from_db()
    response = editor.post(
        reverse("backoffice:agreement_transition", args=[agreement.code, "approve"]),
        {"on": "2024-03-01", "version": agreement.version, "act": agreement.acts.get().pk},
    )
    assert "Manca la motivazione di coerenza" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Status.UNDER_REVIEW


@pytest.mark.django_db
def test_recording_the_last_signature_stipulates_the_agreement(editor):
    agreement = build.approved()
    for party in agreement.parties.all():
        editor.post(
            reverse("backoffice:party_sign", args=[agreement.code, party.pk]),
            {"signed_on": "2024-04-02"},
        )
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED


@pytest.mark.django_db
def test_the_page_shows_parties_acts_commitments_and_the_timeline(editor):
    agreement = build.signed()
    html = editor.get(agreement.get_absolute_url()).content.decode()
    for text in [
        "Comune di Milano",
        "Decreto del Sindaco metropolitano",
        "20 marzo 2024",
        "Approvata",
        "Sottoscritta",
        "Coerenza con il piano strategico",
    ]:
        assert text in html


@pytest.mark.django_db
def test_a_partner_sees_only_the_agreements_of_their_organisation_and_public_ones(client, people):
    private = build.proposal(code="PRIVATA", is_public=False)
    services_party = build.Organisation.objects.get(area__code="015209")
    theirs = build.proposal(code="DI-SESTO", is_public=False)
    from intese.agreements import services

    services.party_add(agreement=theirs, organisation=services_party, role="adherent", by=None)
    public = build.proposal(code="PUBBLICA")
    client.force_login(people.partner_sesto)
    page = client.get(reverse("backoffice:agreements")).context["page"]
    codes = {a.code for a in page.object_list}
    assert {"DI-SESTO", "PUBBLICA"} <= codes and "PRIVATA" not in codes
    assert client.get(private.get_absolute_url()).status_code == 403
    assert client.get(public.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_list_filters_by_status_kind_and_expiry(editor):
    build.proposal(code="PROPOSTA")
    today = timezone.localdate()
    build.signed(code="IN-SCADENZA", expires_on=today + datetime.timedelta(days=20))
    response = editor.get(reverse("backoffice:agreements"), {"stato": "signed", "scadenza": "30"})
    assert [a.code for a in response.context["page"].object_list] == ["IN-SCADENZA"]
    assert "in scadenza" in response.content.decode()
    response = editor.get(reverse("backoffice:agreements"), {"tipo": "protocollo_intesa"})
    assert list(response.context["page"].object_list) == []
