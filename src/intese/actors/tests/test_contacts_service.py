"""organisation_update_contacts: the one way to change an organisation's codes and contacts.

It saves only a form opened on the current version (optimistic concurrency), bumps the version,
records who made the change, and refuses invalid or already used codes without writing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from intese.actors.models import Organisation
from intese.actors.services import organisation_update_contacts
from intese.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db

SESTO = "015209"  # Comune di Sesto San Giovanni: no codes in the reference data
NEW_CONTACTS = {"website": "https://www.sestosg.net", "pec": "comune.sestosg@legalmail.it"}


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(username="redattore")  # no password: no hashing


@pytest.fixture
def sesto():
    return Organisation.objects.get(area__code=SESTO)


def stored(organisation: Organisation) -> dict:
    """The row as the database holds it, and how many history records it has."""
    row = Organisation.objects.filter(pk=organisation.pk).values().get()
    return {**row, "history": Organisation.history.filter(id=organisation.pk).count()}


def test_contacts_are_saved_with_the_current_version(sesto, editor):
    version = sesto.version

    updated = organisation_update_contacts(
        organisation=sesto, expected_version=version, by=editor, **NEW_CONTACTS
    )

    assert updated.version == version + 1
    sesto.refresh_from_db()
    assert sesto.website == NEW_CONTACTS["website"]
    assert sesto.pec == NEW_CONTACTS["pec"]
    assert sesto.version == version + 1


def test_a_saved_change_is_recorded_in_the_history_with_its_author(sesto, editor):
    history_before = sesto.history.count()

    organisation_update_contacts(
        organisation=sesto, expected_version=sesto.version, by=editor, **NEW_CONTACTS
    )

    assert sesto.history.count() == history_before + 1
    record = sesto.history.latest()
    assert record.history_type == "~"
    assert record.history_user == editor
    assert record.website == NEW_CONTACTS["website"]
    assert record.version == sesto.version


def test_a_form_opened_before_another_save_is_refused_as_stale(sesto, editor):
    first_form = Organisation.objects.get(pk=sesto.pk)
    second_form = Organisation.objects.get(pk=sesto.pk)
    organisation_update_contacts(
        organisation=first_form,
        expected_version=first_form.version,
        by=editor,
        website="https://first.example.org",
    )
    after_first = stored(sesto)

    with pytest.raises(StaleEdit, match="Qualcun altro ha modificato"):
        organisation_update_contacts(
            organisation=second_form,
            expected_version=second_form.version,
            by=editor,
            website="https://second.example.org",
        )

    assert stored(sesto) == after_first
    assert after_first["website"] == "https://first.example.org"


def test_a_wrong_expected_version_changes_nothing(sesto, editor):
    before = stored(sesto)

    with pytest.raises(StaleEdit):
        organisation_update_contacts(
            organisation=sesto, expected_version=sesto.version + 5, by=editor, **NEW_CONTACTS
        )

    assert stored(sesto) == before


def test_an_invalid_codice_fiscale_is_refused_and_changes_nothing(sesto, editor):
    before = stored(sesto)

    with pytest.raises(ValidationError) as refused:
        organisation_update_contacts(
            organisation=sesto,
            expected_version=sesto.version,
            by=editor,
            codice_fiscale="08911820961",
            **NEW_CONTACTS,  # wrong check digit
        )

    assert "codice fiscale" in " ".join(refused.value.message_dict["codice_fiscale"])
    assert stored(sesto) == before


def test_an_invalid_pec_address_is_refused_and_changes_nothing(sesto, editor):
    before = stored(sesto)

    with pytest.raises(ValidationError) as refused:
        organisation_update_contacts(
            organisation=sesto, expected_version=sesto.version, by=editor, pec="not an address"
        )

    assert set(refused.value.message_dict) == {"pec"}
    assert stored(sesto) == before


@pytest.mark.parametrize("ipa_code", ["c_f205", " C_F205 "], ids=["as stored", "to normalise"])
def test_an_ipa_code_of_another_organisation_is_refused(sesto, editor, ipa_code):
    before = stored(sesto)

    with pytest.raises(ValidationError) as refused:
        organisation_update_contacts(
            organisation=sesto, expected_version=sesto.version, by=editor, ipa_code=ipa_code
        )

    assert "codice IPA" in " ".join(refused.value.messages)
    assert stored(sesto) == before


def test_a_codice_fiscale_of_another_organisation_is_refused(sesto, editor):
    before = stored(sesto)

    with pytest.raises(ValidationError) as refused:
        organisation_update_contacts(
            organisation=sesto,
            expected_version=sesto.version,
            by=editor,
            codice_fiscale="01199250158",  # Comune di Milano's
        )

    assert "codice fiscale" in " ".join(refused.value.messages)
    assert stored(sesto) == before


def test_codes_are_stored_in_their_canonical_form(sesto, editor):
    organisation_update_contacts(
        organisation=sesto,
        expected_version=sesto.version,
        by=editor,
        ipa_code=" C_I690 ",
        codice_fiscale="0203 2840 155",
        partita_iva="IT 00732210968",
    )

    sesto.refresh_from_db()
    assert sesto.ipa_code == "c_i690"
    assert sesto.codice_fiscale == "02032840155"
    assert sesto.partita_iva == "00732210968"


def test_an_organisation_may_keep_its_own_ipa_code(editor):
    milano = Organisation.objects.get(ipa_code="c_f205")

    organisation_update_contacts(
        organisation=milano,
        expected_version=milano.version,
        by=editor,
        ipa_code="c_f205",
        codice_fiscale="01199250158",
        website="https://www.comune.milano.it/",
    )

    milano.refresh_from_db()
    assert milano.website == "https://www.comune.milano.it/"
    assert milano.ipa_code == "c_f205"


def test_fields_other_than_codes_and_contacts_are_not_accepted(sesto, editor):
    before = stored(sesto)

    with pytest.raises(ValueError, match="name"):
        organisation_update_contacts(
            organisation=sesto, expected_version=sesto.version, by=editor, name="Sesto"
        )

    assert stored(sesto) == before


def test_changing_only_the_website_keeps_the_stored_codes(editor):
    milano = Organisation.objects.get(ipa_code="c_f205")

    organisation_update_contacts(
        organisation=milano,
        expected_version=milano.version,
        by=editor,
        website="https://www.comune.milano.it/",
    )

    milano.refresh_from_db()
    assert milano.website == "https://www.comune.milano.it/"
    assert (milano.ipa_code, milano.codice_fiscale) == ("c_f205", "01199250158")
