"""The status rules: published, reproducible, computed in SQL.

Everything here is stated in docs/monitoring.md and on the method page, in the same order, so
that anyone with the open data can recompute every figure. Only submissions the plan office has
accepted count; a commitment or indicator without one is "missing data", never zero.

Commitment, as of a day D (the latest accepted progress report dated on or before D):
  1. done         the report says 100 %, or the office marked the commitment completed;
  2. late         its due date is before D;
  3. missing      no accepted report;
  4. at risk      the partner says at risk or late, or the forecast passes the due date;
  5. not started  the report says 0 %;
  6. on track     otherwise.
Cancelled commitments, those of revoked agreements and those that start after D (their own
start, else their agreement's effective date) are left out.

Forecast: from the start S (the commitment's, else the agreement's effective date) and the
latest report (day R, p %), the pace so far gives completion on R + (R - S) x (100 - p) / p.

Indicator, judged at the date M of its latest accepted measurement:
  1. missing      no accepted measurement, or no target;
  2. done         the last target is reached (for "keep": M is past it and within tolerance);
  3. late         a target due on or before M is not reached (for "keep": outside tolerance);
  4. at risk      behind the straight line from the previous target (or the baseline) to the
                  next target;
  5. on track     otherwise.

A group (plan item with everything below it, agreement, zone, theme, party) aggregates its
commitments with their weights:
  progress = sum(weight x percent) / sum(weight), over the commitments with data;
  coverage = weight with data / total weight;
  status   = done if all is done; missing if coverage < 50 %; late if late weight > 25 % of
             the judged weight (total minus the weight whose status is missing); at risk if
             late + at-risk weight > 25 % of it; not started if nothing has started; on track
             otherwise.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

COVERAGE_MINIMUM = Decimal("0.5")
TROUBLE_SHARE = Decimal("0.25")


class Status(TextChoices):
    DONE = "done", _("Concluso")
    ON_TRACK = "on_track", _("In linea")
    NOT_STARTED = "not_started", _("Non avviato")
    AT_RISK = "at_risk", _("A rischio")
    LATE = "late", _("In ritardo")
    MISSING = "missing", _("Dati mancanti")


RED = {Status.LATE}
STATUS_ORDER = [
    Status.DONE,
    Status.ON_TRACK,
    Status.NOT_STARTED,
    Status.AT_RISK,
    Status.LATE,
    Status.MISSING,
]


def forecast(start, reported_on, percent):
    """Completion day if the pace from `start` to the report holds; None when it cannot say."""
    if not (start and reported_on and percent) or reported_on < start:
        return None
    if percent >= 100:
        return reported_on
    elapsed = (reported_on - start).days
    return reported_on + datetime.timedelta(days=round(elapsed * (100 - percent) / percent))


def day_number(column: str) -> str:
    """SQL for a date as a number of days, comparable and subtractable on both databases."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '2000-01-01')"
    return f"julianday({column})"


def _tables():
    from intese.agreements.models import Agreement, Commitment
    from intese.monitoring.models import ProgressReport

    return {
        "commitment": Commitment._meta.db_table,
        "agreement": Agreement._meta.db_table,
        "report": ProgressReport._meta.db_table,
    }


def commitment_status_sql(*, public_only: bool = False) -> str:
    """A WITH clause defining `commitment_status`: one row per counted commitment, as of
    %(as_of)s, with its weight, latest accepted report and status (rules in the module doc).
    `public_only` keeps the commitments of public agreements: what the portal may show."""
    t = _tables()
    r_day, s_day, d_day = (
        day_number("l.reported_on"),
        day_number("COALESCE(c.starts_on, a.effective_from)"),
        day_number("c.due_on"),
    )
    visible = "AND a.is_public" if public_only else ""
    return f"""
    latest_report AS (
      SELECT commitment_id, percent, reported_on, self_assessment FROM (
        SELECT r.commitment_id, r.percent, r.reported_on, r.self_assessment,
               ROW_NUMBER() OVER (PARTITION BY r.commitment_id
                                  ORDER BY r.reported_on DESC, r.id DESC) AS position
        FROM {t["report"]} r
        WHERE r.review_status = 'accepted' AND r.reported_on <= %(as_of)s
      ) ranked WHERE position = 1
    ),
    commitment_status AS (
      SELECT c.id AS commitment_id, c.agreement_id, c.responsible_id, c.weight, c.due_on,
             COALESCE(c.starts_on, a.effective_from) AS starts_on,
             l.percent, l.reported_on, l.self_assessment,
             CASE
               WHEN l.percent = 100 OR c.status = 'done' THEN 'done'
               WHEN c.due_on IS NOT NULL AND c.due_on < %(as_of)s THEN 'late'
               WHEN l.percent IS NULL THEN 'missing'
               WHEN l.self_assessment IN ('at_risk', 'late') THEN 'at_risk'
               WHEN l.percent > 0 AND c.due_on IS NOT NULL
                    AND COALESCE(c.starts_on, a.effective_from) <= l.reported_on
                    AND ({r_day} - {s_day}) * (100 - l.percent) > ({d_day} - {r_day}) * l.percent
                 THEN 'at_risk'
               WHEN l.percent = 0 THEN 'not_started'
               ELSE 'on_track'
             END AS status
      FROM {t["commitment"]} c
      JOIN {t["agreement"]} a ON a.id = c.agreement_id
      LEFT JOIN latest_report l ON l.commitment_id = c.id
      WHERE c.status <> 'cancelled' AND a.status <> 'revoked' {visible}
        AND (COALESCE(c.starts_on, a.effective_from) IS NULL
             OR COALESCE(c.starts_on, a.effective_from) <= %(as_of)s)
    )"""


@dataclass
class CommitmentState:
    commitment_id: int
    weight: int
    status: str
    percent: int | None
    reported_on: datetime.date | None
    self_assessment: str | None
    starts_on: datetime.date | None
    due_on: datetime.date | None

    @property
    def forecast(self):
        return forecast(self.starts_on, self.reported_on, self.percent)

    @property
    def forecast_late(self) -> bool:
        predicted = self.forecast
        return bool(predicted and self.due_on and self.status != Status.DONE) and (
            predicted > self.due_on
        )

    def get_status_display(self):
        return Status(self.status).label


def commitment_states(commitment_ids, as_of: datetime.date) -> dict[int, CommitmentState]:
    """The state of each of these commitments as of a day: one query."""
    ids = ", ".join(str(int(pk)) for pk in commitment_ids)
    if not ids:
        return {}
    sql = (
        "WITH " + commitment_status_sql() + " SELECT commitment_id, weight, status, percent, "
        "reported_on, self_assessment, starts_on, due_on FROM commitment_status "
        f"WHERE commitment_id IN ({ids})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
        return {row[0]: CommitmentState(*as_dates(row)) for row in cursor.fetchall()}


def as_dates(row):
    """SQLite returns dates as ISO text from raw SQL; PostgreSQL as dates."""
    return [
        datetime.date.fromisoformat(value) if isinstance(value, str) and _iso(value) else value
        for value in row
    ]


def _iso(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"


@dataclass
class Figure:
    """A roll-up figure with what it is made of, so that anyone can recompute it."""

    total_weight: int = 0
    weight_with_data: int = 0
    weighted_percent: int = 0  # sum of weight x percent over commitments with data
    count: int = 0
    weights: dict = field(default_factory=dict)  # status -> weight
    counts: dict = field(default_factory=dict)  # status -> number of commitments

    @property
    def progress(self) -> Decimal | None:
        if not self.weight_with_data:
            return None
        return (Decimal(self.weighted_percent) / self.weight_with_data).quantize(Decimal("0.1"))

    @property
    def coverage(self) -> Decimal | None:
        if not self.total_weight:
            return None
        return (Decimal(self.weight_with_data) / self.total_weight).quantize(Decimal("0.001"))

    @property
    def status(self) -> str | None:
        return group_status(self)

    def get_status_display(self):
        return Status(self.status).label if self.status else ""

    def weight_of(self, *statuses) -> int:
        return sum(self.weights.get(s, 0) for s in statuses)


def group_status(figure: Figure) -> str | None:
    if not figure.total_weight:
        return None
    if figure.weight_of(Status.DONE) == figure.total_weight:
        return Status.DONE
    if Decimal(figure.weight_with_data) < COVERAGE_MINIMUM * figure.total_weight:
        return Status.MISSING
    # Late commitments without a report still weigh: lateness is a fact of the dates.
    judged = figure.total_weight - figure.weight_of(Status.MISSING)
    if Decimal(figure.weight_of(Status.LATE)) > TROUBLE_SHARE * judged:
        return Status.LATE
    if Decimal(figure.weight_of(Status.LATE, Status.AT_RISK)) > TROUBLE_SHARE * judged:
        return Status.AT_RISK
    started = figure.weight_of(Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.LATE)
    if figure.weight_of(Status.NOT_STARTED) and not started:
        return Status.NOT_STARTED
    return Status.ON_TRACK


def indicator_status_sql() -> str:
    """A WITH clause defining `indicator_status`: one row per indicator, as of %(as_of)s, with
    its latest accepted measurement and status (rules in the module doc)."""
    from intese.monitoring.models import Indicator, Measurement, Target

    indicators, measurements, targets = (
        Indicator._meta.db_table,
        Measurement._meta.db_table,
        Target._meta.db_table,
    )
    m_day = day_number("f.measured_on")
    anchor_day = day_number("COALESCE(f.previous_on, f.baseline_on)")
    next_day = day_number("f.next_on")
    sign = "(CASE WHEN f.direction = 'decrease' THEN -1 ELSE 1 END)"
    # Read through the partial index of accepted measurements: two probes per indicator.
    latest = f"""FROM {measurements} m
        WHERE m.indicator_id = i.id AND m.review_status = 'accepted'
          AND m.measured_on <= %(as_of)s
        ORDER BY m.measured_on DESC, m.id DESC LIMIT 1"""
    anchor_value = "COALESCE(pt.value, f.baseline_value)"
    return f"""
    latest_measurement AS MATERIALIZED (
      SELECT i.id AS indicator_id,
             (SELECT m.value {latest}) AS value,
             (SELECT m.measured_on {latest}) AS measured_on
      FROM {indicators} i
    ),
    indicator_frame AS (
      SELECT i.id AS indicator_id, i.direction, i.tolerance, i.baseline_value, i.baseline_on,
             i.weight, i.plan_item_id, i.agreement_id, i.commitment_id,
             lm.value, lm.measured_on,
             MAX(t.due_on) AS final_on,
             MIN(CASE WHEN t.due_on > lm.measured_on THEN t.due_on END) AS next_on,
             MAX(CASE WHEN t.due_on <= lm.measured_on THEN t.due_on END) AS previous_on
      FROM {indicators} i
      JOIN latest_measurement lm ON lm.indicator_id = i.id
      LEFT JOIN {targets} t ON t.indicator_id = i.id
      GROUP BY i.id, i.direction, i.tolerance, i.baseline_value, i.baseline_on, i.weight,
               i.plan_item_id, i.agreement_id, i.commitment_id, lm.value, lm.measured_on
    ),
    indicator_status AS (
      SELECT f.indicator_id, f.weight, f.plan_item_id, f.agreement_id, f.commitment_id,
             f.value, f.measured_on, nt.value AS next_value, ft.value AS final_value,
             CASE
               WHEN f.value IS NULL OR f.final_on IS NULL THEN 'missing'
               WHEN f.direction = 'keep' THEN CASE
                 WHEN f.measured_on >= f.final_on
                      AND ABS(f.value - ft.value) <= f.tolerance THEN 'done'
                 WHEN ABS(f.value - COALESCE(nt.value, ft.value)) > f.tolerance THEN 'late'
                 ELSE 'on_track' END
               WHEN {sign} * (f.value - ft.value) >= 0 THEN 'done'
               WHEN pt.value IS NOT NULL AND {sign} * (f.value - pt.value) < 0 THEN 'late'
               WHEN nt.value IS NOT NULL AND {next_day} > {anchor_day}
                    AND {sign} * ((f.value - {anchor_value}) * ({next_day} - {anchor_day})
                                  - (nt.value - {anchor_value}) * ({m_day} - {anchor_day})) < 0
                 THEN 'at_risk'
               ELSE 'on_track'
             END AS status
      FROM indicator_frame f
      LEFT JOIN {targets} ft ON ft.indicator_id = f.indicator_id AND ft.due_on = f.final_on
      LEFT JOIN {targets} nt ON nt.indicator_id = f.indicator_id AND nt.due_on = f.next_on
      LEFT JOIN {targets} pt ON pt.indicator_id = f.indicator_id AND pt.due_on = f.previous_on
    )"""


@dataclass
class IndicatorState:
    indicator_id: int
    status: str
    value: Decimal | None
    measured_on: datetime.date | None
    next_value: Decimal | None
    final_value: Decimal | None

    def get_status_display(self):
        return Status(self.status).label


def indicator_states(indicator_ids, as_of: datetime.date) -> dict[int, IndicatorState]:
    """The state of each of these indicators as of a day: one query."""
    ids = ", ".join(str(int(pk)) for pk in indicator_ids)
    if not ids:
        return {}
    sql = (
        "WITH " + indicator_status_sql() + " SELECT indicator_id, status, value, measured_on, "
        f"next_value, final_value FROM indicator_status WHERE indicator_id IN ({ids})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
        return {row[0]: IndicatorState(*as_dates(row[:2]), *_decimal_row(row)) for row in cursor}


def _decimal_row(row):
    value, measured_on, next_value, final_value = row[2:]
    return (
        _decimal(value),
        as_dates([measured_on])[0],
        _decimal(next_value),
        _decimal(final_value),
    )


def _decimal(value):
    return None if value is None else Decimal(str(value))
