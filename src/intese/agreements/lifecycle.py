"""The lifecycle of an agreement: one table of actions, each with where it may start, where it
leads and what it requires. Services consult it; nothing else changes an agreement's status."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from intese.agreements.models import Status

S = Status
OPEN = {S.PROPOSED, S.UNDER_REVIEW, S.APPROVED, S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}


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
        Action(
            "expire",
            _("Registra la scadenza"),
            frozenset({S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}),
            S.EXPIRED,
            checks=(_has_expiry_passed,),
        ),
        Action("revoke", _("Revoca"), frozenset(OPEN), S.REVOKED, needs_act=True, needs_note=True),
        Action(
            "amend",
            _("Registra un atto aggiuntivo"),
            frozenset({S.SIGNED, S.IN_PROGRESS, S.SUSPENDED}),
            None,
            needs_act=True,
        ),
        Action(
            "renew",
            _("Rinnova"),
            frozenset({S.IN_PROGRESS, S.EXPIRED}),
            S.IN_PROGRESS,
            needs_act=True,
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
