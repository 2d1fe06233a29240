"""A signature date typed wrong can be corrected: versioned, never in the future nor before the
approving act; the stipulation date follows, and once the agreement is stipulated its "sign"
step moves with it, but never past a later step of the lifecycle."""

import datetime

import pytest
from django.urls import reverse

from intese.agreements import services
from intese.agreements.models import Party, Status
from intese.agreements.services import AgreementError, party_signature_correct
from intese.core.concurrency import StaleEdit
from intese.testing import agreements as build

D = datetime.date
HTMX = {"hx-request": "true"}


def party_of(agreement, ipa_code) -> Party:
    return agreement.parties.get(organisation__ipa_code=ipa_code)


def correct(agreement, ipa_code, on, by=None, version=None) -> Party:
    party = party_of(agreement, ipa_code)
    return party_signature_correct(
        party=party,
        signed_on=on,
        expected_version=party.version if version is None else version,
        by=by,
    )


def sign_step(agreement):
    return agreement.status_changes.get(action="sign")


@pytest.fixture
def signed():
    """Approved by the decree of 1 March 2024, signed by both parties on 20 March 2024."""
    return build.signed()


@pytest.mark.django_db
def test_a_signature_is_corrected_with_a_new_version_and_a_history_record(signed, people):
    party = correct(signed, "c_f205", D(2024, 3, 18), by=people.plan_editor)
    party.refresh_from_db()
    assert party.signed_on == D(2024, 3, 18) and party.version == 2
    record = party.history.latest()
    assert record.signed_on == D(2024, 3, 18) and record.history_user == people.plan_editor


@pytest.mark.django_db
def test_the_stipulation_follows_the_last_required_signature(signed):
    correct(signed, "c_f205", D(2024, 3, 25))
    assert services.stipulation_date(signed) == D(2024, 3, 25)
    step = sign_step(signed)
    assert step.on == D(2024, 3, 25)
    assert "dal 20/03/2024 al 25/03/2024" in step.note
    assert "firma di Comune di Milano del 20/03/2024, ora del 25/03/2024" in step.note


@pytest.mark.django_db
def test_an_earlier_signature_that_is_not_the_last_leaves_the_stipulation(signed):
    correct(signed, "cmmi", D(2024, 3, 5))
    assert services.stipulation_date(signed) == D(2024, 3, 20)
    assert sign_step(signed).on == D(2024, 3, 20)


@pytest.mark.django_db
def test_on_an_approved_agreement_waiting_for_signatures_only_the_date_changes():
    agreement = build.approved()
    services.party_sign(party=party_of(agreement, "cmmi"), signed_on=D(2024, 3, 10), by=None)
    correct(agreement, "cmmi", D(2024, 3, 12))
    agreement.refresh_from_db()
    assert agreement.status == Status.APPROVED
    assert party_of(agreement, "cmmi").signed_on == D(2024, 3, 12)
    assert services.stipulation_date(agreement) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "message"),
    [
        (D(2999, 1, 1), "La data della firma non può essere futura."),
        (D(2024, 2, 28), "La firma non può precedere l'atto di approvazione (01/03/2024)."),
    ],
)
def test_a_future_date_or_one_before_the_approving_act_is_refused(signed, on, message):
    with pytest.raises(AgreementError) as refusal:
        correct(signed, "c_f205", on)
    assert refusal.value.message == message and refusal.value.field == "signed_on"
    assert party_of(signed, "c_f205").signed_on == D(2024, 3, 20)


@pytest.mark.django_db
def test_a_signature_not_yet_recorded_is_registered_not_corrected():
    agreement = build.approved()
    with pytest.raises(AgreementError, match="non ha ancora firmato"):
        correct(agreement, "cmmi", D(2024, 3, 12))


@pytest.mark.django_db
def test_a_stale_form_is_refused(signed):
    correct(signed, "c_f205", D(2024, 3, 21))
    with pytest.raises(StaleEdit):
        correct(signed, "c_f205", D(2024, 3, 22), version=1)
    assert party_of(signed, "c_f205").signed_on == D(2024, 3, 21)


@pytest.mark.django_db
def test_the_stipulation_cannot_move_after_a_later_step(signed):
    services.agreement_transition(agreement=signed, action="start", on=D(2024, 4, 1), by=None)
    with pytest.raises(AgreementError) as refusal:
        correct(signed, "c_f205", D(2024, 4, 15))
    assert refusal.value.message == (
        "Con questa firma la stipula passerebbe al 15/04/2024, dopo il passaggio successivo "
        "«Avvia l'attuazione» del 01/04/2024: correggere prima quel passaggio."
    )
    assert party_of(signed, "c_f205").signed_on == D(2024, 3, 20)
    assert sign_step(signed).on == D(2024, 3, 20)
    correct(signed, "c_f205", D(2024, 4, 1))  # the same day as the next step is fine
    assert sign_step(signed).on == D(2024, 4, 1)


@pytest.mark.django_db
def test_the_stipulation_cannot_move_after_the_act_of_a_later_amendment(signed):
    act = services.act_add(
        agreement=signed, by=None, kind="atto_aggiuntivo", number="3", date=D(2024, 5, 1)
    )
    services.agreement_transition(
        agreement=signed, action="amend", on=D(2024, 5, 10), by=None, act=act
    )
    with pytest.raises(AgreementError) as refusal:
        correct(signed, "c_f205", D(2024, 5, 5))
    assert refusal.value.message == (
        "Con questa firma la stipula passerebbe al 05/05/2024, dopo l'atto Atto aggiuntivo "
        "n. 3 del 01/05/2024 citato dal passaggio successivo «Registra un atto aggiuntivo» "
        "del 10/05/2024."
    )


@pytest.mark.django_db
def test_the_stipulation_cannot_move_before_the_approval(signed):
    """The approval step is dated 1 March; nothing signs before the approving act either."""
    step = signed.status_changes.get(action="approve")
    step.on = D(2024, 3, 5)  # approved by the council after the mayor's decree
    step.save()
    correct(signed, "c_f205", D(2024, 3, 3))  # not the last signature: the stipulation stays
    with pytest.raises(AgreementError, match="prima del passaggio «Approva» del 05/03/2024"):
        correct(signed, "cmmi", D(2024, 3, 3))
    assert services.stipulation_date(signed) == D(2024, 3, 20)


# --- in the back office ------------------------------------------------------------------------


def url(agreement, party):
    return reverse("backoffice:party_signature_edit", args=[agreement.code, party.pk])


@pytest.mark.django_db
def test_the_page_offers_the_correction_of_recorded_signatures_only(client, people):
    agreement = build.approved()
    services.party_sign(party=party_of(agreement, "cmmi"), signed_on=D(2024, 3, 10), by=None)
    client.force_login(people.plan_editor)
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert url(agreement, party_of(agreement, "cmmi")) in html
    assert url(agreement, party_of(agreement, "c_f205")) not in html
    assert client.get(url(agreement, party_of(agreement, "c_f205"))).status_code == 404


@pytest.mark.django_db
def test_an_editor_corrects_a_signature_through_htmx(client, people, signed):
    client.force_login(people.plan_editor)
    party = party_of(signed, "c_f205")
    fragment = client.get(url(signed, party), headers=HTMX).content.decode()
    assert "<html" not in fragment and 'value="2024-03-20"' in fragment
    response = client.post(
        url(signed, party), {"signed_on": "2024-03-22", "version": 1}, headers=HTMX
    )
    assert response["HX-Redirect"] == signed.get_absolute_url()
    party.refresh_from_db()
    assert (party.signed_on, party.version) == (D(2024, 3, 22), 2)
    assert sign_step(signed).on == D(2024, 3, 22)


@pytest.mark.django_db
def test_a_refused_correction_is_shown_on_the_field(client, people, signed):
    client.force_login(people.plan_editor)
    party = party_of(signed, "c_f205")
    response = client.post(
        url(signed, party), {"signed_on": "2024-02-01", "version": 1}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.context["form"].errors["signed_on"] == [
        "La firma non può precedere l'atto di approvazione (01/03/2024)."
    ]
    response = client.post(
        url(signed, party), {"signed_on": "2024-03-22", "version": 7}, headers=HTMX
    )
    assert "Qualcun altro ha modificato questi dati" in response.content.decode()
    party.refresh_from_db()
    assert (party.signed_on, party.version) == (D(2024, 3, 20), 1)


@pytest.mark.django_db
def test_a_viewer_cannot_correct_a_signature(client, people, signed):
    client.force_login(people.plan_viewer)
    party = party_of(signed, "c_f205")
    assert (
        client.post(url(signed, party), {"signed_on": "2024-03-22", "version": 1}).status_code
        == 403
    )
    party.refresh_from_db()
    assert party.signed_on == D(2024, 3, 20)
