"""What is registered can be corrected: commitments, milestones, acts, funding lines with their
shares; parties and documents can be taken off. Every edit guards against stale forms and
keeps the history; refusals say why, in Italian, and change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import Act, Document, FundingShare, Party, Status
from intese.agreements.services import AgreementError
from intese.core.concurrency import StaleEdit
from intese.testing import agreements as build

DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("funzionario")


def commitment_of(agreement):
    return services.commitment_add(
        agreement=agreement,
        by=None,
        title="Cabina di regia",
        responsible=build.milano(),
        due_on=datetime.date(2025, 6, 30),
        milestones=[{"title": "Prima riunione", "due_on": datetime.date(2024, 9, 1)}],
    )


# --- Commitments and milestones ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_commitment_is_edited_with_its_status_and_the_history_says_who(officer):
    commitment = commitment_of(build.signed())
    services.commitment_update(
        commitment=commitment,
        expected_version=commitment.version,
        by=officer,
        status="in_progress",
        due_on=datetime.date(2025, 12, 31),
    )
    commitment.refresh_from_db()
    assert commitment.status == "in_progress" and commitment.due_on == datetime.date(2025, 12, 31)
    assert commitment.history.latest().history_user == officer


@pytest.mark.django_db
def test_a_stale_commitment_form_is_refused(officer):
    commitment = commitment_of(build.signed())
    opened = commitment.version
    services.commitment_update(
        commitment=commitment, expected_version=opened, by=officer, status="in_progress"
    )
    with pytest.raises(StaleEdit):
        services.commitment_update(
            commitment=commitment, expected_version=opened, by=officer, status="cancelled"
        )
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


@pytest.mark.django_db
def test_a_commitment_cannot_be_given_to_an_organisation_outside_the_agreement(officer):
    commitment = commitment_of(build.signed())
    rho = Organisation.objects.get(area__code="015182")
    with pytest.raises(AgreementError, match="deve essere parte dell'intesa") as refused:
        services.commitment_update(
            commitment=commitment, expected_version=commitment.version, by=officer, responsible=rho
        )
    assert refused.value.field == "responsible"


@pytest.mark.django_db
def test_a_milestone_is_marked_reached_and_edited(officer):
    milestone = commitment_of(build.signed()).milestones.get()
    assert milestone.version == 1
    services.milestone_update(
        milestone=milestone,
        expected_version=1,
        by=officer,
        reached_on=datetime.date(2024, 9, 3),
    )
    services.milestone_update(
        milestone=milestone, expected_version=2, by=officer, title="Prima riunione plenaria"
    )
    milestone.refresh_from_db()
    assert milestone.reached_on == datetime.date(2024, 9, 3)
    assert milestone.title == "Prima riunione plenaria" and milestone.version == 3
    with pytest.raises(StaleEdit):
        services.milestone_update(milestone=milestone, expected_version=1, by=officer, title="x")


@pytest.mark.django_db
def test_a_milestone_is_not_reached_in_the_future(officer):
    milestone = commitment_of(build.signed()).milestones.get()
    with pytest.raises(AgreementError, match="data futura") as refused:
        services.milestone_update(
            milestone=milestone,
            expected_version=milestone.version,
            by=officer,
            reached_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert refused.value.field == "reached_on"
    milestone.refresh_from_db()
    assert milestone.reached_on is None


# --- Acts --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_act_is_corrected_and_keeps_its_history(officer):
    agreement = build.approved()
    act = agreement.acts.get()
    services.act_update(act=act, expected_version=act.version, by=officer, number="46/2024")
    act.refresh_from_db()
    assert act.number == "46/2024" and act.version == 2
    assert [h.number for h in act.history.order_by("history_date")] == ["45/2024", "46/2024"]


@pytest.mark.django_db
def test_a_stale_act_form_is_refused(officer):
    act = build.approved().acts.get()
    services.act_update(act=act, expected_version=1, by=officer, number="46/2024")
    with pytest.raises(StaleEdit):
        services.act_update(act=act, expected_version=1, by=officer, number="47/2024")
    assert Act.objects.get(pk=act.pk).number == "46/2024"


@pytest.mark.django_db
def test_the_act_that_approved_must_keep_approving_and_precede_its_step(officer):
    act = build.approved().acts.get()  # approved on 1 March 2024 by this act
    with pytest.raises(AgreementError, match="deve restare un atto che approva"):
        services.act_update(act=act, expected_version=act.version, by=officer, approves=False)
    with pytest.raises(AgreementError, match="dopo la data del passaggio"):
        services.act_update(
            act=act, expected_version=act.version, by=officer, date=datetime.date(2024, 4, 1)
        )
    act.refresh_from_db()
    assert act.approves and act.date == datetime.date(2024, 3, 1)


@pytest.mark.django_db
def test_an_amending_act_cited_by_its_step_keeps_its_kind(officer):
    agreement = build.signed()
    addendum = services.act_add(agreement=agreement, by=None, kind="atto_aggiuntivo", date=DAY)
    services.agreement_transition(
        agreement=agreement, action="amend", on=DAY, by=None, act=addendum
    )
    addendum.refresh_from_db()
    with pytest.raises(AgreementError, match="richiede un atto di tipo «Atto aggiuntivo»"):
        services.act_update(
            act=addendum,
            expected_version=addendum.version,
            by=officer,
            kind="decreto_sindaco_metropolitano",
        )


# --- Funding lines and their shares ------------------------------------------------------------


@pytest.fixture
def funded():
    agreement = build.signed()
    cmm_party, milano_party = agreement.parties.order_by("role")
    line = services.funding_add(
        agreement=agreement,
        by=None,
        source="regional",
        amount=Decimal("100000.00"),
        shares=[(cmm_party, Decimal("60000.00")), (milano_party, Decimal("40000.00"))],
    )
    return line, cmm_party, milano_party


def shares_of(line):
    return {
        s.party.organisation.ipa_code: s.amount
        for s in line.shares.select_related("party__organisation")
    }


@pytest.mark.django_db
def test_a_funding_line_is_edited_with_its_shares(officer, funded):
    line, cmm_party, _milano_party = funded
    services.funding_update(
        line=line,
        expected_version=line.version,
        by=officer,
        amount=Decimal("120000.00"),
        cup="",
        shares=[(cmm_party, Decimal("90000.00"))],
    )
    line.refresh_from_db()
    assert line.amount == Decimal("120000.00") and line.version == 2
    assert shares_of(line) == {"cmmi": Decimal("90000.00")}  # Milano's share is taken off
    assert FundingShare.history.filter(history_type="-").count() == 1


@pytest.mark.django_db
def test_an_edit_without_shares_keeps_them(officer, funded):
    line, *_parties = funded
    services.funding_update(
        line=line, expected_version=line.version, by=officer, description="Bando regionale"
    )
    assert shares_of(line) == {"cmmi": Decimal("60000.00"), "c_f205": Decimal("40000.00")}


@pytest.mark.django_db
def test_shares_beyond_the_amount_are_refused_and_nothing_changes(officer, funded):
    line, cmm_party, _milano_party = funded
    with pytest.raises(AgreementError, match="superano l'importo"):
        services.funding_update(
            line=line,
            expected_version=line.version,
            by=officer,
            amount=Decimal("50000.00"),
            shares=[(cmm_party, Decimal("60000.00"))],
        )
    line.refresh_from_db()
    assert line.amount == Decimal("100000.00") and line.version == 1
    assert shares_of(line) == {"cmmi": Decimal("60000.00"), "c_f205": Decimal("40000.00")}


@pytest.mark.django_db
def test_a_share_of_a_party_of_another_agreement_is_refused(officer, funded):
    line, *_parties = funded
    stranger = build.proposal().parties.first()
    with pytest.raises(AgreementError, match="non è parte di questa intesa"):
        services.funding_update(
            line=line,
            expected_version=line.version,
            by=officer,
            shares=[(stranger, Decimal("10.00"))],
        )


@pytest.mark.django_db
def test_a_stale_funding_form_is_refused(officer, funded):
    line, *_parties = funded
    services.funding_update(line=line, expected_version=1, by=officer, description="Prima")
    with pytest.raises(StaleEdit):
        services.funding_update(line=line, expected_version=1, by=officer, description="Seconda")


# --- Taking parties and documents off ----------------------------------------------------------


@pytest.mark.django_db
def test_a_party_of_a_proposal_is_taken_off_and_the_history_keeps_it(officer):
    agreement = build.proposal()
    rho = services.party_add(
        agreement=agreement,
        by=None,
        organisation=Organisation.objects.get(area__code="015182"),
        role="adherent",
    )
    pk = rho.pk
    services.party_remove(party=rho, by=officer)
    assert not agreement.parties.filter(pk=pk).exists()
    removed = Party.history.get(id=pk, history_type="-")
    assert removed.history_user == officer


@pytest.mark.django_db
def test_a_party_that_signed_is_not_taken_off(officer):
    agreement = build.proposal()
    party = agreement.parties.first()
    services.party_sign(party=party, signed_on=datetime.date(2024, 2, 1), by=None)
    with pytest.raises(AgreementError, match="una parte che ha firmato non si toglie"):
        services.party_remove(party=party, by=officer)
    assert agreement.parties.filter(pk=party.pk).exists()


@pytest.mark.django_db
def test_a_party_responsible_for_commitments_is_not_taken_off(officer):
    agreement = build.proposal()
    commitment_of(agreement)
    milano_party = agreement.parties.get(organisation=build.milano())
    with pytest.raises(AgreementError, match=r"responsabile di impegni dell'intesa \(Cabina"):
        services.party_remove(party=milano_party, by=officer)
    assert agreement.parties.filter(pk=milano_party.pk).exists()


@pytest.mark.django_db
def test_a_party_with_a_second_role_can_lose_one_while_responsible(officer):
    agreement = build.proposal()
    commitment_of(agreement)
    funder = services.party_add(
        agreement=agreement, by=None, organisation=build.milano(), role="funder"
    )
    services.party_remove(party=funder, by=officer)
    assert agreement.parties.filter(organisation=build.milano()).count() == 1


@pytest.mark.django_db
def test_a_party_with_a_funding_share_is_not_taken_off(officer):
    agreement = build.proposal()
    party = agreement.parties.get(organisation=build.cmm())
    services.funding_add(
        agreement=agreement,
        by=None,
        source="own_budget",
        amount=Decimal("10.00"),
        shares=[(party, Decimal("10.00"))],
    )
    with pytest.raises(AgreementError, match="quote di finanziamento"):
        services.party_remove(party=party, by=officer)


@pytest.mark.django_db
def test_after_approval_parties_are_not_taken_off(officer):
    agreement = build.approved()
    with pytest.raises(AgreementError, match="Dopo l'approvazione"):
        services.party_remove(party=agreement.parties.first(), by=officer)
    assert agreement.status == Status.APPROVED and agreement.parties.count() == 2


@pytest.mark.django_db
def test_a_removed_document_leaves_the_agreement_and_stays_in_the_history(officer):
    agreement = build.proposal()
    document = Document.objects.create(
        agreement=agreement,
        title="Testo",
        file="agreements/x/abc",
        original_name="testo.pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
    )
    pk = document.pk
    services.document_remove(document=document, by=officer)
    assert not agreement.documents.exists()
    removed = Document.history.get(id=pk, history_type="-")
    assert removed.history_user == officer and removed.title == "Testo"
