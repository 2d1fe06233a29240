"""Coherence between the plan and the system of agreements: the matrix of plan items by
agreements, and the gap reports. Every function runs a fixed number of queries whatever the
size of the plan or of the registry (no query per row, column or cell).

A cell of the matrix is a link (agreements.PlanLink) from the agreement, or from one of its
commitments, to the plan item, with the coherence motivation art. 35 of the Statute requires.
Only direct links to plan items count; links to DUP objectives are shown on the DUP pages.
Every registered agreement counts, whatever its status.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from intese.agreements.models import Agreement, PlanLink, Theme
from intese.plans.models import (
    OperationalObjective,
    Plan,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.territory.models import Area, ZoneMembership


@dataclass(frozen=True)
class CellLink:
    """One link behind a cell: the motivation, and the commitment when the link is one's."""

    motivation: str
    commitment: str = ""
    is_example: bool = False


class Cell(list):
    """The links behind one cell of the matrix (a list of CellLink)."""

    @property
    def has_example(self) -> bool:
        """Some link of the cell is illustrative (demo data), not a fact."""
        return any(link.is_example for link in self)


@dataclass
class CoherenceMatrix:
    plan: Plan
    rows: list[PlanItem]
    columns: list[Agreement]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    @property
    def linked(self) -> set[tuple[int, int]]:
        """The (plan item pk, agreement pk) pairs with at least one link."""
        return set(self.cells)

    def links(self, item: PlanItem, agreement: Agreement) -> Cell:
        return self.cells.get((item.pk, agreement.pk)) or Cell()

    def row_total(self, item: PlanItem) -> int:
        return self._row_totals.get(item.pk, 0)

    def column_total(self, agreement: Agreement) -> int:
        return self._column_totals.get(agreement.pk, 0)

    def __post_init__(self):
        self._row_totals: dict[int, int] = {}
        self._column_totals: dict[int, int] = {}
        self._by_row: dict[int, list[int]] = {}
        position = {agreement.pk: n for n, agreement in enumerate(self.columns)}
        self._columns = {agreement.pk: agreement for agreement in self.columns}
        for item_pk, agreement_pk in sorted(self.cells, key=lambda cell: position[cell[1]]):
            self._row_totals[item_pk] = self._row_totals.get(item_pk, 0) + 1
            self._column_totals[agreement_pk] = self._column_totals.get(agreement_pk, 0) + 1
            self._by_row.setdefault(item_pk, []).append(agreement_pk)

    def grid(self, rows=None, columns=None):
        """(item, number of linked agreements, [(agreement, links), …]) for a block of the
        matrix, every cell of it: what a page walks through, without queries."""
        columns = self.columns if columns is None else columns
        for item in self.rows if rows is None else rows:
            yield item, self.row_total(item), [(a, self.links(item, a)) for a in columns]

    def linked_cells(self, item: PlanItem) -> list[tuple[Agreement, list[CellLink]]]:
        """The linked cells of a row only, in column order: what a download walks through,
        in time proportional to the links rather than to rows times columns."""
        return [
            (self._columns[pk], self.cells[(item.pk, pk)]) for pk in self._by_row.get(item.pk, [])
        ]


def current_comuni(zone: Area, on: datetime.date | None = None):
    """The Comuni in `zone` on a day, as a subquery."""
    on = on or timezone.localdate()
    return ZoneMembership.objects.valid_on(on).filter(zone=zone).values("municipality")


def _filtered_agreements(plan: Plan, *, theme=None, zone=None, party=None):
    """Primary keys of the agreements linked to the plan that pass the filters (a subquery)."""
    agreements = Agreement.objects.filter(plan_links__plan_item__plan=plan)
    if theme is not None:
        agreements = agreements.filter(themes=theme)
    if zone is not None:
        agreements = agreements.filter(Q(areas=zone) | Q(areas__in=current_comuni(zone)))
    if party is not None:
        agreements = agreements.filter(parties__organisation=party)
    return agreements.values("pk")


def _tree(plan: Plan) -> list[PlanItem]:
    # Whole rows: deferring fields saves little here and would turn any property that reads
    # one (level_name reads level_label) into a query per row.
    items = list(plan.items.order_by("path"))
    for item in items:
        item.plan = plan  # level names come from the plan: no query per row
    return items


def coherence_matrix(plan: Plan, *, theme=None, zone=None, party=None) -> CoherenceMatrix:
    """Plan items (tree order) by agreements linked to the plan (by code), with the links.

    `theme`, `zone` and `party` (a Theme, a zone Area, an Organisation) narrow the columns: an
    agreement on the theme; whose territorial scope is the zone or one of its current Comuni;
    to which the organisation is party. Three queries: items, agreements, links.
    """
    selected = _filtered_agreements(plan, theme=theme, zone=zone, party=party)
    columns = list(
        Agreement.objects.filter(pk__in=selected)
        .only("code", "title", "status", "is_public")
        .order_by("code")
    )
    shown = {agreement.pk for agreement in columns}
    # Every link of the plan, narrowed here to the columns: joining the filtered agreements
    # into this query lets PostgreSQL pick a nested loop over the plan's items and links when
    # its statistics lag behind a bulk load (40 s instead of 50 ms with 10,000 links).
    links = (
        PlanLink.objects.filter(plan_item__plan=plan)
        .order_by("pk")
        .values_list(
            "plan_item_id", "agreement_id", "motivation", "commitment__title", "is_example"
        )
    )
    cells: dict[tuple[int, int], Cell] = {}
    for item_pk, agreement_pk, motivation, commitment, is_example in links:
        if agreement_pk in shown:
            cells.setdefault((item_pk, agreement_pk), Cell()).append(
                CellLink(motivation, commitment or "", is_example)
            )
    return CoherenceMatrix(plan=plan, rows=_tree(plan), columns=columns, cells=cells)


# Gap reports -------------------------------------------------------------------------------


def _prefixes(path: str) -> list[str]:
    """The paths of an item and its ancestors: "0001.0002" gives ["0001", "0001.0002"]."""
    segments = path.split(".")
    return [".".join(segments[: n + 1]) for n in range(len(segments))]


def items_without_agreements(plan: Plan) -> list[PlanItem]:
    """Plan items that no agreement or commitment implements, at any depth below them.

    An item is covered when a link points at it or at an item of its subtree, that is when its
    path is a prefix of a linked item's path. Two queries: the linked paths, the tree.
    (plans.selectors.plan_tree gives the same answer with per-row subqueries, which grow with
    the product of items and links.)
    """
    linked = (
        PlanLink.objects.filter(plan_item__plan=plan)
        .order_by()
        .values_list("plan_item__path", flat=True)
        .distinct()
    )
    covered = {prefix for path in linked for prefix in _prefixes(path)}
    return [item for item in _tree(plan) if item.path not in covered]


def agreements_without_plan_items(plan: Plan | None = None):
    """Agreements with no link to an item of `plan` (of any plan when `plan` is None).

    A link to a DUP objective does not count: art. 35 asks for the relation with the plan.
    One query (two when the caller pages it).
    """
    links = PlanLink.objects.filter(plan_item__isnull=False)
    if plan is not None:
        links = links.filter(plan_item__plan=plan)
    return (
        Agreement.objects.exclude(pk__in=links.values("agreement_id"))
        .select_related("kind")
        .only("code", "title", "status", "is_public", "kind__name")
        .order_by("code")
    )


@dataclass
class ZoneGap:
    zone: Area
    themes: list[Theme]


def zones_without_theme(area: Area, on: datetime.date | None = None) -> list[ZoneGap]:
    """For every current zone of `area`, the themes on which no agreement covers it.

    An agreement covers a zone on a theme when it has the theme and its territorial scope is
    the zone or one of the zone's Comuni on `on` (today by default); an agreement on the whole
    area covers no zone in particular. Three queries: zones, themes, and the covered
    (zone, theme) pairs, computed in SQL as the union of the two ways of covering.
    """
    on = on or timezone.localdate()
    zones = list(
        Area.objects.zones().valid_on(on).filter(parent=area).defer("boundary").order_by("name")
    )
    themes = list(Theme.objects.order_by("name"))
    zone_pks = [z.pk for z in zones]
    direct = (
        Agreement.areas.through.objects.filter(
            area_id__in=zone_pks, agreement__themes__isnull=False
        )
        .order_by()
        .values_list("area_id", "agreement__themes")
    )
    through_comuni = (
        ZoneMembership.objects.valid_on(on)
        .filter(zone_id__in=zone_pks, municipality__agreements__themes__isnull=False)
        .order_by()
        .values_list("zone_id", "municipality__agreements__themes")
    )
    covered = set(direct.union(through_comuni)) if zone_pks and themes else set()
    return [
        ZoneGap(zone, [t for t in themes if (zone.pk, t.pk) not in covered])
        for zone in zones
        if any((zone.pk, t.pk) not in covered for t in themes)
    ]


def operational_objectives_without_plan_items(document: ProgrammingDocument):
    """Objectives of the operational section that implement no plan item. One query."""
    return (
        OperationalObjective.objects.filter(document=document, plan_items__isnull=True)
        .select_related("programme__mission", "strategic_objective")
        .order_by("year", "code")
    )


def strategic_objectives_without_plan_items(document: ProgrammingDocument):
    """Objectives of the strategic section that implement no plan item. One query."""
    return (
        StrategicObjective.objects.filter(document=document, plan_items__isnull=True)
        .select_related("mission")
        .order_by("code")
    )
