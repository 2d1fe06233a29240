"""What the plan office should look at today: four lists of alerts, each from one query.

  1. overdue commitments: late as of the day (status rules, status.py);
  2. agreements expiring within N days (active ones, as agreements.selectors.is_expiring);
  3. open rounds closing within N days, or already past their closing date, that still miss
     reports (per round: rounds.completion, three grouped queries; rounds are few);
  4. indicators off target: late or at risk as of the day.

Each list carries its full count and its first items, each with a link to open it. The
dashboard shows them; `intese monitoring_digest` e-mails them.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Window
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from intese.monitoring.status import Status, as_dates, commitment_status_sql, indicator_status_sql

DEFAULT_DAYS = 60
LIMIT = 10


@dataclass
class Item:
    label: str
    context: str = ""  # whose it is: agreement, organisation
    day: datetime.date | None = None  # due, expiry or closing date; or date of the measurement
    note: str = ""
    status: str = ""  # a status.Status value, shown in words (never by colour alone)
    url: str | None = None

    def get_status_display(self):
        return Status(self.status).label if self.status else ""


@dataclass
class AlertList:
    key: str
    title: str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    url: str | None = None  # the page with the whole list, when there is one

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def link(*candidates) -> str | None:
    """The first of these URL names (with their arguments) that exists: some monitoring pages
    may not be installed, and an alert is still worth showing without its link."""
    for name, *args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _table(model) -> str:
    return model._meta.db_table


def _fetch(sql: str, params: dict) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [as_dates(row) for row in cursor.fetchall()]


def _limit(limit: int | None) -> int:
    return 1_000_000_000 if limit is None else int(limit)


def overdue_commitments(day: datetime.date, *, limit: int | None = LIMIT) -> AlertList:
    from intese.actors.models import Organisation
    from intese.agreements.models import Agreement, Commitment

    # Table names and the status SQL only; the values are parameters.
    # The first rows are chosen before the names are joined: the joins then cost `limit` rows.
    sql = f"""
      WITH {commitment_status_sql()},
      first_rows AS (
        SELECT s.commitment_id, s.responsible_id, a.code, s.due_on, s.percent,
               COUNT(*) OVER () AS total
        FROM commitment_status s JOIN {_table(Agreement)} a ON a.id = s.agreement_id
        WHERE s.status = 'late'
        ORDER BY s.due_on, a.code, s.commitment_id
        LIMIT %(limit)s
      )
      SELECT f.commitment_id, c.title, f.code, o.name, f.due_on, f.percent, f.total
      FROM first_rows f
      JOIN {_table(Commitment)} c ON c.id = f.commitment_id
      JOIN {_table(Organisation)} o ON o.id = f.responsible_id
      ORDER BY f.due_on, f.code, f.commitment_id"""
    rows = _fetch(sql, {"as_of": day, "limit": _limit(limit)})
    result = AlertList(
        "commitments",
        _("Impegni scaduti"),
        rows[0][-1] if rows else 0,
        url=None,  # no page lists them all yet: the digest carries the first 20
    )
    for _pk, title, code, responsible, due_on, percent, _total in rows:
        result.items.append(
            Item(
                label=title,
                context=f"{code} · {responsible}",
                day=due_on,
                note=_("ultimo avanzamento accettato: %(percent)s%%") % {"percent": percent}
                if percent is not None
                else _("nessun avanzamento accettato"),
                status=Status.LATE,
                url=link(("backoffice:agreement", code)),
            )
        )
    return result


def expiring_agreements(
    day: datetime.date, days: int = DEFAULT_DAYS, *, limit: int | None = LIMIT
) -> AlertList:
    from intese.agreements.models import Agreement

    agreements = (
        Agreement.objects.expiring_within(day, days)
        .annotate(total=Window(Count("pk")))
        .order_by("expires_on", "code")
        .values_list("code", "title", "status", "expires_on", "total")
    )
    rows = list(agreements if limit is None else agreements[:limit])
    result = AlertList(
        "agreements",
        _("Intese in scadenza entro %(days)s giorni") % {"days": days},
        rows[0][-1] if rows else 0,
        url=link(("backoffice:agreements",)),
    )
    statuses = dict(Agreement._meta.get_field("status").choices)
    for code, title, status, expires_on, _total in rows:
        result.items.append(
            Item(
                label=title,
                context=code,
                day=expires_on,
                note=_("stato: %(status)s") % {"status": statuses.get(status, status)},
                url=link(("backoffice:agreement", code)),
            )
        )
    return result


def rounds_closing(
    day: datetime.date, days: int = DEFAULT_DAYS, *, limit: int | None = LIMIT
) -> AlertList:
    from intese.monitoring import rounds
    from intese.monitoring.models import Round, RoundStatus

    closing = Round.objects.filter(
        status=RoundStatus.OPEN, closes_on__lte=day + datetime.timedelta(days=days)
    ).order_by("closes_on", "pk")
    items = []
    for round in closing:
        owing = [c for c in rounds.completion(round) if c.missing or c.sent_back]
        if not owing:
            continue
        missing = sum(c.missing for c in owing)
        sent_back = sum(c.sent_back for c in owing)
        note = _("voci mancanti: %(missing)s; rinviate: %(sent_back)s; soggetti: %(orgs)s") % {
            "missing": missing,
            "sent_back": sent_back,
            "orgs": len(owing),
        }
        if round.closes_on < day:
            note = _("chiusura prevista superata; ") + note
        items.append(
            Item(
                label=round.title,
                day=round.closes_on,
                note=note,
                status=Status.LATE if round.closes_on < day else "",
                url=link(
                    ("backoffice:monitoring_round", round.pk), ("backoffice:monitoring_rounds",)
                ),
            )
        )
    return AlertList(
        "rounds",
        _("Cicli di monitoraggio in chiusura con rendicontazioni mancanti"),
        len(items),
        items if limit is None else items[:limit],
        url=link(("backoffice:monitoring_rounds",)),
    )


def indicators_off_target(day: datetime.date, *, limit: int | None = LIMIT) -> AlertList:
    from intese.actors.models import Organisation
    from intese.monitoring.models import Indicator

    sql = f"""
      WITH {indicator_status_sql()},
      first_rows AS (
        SELECT s.indicator_id, s.status, s.value, s.measured_on, s.next_value, s.final_value,
               CASE WHEN s.status = 'late' THEN 0 ELSE 1 END AS gravity, i.code,
               COUNT(*) OVER () AS total
        FROM indicator_status s JOIN {_table(Indicator)} i ON i.id = s.indicator_id
        WHERE s.status IN ('late', 'at_risk')
        ORDER BY gravity, i.code
        LIMIT %(limit)s
      )
      SELECT f.indicator_id, f.code, i.name, i.unit, o.name, f.status, f.value, f.measured_on,
             f.next_value, f.final_value, f.total
      FROM first_rows f
      JOIN {_table(Indicator)} i ON i.id = f.indicator_id
      JOIN {_table(Organisation)} o ON o.id = i.owner_id
      ORDER BY f.gravity, f.code"""
    rows = _fetch(sql, {"as_of": day, "limit": _limit(limit)})
    result = AlertList(
        "indicators",
        _("Indicatori fuori obiettivo"),
        rows[0][-1] if rows else 0,
        url=link(("backoffice:monitoring_indicators",)),
    )
    for (
        pk,
        code,
        name,
        unit,
        owner,
        status,
        value,
        measured_on,
        next_value,
        final_value,
        _t,
    ) in rows:
        target = next_value if next_value is not None else final_value
        result.items.append(
            Item(
                label=f"{code} — {name}",
                context=owner,
                day=measured_on,
                note=_("rilevato %(value)s %(unit)s; obiettivo %(target)s %(unit)s")
                % {"value": _number(value), "unit": unit, "target": _number(target)},
                status=status,
                url=link(
                    ("backoffice:monitoring_indicator", pk), ("backoffice:monitoring_indicators",)
                ),
            )
        )
    return result


def _number(value) -> str:
    """4 decimal places are stored; show only those that say something, with a decimal comma."""
    if value is None:
        return "—"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def all_alerts(
    day: datetime.date, days: int = DEFAULT_DAYS, *, limit: int | None = LIMIT
) -> list[AlertList]:
    return [
        overdue_commitments(day, limit=limit),
        expiring_agreements(day, days, limit=limit),
        rounds_closing(day, days, limit=limit),
        indicators_off_target(day, limit=limit),
    ]


# What a partner reporter has to do


@dataclass
class Owed:
    round: object
    organisation: object
    due: int
    missing: int
    submitted: int
    accepted: int
    sent_back: int

    @property
    def to_do(self) -> int:
        return self.missing + self.sent_back


def owed_by(organisation_ids, day: datetime.date) -> list[Owed]:
    """For each open round in which these organisations owe something: their figures. One query
    for the rounds, then three per open round (rounds.completion), whatever the data size."""
    from intese.monitoring import rounds
    from intese.monitoring.models import Round, RoundStatus

    if not organisation_ids:
        return []
    found = []
    for round in Round.objects.filter(status=RoundStatus.OPEN).order_by("closes_on", "pk"):
        for entry in rounds.completion(round):
            if entry.organisation.pk in organisation_ids and entry.due:
                found.append(
                    Owed(
                        round,
                        entry.organisation,
                        entry.due,
                        entry.missing,
                        entry.submitted,
                        entry.accepted,
                        entry.sent_back,
                    )
                )
    return found


# The digest e-mailed to the plan office

DIGEST_LIMIT = 20
PLAN_OFFICE_ROLES = ("administrator", "plan_editor", "plan_viewer")


def plan_office_recipients(day: datetime.date) -> list[str]:
    """E-mail addresses of active users holding a plan-office role on the day."""
    from intese.access.models import RoleAssignment

    addresses = (
        RoleAssignment.objects.valid_on(day)
        .filter(role__in=PLAN_OFFICE_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(addresses))


@dataclass
class Digest:
    day: datetime.date
    days: int
    lists: list[AlertList]
    recipients: list[str]
    sent: int = 0

    @property
    def total(self) -> int:
        return sum(a.count for a in self.lists)


def send_digest(day: datetime.date, days: int = DEFAULT_DAYS) -> Digest:
    """E-mail the alerts to the plan office, one message per address; nothing when there is
    nothing to say or nobody to tell."""
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        digest = Digest(day, days, all_alerts(day, days, limit=DIGEST_LIMIT), [])
        if not digest.total:
            return digest
        digest.recipients = plan_office_recipients(day)
        if not digest.recipients:
            return digest
        subject = _("Monitoraggio al %(date)s: %(n)s segnalazioni") % {
            "date": day.strftime("%d/%m/%Y"),
            "n": digest.total,
        }
        body = render_to_string(
            "monitoring/email/digest.txt", {"digest": digest, "site_url": settings.SITE_URL}
        )
    digest.sent = send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in digest.recipients]
    )
    return digest
