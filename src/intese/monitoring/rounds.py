"""Monitoring rounds: what each organisation owes (derived from the scope), completion,
opening, closing and reminders.

What is due in a round: a progress report on every commitment of the agreements in scope that
is neither cancelled nor completed, from the organisation responsible for it; a measurement of
every indicator of those agreements, of their commitments and of the plan's items, from the
indicator's owner. The agreements in scope are those listed on the round plus, when the round
names a plan, those linked to any of its items (revoked agreements are left out).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intese.access.models import Role, RoleAssignment
from intese.actors.models import Organisation
from intese.agreements.models import Agreement, Commitment, CommitmentStatus, PlanLink
from intese.core.concurrency import save_if_unchanged
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReviewStatus,
    Round,
    RoundStatus,
)
from intese.monitoring.services import MonitoringError

AFTER_REMINDER_EVERY_DAYS = 7


def agreements_in_scope(round: Round):
    linked = Q(pk__in=round.agreements.values("pk"))
    if round.plan_id:
        in_plan = PlanLink.objects.filter(plan_item__plan=round.plan_id)
        linked |= Q(pk__in=in_plan.values("agreement"))
    return Agreement.objects.filter(linked).exclude(status="revoked")


def commitments_due(round: Round):
    """Commitments owing a progress report, each with the state of its latest one in the round."""
    reports = ProgressReport.objects.filter(round=round, commitment=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    return (
        Commitment.objects.filter(agreement__in=agreements_in_scope(round))
        .exclude(status__in=[CommitmentStatus.CANCELLED, CommitmentStatus.DONE])
        .annotate(round_review=Subquery(reports.values("review_status")[:1]))
        .select_related("agreement", "responsible")
        .order_by("responsible__name", "agreement__code", "due_on", "pk")
    )


def indicators_due(round: Round):
    """Indicators owing a measurement, each with the state of its latest one in the round."""
    agreements = agreements_in_scope(round)
    subject = Q(agreement__in=agreements) | Q(commitment__agreement__in=agreements)
    if round.plan_id:
        subject |= Q(plan_item__plan=round.plan_id)
    measurements = Measurement.objects.filter(round=round, indicator=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    return (
        Indicator.objects.filter(subject)
        .exclude(commitment__status=CommitmentStatus.CANCELLED)
        .annotate(round_review=Subquery(measurements.values("review_status")[:1]))
        .select_related("owner", "plan_item", "agreement", "commitment")
        .order_by("owner__name", "code")
    )


@dataclass
class Completion:
    organisation: Organisation
    due: int = 0
    submitted: int = 0
    accepted: int = 0
    sent_back: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.submitted - self.accepted - self.sent_back

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.due) if self.due else 100


def completion(round: Round) -> list[Completion]:
    """Per organisation: items due, and how many are submitted, accepted, sent back. Two
    grouped queries whatever the number of items."""
    rows: dict[int, Completion] = {}
    owed = ((commitments_due(round), "responsible"), (indicators_due(round), "owner"))
    for queryset, owner in owed:
        grouped = (
            queryset.order_by()
            .values(owner)
            .annotate(
                due=Count("pk"),
                submitted=Count("pk", filter=Q(round_review=ReviewStatus.SUBMITTED)),
                accepted=Count("pk", filter=Q(round_review=ReviewStatus.ACCEPTED)),
                sent_back=Count("pk", filter=Q(round_review=ReviewStatus.SENT_BACK)),
            )
        )
        for row in grouped:
            entry = rows.setdefault(row[owner], Completion(organisation=None))
            for name in ("due", "submitted", "accepted", "sent_back"):
                setattr(entry, name, getattr(entry, name) + row[name])
    organisations = Organisation.objects.in_bulk(rows.keys())
    for pk, entry in rows.items():
        entry.organisation = organisations[pk]
    return sorted(rows.values(), key=lambda c: (c.percent, c.organisation.name))


def due_for(round: Round, organisation: Organisation):
    """What one organisation owes in a round: its commitments and its indicators."""
    return (
        commitments_due(round).filter(responsible=organisation),
        indicators_due(round).filter(owner=organisation),
    )


def open_rounds_for(organisation: Organisation, today: datetime.date | None = None):
    """Open rounds in which the organisation owes something."""
    today = today or timezone.localdate()
    rounds = Round.objects.filter(status=RoundStatus.OPEN).order_by("closes_on")
    return [r for r in rounds if any(q.exists() for q in due_for(r, organisation))]


# Lifecycle


@transaction.atomic
def round_create(*, by, agreements=(), **fields) -> Round:
    round = Round(**fields)
    _check_dates(round)
    round.save()
    round.agreements.set(agreements)
    if not round.plan_id and not agreements:
        raise MonitoringError(
            _("Indicare il piano o almeno un'intesa da monitorare."), field="plan"
        )
    return round


@transaction.atomic
def round_update(round: Round, *, expected_version: int, agreements=None, **fields) -> Round:
    if round.status == RoundStatus.CLOSED:
        raise MonitoringError(_("Un ciclo chiuso non si modifica."))
    for name, value in fields.items():
        setattr(round, name, value)
    _check_dates(round)
    save_if_unchanged(round, expected_version=expected_version)
    if agreements is not None:
        round.agreements.set(agreements)
    if not round.plan_id and not round.agreements.exists():
        raise MonitoringError(
            _("Indicare il piano o almeno un'intesa da monitorare."), field="plan"
        )
    return round


def _check_dates(round: Round) -> None:
    if not round.title.strip():
        raise MonitoringError(_("Indicare il titolo del ciclo."), field="title")
    if round.period_end < round.period_start:
        raise MonitoringError(_("Il periodo deve finire dopo l'inizio."), field="period_end")
    if round.closes_on < round.opens_on:
        raise MonitoringError(_("La chiusura deve seguire l'apertura."), field="closes_on")


@transaction.atomic
def round_open(round: Round, *, by) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.DRAFT:
        raise MonitoringError(
            _("Solo un ciclo in preparazione si può aprire; questo è «%(status)s».")
            % {"status": round.get_status_display()}
        )
    if not (commitments_due(round).exists() or indicators_due(round).exists()):
        raise MonitoringError(
            _("Nessuno ha qualcosa da rendicontare in questo ciclo: controllare il perimetro.")
        )
    round.status = RoundStatus.OPEN
    round.opened_at = timezone.now()
    round.save(update_fields=["status", "opened_at", "version"])
    return round


@transaction.atomic
def round_close(round: Round, *, by) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.OPEN:
        raise MonitoringError(_("Solo un ciclo aperto si può chiudere."))
    round.status = RoundStatus.CLOSED
    round.closed_at = timezone.now()
    round.closed_by = by
    round.save(update_fields=["status", "closed_at", "closed_by", "version"])
    return round


# Reminders


def reporters_of(organisation_ids, today: datetime.date):
    """Partner reporters with an e-mail address, per organisation."""
    assignments = (
        RoleAssignment.objects.valid_on(today)
        .filter(role=Role.PARTNER_REPORTER, organisation__in=organisation_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    found: dict[int, list[str]] = {}
    for assignment in assignments:
        found.setdefault(assignment.organisation_id, []).append(assignment.user.email)
    return found


def reminders_due(round: Round, today: datetime.date) -> str | None:
    """Which reminder, if any, this round calls for today."""
    if round.status != RoundStatus.OPEN or today < round.opens_on:
        return None
    if today <= round.closes_on:
        starts = round.closes_on - datetime.timedelta(days=round.remind_days_before)
        return ReminderKind.BEFORE if today >= starts else None
    return ReminderKind.AFTER


def send_reminders(today: datetime.date | None = None) -> list[Reminder]:
    """E-mail the reporters of every organisation that still owes something in an open round:
    once in the days before the closing date, then every week after it until the round closes.
    Running it twice on the same day sends nothing more."""
    today = today or timezone.localdate()
    sent = []
    for round in Round.objects.filter(status=RoundStatus.OPEN):
        kind = reminders_due(round, today)
        if kind is None:
            continue
        missing = {c.organisation.pk: c for c in completion(round) if c.missing}
        already = _already_reminded(round, kind, today)
        targets = [pk for pk in missing if pk not in already]
        addresses = reporters_of(targets, today)
        messages = []
        for pk in targets:
            if not addresses.get(pk):
                continue
            messages.append(_reminder_message(round, missing[pk], kind, addresses[pk]))
            sent.append(
                Reminder(
                    round=round,
                    organisation_id=pk,
                    kind=kind,
                    sent_on=today,
                    recipients=len(addresses[pk]),
                    missing=missing[pk].missing,
                )
            )
        if messages:
            send_mass_mail(messages)
    Reminder.objects.bulk_create(sent)
    return sent


def _already_reminded(round: Round, kind: str, today: datetime.date) -> set[int]:
    reminders = Reminder.objects.filter(round=round, kind=kind)
    if kind == ReminderKind.AFTER:
        since = today - datetime.timedelta(days=AFTER_REMINDER_EVERY_DAYS - 1)
        reminders = reminders.filter(sent_on__gte=since)
    return set(reminders.values_list("organisation_id", flat=True))


def _reminder_message(round, entry: Completion, kind: str, recipients: list[str]):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "round": round,
            "entry": entry,
            "after": kind == ReminderKind.AFTER,
            "site_url": settings.SITE_URL,
        }
        subject = ngettext(
            "Monitoraggio «%(round)s»: manca %(n)s rendicontazione",
            "Monitoraggio «%(round)s»: mancano %(n)s rendicontazioni",
            entry.missing,
        ) % {"round": round.title, "n": entry.missing}
        body = render_to_string("monitoring/email/reminder.txt", context)
    return (subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def exists_open_round() -> bool:
    return Round.objects.filter(status=RoundStatus.OPEN).exists()
