"""The registered agreements a file names, read in a few queries with everything compared."""

from django.db.models import Prefetch

from intese.agreements.models import Act, Agreement, Commitment, FundingLine, Milestone, Party
from intese.agreements.spreadsheets.format import Sheet
from intese.agreements.spreadsheets.sheets import ACTS, COMMITMENTS, FUNDING, MILESTONES, PARTIES
from intese.territory.models import Area

CHUNK = 500  # codes per query when reading the registry: below every database's parameter limit
RELATED = {
    PARTIES.name: "parties",
    ACTS.name: "acts",
    COMMITMENTS.name: "commitments",
    FUNDING.name: "funding_lines",
}


def registered(codes: set[str]) -> dict[str, Agreement]:
    """The agreements the file names, with everything compared, in a few queries per chunk."""
    found = {}
    codes = sorted(codes)
    for start in range(0, len(codes), CHUNK):
        agreements = (
            Agreement.objects.filter(code__in=codes[start : start + CHUNK])
            .select_related("kind", "parent")
            .prefetch_related(
                "themes",
                Prefetch("areas", Area.objects.only("kind", "code", "name")),
                Prefetch("parties", Party.objects.order_by("pk")),
                Prefetch("acts", Act.objects.order_by("pk")),
                Prefetch(
                    "commitments",
                    Commitment.objects.order_by("pk").prefetch_related(
                        Prefetch("milestones", Milestone.objects.order_by("pk"))
                    ),
                ),
                Prefetch("funding_lines", FundingLine.objects.order_by("pk")),
            )
        )
        found.update((a.code, a) for a in agreements)
    return found


def registered_children(agreement: Agreement | None, sheet: Sheet) -> list:
    """The registered rows of `sheet` under `agreement`; commitments carry their position and
    milestones come as (position of their commitment, milestone)."""
    if agreement is None:
        return []
    if sheet is MILESTONES:
        return [
            (position, m)
            for position, c in enumerate(agreement.commitments.all(), start=1)
            for m in c.milestones.all()
        ]
    items = list(getattr(agreement, RELATED[sheet.name]).all())
    if sheet is COMMITMENTS:
        for position, commitment in enumerate(items, start=1):
            commitment.position = position
    return items
