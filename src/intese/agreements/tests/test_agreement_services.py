"""Creating and editing agreements: validation, the framework tree, concurrency, history."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from intese.agreements import services
from intese.agreements.models import Agreement
from intese.agreements.services import AgreementError
from intese.core.concurrency import StaleEdit
from intese.testing import agreements as build


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("funzionario")


@pytest.mark.django_db
def test_a_framework_agreement_has_implementing_agreements_at_any_depth():
    framework = build.proposal(code="QUADRO")
    child = build.proposal(code="ATTUATIVA", parent=framework)
    grandchild = build.proposal(code="ATTUATIVA-2", parent=child)
    assert list(framework.children.all()) == [child]
    assert grandchild.parent.parent == framework


@pytest.mark.django_db
def test_a_cycle_in_the_framework_tree_is_refused(officer):
    framework = build.proposal(code="QUADRO")
    child = build.proposal(code="ATTUATIVA", parent=framework)
    with pytest.raises(AgreementError, match="intesa attuativa"):
        services.agreement_update(
            agreement=framework, expected_version=framework.version, by=officer, parent=child
        )
    framework.refresh_from_db()
    assert framework.parent is None


@pytest.mark.django_db
def test_a_duplicate_code_is_refused_in_italian():
    build.proposal(code="DOPPIA")
    with pytest.raises(ValidationError, match="Codice esiste già"):
        build.proposal(code="DOPPIA")


@pytest.mark.django_db
def test_expiry_before_effect_is_refused():
    with pytest.raises(ValidationError, match="La scadenza deve seguire"):
        build.proposal(
            effective_from=datetime.date(2024, 5, 1), expires_on=datetime.date(2024, 1, 1)
        )


@pytest.mark.django_db
def test_two_officers_editing_the_same_agreement_never_overwrite_each_other(officer):
    agreement = build.proposal()
    opened_by_both = agreement.version
    first = Agreement.objects.get(pk=agreement.pk)
    second = Agreement.objects.get(pk=agreement.pk)
    services.agreement_update(
        agreement=first, expected_version=opened_by_both, by=officer, title="Titolo della prima"
    )
    with pytest.raises(StaleEdit, match="Qualcun altro"):
        services.agreement_update(
            agreement=second,
            expected_version=opened_by_both,
            by=officer,
            title="Titolo della seconda",
        )
    assert Agreement.objects.get(pk=agreement.pk).title == "Titolo della prima"


@pytest.mark.django_db
def test_every_edit_is_in_the_history_with_its_author(officer):
    agreement = build.proposal(by=officer)
    services.agreement_update(
        agreement=agreement, expected_version=agreement.version, by=officer, title="Nuovo titolo"
    )
    titles = list(agreement.history.order_by("history_date").values_list("title", "history_user"))
    assert titles == [("Intesa di prova", officer.pk), ("Nuovo titolo", officer.pk)]


@pytest.mark.django_db
def test_an_approved_agreement_keeps_its_coherence_statement(officer):
    agreement = build.approved()
    with pytest.raises(AgreementError, match="motivazione di coerenza"):
        services.agreement_update(
            agreement=agreement,
            expected_version=agreement.version,
            by=officer,
            coherence_statement=" ",
        )


@pytest.mark.django_db
def test_a_commitment_belongs_to_a_party_of_the_agreement():
    agreement = build.proposal()
    rho = build.Organisation.objects.get(area__code="015182")
    with pytest.raises(AgreementError, match="deve essere parte dell'intesa"):
        services.commitment_add(agreement=agreement, by=None, title="Fare", responsible=rho)
    commitment = services.commitment_add(
        agreement=agreement,
        by=None,
        title="Cabina di regia",
        responsible=build.cmm(),
        due_on=datetime.date(2025, 1, 31),
        milestones=[{"title": "Prima riunione", "due_on": datetime.date(2024, 9, 30)}],
    )
    assert commitment.milestones.get().title == "Prima riunione"


@pytest.mark.django_db
def test_funding_needs_a_valid_cup_and_shares_within_the_amount():
    agreement = build.proposal()
    with pytest.raises(ValidationError, match="non è un CUP"):
        services.funding_add(
            agreement=agreement, by=None, source="pnrr", amount="1000.00", cup="ABC"
        )
    party = agreement.parties.first()
    with pytest.raises(AgreementError, match="superano l'importo"):
        services.funding_add(
            agreement=agreement,
            by=None,
            source="regional",
            amount="1000.00",
            shares=[(party, 600), (agreement.parties.last(), 600)],
        )
    assert not agreement.funding_lines.exists()


@pytest.mark.django_db
def test_parties_cannot_be_removed_after_approval():
    agreement = build.approved()
    with pytest.raises(AgreementError, match="atto aggiuntivo"):
        services.party_remove(party=agreement.parties.first(), by=None)
