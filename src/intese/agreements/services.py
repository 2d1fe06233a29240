"""Every write on agreements goes through these functions: forms, imports, the admin and the
demo loader all call them, so the same rules hold whatever the entry point."""

import dataclasses
import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from intese.agreements import lifecycle
from intese.agreements.models import (
    Act,
    Agreement,
    Commitment,
    Document,
    FundingLine,
    FundingShare,
    Milestone,
    Party,
    PlanLink,
    Renewal,
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
    today: datetime.date | None = None,
) -> StatusChange:
    """Move an agreement through its lifecycle, recording date, user, act and note.

    The date may not be in the future nor precede the previous step; the stipulation ("sign")
    takes the date of the last required signature whatever `on` says, once all are in. The act
    must belong to the agreement and exist by that date; an amendment or a renewal needs an act
    of its kind, not earlier than the stipulation. Refusals name the form field they concern
    (`TransitionRefused.problems`)."""
    step = lifecycle.ACTIONS.get(action)
    if step is None:
        raise AgreementError(_("Azione sconosciuta: %(action)s.") % {"action": action})
    if action == "sign":
        on = stipulation_date(agreement) or on
    problems = [(None, p) for p in lifecycle.refusals(step, agreement, on)]
    if agreement.status in step.sources:
        previous = agreement.status_changes.aggregate(last=models.Max("on"))["last"]
        today = today or timezone.localdate()
        problems += [("on", p) for p in lifecycle.date_refusals(on, today=today, previous=previous)]
    stipulated = _recorded_stipulation(agreement) if step.act_kinds else None
    problems += [
        ("act", p) for p in lifecycle.act_refusals(step, agreement, act, on, stipulated=stipulated)
    ]
    if step.needs_note and not note.strip():
        problems.append(("note", _("Indicare il motivo nella nota.")))
    if action == "renew" and (new_expires_on is None or new_expires_on <= on):
        problems.append(
            (
                "new_expires_on",
                _("Il rinnovo richiede una nuova scadenza successiva alla data del rinnovo."),
            )
        )
    if problems:
        raise TransitionRefused(problems)
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


class TransitionRefused(AgreementError):
    """A lifecycle step was refused; `problems` are (form field or None, message) pairs."""

    def __init__(self, problems: list[tuple]):
        self.problems = [(field, str(message)) for field, message in problems]
        fields = {field for field, _message in self.problems}
        super().__init__(
            " ".join(message for _field, message in self.problems),
            field=fields.pop() if len(fields) == 1 else None,
        )


def _recorded_stipulation(agreement: Agreement) -> datetime.date | None:
    """The date the agreement was stipulated on: its "sign" step, else its last signature."""
    recorded = agreement.status_changes.filter(action="sign").aggregate(on=models.Max("on"))
    return recorded["on"] or stipulation_date(agreement)


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
    """Take a party out of a proposal under review; the history keeps it. A party that signed,
    brings money or answers for commitments stays."""
    name = party.organisation
    if party.agreement.status not in (Status.PROPOSED, Status.UNDER_REVIEW):
        raise AgreementError(
            _("Dopo l'approvazione le parti non si tolgono: registrare un atto aggiuntivo.")
        )
    if party.signed_on is not None:
        raise AgreementError(
            _("%(name)s ha firmato l'intesa il %(date)s: una parte che ha firmato non si toglie.")
            % {"name": name, "date": party.signed_on.strftime("%d/%m/%Y")}
        )
    other_roles = party.agreement.parties.filter(organisation=party.organisation).exclude(
        pk=party.pk
    )
    if not other_roles.exists() and party.commitments_responsible().exists():
        raise AgreementError(
            _(
                "%(name)s è responsabile di impegni dell'intesa (%(titles)s): "
                "riassegnarli a un'altra parte prima di toglierla."
            )
            % {
                "name": name,
                "titles": "; ".join(
                    party.commitments_responsible().values_list("title", flat=True)[:5]
                ),
            }
        )
    if party.funding_shares.exists():
        raise AgreementError(
            _("%(name)s ha quote di finanziamento: toglierle dal finanziamento prima.")
            % {"name": name}
        )
    party._history_user = by
    party.delete()


def _check_signature_date(agreement: Agreement, signed_on: datetime.date, today) -> None:
    """A signature is not dated in the future nor before the act that approves the agreement."""
    if signed_on > today:
        raise AgreementError(_("La data della firma non può essere futura."), field="signed_on")
    latest_act = agreement.acts.filter(approves=True).order_by("-date").first()
    if latest_act and signed_on < latest_act.date:
        raise AgreementError(
            _("La firma non può precedere l'atto di approvazione (%(date)s).")
            % {"date": latest_act.date.strftime("%d/%m/%Y")},
            field="signed_on",
        )


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
    _check_signature_date(agreement, signed_on, timezone.localdate())
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
def party_signature_correct(
    *, party: Party, signed_on: datetime.date, expected_version: int, by, today=None
) -> Party:
    """Correct the date of a signature already recorded.

    The date may not be in the future nor precede the approving act, like a new signature.
    The stipulation date follows from the signatures: once the agreement is stipulated, its
    "sign" step takes the new date, which may neither precede the step before it nor follow a
    later step (or the act of a later amendment or renewal): those would have to be corrected
    first. The step's note keeps the old date."""
    today = today or timezone.localdate()
    agreement = party.agreement
    if party.signed_on is None:
        raise AgreementError(
            _("%(name)s non ha ancora firmato: registrare la firma, non correggerla.")
            % {"name": party.organisation}
        )
    _check_signature_date(agreement, signed_on, today)
    old = party.signed_on
    party.signed_on = signed_on
    party._history_user = by
    save_if_unchanged(party, expected_version=expected_version)
    sign = agreement.status_changes.filter(action="sign").order_by("-pk").first()
    stipulated = stipulation_date(agreement)
    if sign is None or stipulated is None or stipulated == sign.on:
        return party
    _check_stipulation_move(agreement, sign, stipulated)
    sign.note = "\n".join(
        filter(
            None,
            [
                sign.note,
                _(
                    "Data della stipula corretta il %(today)s dal %(old)s al %(new)s "
                    "(firma di %(name)s del %(signed)s, ora del %(corrected)s)."
                )
                % {
                    "today": today.strftime("%d/%m/%Y"),
                    "old": sign.on.strftime("%d/%m/%Y"),
                    "new": stipulated.strftime("%d/%m/%Y"),
                    "name": party.organisation,
                    "signed": old.strftime("%d/%m/%Y"),
                    "corrected": signed_on.strftime("%d/%m/%Y"),
                },
            ],
        )
    )
    sign.on = stipulated
    sign.save(update_fields=["on", "note"])
    return party


def _check_stipulation_move(agreement: Agreement, sign: StatusChange, stipulated) -> None:
    """The recorded stipulation (`sign`) may move to `stipulated` only between its neighbours:
    not before the step that preceded it, not after a later step nor after the act of a later
    amendment or renewal."""
    steps = list(agreement.status_changes.select_related("act").order_by("pk"))  # as recorded
    before = [s for s in steps if s.pk < sign.pk]
    after = [s for s in steps if s.pk > sign.pk]
    if before and stipulated < max(s.on for s in before):
        previous = max(before, key=lambda s: s.on)
        raise AgreementError(
            _(
                "Con questa firma la stipula passerebbe al %(date)s, prima del passaggio "
                "«%(step)s» del %(previous)s."
            )
            % {
                "date": stipulated.strftime("%d/%m/%Y"),
                "step": _step_label(previous),
                "previous": previous.on.strftime("%d/%m/%Y"),
            },
            field="signed_on",
        )
    for step in after:
        kinds = lifecycle.ACTIONS[step.action].act_kinds if step.action in lifecycle.ACTIONS else ()
        values = {
            "date": stipulated.strftime("%d/%m/%Y"),
            "step": _step_label(step),
            "later": step.on.strftime("%d/%m/%Y"),
        }
        if stipulated > step.on:
            raise AgreementError(
                _(
                    "Con questa firma la stipula passerebbe al %(date)s, dopo il passaggio "
                    "successivo «%(step)s» del %(later)s: correggere prima quel passaggio."
                )
                % values,
                field="signed_on",
            )
        if kinds and step.act is not None and stipulated > step.act.date:
            raise AgreementError(
                _(
                    "Con questa firma la stipula passerebbe al %(date)s, dopo l'atto "
                    "%(act)s citato dal passaggio successivo «%(step)s» del %(later)s."
                )
                % {**values, "act": step.act},
                field="signed_on",
            )


def _step_label(change: StatusChange) -> str:
    step = lifecycle.ACTIONS.get(change.action)
    return str(step.label) if step else change.action


@transaction.atomic
def act_add(*, agreement: Agreement, by, **fields) -> Act:
    act = Act(agreement=agreement, **fields)
    _save_new(act, by)
    return act


@transaction.atomic
def act_update(*, act: Act, expected_version: int, by, **fields) -> Act:
    """Correct an act (number, date, kind…); an act cited by a lifecycle step must still fit
    it: no later than the step, of the kind the step needs, approving if it approved."""
    for name, value in fields.items():
        setattr(act, name, value)
    act.full_clean(exclude=["version"])
    agreement = act.agreement
    for change in act.status_changes.all():
        step = lifecycle.ACTIONS.get(change.action)
        if step is None:
            continue
        stipulated = _recorded_stipulation(agreement) if step.act_kinds else None
        problems = lifecycle.act_refusals(step, agreement, act, change.on, stipulated=stipulated)
        if change.action == "approve" and not act.approves:
            problems.append(_("L'atto ha approvato l'intesa: deve restare un atto che approva."))
        if problems:
            raise AgreementError(
                _("L'atto è citato nel passaggio «%(step)s» del %(date)s: %(problems)s")
                % {
                    "step": step.label,
                    "date": change.on.strftime("%d/%m/%Y"),
                    "problems": " ".join(str(p) for p in problems),
                }
            )
    act._history_user = by
    save_if_unchanged(act, expected_version=expected_version)
    return act


def _refuse_if_closed(agreement: Agreement, what: str) -> None:
    if agreement.status in lifecycle.CLOSED:
        raise AgreementError(
            _("L'intesa è «%(status)s»: non le si aggiungono %(what)s.")
            % {"status": Status(agreement.status).label, "what": what}
        )


def _check_shares(line: FundingLine, shares) -> None:
    """`shares` are (party, amount) pairs: parties of the line's agreement, once each, whose
    total may not exceed the line."""
    total = sum((amount for _party, amount in shares), start=0)
    if total > line.amount:
        raise AgreementError(
            _("Le quote delle parti (%(total)s €) superano l'importo (%(amount)s €).")
            % {"total": total, "amount": line.amount}
        )
    seen = set()
    for party, _amount in shares:
        if party.agreement_id != line.agreement_id:
            raise AgreementError(_("%(name)s non è parte di questa intesa.") % {"name": party})
        if party.pk in seen:
            raise AgreementError(_("%(name)s ha già una quota.") % {"name": party})
        seen.add(party.pk)


@transaction.atomic
def funding_add(*, agreement: Agreement, by, shares=(), **fields) -> FundingLine:
    """A funding line; `shares` are (party, amount) pairs that may not exceed the line."""
    _refuse_if_closed(agreement, _("finanziamenti"))
    line = FundingLine(agreement=agreement, **fields)
    _save_new(line, by)
    _check_shares(line, shares)
    for party, amount in shares:
        _save_new(FundingShare(funding_line=line, party=party, amount=amount), by)
    return line


@transaction.atomic
def funding_update(
    *, line: FundingLine, expected_version: int, by, shares=None, **fields
) -> FundingLine:
    """Change a funding line and, when `shares` is given, set its shares to exactly those
    (party, amount) pairs: changed amounts are updated, parties left out lose their share."""
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean(exclude=["version"])
    current = {share.party_id: share for share in line.shares.all()}
    if shares is None:
        shares = [(share.party, share.amount) for share in current.values()]
    _check_shares(line, shares)
    line._history_user = by
    save_if_unchanged(line, expected_version=expected_version)
    for party, amount in shares:
        share = current.pop(party.pk, None)
        if share is None:
            _save_new(FundingShare(funding_line=line, party=party, amount=amount), by)
        elif share.amount != amount:
            share.amount = amount
            share.full_clean()
            share._history_user = by
            share.save()
    for share in current.values():
        share._history_user = by
        share.delete()
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
    _refuse_if_closed(agreement, _("impegni"))
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


def _check_reached(milestone: Milestone) -> None:
    if milestone.reached_on is not None and milestone.reached_on > timezone.localdate():
        raise AgreementError(
            _("Un traguardo non si segna raggiunto in una data futura."), field="reached_on"
        )


@transaction.atomic
def milestone_add(*, commitment: Commitment, by, **fields) -> Milestone:
    _refuse_if_closed(commitment.agreement, _("traguardi"))
    milestone = Milestone(commitment=commitment, **fields)
    _check_reached(milestone)
    _save_new(milestone, by)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, expected_version: int, by, **fields) -> Milestone:
    """Change a milestone, or mark it reached (`reached_on`, not in the future)."""
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.full_clean(exclude=["version"])
    _check_reached(milestone)
    milestone._history_user = by
    save_if_unchanged(milestone, expected_version=expected_version)
    return milestone


@transaction.atomic
def document_remove(*, document: Document, by) -> None:
    """Take a document off an agreement. The history keeps the record of it (who removed it and
    when) and the stored file stays, so that an earlier version of the record still points to
    it."""
    for act in document.acts.all():
        act.document = None  # the act stays, without its file; its history says who unlinked it
        act._history_user = by
        save_if_unchanged(act, expected_version=act.version)
    document._history_user = by
    document.delete()


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
                today=today,
            )
        )
        agreement.refresh_from_db()
    return steps


# --- Expiry, by the calendar -------------------------------------------------------------------

EXPIRY_NOTE = "scadenza automatica"  # the note of the steps that `agreements_expire` records


@dataclasses.dataclass
class Expiry:
    """What `agreements_expire` did, or would do, with one agreement past its expiry date:
    `on` is the date of the step; `refused` says why it was not recorded, `skipped` why it
    was left alone on purpose (a tacit renewal)."""

    agreement: Agreement
    on: datetime.date
    from_status: str
    refused: str = ""
    skipped: str = ""

    @property
    def expired(self) -> bool:
        return not (self.refused or self.skipped)


def expiry_date(agreement: Agreement, previous: datetime.date | None) -> datetime.date:
    """The day an agreement became expired: the day after its expiry date (it is valid through
    that date), or the date of its last step if a step was recorded after it, since no step may
    precede the previous one."""
    on = agreement.expires_on + datetime.timedelta(days=1)
    return max(on, previous) if previous else on


def agreements_expire(*, today: datetime.date | None = None, dry_run=False) -> list[Expiry]:
    """Record as expired every agreement whose expiry date has passed and whose status allows
    "expire" (lifecycle.ACTIONS), through `agreement_transition`: without a user and without an
    act (expiry is a fact of the calendar), with the note EXPIRY_NOTE.

    Each agreement is a transaction of its own, so that a refusal (another officer's save, a
    later step) leaves the others expired; it is reported and tried again on the next run.
    Agreements renewed tacitly are left alone and reported: their expiry date needs updating.
    Running it again changes nothing. With `dry_run` nothing is written."""
    today = today or timezone.localdate()
    step = lifecycle.ACTIONS["expire"]
    due = (
        Agreement.objects.filter(status__in=step.sources, expires_on__lt=today)
        .annotate(previous=models.Max("status_changes__on"))
        .order_by("expires_on", "code")
    )
    results = []
    for agreement in due:
        result = Expiry(agreement, expiry_date(agreement, agreement.previous), agreement.status)
        results.append(result)
        if agreement.renewal == Renewal.TACIT:
            result.skipped = _("rinnovo tacito: aggiornare la scadenza oppure registrarla a mano")
            continue
        if dry_run:
            result.refused = " ".join(lifecycle.refusals(step, agreement, result.on))
            continue
        try:
            agreement_transition(
                agreement=agreement,
                action="expire",
                on=result.on,
                by=None,
                note=EXPIRY_NOTE,
                today=today,
            )
        except DomainError as error:
            result.refused = str(error.message)
    return results


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


# --- Registering many new agreements at once -------------------------------------------------
# The per-row services above cost a dozen queries a row (validation, save, history, m2m
# history); a spreadsheet of 10,000 agreements needs the same rules for a few queries a batch.
# Only new agreements are registered in bulk: changes to registered ones take the per-row path.

BATCH = 1000  # rows per INSERT; Django lowers it to SQLite's limit of parameters
CODES_PER_QUERY = 500  # below every database's limit of parameters

# The check constraints of the models written in bulk, evaluated in Python where Django spends
# a query on each; a test keeps this table in step with the models' Meta.constraints.
CHECKS = {
    "agreement_expires_after_start": lambda a: (
        a.expires_on is None or a.effective_from is None or a.expires_on > a.effective_from
    ),
    "agreement_not_own_parent": lambda a: a.pk is None or a.parent_id != a.pk,
    "act_publication_period": lambda a: (
        a.published_to is None or a.published_from is None or a.published_to >= a.published_from
    ),
    "funding_amount_not_negative": lambda line: line.amount >= 0,
    "funding_share_not_negative": lambda share: share.amount >= 0,
    "commitment_weight_positive": lambda commitment: commitment.weight >= 1,
}


@dataclasses.dataclass
class NewAgreement:
    """A new agreement with everything it holds, for `agreements_register`.

    `fields` are those of `agreement_create`, whose `parent` may also be the code of another
    NewAgreement of the same call. `parties`, `acts`, `commitments` (with their `milestones`)
    and `funding` are the keyword arguments of `party_add`, `act_add`, `commitment_add` and
    `funding_add`, except that funding `shares` are (organisation, amount) pairs naming a
    party by its organisation. `status` is the status that the lifecycle is replayed to.
    """

    fields: dict
    themes: list = dataclasses.field(default_factory=list)
    areas: list = dataclasses.field(default_factory=list)
    parties: list[dict] = dataclasses.field(default_factory=list)
    acts: list[dict] = dataclasses.field(default_factory=list)
    commitments: list[dict] = dataclasses.field(default_factory=list)
    funding: list[dict] = dataclasses.field(default_factory=list)
    status: str = Status.PROPOSED


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a part of a NewAgreement was refused. `row` is its index in the call; `item` is
    () for the agreement itself, ("status",) for its lifecycle, or the path to a part, such as
    ("parties", 0), ("commitments", 1, "milestones", 0) or ("funding", 0, "shares", 1);
    `error` is what the per-row service raises (a ValidationError or an AgreementError)."""

    row: int
    item: tuple
    error: Exception


class RegistrationRefused(AgreementError):
    """New agreements broke the rules, so none was registered; `refusals` says where."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        texts = [
            " ".join(r.error.messages if isinstance(r.error, ValidationError) else [str(r.error)])
            for r in refusals[:3]
        ]
        super().__init__(
            _("Registrazione rifiutata (%(n)d problemi): %(problems)s")
            % {"n": len(refusals), "problems": " ".join(texts)}
        )


@dataclasses.dataclass
class _Built:
    """The unsaved rows of one NewAgreement, each part with what it holds."""

    agreement: Agreement
    parties: list
    acts: list
    commitments: list  # (commitment, [milestones])
    lines: list  # (funding line, [(organisation, amount, share or None if not a party)])


@transaction.atomic
def agreements_register(
    *, rows: list[NewAgreement], by, today: datetime.date | None = None, note: str = ""
) -> list[Agreement]:
    """Register new agreements in bulk, under the rules of the per-row services.

    Every row is checked without a query per row (fields, constraints, codes not taken,
    parents known and without cycles, responsibles among the parties, shares within their
    line), written with bulk inserts and one history record per row, then brought to its
    status by `agreement_bring_to`, one by one, with every lifecycle check. Refusals are
    collected, so that the lifecycle of the other rows is checked too; any refusal then raises
    RegistrationRefused, and nothing is registered.
    """
    today = today or timezone.localdate()
    built = [_build(row) for row in rows]
    first = {}  # the row of each code: a parent named by code is the first row with it
    for i, b in enumerate(built):
        first.setdefault(b.agreement.code, i)
    refusals: list[Refusal] = []
    levels = _check(rows, built, first, refusals)
    _insert(rows, built, first, levels, by)
    for i in (i for level in levels for i in level if rows[i].status != Status.PROPOSED):
        try:
            agreement_bring_to(
                agreement=built[i].agreement,
                status=rows[i].status,
                by=by,
                today=today,
                note=note,
            )
        except DomainError as error:
            refusals.append(Refusal(i, ("status",), error))
    if refusals:
        raise RegistrationRefused(sorted(refusals, key=lambda r: r.row))
    return [b.agreement for b in built]


def _build(row: NewAgreement) -> _Built:
    unknown = set(row.fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not agreement fields: {sorted(unknown)}")
    fields = dict(row.fields)
    if isinstance(fields.get("parent"), str):
        fields["parent"] = None  # another row of the call: set once that one is written
    agreement = Agreement(**fields)
    commitments = []
    for values in row.commitments:
        values = dict(values)
        milestones = values.pop("milestones", ())
        commitment = Commitment(agreement=agreement, **values)
        commitments.append(
            (commitment, [Milestone(commitment=commitment, **m) for m in milestones])
        )
    parties = [Party(agreement=agreement, **values) for values in row.parties]
    party_of = {p.organisation_id: p for p in reversed(parties)}  # the first of each
    lines = []
    for values in row.funding:
        values = dict(values)
        given = values.pop("shares", ())
        line, shares = FundingLine(agreement=agreement, **values), []
        for organisation, amount in given:
            party = party_of.get(organisation.pk)
            share = FundingShare(funding_line=line, party=party, amount=amount) if party else None
            shares.append((organisation, amount, share))
        lines.append((line, shares))
    acts = [Act(agreement=agreement, **values) for values in row.acts]
    return _Built(agreement, parties, acts, commitments, lines)


def _check(rows, built, first: dict, refusals) -> list[list[int]]:
    """The rows without problems, by level: a row named as parent comes a level before."""
    codes = [b.agreement.code for b in built]
    taken = _taken_codes(codes)
    levels, accepted = [], set()
    for level in _levels(rows, first, refusals):
        levels.append([])
        for i in level:
            parent = _parent_row(rows[i], first)
            if parent is not None and parent not in accepted:
                message = _(
                    "L'intesa quadro «%(code)s» non è stata registrata: vedere i suoi errori."
                ) % {"code": codes[parent]}
                refusals.append(Refusal(i, (), AgreementError(message, field="parent")))
                continue
            duplicate = codes[i] in taken or first[codes[i]] != i
            problems = _check_row(rows[i], built[i], duplicate)
            refusals.extend(Refusal(i, item, error) for item, error in problems)
            if not problems:
                accepted.add(i)
                levels[-1].append(i)
    return levels


def _taken_codes(codes: list[str]) -> set[str]:
    """The codes already registered: a query per 500 codes, not one per row."""
    taken = set()
    for start in range(0, len(codes), CODES_PER_QUERY):
        chunk = codes[start : start + CODES_PER_QUERY]
        taken |= set(Agreement.objects.filter(code__in=chunk).values_list("code", flat=True))
    return taken


def _parent_row(row: NewAgreement, first: dict) -> int | None:
    """The index of the row named as parent by its code, if any."""
    parent = row.fields.get("parent")
    return first.get(parent) if isinstance(parent, str) else None


def _levels(rows, first: dict, refusals) -> list[list[int]]:
    """Rows by depth in the tree of the call (parents named by code); a parent code that no
    row has, a row naming itself and the rows of a cycle are refused, and left out."""
    parent_of, left_out = {}, set()
    for i, row in enumerate(rows):
        code, parent = row.fields.get("code"), row.fields.get("parent")
        if not isinstance(parent, str) or not parent:
            continue
        if parent == code:
            message = _("Un'intesa non può essere quadro di se stessa.")
        elif parent not in first:
            message = _("Intesa quadro sconosciuta: «%(code)s».") % {"code": parent}
        else:
            parent_of[i] = first[parent]
            continue
        refusals.append(Refusal(i, (), AgreementError(message, field="parent")))
        left_out.add(i)
    for i in parent_of:
        if _in_cycle(i, parent_of):
            message = _("%(code)s non può avere come intesa quadro una sua intesa attuativa.")
            error = AgreementError(message % {"code": rows[i].fields["code"]}, field="parent")
            refusals.append(Refusal(i, (), error))
            left_out.add(i)
    depth = {}
    for i in range(len(rows)):
        chain = [i]
        while chain[-1] in parent_of and chain[-1] not in left_out and chain[-1] not in depth:
            chain.append(parent_of[chain[-1]])
        base = depth.get(chain[-1], 0)
        for n, j in enumerate(reversed(chain)):
            depth.setdefault(j, base + n)
    levels = [[] for _level in range(max(depth.values(), default=-1) + 1)]
    for i in range(len(rows)):
        if i not in left_out:
            levels[depth[i]].append(i)
    return levels


def _in_cycle(i: int, parent_of: dict) -> bool:
    seen, current = set(), parent_of.get(i)
    while current is not None and current not in seen:
        if current == i:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _check_row(row: NewAgreement, built: _Built, duplicate: bool) -> list[tuple]:
    """What the per-row services would refuse in this row, as (item, error) pairs."""
    problems = []
    error = _clean(built.agreement, unique=("code",) if duplicate else ())
    if error:
        problems.append(((), error))
    if row.status not in Status.values:
        problems.append(
            (("status",), AgreementError(_("Stato sconosciuto: %(s)s.") % {"s": row.status}))
        )
    seen = set()
    for n, party in enumerate(built.parties):
        twice = (party.organisation_id, party.role) in seen
        seen.add((party.organisation_id, party.role))
        violated = ("party_once_per_role",) if twice else ()
        if error := _clean(party, exclude=("agreement",), violated=violated):
            problems.append((("parties", n), error))
    for n, act in enumerate(built.acts):
        if error := _clean(act, exclude=("agreement",)):
            problems.append((("acts", n), error))
    members = {p.organisation_id for p in built.parties}
    return problems + _check_commitments(built, members) + _check_funding(built)


def _check_commitments(built: _Built, members: set) -> list[tuple]:
    problems = []
    for n, (commitment, milestones) in enumerate(built.commitments):
        error = _clean(commitment, exclude=("agreement", "version"))
        if error is None and commitment.responsible_id not in members:
            error = AgreementError(
                _("Il responsabile di un impegno deve essere parte dell'intesa: %(name)s non lo è.")
                % {"name": commitment.responsible},
                field="responsible",
            )
        if error:
            problems.append((("commitments", n), error))
        for m, milestone in enumerate(milestones):
            if error := _clean(milestone, exclude=("commitment",)):
                problems.append((("commitments", n, "milestones", m), error))
    return problems


def _check_funding(built: _Built) -> list[tuple]:
    """Lines as `funding_add` checks them: the line, then its shares' total, then each share."""
    problems = []
    for n, (line, shares) in enumerate(built.lines):
        if error := _clean(line, exclude=("agreement",)):
            problems.append((("funding", n), error))
            continue
        total = sum((amount for _organisation, amount, _share in shares), start=0)
        if total > line.amount:
            message = _("Le quote delle parti (%(total)s €) superano l'importo (%(amount)s €).")
            error = AgreementError(message % {"total": total, "amount": line.amount})
            problems.append((("funding", n), error))
            continue
        for m, (organisation, _amount, share) in enumerate(shares):
            if share is None:
                message = _("%(name)s non è parte di questa intesa.") % {"name": organisation}
                error = AgreementError(message)
            else:
                error = _clean(share, exclude=("funding_line", "party"))
            if error:
                problems.append((("funding", n, "shares", m), error))
    return problems


def _clean(instance, *, exclude=(), unique=(), violated=()) -> ValidationError | None:
    """What `full_clean()` finds, without its queries: references given as saved rows are
    taken as they are, uniqueness is decided by the caller (`unique` fields taken,
    `violated` unique constraints), and check constraints run in Python (CHECKS)."""
    given = [
        f.name
        for f in instance._meta.concrete_fields
        if f.is_relation and getattr(instance, f.attname) is not None
    ]
    errors = {}
    for step in (lambda: instance.clean_fields(exclude=[*exclude, *given]), instance.clean):
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    for name in unique:
        errors.setdefault(name, []).append(instance.unique_error_message(type(instance), [name]))
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            if constraint.condition.referenced_base_fields & errors.keys():
                continue  # as full_clean(), no constraint on a field already refused
            broken = not CHECKS[constraint.name](instance)
        else:
            broken = constraint.name in violated
        if broken:
            message = constraint.get_violation_error_message()
            errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(message))
    return ValidationError(errors) if errors else None


def _insert(rows, built, first: dict, levels, by) -> None:
    """Write the accepted rows: agreements level by level (parents first), their themes and
    areas, one history record each with its m2m snapshot, then everything they hold."""
    accepted = [built[i] for level in levels for i in level]
    for level in levels:
        for i in level:
            parent = _parent_row(rows[i], first)
            if parent is not None:
                built[i].agreement.parent = built[parent].agreement
        Agreement.objects.bulk_create([built[i].agreement for i in level], batch_size=BATCH)
    links = {name: _link(rows, levels, built, name) for name in ("themes", "areas")}
    # Not bulk_create_with_history: its history rows do not come back, and the m2m snapshot
    # needs their ids. Both databases return ids from bulk inserts (SQLite since 3.35).
    agreements = [b.agreement for b in accepted]
    records = Agreement.history.bulk_history_create(
        agreements, default_user=by, default_change_reason=None, batch_size=BATCH
    )
    record_of = {a.pk: r.pk for a, r in zip(agreements, records, strict=True)}
    for name, through_rows in links.items():
        history = getattr(Agreement.history.model, name).model
        fields = [f.attname for f in through_rows[0]._meta.fields] if through_rows else []
        history.objects.bulk_create(
            [
                history(history_id=record_of[t.agreement_id], **{f: getattr(t, f) for f in fields})
                for t in through_rows
            ],
            batch_size=BATCH,
        )
    for model, objects in (
        (Party, [p for b in accepted for p in b.parties]),
        (Act, [a for b in accepted for a in b.acts]),
        (Commitment, [c for b in accepted for c, _milestones in b.commitments]),
        (Milestone, [m for b in accepted for _c, milestones in b.commitments for m in milestones]),
        (FundingLine, [line for b in accepted for line, _shares in b.lines]),
        (FundingShare, [s for b in accepted for _l, shares in b.lines for _o, _a, s in shares]),
    ):
        if objects:
            bulk_create_with_history(objects, model, batch_size=BATCH, default_user=by)


def _link(rows, levels, built, name: str) -> list:
    """The m2m rows of `name` (themes or areas) of the accepted rows, written."""
    through = getattr(Agreement, name).through
    target = getattr(Agreement, name).field.m2m_reverse_field_name()
    links = [
        through(agreement_id=built[i].agreement.pk, **{f"{target}_id": pk})
        for level in levels
        for i in level
        for pk in dict.fromkeys(item.pk for item in getattr(rows[i], name))
    ]
    return through.objects.bulk_create(links, batch_size=BATCH)
