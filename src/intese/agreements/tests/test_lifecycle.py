"""The lifecycle table: every action from every status, legal or refused, with its checks."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from intese.agreements import lifecycle, services
from intese.agreements.models import Act, Status, StatusChange
from intese.agreements.services import AgreementError
from intese.testing import agreements as build

DAY = datetime.date(2024, 6, 1)

# Where each action may start. Anything else must be refused.
LEGAL = {
    "start_review": {Status.PROPOSED},
    "return_to_proposal": {Status.UNDER_REVIEW},
    "approve": {Status.UNDER_REVIEW},
    "sign": {Status.APPROVED},
    "start": {Status.SIGNED},
    "suspend": {Status.SIGNED, Status.IN_PROGRESS},
    "resume": {Status.SUSPENDED},
    "conclude": {Status.IN_PROGRESS},
    "expire": {Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED},
    "revoke": {
        Status.PROPOSED,
        Status.UNDER_REVIEW,
        Status.APPROVED,
        Status.SIGNED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
    },
    "amend": {Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED},
    "renew": {Status.IN_PROGRESS, Status.EXPIRED},
}
TARGET = {
    "start_review": Status.UNDER_REVIEW,
    "return_to_proposal": Status.PROPOSED,
    "approve": Status.APPROVED,
    "sign": Status.SIGNED,
    "start": Status.IN_PROGRESS,
    "suspend": Status.SUSPENDED,
    "resume": Status.IN_PROGRESS,
    "conclude": Status.CONCLUDED,
    "expire": Status.EXPIRED,
    "revoke": Status.REVOKED,
    "renew": Status.IN_PROGRESS,
}


def test_the_table_declares_exactly_the_legal_transitions():
    assert {name: set(a.sources) for name, a in lifecycle.ACTIONS.items()} == LEGAL
    assert {n: a.to for n, a in lifecycle.ACTIONS.items() if a.to} == TARGET


def agreement_in(status: Status):
    """A fully documented agreement (expired yesterday, all signed) put in `status` directly."""
    agreement = build.signed(
        expires_on=DAY - datetime.timedelta(days=1), effective_from=datetime.date(2024, 3, 20)
    )
    type(agreement).objects.filter(pk=agreement.pk).update(status=status)
    agreement.refresh_from_db()
    if status == Status.APPROVED:  # signed parties would make "sign" pass: that is the point
        pass
    return agreement


def fitting_act(agreement, action):
    """The act an action cites: an atto aggiuntivo for an amendment, an atto di rinnovo for a
    renewal (both after the stipulation), else the approving decree."""
    kind = {"amend": "atto_aggiuntivo", "renew": "atto_rinnovo"}.get(action)
    if kind is None:
        return agreement.acts.first()
    return services.act_add(agreement=agreement, by=None, kind=kind, number="1/2024", date=DAY)


def run(agreement, action):
    act = fitting_act(agreement, action)
    return services.agreement_transition(
        agreement=agreement,
        action=action,
        on=DAY,
        by=None,
        act=act,
        note="motivo",
        new_expires_on=DAY + datetime.timedelta(days=365) if action == "renew" else None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, lifecycle.ACTIONS)))
def test_every_action_from_every_status(status, action):
    agreement = agreement_in(status)
    if status in LEGAL[action]:
        change = run(agreement, action)
        agreement.refresh_from_db()
        assert change.from_status == status
        assert agreement.status == TARGET.get(action, status)
        assert change.act is not None and change.note == "motivo"
    else:
        with pytest.raises(AgreementError, match="non si può"):
            run(agreement, action)
        agreement.refresh_from_db()
        assert agreement.status == status
        assert not StatusChange.objects.filter(agreement=agreement, on=DAY).exists()


@pytest.mark.django_db
def test_approval_needs_the_coherence_statement():
    agreement = build.proposal(coherence="")
    services.agreement_transition(agreement=agreement, action="start_review", on=DAY, by=None)
    act = build.approving_act(agreement)
    with pytest.raises(AgreementError, match="coerenza con il piano strategico"):
        services.agreement_transition(
            agreement=agreement, action="approve", on=DAY, by=None, act=act
        )
    agreement.refresh_from_db()
    assert agreement.status == Status.UNDER_REVIEW


@pytest.mark.django_db
def test_approval_needs_an_approving_act():
    agreement = build.proposal()
    services.agreement_transition(agreement=agreement, action="start_review", on=DAY, by=None)
    with pytest.raises(AgreementError, match="Manca l'atto che approva"):
        services.agreement_transition(agreement=agreement, action="approve", on=DAY, by=None)


@pytest.mark.django_db
def test_an_act_of_another_agreement_is_refused():
    agreement, other = build.proposal(), build.approved()
    services.agreement_transition(agreement=agreement, action="start_review", on=DAY, by=None)
    build.approving_act(agreement)
    with pytest.raises(AgreementError, match="appartiene a un'altra intesa"):
        services.agreement_transition(
            agreement=agreement, action="approve", on=DAY, by=None, act=other.acts.get()
        )


@pytest.mark.django_db
def test_stipulation_needs_every_required_signature():
    agreement = build.approved()
    with pytest.raises(AgreementError, match=r"Mancano le firme di: .*Città metropolitana"):
        services.agreement_transition(agreement=agreement, action="sign", on=DAY, by=None)


@pytest.mark.django_db
def test_the_last_required_signature_stipulates_on_its_date():
    agreement = build.approved()
    cmm_party, milano_party = agreement.parties.order_by("role")  # promoter, signatory
    services.party_sign(party=milano_party, signed_on=datetime.date(2024, 3, 10), by=None)
    agreement.refresh_from_db()
    assert agreement.status == Status.APPROVED
    assert services.stipulation_date(agreement) is None
    services.party_sign(party=cmm_party, signed_on=datetime.date(2024, 3, 25), by=None)
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    assert services.stipulation_date(agreement) == datetime.date(2024, 3, 25)
    assert agreement.status_changes.get(action="sign").on == datetime.date(2024, 3, 25)


@pytest.mark.django_db
def test_an_adherent_without_required_signature_does_not_delay_the_stipulation():
    agreement = build.approved()
    services.party_add(
        agreement=agreement,
        by=None,
        role="adherent",
        signature_required=False,
        organisation=build.Organisation.objects.get(area__code="015182"),
    )
    for party in agreement.parties.filter(signature_required=True):
        services.party_sign(party=party, signed_on=datetime.date(2024, 4, 2), by=None)
    annotated = type(agreement).objects.with_stipulation().get(pk=agreement.pk)
    assert annotated.last_signature == datetime.date(2024, 4, 2)
    assert annotated.missing_signatures == 0


@pytest.mark.django_db
def test_a_signature_before_the_approving_act_is_refused():
    agreement = build.approved()
    with pytest.raises(AgreementError, match="non può precedere"):
        services.party_sign(
            party=agreement.parties.first(), signed_on=datetime.date(2024, 1, 1), by=None
        )


@pytest.mark.django_db
def test_expiry_is_recorded_only_after_the_expiry_date():
    agreement = build.signed(expires_on=DAY + datetime.timedelta(days=30))
    with pytest.raises(AgreementError, match="non è scaduta"):
        services.agreement_transition(agreement=agreement, action="expire", on=DAY, by=None)


@pytest.mark.django_db
def test_renewal_needs_an_act_and_a_later_expiry():
    agreement = agreement_in(Status.EXPIRED)
    with pytest.raises(AgreementError, match="nuova scadenza"):
        services.agreement_transition(
            agreement=agreement,
            action="renew",
            on=DAY,
            by=None,
            act=fitting_act(agreement, "renew"),
            new_expires_on=DAY,
        )
    services.agreement_transition(
        agreement=agreement,
        action="renew",
        on=DAY,
        by=None,
        act=agreement.acts.get(kind="atto_rinnovo"),
        new_expires_on=datetime.date(2027, 12, 31),
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_PROGRESS
    assert agreement.expires_on == datetime.date(2027, 12, 31)


@pytest.mark.django_db
def test_revocation_needs_an_act_and_a_reason():
    agreement = build.approved()
    with pytest.raises(AgreementError) as refused:
        services.agreement_transition(agreement=agreement, action="revoke", on=DAY, by=None)
    assert "atto" in str(refused.value) and "motivo" in str(refused.value)


@pytest.mark.django_db
def test_an_amendment_keeps_the_status_and_is_in_the_timeline():
    agreement = build.signed()
    addendum = services.act_add(
        agreement=agreement, by=None, kind="atto_aggiuntivo", number="2", date=DAY
    )
    change = services.agreement_transition(
        agreement=agreement, action="amend", on=DAY, by=None, act=addendum
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    assert change.from_status == change.to_status == Status.SIGNED
    assert Act.objects.get(pk=addendum.pk).status_changes.get() == change


@pytest.mark.django_db
def test_an_unknown_action_is_refused():
    with pytest.raises(AgreementError, match="Azione sconosciuta"):
        services.agreement_transition(
            agreement=build.proposal(), action="teleport", on=DAY, by=None
        )


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(services.PATHS))
def test_an_existing_agreement_can_be_registered_in_any_status(status):
    agreement = build.proposal(expires_on=DAY, effective_from=datetime.date(2024, 3, 20))
    build.approving_act(agreement)
    for party in agreement.parties.all():
        party.signed_on = datetime.date(2024, 3, 20)
        party.save()
    services.agreement_bring_to(
        agreement=agreement,
        status=status,
        by=None,
        today=DAY,
        note="registrazione di un'intesa esistente",
    )
    agreement.refresh_from_db()
    assert agreement.status == status


# --- The act an amendment or a renewal cites ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action", "needed"),
    [
        (Status.IN_PROGRESS, "amend", "Atto aggiuntivo"),
        (Status.EXPIRED, "renew", "Atto di rinnovo"),
    ],
)
def test_amendment_and_renewal_refuse_the_original_approving_decree(status, action, needed):
    agreement = agreement_in(status)
    decree = agreement.acts.get(approves=True)
    with pytest.raises(AgreementError, match=f"richiede un atto di tipo «{needed}»") as refused:
        services.agreement_transition(
            agreement=agreement,
            action=action,
            on=DAY,
            by=None,
            act=decree,
            new_expires_on=datetime.date(2027, 12, 31),
        )
    assert "precede la stipula dell'intesa (20/03/2024)" in str(refused.value)
    agreement.refresh_from_db()
    assert agreement.status == status
    assert not agreement.status_changes.filter(action=action).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "kind"), [("amend", "atto_aggiuntivo"), ("renew", "atto_rinnovo")]
)
def test_an_amending_or_renewal_act_older_than_the_stipulation_is_refused(action, kind):
    agreement = agreement_in(Status.IN_PROGRESS)  # stipulated on 20 March 2024
    early = services.act_add(
        agreement=agreement, by=None, kind=kind, number="9", date=datetime.date(2024, 3, 10)
    )
    with pytest.raises(AgreementError, match=r"precede la stipula dell'intesa \(20/03/2024\)"):
        services.agreement_transition(
            agreement=agreement,
            action=action,
            on=DAY,
            by=None,
            act=early,
            new_expires_on=datetime.date(2027, 12, 31),
        )


@pytest.mark.django_db
def test_an_act_adopted_after_the_step_is_refused():
    agreement = agreement_in(Status.IN_PROGRESS)
    later = services.act_add(
        agreement=agreement, by=None, kind="atto_aggiuntivo", date=DAY + datetime.timedelta(days=3)
    )
    with pytest.raises(AgreementError, match="dopo la data del passaggio"):
        services.agreement_transition(
            agreement=agreement, action="amend", on=DAY, by=None, act=later
        )


@pytest.mark.django_db
def test_an_amendment_and_a_renewal_with_their_own_acts_go_through():
    agreement = agreement_in(Status.IN_PROGRESS)
    addendum = fitting_act(agreement, "amend")
    services.agreement_transition(
        agreement=agreement, action="amend", on=DAY, by=None, act=addendum
    )
    renewal = services.act_add(
        agreement=agreement, by=None, kind="atto_rinnovo", number="2/2024", date=DAY
    )
    change = services.agreement_transition(
        agreement=agreement,
        action="renew",
        on=DAY,
        by=None,
        act=renewal,
        new_expires_on=datetime.date(2027, 12, 31),
    )
    assert change.act == renewal and change.to_status == Status.IN_PROGRESS


# --- The dates of the steps -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_step_dated_in_the_future_is_refused():
    agreement = build.proposal()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(AgreementError, match="non può essere futura") as refused:
        services.agreement_transition(
            agreement=agreement, action="start_review", on=tomorrow, by=None
        )
    assert refused.value.field == "on"
    agreement.refresh_from_db()
    assert agreement.status == Status.PROPOSED


@pytest.mark.django_db
def test_a_step_dated_before_the_previous_step_is_refused():
    agreement = build.approved()  # review from 1 February, approval on 1 March 2024
    services.party_sign(
        party=agreement.parties.first(), signed_on=datetime.date(2024, 3, 5), by=None
    )
    with pytest.raises(
        AgreementError, match=r"non può precedere quella del passaggio precedente \(01/03/2024\)"
    ):
        services.agreement_transition(
            agreement=agreement,
            action="revoke",
            on=datetime.date(2024, 2, 15),
            by=None,
            act=agreement.acts.get(),
            note="errore",
        )
    # The same day as the previous step is fine.
    services.agreement_transition(
        agreement=agreement,
        action="revoke",
        on=datetime.date(2024, 3, 1),
        by=None,
        act=agreement.acts.get(),
        note="ritirata",
    )


@pytest.mark.django_db
def test_a_manual_stipulation_records_the_last_signature_not_the_typed_date():
    agreement = build.proposal()
    services.agreement_transition(
        agreement=agreement, action="start_review", on=datetime.date(2024, 2, 1), by=None
    )
    act = build.approving_act(agreement)  # 1 March 2024
    cmm_party, milano_party = agreement.parties.order_by("role")
    services.party_sign(party=cmm_party, signed_on=datetime.date(2024, 3, 8), by=None)
    services.party_sign(party=milano_party, signed_on=datetime.date(2024, 3, 12), by=None)
    agreement.refresh_from_db()
    assert agreement.status == Status.UNDER_REVIEW  # signed during the review
    services.agreement_transition(
        agreement=agreement, action="approve", on=act.date, by=None, act=act
    )
    change = services.agreement_transition(agreement=agreement, action="sign", on=DAY, by=None)
    assert change.on == datetime.date(2024, 3, 12)


@pytest.mark.django_db
def test_a_signature_in_the_future_is_refused():
    agreement = build.approved()
    with pytest.raises(AgreementError, match="firma non può essere futura"):
        services.party_sign(
            party=agreement.parties.first(),
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
            by=None,
        )


# --- Nothing new on an agreement whose life is over -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.CONCLUDED, Status.REVOKED, Status.EXPIRED])
def test_commitments_and_funding_are_not_added_to_a_closed_agreement(status):
    agreement = agreement_in(status)
    with pytest.raises(AgreementError, match="non le si aggiungono impegni"):
        services.commitment_add(
            agreement=agreement, by=None, title="Nuovo impegno", responsible=build.cmm()
        )
    with pytest.raises(AgreementError, match="non le si aggiungono finanziamenti"):
        services.funding_add(
            agreement=agreement, by=None, source="own_budget", amount=Decimal("1000")
        )
    assert not agreement.commitments.exists() and not agreement.funding_lines.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "label"),
    [(Status.CONCLUDED, "Conclusa"), (Status.REVOKED, "Revocata"), (Status.EXPIRED, "Scaduta")],
)
def test_milestones_are_not_added_to_a_closed_agreement(status, label):
    """A commitment taken while the agreement lived gets no new milestone once it is over;
    the milestones it has can still be marked reached."""
    agreement = agreement_in(Status.IN_PROGRESS)
    commitment = services.commitment_add(
        agreement=agreement,
        by=None,
        title="Cabina di regia",
        responsible=build.cmm(),
        milestones=[{"title": "Prima riunione", "due_on": datetime.date(2024, 9, 1)}],
    )
    type(agreement).objects.filter(pk=agreement.pk).update(status=status)
    commitment.refresh_from_db()
    with pytest.raises(AgreementError) as refusal:
        services.milestone_add(commitment=commitment, by=None, title="Seconda riunione", due_on=DAY)
    assert refusal.value.message == f"L'intesa è «{label}»: non le si aggiungono traguardi."
    assert commitment.milestones.count() == 1
    milestone = commitment.milestones.get()
    services.milestone_update(
        milestone=milestone,
        expected_version=milestone.version,
        by=None,
        reached_on=datetime.date(2024, 9, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED])
def test_milestones_are_added_to_a_live_agreement(status):
    agreement = agreement_in(status)
    commitment = services.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    services.milestone_add(commitment=commitment, by=None, title="Prima riunione", due_on=DAY)
    assert commitment.milestones.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED])
def test_commitments_and_funding_are_added_to_a_live_agreement(status):
    agreement = agreement_in(status)
    services.commitment_add(agreement=agreement, by=None, title="Impegno", responsible=build.cmm())
    services.funding_add(agreement=agreement, by=None, source="own_budget", amount=Decimal("10"))
    assert agreement.commitments.count() == 1 and agreement.funding_lines.count() == 1
