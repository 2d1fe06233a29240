"""Every write on agreements goes through these functions: forms, imports, the admin and the
demo loader all call them, so the same rules hold whatever the entry point."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intese.agreements import lifecycle
from intese.agreements.models import (
    Act,
    Agreement,
    Commitment,
    FundingLine,
    FundingShare,
    Milestone,
    Party,
    PlanLink,
    Status,
    StatusChange,
)
from intese.core.concurrency import save_if_unchanged
from intese.core.errors import DomainError

AGREEMENT_FIELDS = [
    "code",
    "title",
    "summary",
    "kind",
    "legal_basis",
    "parent",
    "coherence_statement",
    "is_public",
    "effective_from",
    "expires_on",
    "renewal",
    "example_fields",
    "source_note",
]


LIFECYCLE_REASON = "lifecycle:"  # marks history rows written by a transition (see selectors)


class AgreementError(DomainError):
    """A rule of the agreements registry refused a change."""


def _check_parent(agreement: Agreement) -> None:
    """A framework agreement may have implementing agreements at any depth, but no cycles."""
    seen, parent = set(), agreement.parent
    while parent is not None:
        if parent.pk == agreement.pk or parent.pk in seen:
            raise AgreementError(
                _("%(code)s non può avere come intesa quadro una sua intesa attuativa.")
                % {"code": agreement.code},
                field="parent",
            )
        seen.add(parent.pk)
        parent = parent.parent


def _save_new(instance, by) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


@transaction.atomic
def agreement_create(*, by, themes=(), areas=(), **fields) -> Agreement:
    """Register a new agreement, in status "proposed"."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not agreement fields: {sorted(unknown)}")
    agreement = Agreement(**fields)
    agreement.full_clean()
    _check_parent(agreement)
    agreement._history_user = by
    agreement.save()
    agreement.themes.set(themes)
    agreement.areas.set(areas)
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, expected_version: int, by, themes=None, areas=None, **fields
) -> Agreement:
    """Change an agreement's description; a stale form (another save since) is refused."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not agreement fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["version"])
    _check_parent(agreement)
    if agreement.status not in (Status.PROPOSED, Status.UNDER_REVIEW) and not (
        agreement.coherence_statement.strip()
    ):
        raise AgreementError(
            _(
                "Un'intesa approvata deve conservare la motivazione di coerenza "
                "con il piano strategico."
            ),
            field="coherence_statement",
        )
    agreement._history_user = by
    save_if_unchanged(agreement, expected_version=expected_version)
    if themes is not None:
        agreement.themes.set(themes)
    if areas is not None:
        agreement.areas.set(areas)
    return agreement


@transaction.atomic
def agreement_transition(
    *,
    agreement: Agreement,
    action: str,
    on: datetime.date,
    by,
    act: Act | None = None,
    note: str = "",
    expected_version: int | None = None,
    new_expires_on: datetime.date | None = None,
) -> StatusChange:
    """Move an agreement through its lifecycle, recording date, user, act and note."""
    step = lifecycle.ACTIONS.get(action)
    if step is None:
        raise AgreementError(_("Azione sconosciuta: %(action)s.") % {"action": action})
    problems = lifecycle.refusals(step, agreement, on)
    if step.needs_act and act is None:
        problems.append(_("Indicare l'atto che dispone questo passaggio."))
    if act is not None and act.agreement_id != agreement.pk:
        problems.append(_("L'atto indicato appartiene a un'altra intesa."))
    if step.needs_note and not note.strip():
        problems.append(_("Indicare il motivo nella nota."))
    if action == "renew" and (new_expires_on is None or new_expires_on <= on):
        problems.append(
            _("Il rinnovo richiede una nuova scadenza successiva alla data del rinnovo.")
        )
    if problems:
        raise AgreementError(" ".join(str(p) for p in problems))
    change = StatusChange(
        agreement=agreement,
        action=action,
        from_status=agreement.status,
        to_status=step.to or agreement.status,
        on=on,
        by=by,
        act=act,
        note=note,
    )
    change.save()
    agreement.status = change.to_status
    if new_expires_on is not None:
        agreement.expires_on = new_expires_on
    agreement._history_user = by
    agreement._change_reason = f"{LIFECYCLE_REASON}{action}"
    save_if_unchanged(
        agreement,
        expected_version=agreement.version if expected_version is None else expected_version,
    )
    return change


def stipulation_date(agreement: Agreement) -> datetime.date | None:
    """The date of the last required signature, once every required party has signed."""
    dates = list(
        agreement.parties.filter(signature_required=True).values_list("signed_on", flat=True)
    )
    if not dates or None in dates:
        return None
    return max(dates)


@transaction.atomic
def party_add(
    *,
    agreement: Agreement,
    organisation,
    role: str,
    by,
    signature_required=True,
    signed_on=None,
    is_example=False,
) -> Party:
    if agreement.status in (Status.CONCLUDED, Status.REVOKED, Status.EXPIRED):
        raise AgreementError(_("Non si aggiungono parti a un'intesa conclusa, scaduta o revocata."))
    if agreement.status in (Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED) and (
        signature_required and signed_on is None
    ):
        raise AgreementError(
            _(
                "L'intesa è già stipulata: una nuova parte aderisce senza firma richiesta, "
                "con un atto aggiuntivo."
            ),
            field="signature_required",
        )
    party = Party(
        agreement=agreement,
        organisation=organisation,
        role=role,
        signature_required=signature_required,
        signed_on=signed_on,
        is_example=is_example,
    )
    _save_new(party, by)
    return party


@transaction.atomic
def party_remove(*, party: Party, by) -> None:
    if party.agreement.status not in (Status.PROPOSED, Status.UNDER_REVIEW):
        raise AgreementError(
            _("Dopo l'approvazione le parti non si tolgono: registrare un atto aggiuntivo.")
        )
    if party.commitments_responsible().exists():
        raise AgreementError(_("La parte è responsabile di impegni: riassegnarli prima."))
    party._history_user = by
    party.delete()


@transaction.atomic
def party_sign(*, party: Party, signed_on: datetime.date, by, is_example=False) -> Party:
    """Record a party's signature; the last required one stipulates an approved agreement."""
    agreement = party.agreement
    if agreement.status not in (Status.UNDER_REVIEW, Status.APPROVED, Status.PROPOSED):
        raise AgreementError(
            _("L'intesa è già stipulata: una nuova firma richiede un atto aggiuntivo.")
        )
    if party.signed_on is not None:
        raise AgreementError(
            _("%(name)s ha già firmato il %(date)s.")
            % {"name": party.organisation, "date": party.signed_on}
        )
    latest_act = agreement.acts.filter(approves=True).order_by("-date").first()
    if latest_act and signed_on < latest_act.date:
        raise AgreementError(
            _("La firma non può precedere l'atto di approvazione (%(date)s).")
            % {"date": latest_act.date}
        )
    party.signed_on = signed_on
    party.is_example = party.is_example or is_example
    party._history_user = by
    party.save()
    stipulated = stipulation_date(agreement)
    if agreement.status == Status.APPROVED and stipulated:
        agreement_transition(
            agreement=agreement,
            action="sign",
            on=stipulated,
            by=by,
            note=_("Stipula: ultima firma richiesta."),
        )
    return party


@transaction.atomic
def act_add(*, agreement: Agreement, by, **fields) -> Act:
    act = Act(agreement=agreement, **fields)
    _save_new(act, by)
    return act


@transaction.atomic
def funding_add(*, agreement: Agreement, by, shares=(), **fields) -> FundingLine:
    """A funding line; `shares` are (party, amount) pairs that may not exceed the line."""
    line = FundingLine(agreement=agreement, **fields)
    _save_new(line, by)
    total = sum((amount for _party, amount in shares), start=0)
    if total > line.amount:
        raise AgreementError(
            _("Le quote delle parti (%(total)s €) superano l'importo (%(amount)s €).")
            % {"total": total, "amount": line.amount}
        )
    for party, amount in shares:
        if party.agreement_id != agreement.pk:
            raise AgreementError(_("%(name)s non è parte di questa intesa.") % {"name": party})
        _save_new(FundingShare(funding_line=line, party=party, amount=amount), by)
    return line


def _check_responsible(agreement: Agreement, organisation) -> None:
    if not agreement.parties.filter(organisation=organisation).exists():
        raise AgreementError(
            _("Il responsabile di un impegno deve essere parte dell'intesa: %(name)s non lo è.")
            % {"name": organisation},
            field="responsible",
        )


@transaction.atomic
def commitment_add(*, agreement: Agreement, by, milestones=(), **fields) -> Commitment:
    commitment = Commitment(agreement=agreement, **fields)
    commitment.full_clean(exclude=["version"])
    _check_responsible(agreement, commitment.responsible)
    commitment._history_user = by
    commitment.save()
    for milestone in milestones:
        _save_new(Milestone(commitment=commitment, **milestone), by)
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, expected_version: int, by, **fields) -> Commitment:
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment.full_clean(exclude=["version"])
    _check_responsible(commitment.agreement, commitment.responsible)
    commitment._history_user = by
    save_if_unchanged(commitment, expected_version=expected_version)
    return commitment


@transaction.atomic
def milestone_add(*, commitment: Commitment, by, **fields) -> Milestone:
    milestone = Milestone(commitment=commitment, **fields)
    _save_new(milestone, by)
    return milestone


def validation_messages(error: ValidationError) -> list[str]:
    return [
        f"{field}: {m}" if field != "__all__" else m
        for field, messages in error.message_dict.items()
        for m in messages
    ]


# The actions that bring a newly registered agreement to a status it already has in reality.
PATHS = {
    Status.PROPOSED: [],
    Status.UNDER_REVIEW: ["start_review"],
    Status.APPROVED: ["start_review", "approve"],
    Status.SIGNED: ["start_review", "approve", "sign"],
    Status.IN_PROGRESS: ["start_review", "approve", "sign", "start"],
    Status.SUSPENDED: ["start_review", "approve", "sign", "start", "suspend"],
    Status.CONCLUDED: ["start_review", "approve", "sign", "start", "conclude"],
    Status.EXPIRED: ["start_review", "approve", "sign", "start", "expire"],
    Status.REVOKED: ["start_review", "revoke"],
}


def _replay_date(agreement: Agreement, action: str, today: datetime.date) -> datetime.date:
    approving = agreement.acts.filter(approves=True).order_by("date").first()
    stipulated = stipulation_date(agreement)
    if action in ("start_review", "approve"):
        return approving.date if approving else today
    if action == "sign":
        return stipulated or today
    if action == "start":
        return (
            max(filter(None, [agreement.effective_from, stipulated]))
            if (agreement.effective_from or stipulated)
            else today
        )
    if action == "expire":
        return agreement.expires_on or today
    return today


@transaction.atomic
def agreement_bring_to(
    *, agreement: Agreement, status: str, by, today: datetime.date, note: str
) -> list[StatusChange]:
    """Register that an agreement already is in `status`: replay the lifecycle up to it.

    Every step keeps its checks (coherence, approving act, signatures, expiry), so an
    agreement reaches a status only with the facts that the status requires. Dates come from
    the acts, signatures and validity; `note` says why the steps were replayed.
    """
    if agreement.status != Status.PROPOSED:
        raise AgreementError(
            _("Solo una proposta appena registrata può essere portata a uno stato.")
        )
    steps = []
    last_act = agreement.acts.order_by("-date").first()
    for action in PATHS[Status(status)]:
        if action == "sign" and agreement.status == Status.SIGNED:
            continue  # the last signature already stipulated it
        step = lifecycle.ACTIONS[action]
        act = (
            agreement.acts.filter(approves=True).order_by("date").first()
            if action == "approve"
            else (last_act if step.needs_act else None)
        )
        steps.append(
            agreement_transition(
                agreement=agreement,
                action=action,
                on=_replay_date(agreement, action, today),
                by=by,
                act=act,
                note=note,
            )
        )
        agreement.refresh_from_db()
    return steps


@transaction.atomic
def plan_link_add(
    *,
    agreement: Agreement,
    by,
    motivation: str,
    plan_item=None,
    operational_objective=None,
    commitment: Commitment | None = None,
    is_example: bool = False,
) -> PlanLink:
    """Link an agreement (or one of its commitments) to a plan item or a DUP objective."""
    if commitment is not None and commitment.agreement_id != agreement.pk:
        raise AgreementError(_("L'impegno appartiene a un'altra intesa."), field="commitment")
    duplicate = PlanLink.objects.filter(
        agreement=agreement,
        commitment=commitment,
        plan_item=plan_item,
        operational_objective=operational_objective,
    )
    if duplicate.exists():
        raise AgreementError(_("Questo collegamento esiste già."))
    link = PlanLink(
        agreement=agreement,
        commitment=commitment,
        plan_item=plan_item,
        operational_objective=operational_objective,
        motivation=motivation.strip(),
        is_example=is_example,
    )
    _save_new(link, by)
    return link


@transaction.atomic
def plan_link_remove(*, link: PlanLink, by) -> None:
    link._history_user = by
    link.delete()
