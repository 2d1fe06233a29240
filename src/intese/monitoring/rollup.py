"""Roll-up of commitment status by plan item, agreement, zone, theme and party: one SQL query each.

The per-commitment status comes from status.commitment_status_sql(); here each dimension says
which commitments belong to which group, and the database sums weights per group and status.
"""

import datetime

from django.db import connection

from intese.monitoring.status import Figure, as_dates, commitment_status_sql


def _table(model) -> str:
    return model._meta.db_table


def _members_by_agreement() -> str:
    return "SELECT agreement_id AS key, commitment_id FROM commitment_status"


def _members_by_party() -> str:
    return "SELECT responsible_id AS key, commitment_id FROM commitment_status"


def _members_by_theme() -> str:
    from intese.agreements.models import Agreement

    themes = Agreement.themes.through._meta.db_table
    return (
        f"SELECT DISTINCT t.theme_id AS key, s.commitment_id FROM commitment_status s "
        f"JOIN {themes} t ON t.agreement_id = s.agreement_id"
    )


def _members_by_zone() -> str:
    """An agreement counts for a zone when its scope names the zone or one of the Comuni that
    belong to it on the day of the roll-up."""
    from intese.agreements.models import Agreement
    from intese.territory.models import Area, ZoneMembership

    areas = Agreement.areas.through._meta.db_table
    return f"""
      SELECT DISTINCT z.zone_id AS key, s.commitment_id FROM commitment_status s
      JOIN {areas} aa ON aa.agreement_id = s.agreement_id
      JOIN (
        SELECT id AS area_id, id AS zone_id FROM {_table(Area)} WHERE kind = 'zone'
        UNION ALL
        SELECT municipality_id, zone_id FROM {_table(ZoneMembership)}
        WHERE (valid_from IS NULL OR valid_from <= %(as_of)s)
          AND (valid_to IS NULL OR valid_to > %(as_of)s)
      ) z ON z.area_id = aa.area_id"""


def _members_by_plan_item(depths: int, step: int) -> str:
    """Commitments linked to an item, directly or through their agreement, count for the item
    and every item above it (its path prefixes); UNION keeps each commitment once per item."""
    from intese.agreements.models import Commitment, PlanLink
    from intese.plans.models import PlanItem

    links, items, commitments = _table(PlanLink), _table(PlanItem), _table(Commitment)
    linked = f"""
      SELECT pl.commitment_id AS commitment_id, pi.path FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NOT NULL
      UNION
      SELECT c.id, pi.path FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      JOIN {commitments} c ON c.agreement_id = pl.agreement_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NULL"""
    prefixes = [
        f"SELECT SUBSTR(path, 1, {(step + 1) * depth + step}) AS key, commitment_id "
        f"FROM plan_linked WHERE LENGTH(path) >= {(step + 1) * depth + step}"
        for depth in range(depths)
    ]
    prefixes.append("SELECT '' AS key, commitment_id FROM plan_linked")  # the whole plan
    return f"plan_linked AS ({linked}), members AS ({' UNION '.join(prefixes)})"


def figures(
    members: str, params: dict, *, members_is_cte: bool = False, public_only: bool = False
) -> dict:
    """Sum weights per group and status. `members` selects (key, commitment_id) pairs, or is
    a WITH clause defining `members` (with `members_is_cte`)."""
    members_cte = members if members_is_cte else f"members AS ({members})"
    sql = f"""
      WITH {commitment_status_sql(public_only=public_only)}, {members_cte}
      SELECT m.key, s.status, COUNT(*), SUM(s.weight),
             SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight END),
             SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight * s.percent END)
      FROM members m JOIN commitment_status s ON s.commitment_id = m.commitment_id
      GROUP BY m.key, s.status"""
    found: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, status, count, weight, with_data, weighted in cursor.fetchall():
            figure = found.setdefault(key, Figure())
            figure.count += count
            figure.total_weight += int(weight)
            figure.weight_with_data += int(with_data)
            figure.weighted_percent += int(weighted)
            figure.weights[status] = int(weight)
            figure.counts[status] = count
    return found


def by_agreement(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_agreement(), {"as_of": as_of}, public_only=public_only)


def by_party(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_party(), {"as_of": as_of}, public_only=public_only)


def by_theme(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_theme(), {"as_of": as_of}, public_only=public_only)


def by_zone(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_zone(), {"as_of": as_of}, public_only=public_only)


def by_plan_item(plan, as_of: datetime.date, *, public_only: bool = False) -> dict[str, Figure]:
    """Figures keyed by plan item path; the key '' holds the whole plan."""
    from intese.plans.models import PATH_STEP

    depths = (plan.items.order_by("-depth").values_list("depth", flat=True).first() or 0) + 1
    return figures(
        _members_by_plan_item(depths, PATH_STEP),
        {"as_of": as_of, "plan": plan.pk},
        members_is_cte=True,
        public_only=public_only,
    )


def overall(as_of: datetime.date, *, public_only: bool = False) -> Figure:
    """Every counted commitment of every agreement."""
    everything = figures(
        "SELECT 0 AS key, commitment_id FROM commitment_status",
        {"as_of": as_of},
        public_only=public_only,
    )
    return everything.get(0, Figure())


def by_plan(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    """The whole-plan figure of every plan at once, keyed by plan id: a commitment counts once
    for a plan however many of its items it (or its agreement) is linked to."""
    from intese.agreements.models import Commitment, PlanLink
    from intese.plans.models import PlanItem

    links, items, commitments = _table(PlanLink), _table(PlanItem), _table(Commitment)
    members = f"""
      SELECT pi.plan_id AS key, pl.commitment_id AS commitment_id FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      WHERE pl.commitment_id IS NOT NULL
      UNION
      SELECT pi.plan_id, c.id FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      JOIN {commitments} c ON c.agreement_id = pl.agreement_id
      WHERE pl.commitment_id IS NULL"""
    return figures(members, {"as_of": as_of}, public_only=public_only)


COMMITMENT_COLUMNS = [
    "commitment_id",
    "agreement_code",
    "responsible",
    "weight",
    "percent",
    "reported_on",
    "status",
    "due_on",
]


def commitment_rows(as_of: datetime.date, *, public_only: bool = False, chunk: int = 2000):
    """Every counted commitment (only public agreements' with `public_only`) with its status
    as of the day, in the order of COMMITMENT_COLUMNS (agreement code, due date, id): one
    query, read in chunks."""
    from intese.actors.models import Organisation
    from intese.agreements.models import Agreement

    sql = f"""
      WITH {commitment_status_sql(public_only=public_only)}
      SELECT s.commitment_id, a.code, o.name, s.weight, s.percent, s.reported_on, s.status,
             s.due_on
      FROM commitment_status s
      JOIN {_table(Agreement)} a ON a.id = s.agreement_id
      JOIN {_table(Organisation)} o ON o.id = s.responsible_id
      ORDER BY a.code, CASE WHEN s.due_on IS NULL THEN 1 ELSE 0 END, s.due_on,
               s.commitment_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
        while rows := cursor.fetchmany(chunk):
            yield from (_with_dates(row) for row in rows)


def _with_dates(row) -> list:
    """Only the date columns are read as dates: a code or a name is never one."""
    row = list(row)
    row[5], row[7] = as_dates([row[5], row[7]])
    return row
