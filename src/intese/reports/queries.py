# ruff: noqa: S608 - SQL assembled from model table names; every value is a parameter.
"""The SQL of the reports: which commitments, agreements and indicators a report covers, and
their state as of a day. One query per question, whatever the size of the plan.

What a yearly report covers (the same words are on the report, under "come si calcola"):
- the agreements linked to an item of the plan, or to an operational objective of the DUP for
  the year;
- their commitments: those linked themselves, or all of an agreement linked as a whole;
- the indicators of the plan's items, of those agreements and of those commitments.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from intese.monitoring.rollup import figures
from intese.monitoring.status import (
    CommitmentState,
    Status,
    as_dates,
    commitment_status_sql,
    indicator_status_sql,
)


def _table(model) -> str:
    return model._meta.db_table


def _tables() -> dict:
    from intese.actors.models import Organisation
    from intese.agreements.models import Agreement, Commitment, Milestone, PlanLink
    from intese.monitoring.models import Indicator
    from intese.plans.models import (
        BudgetMission,
        BudgetProgramme,
        OperationalObjective,
        PlanItem,
    )

    through = OperationalObjective.plan_items.through
    return {
        "link": _table(PlanLink),
        "item": _table(PlanItem),
        "commitment": _table(Commitment),
        "agreement": _table(Agreement),
        "organisation": _table(Organisation),
        "milestone": _table(Milestone),
        "indicator": _table(Indicator),
        "objective": _table(OperationalObjective),
        "programme": _table(BudgetProgramme),
        "mission": _table(BudgetMission),
        "objective_items": _table(through),
        "oi_objective": through._meta.get_field("operationalobjective").column,
        "oi_item": through._meta.get_field("planitem").column,
    }


def scope_sql() -> str:
    """CTEs `linked_agreements(agreement_id)` and `report_commitments(commitment_id)` for the
    parameters %(plan)s, %(document)s (may be NULL) and %(year)s."""
    t = _tables()
    by_item = f"JOIN {t['item']} pi ON pi.id = pl.plan_item_id WHERE pi.plan_id = %(plan)s"
    by_objective = (
        f"JOIN {t['objective']} oo ON oo.id = pl.operational_objective_id "
        "WHERE oo.document_id = %(document)s AND oo.year = %(year)s"
    )
    return f"""
    linked_agreements AS (
      SELECT pl.agreement_id FROM {t["link"]} pl {by_item}
      UNION
      SELECT pl.agreement_id FROM {t["link"]} pl {by_objective}
    ),
    report_commitments AS (
      SELECT pl.commitment_id FROM {t["link"]} pl {by_item} AND pl.commitment_id IS NOT NULL
      UNION
      SELECT c.id FROM {t["link"]} pl
        JOIN {t["commitment"]} c ON c.agreement_id = pl.agreement_id
        {by_item} AND pl.commitment_id IS NULL
      UNION
      SELECT pl.commitment_id FROM {t["link"]} pl {by_objective} AND pl.commitment_id IS NOT NULL
      UNION
      SELECT c.id FROM {t["link"]} pl
        JOIN {t["commitment"]} c ON c.agreement_id = pl.agreement_id
        {by_objective} AND pl.commitment_id IS NULL
    )"""


def scope_params(plan, document, year: int, as_of: datetime.date) -> dict:
    return {
        "plan": plan.pk,
        "document": document.pk if document else None,
        "year": year,
        "as_of": as_of,
    }


def _rows(sql: str, params: dict) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [as_dates(row) for row in cursor.fetchall()]


@dataclass
class CommitmentRow:
    """A commitment the report covers, with its state as of the report's day."""

    state: CommitmentState
    title: str
    agreement_code: str
    agreement_title: str
    responsible: str

    def __getattr__(self, name):
        return getattr(self.state, name)


def commitments(params: dict) -> list[CommitmentRow]:
    """Every counted commitment the report covers, with its state: one query."""
    t = _tables()
    sql = f"""
      WITH {commitment_status_sql()}, {scope_sql()}
      SELECT s.commitment_id, s.weight, s.status, s.percent, s.reported_on, s.self_assessment,
             s.starts_on, s.due_on, c.title, a.code, a.title, o.name
      FROM commitment_status s
      JOIN report_commitments r ON r.commitment_id = s.commitment_id
      JOIN {t["commitment"]} c ON c.id = s.commitment_id
      JOIN {t["agreement"]} a ON a.id = s.agreement_id
      JOIN {t["organisation"]} o ON o.id = s.responsible_id"""
    rows = [CommitmentRow(CommitmentState(*row[:8]), *row[8:]) for row in _rows(sql, params)]
    return sorted(rows, key=lambda r: (r.due_on or datetime.date.max, r.agreement_code, r.title))


@dataclass
class MilestoneRow:
    title: str
    due_on: datetime.date
    reached_on: datetime.date | None
    commitment: str
    agreement_code: str


def milestones(params: dict) -> list[MilestoneRow]:
    """Milestones of the covered commitments due on or before the report's day: one query."""
    t = _tables()
    sql = f"""
      WITH {scope_sql()}
      SELECT m.title, m.due_on, m.reached_on, c.title, a.code
      FROM {t["milestone"]} m
      JOIN report_commitments r ON r.commitment_id = m.commitment_id
      JOIN {t["commitment"]} c ON c.id = m.commitment_id
      JOIN {t["agreement"]} a ON a.id = c.agreement_id
      WHERE m.due_on <= %(as_of)s AND c.status <> 'cancelled' AND a.status <> 'revoked'
      ORDER BY m.due_on, a.code, m.id"""
    return [MilestoneRow(*row) for row in _rows(sql, params)]


@dataclass
class IndicatorRow:
    """An indicator with its baseline, latest accepted value and targets, as of a day."""

    code: str
    name: str
    unit: str
    direction: str
    baseline_value: Decimal
    baseline_on: datetime.date
    weight: int
    owner: str
    subject: str
    status: str
    value: Decimal | None
    measured_on: datetime.date | None
    next_value: Decimal | None
    next_on: datetime.date | None
    final_value: Decimal | None
    final_on: datetime.date | None

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def direction_label(self) -> str:
        from intese.monitoring.models import Direction

        return Direction(self.direction).label


def _decimal(value):
    return None if value is None else Decimal(str(value))


def indicators(params: dict) -> list[IndicatorRow]:
    """The indicators the report covers, with their state: one query."""
    t = _tables()
    sql = f"""
      WITH {indicator_status_sql()}, {scope_sql()}
      SELECT i.code, i.name, i.unit, i.direction, i.baseline_value, i.baseline_on, i.weight,
             o.name, COALESCE(pi.code, a.code, c.title), s.status, s.value, s.measured_on,
             s.next_value, f.next_on, s.final_value, f.final_on
      FROM indicator_status s
      JOIN indicator_frame f ON f.indicator_id = s.indicator_id
      JOIN {t["indicator"]} i ON i.id = s.indicator_id
      JOIN {t["organisation"]} o ON o.id = i.owner_id
      LEFT JOIN {t["item"]} pi ON pi.id = i.plan_item_id
      LEFT JOIN {t["agreement"]} a ON a.id = i.agreement_id
      LEFT JOIN {t["commitment"]} c ON c.id = i.commitment_id
      WHERE pi.plan_id = %(plan)s
         OR i.agreement_id IN (SELECT agreement_id FROM linked_agreements)
         OR i.commitment_id IN (SELECT commitment_id FROM report_commitments)
      ORDER BY i.code"""
    result = []
    for row in _rows(sql, params):
        row = list(row)
        for position in (4, 10, 12, 14):
            row[position] = _decimal(row[position])
        result.append(IndicatorRow(*row))
    return result


def classification_figures(params: dict) -> dict:
    """Roll-up of the covered commitments by the DUP's operational objectives of the year and
    by their Programma and Missione: keys 'O<objective id>', 'P<programme code>' and
    'M<mission code>'. An objective covers the commitments linked to it and those counted for
    the plan items it implements (with everything below them). One query."""
    t = _tables()
    members = f"""
    plan_linked AS (
      SELECT pl.commitment_id AS commitment_id, pi.path FROM {t["link"]} pl
      JOIN {t["item"]} pi ON pi.id = pl.plan_item_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NOT NULL
      UNION
      SELECT c.id, pi.path FROM {t["link"]} pl
      JOIN {t["item"]} pi ON pi.id = pl.plan_item_id
      JOIN {t["commitment"]} c ON c.agreement_id = pl.agreement_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NULL
    ),
    objectives AS (
      SELECT oo.id AS objective_id, p.code AS programme, m.code AS mission
      FROM {t["objective"]} oo
      JOIN {t["programme"]} p ON p.id = oo.programme_id
      JOIN {t["mission"]} m ON m.id = p.mission_id
      WHERE oo.document_id = %(document)s AND oo.year = %(year)s
    ),
    objective_members AS (
      SELECT o.objective_id, o.programme, o.mission, pl.commitment_id FROM objectives o
      JOIN {t["objective_items"]} oi ON oi.{t["oi_objective"]} = o.objective_id
      JOIN {t["item"]} pi ON pi.id = oi.{t["oi_item"]}
      JOIN plan_linked pl ON SUBSTR(pl.path, 1, LENGTH(pi.path)) = pi.path
      UNION
      SELECT o.objective_id, o.programme, o.mission, pl.commitment_id FROM objectives o
      JOIN {t["link"]} pl ON pl.operational_objective_id = o.objective_id
      WHERE pl.commitment_id IS NOT NULL
      UNION
      SELECT o.objective_id, o.programme, o.mission, c.id FROM objectives o
      JOIN {t["link"]} pl ON pl.operational_objective_id = o.objective_id
      JOIN {t["commitment"]} c ON c.agreement_id = pl.agreement_id
      WHERE pl.commitment_id IS NULL
    ),
    members AS (
      SELECT 'O' || CAST(objective_id AS VARCHAR(20)) AS key, commitment_id
      FROM objective_members
      UNION SELECT 'P' || programme, commitment_id FROM objective_members
      UNION SELECT 'M' || mission, commitment_id FROM objective_members
    )"""
    return figures(members, params, members_is_cte=True)
