"""Roll-up of commitment status by plan item, agreement, zone, theme and party: one SQL query each.

The per-commitment status comes from status.commitment_status_sql(); here each dimension says
which commitments belong to which group, and the database sums weights per group and status.
"""

import datetime

from django.db import connection

from intese.monitoring.status import Figure, as_dates, commitment_status_sql


def _table(model) -> str:
    return model._meta.db_table


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


def _plan_linked() -> str:
    """(commitment, item path) pairs of a plan: a commitment linked directly, or through its
    agreement, to an item."""
    from intese.agreements.models import Commitment, PlanLink
    from intese.plans.models import PlanItem

    links, items, commitments = _table(PlanLink), _table(PlanItem), _table(Commitment)
    return f"""
      SELECT pl.commitment_id AS commitment_id, pi.path FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NOT NULL
      UNION
      SELECT c.id, pi.path FROM {links} pl
      JOIN {items} pi ON pi.id = pl.plan_item_id
      JOIN {commitments} c ON c.agreement_id = pl.agreement_id
      WHERE pi.plan_id = %(plan)s AND pl.commitment_id IS NULL"""


def _prefixes(source: str, columns: str, depths: int, step: int) -> list[str]:
    """Rows of `source` (which has a `path`) repeated for every item above them, keyed by the
    item's path (a prefix of fixed length per depth), and once for the whole plan (key '')."""
    parts = [
        f"SELECT SUBSTR(path, 1, {(step + 1) * depth + step}) AS key, {columns} "
        f"FROM {source} WHERE LENGTH(path) >= {(step + 1) * depth + step}"
        for depth in range(depths)
    ]
    parts.append(f"SELECT '' AS key, {columns} FROM {source}")
    return parts


def _plan_item_sql(depths: int, step: int, *, public_only: bool) -> str:
    """A commitment counts once for every item it is linked to, directly or through its
    agreement, and for every item above; once, however many of its links lead there.

    Most commitments have one path: they are summed per path first and those sums are added
    up the tree (a few thousand rows). Only commitments with several paths are expanded one by
    one and deduplicated per item, as the rule requires."""
    single_sums = _prefixes("single_sums", "status, n, weight, with_data, weighted", depths, step)
    several = _prefixes("several_paths", "commitment_id", depths, step)
    return f"""
      WITH {commitment_status_sql(public_only=public_only)},
      plan_linked AS ({_plan_linked()}),
      path_counts AS (
        SELECT commitment_id, COUNT(*) AS paths FROM plan_linked GROUP BY commitment_id
      ),
      single_sums AS (
        SELECT pl.path, s.status, COUNT(*) AS n, SUM(s.weight) AS weight,
               SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight END) AS with_data,
               SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight * s.percent END) AS weighted
        FROM plan_linked pl
        JOIN path_counts pc ON pc.commitment_id = pl.commitment_id AND pc.paths = 1
        JOIN commitment_status s ON s.commitment_id = pl.commitment_id
        GROUP BY pl.path, s.status
      ),
      several_paths AS (
        SELECT pl.commitment_id, pl.path FROM plan_linked pl
        JOIN path_counts pc ON pc.commitment_id = pl.commitment_id AND pc.paths > 1
      ),
      several_members AS ({" UNION ".join(several)}),
      contributions AS (
        {" UNION ALL ".join(single_sums)}
        UNION ALL
        SELECT m.key, s.status, 1, s.weight,
               CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight END,
               CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight * s.percent END
        FROM several_members m JOIN commitment_status s ON s.commitment_id = m.commitment_id
      )
      SELECT key, status, SUM(n), SUM(weight), SUM(with_data), SUM(weighted)
      FROM contributions GROUP BY key, status"""


SUMS = """COUNT(*), SUM(s.weight),
             SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight END),
             SUM(CASE WHEN s.percent IS NULL THEN 0 ELSE s.weight * s.percent END)"""


def figures(
    members: str, params: dict, *, members_is_cte: bool = False, public_only: bool = False
) -> dict:
    """Sum weights per group and status. `members` selects (key, commitment_id) pairs, or is
    a WITH clause defining `members` (with `members_is_cte`)."""
    members_cte = members if members_is_cte else f"members AS ({members})"
    sql = f"""
      WITH {commitment_status_sql(public_only=public_only)}, {members_cte}
      SELECT m.key, s.status, {SUMS}
      FROM members m JOIN commitment_status s ON s.commitment_id = m.commitment_id
      GROUP BY m.key, s.status"""
    return _collect(sql, params)


def _grouped_by_column(column: str | None, params: dict, *, public_only: bool) -> dict:
    """Figures per value of a column of commitment_status (all in one group, keyed 0, without
    a column): each commitment is in one group, so no join is needed (twice as fast as
    `figures` at 100,000 commitments)."""
    sql = f"""
      WITH {commitment_status_sql(public_only=public_only)}
      SELECT {column or "0"} AS key, s.status, {SUMS}
      FROM commitment_status s
      GROUP BY {column + ", " if column else ""}s.status"""
    return _collect(sql, params)


def _collect(sql: str, params: dict) -> dict:
    found: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, status, count, weight, with_data, weighted in cursor.fetchall():
            figure = found.setdefault(key, Figure())
            figure.count += int(count)
            figure.total_weight += int(weight)
            figure.weight_with_data += int(with_data)
            figure.weighted_percent += int(weighted)
            figure.weights[status] = int(weight)
            figure.counts[status] = int(count)
    return found


def by_agreement(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return _grouped_by_column("s.agreement_id", {"as_of": as_of}, public_only=public_only)


def by_party(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return _grouped_by_column("s.responsible_id", {"as_of": as_of}, public_only=public_only)


def by_theme(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_theme(), {"as_of": as_of}, public_only=public_only)


def by_zone(as_of: datetime.date, *, public_only: bool = False) -> dict[int, Figure]:
    return figures(_members_by_zone(), {"as_of": as_of}, public_only=public_only)


def by_plan_item(plan, as_of: datetime.date, *, public_only: bool = False) -> dict[str, Figure]:
    """Figures keyed by plan item path; the key '' holds the whole plan."""
    from intese.plans.models import PATH_STEP

    depths = (plan.items.order_by("-depth").values_list("depth", flat=True).first() or 0) + 1
    sql = _plan_item_sql(depths, PATH_STEP, public_only=public_only)
    return _collect(sql, {"as_of": as_of, "plan": plan.pk})


def overall(as_of: datetime.date, *, public_only: bool = False) -> Figure:
    """Every counted commitment of every agreement."""
    everything = _grouped_by_column(None, {"as_of": as_of}, public_only=public_only)
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
