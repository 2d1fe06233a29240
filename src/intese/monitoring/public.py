"""The roll-ups of rollup.py as the public sees them: only public agreements count.

rollup.py counts every agreement (the plan office follows them all); the portal and its open
data show only agreements marked public (Agreement.is_public).
"""

import datetime

from intese.monitoring import rollup
from intese.monitoring.rollup import COMMITMENT_COLUMNS  # noqa: F401 (the CSV's columns)
from intese.monitoring.status import Figure


def by_agreement(as_of: datetime.date) -> dict[int, Figure]:
    return rollup.by_agreement(as_of, public_only=True)


def by_party(as_of: datetime.date) -> dict[int, Figure]:
    """Figures keyed by the organisation responsible for the commitments."""
    return rollup.by_party(as_of, public_only=True)


def by_theme(as_of: datetime.date) -> dict[int, Figure]:
    return rollup.by_theme(as_of, public_only=True)


def by_zone(as_of: datetime.date) -> dict[int, Figure]:
    """Figures keyed by zone: an agreement scoped to a Comune counts for the Comune's zone on
    the day of the roll-up."""
    return rollup.by_zone(as_of, public_only=True)


def by_plan_item(plan, as_of: datetime.date) -> dict[str, Figure]:
    """Figures keyed by plan item path; the key '' holds the whole plan."""
    return rollup.by_plan_item(plan, as_of, public_only=True)


def by_plan(as_of: datetime.date) -> dict[int, Figure]:
    return rollup.by_plan(as_of, public_only=True)


def overall(as_of: datetime.date) -> Figure:
    """Every counted commitment of every public agreement."""
    return rollup.overall(as_of, public_only=True)


def commitment_rows(as_of: datetime.date, chunk: int = 2000):
    return rollup.commitment_rows(as_of, public_only=True, chunk=chunk)
