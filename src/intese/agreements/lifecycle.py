"""The lifecycle of an agreement: one table of actions, each with where it may start, where it
leads and what it requires. Services consult it; nothing else changes an agreement's status."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from intese.agreements.models import ActKind, Status

S = Status
OPEN = {S.PROPOSED, S.UNDER_REVIEW, S.APPROVED, S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}
# Nothing new (commitments, funding) is added to an agreement whose life is over.
CLOSED = {S.CONCLUDED, S.EXPIRED, S.REVOKED}


@dataclass(frozen=True)
class Action:
    """A lifecycle action. `to=None` keeps the status (an amendment)."""

    name: str
    label: str
    sources: frozenset
    to: Status | None
    needs_act: bool = False
    needs_note: bool = False
    checks: tuple = field(default=())
    # The kinds of act that may support the action (empty: any act of the agreement); such an
    # act changes a stipulated agreement, so it may not precede the stipulation.
    act_kinds: frozenset = frozenset()


def _has_coherence(agreement, on):
    if not agreement.coherence_statement.strip():
        return _(
            "Manca la motivazione di coerenza con il piano strategico (art. 35 dello Statuto)."
        )


def _has_approving_act(agreement, on):
    if not agreement.acts.filter(approves=True, date__lte=on).exists():
        return _("Manca l'atto che approva il testo dell'intesa (decreto o deliberazione).")


def _all_signed(agreement, on):
    parties = agreement.parties.filter(signature_required=True)
    if not parties.exists():
        return _("L'intesa non ha parti tenute a firmare.")
    missing = [
        str(p.organisation)
        for p in parties.select_related("organisation")
        if p.signed_on is None or p.signed_on > on
    ]
    if missing:
        return _("Mancano le firme di: %(names)s.") % {"names": ", ".join(missing)}


def _has_expiry_passed(agreement, on):
    if agreement.expires_on is None or agreement.expires_on > on:
        return _("L'intesa non è scaduta: la scadenza è %(date)s.") % {
            "date": agreement.expires_on or _("non indicata")
        }


ACTIONS = {
    action.name: action
    for action in [
        Action("start_review", _("Avvia l'istruttoria"), frozenset({S.PROPOSED}), S.UNDER_REVIEW),
        Action(
            "return_to_proposal",
            _("Riporta a proposta"),
            frozenset({S.UNDER_REVIEW}),
            S.PROPOSED,
            needs_note=True,
        ),
        Action(
            "approve",
            _("Approva"),
            frozenset({S.UNDER_REVIEW}),
            S.APPROVED,
            needs_act=True,
            checks=(_has_coherence, _has_approving_act),
        ),
        Action(
            "sign",
            _("Registra la stipula"),
            frozenset({S.APPROVED}),
            S.SIGNED,
            checks=(_has_coherence, _has_approving_act, _all_signed),
        ),
        Action("start", _("Avvia l'attuazione"), frozenset({S.SIGNED}), S.IN_PROGRESS),
        Action(
            "suspend",
            _("Sospendi"),
            frozenset({S.SIGNED, S.IN_PROGRESS}),
            S.SUSPENDED,
            needs_note=True,
        ),
        Action("resume", _("Riprendi l'attuazione"), frozenset({S.SUSPENDED}), S.IN_PROGRESS),
        Action("conclude", _("Concludi"), frozenset({S.IN_PROGRESS}), S.CONCLUDED),
        # Expiry is a fact of the calendar: no act disposes it and nobody needs to decide it,
        # so it needs neither act nor note, and the scheduler records it without a user
        # (`intese agreements_expire`, services.agreements_expire). It is recorded once the
        # expiry date is reached: the day after it when the scheduler does it.
        Action(
            "expire",
            _("Registra la scadenza"),
            frozenset({S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}),
            S.EXPIRED,
            needs_act=False,
            needs_note=False,
            checks=(_has_expiry_passed,),
        ),
        Action("revoke", _("Revoca"), frozenset(OPEN), S.REVOKED, needs_act=True, needs_note=True),
        Action(
            "amend",
            _("Registra un atto aggiuntivo"),
            frozenset({S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}),
            None,
            needs_act=True,
            act_kinds=frozenset({ActKind.AMENDMENT}),
        ),
        Action(
            "renew",
            _("Rinnova"),
            frozenset({S.IN_PROGRESS, S.EXPIRED}),
            S.IN_PROGRESS,
            needs_act=True,
            act_kinds=frozenset({ActKind.RENEWAL}),
        ),
    ]
}


def available_actions(status: Status) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources]


def refusals(action: Action, agreement, on: datetime.date) -> list[str]:
    """Why `action` cannot run on `agreement` on day `on`; an empty list means it can."""
    if agreement.status not in action.sources:
        return [
            _("Da «%(status)s» non si può «%(action)s».")
            % {"status": Status(agreement.status).label, "action": action.label}
        ]
    return [str(reason) for check in action.checks if (reason := check(agreement, on))]


def date_refusals(
    on: datetime.date, *, today: datetime.date, previous: datetime.date | None
) -> list[str]:
    """Why a step cannot carry the date `on`: it may not lie in the future, nor precede the
    date of the agreement's previous step."""
    problems = []
    if on > today:
        problems.append(
            _("La data del passaggio (%(date)s) non può essere futura.")
            % {"date": on.strftime("%d/%m/%Y")}
        )
    if previous is not None and on < previous:
        problems.append(
            _(
                "La data del passaggio (%(date)s) non può precedere quella del passaggio "
                "precedente (%(previous)s)."
            )
            % {"date": on.strftime("%d/%m/%Y"), "previous": previous.strftime("%d/%m/%Y")}
        )
    return problems


def act_refusals(
    action: Action, agreement, act, on: datetime.date, *, stipulated: datetime.date | None
) -> list[str]:
    """Why `act` cannot support `action` on day `on`: it must belong to the agreement, exist by
    that day and, for an amendment or a renewal, be of a fitting kind and follow the stipulation
    (`stipulated`)."""
    if act is None:
        return [_("Indicare l'atto che dispone questo passaggio.")] if action.needs_act else []
    if act.agreement_id != agreement.pk:
        return [_("L'atto indicato appartiene a un'altra intesa.")]
    problems = []
    if act.date > on:
        problems.append(
            _("L'atto indicato è del %(act)s, dopo la data del passaggio (%(date)s).")
            % {"act": act.date.strftime("%d/%m/%Y"), "date": on.strftime("%d/%m/%Y")}
        )
    if action.act_kinds and act.kind not in action.act_kinds:
        problems.append(
            _("«%(action)s» richiede un atto di tipo «%(kinds)s», non «%(kind)s».")
            % {
                "action": action.label,
                "kinds": ", ".join(str(ActKind(k).label) for k in sorted(action.act_kinds)),
                "kind": ActKind(act.kind).label,
            }
        )
    if action.act_kinds and stipulated is not None and act.date < stipulated:
        problems.append(
            _("L'atto indicato (%(act)s) precede la stipula dell'intesa (%(date)s).")
            % {"act": act.date.strftime("%d/%m/%Y"), "date": stipulated.strftime("%d/%m/%Y")}
        )
    return problems
