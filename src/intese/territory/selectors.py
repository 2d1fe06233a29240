"""Reads of the territory for pages and downloads, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Sum

from intese.territory.models import Area, ZoneMembership, today


def body_area() -> Area | None:
    """The area governed by the body that runs this installation (settings.INTESE_BODY_AREA)."""
    kind, _sep, code = settings.INTESE_BODY_AREA.partition(":")
    return Area.objects.filter(kind=kind, code=code).first()


# Map colours, distinguishable with common colour-vision deficiencies (Okabe-Ito palette). The
# zones of an area take them in the order of their names, on the map and in its legend (the
# table of the territory page) alike; the Comuni in no zone are grey. Colour is never the only
# clue: the map labels every shape with its name.
ZONE_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
OUTSIDE_ZONES_COLOUR = "#999999"


def zone_colour(position: int) -> str:
    """The colour of the zone at this position among its area's zones sorted by name."""
    return ZONE_COLOURS[position % len(ZONE_COLOURS)]


@dataclass
class ZoneSummary:
    zone: Area
    municipalities: list[Area] = field(default_factory=list)
    colour: str = ""

    @property
    def population(self) -> int:
        return sum(m.population or 0 for m in self.municipalities)


@dataclass
class TerritoryOverview:
    area: Area
    zones: list[ZoneSummary]
    outside_zones: list[Area]
    municipality_count: int
    population: int
    population_year: int | None


def territory_overview(area: Area, on: datetime.date | None = None) -> TerritoryOverview:
    """The zones of an area with their Comuni on a day, and the Comuni in no zone (the capital).

    Three queries whatever the number of Comuni: the Comuni with their zone, the zones, totals.
    """
    on = on or today()
    memberships = ZoneMembership.objects.valid_on(on).select_related("zone").defer("zone__boundary")
    comuni = list(
        Area.objects.municipalities()
        .valid_on(on)
        .filter(parent=area)
        .defer("boundary")
        .prefetch_related(Prefetch("zone_memberships", queryset=memberships, to_attr="current"))
        .order_by("name")
    )
    zones = {
        z.pk: ZoneSummary(z)
        for z in Area.objects.zones().valid_on(on).filter(parent=area).defer("boundary")
    }
    outside = []
    for comune in comuni:
        if comune.current and comune.current[0].zone_id in zones:
            zones[comune.current[0].zone_id].municipalities.append(comune)
        else:
            outside.append(comune)
    ordered = sorted(zones.values(), key=lambda s: s.zone.name)
    for position, summary in enumerate(ordered):
        summary.colour = zone_colour(position)
    return TerritoryOverview(
        area=area,
        zones=ordered,
        outside_zones=outside,
        municipality_count=len(comuni),
        population=sum(c.population or 0 for c in comuni),
        population_year=max((c.population_year or 0 for c in comuni), default=None) or None,
    )


@dataclass
class TerritoryTotals:
    area: Area
    municipality_count: int
    zone_count: int
    population: int
    population_year: int | None


def territory_totals(area: Area, on: datetime.date | None = None) -> TerritoryTotals:
    """Counts for the home page, computed in SQL: two queries whatever the size of the area."""
    on = on or today()
    comuni = (
        Area.objects.municipalities()
        .valid_on(on)
        .filter(parent=area)
        .aggregate(count=Count("pk"), population=Sum("population"), year=Max("population_year"))
    )
    zones = Area.objects.zones().valid_on(on).filter(parent=area).count()
    return TerritoryTotals(area, comuni["count"], zones, comuni["population"] or 0, comuni["year"])


def zone_detail(code: str, on: datetime.date | None = None):
    """A zone with its Comuni today and every Comune that joined or left it over time."""
    on = on or today()
    zone = Area.objects.zones().select_related("parent").get(code=code)
    memberships = list(
        zone.memberships.select_related("municipality").order_by("municipality__name", "valid_from")
    )
    current = [m for m in memberships if holds(m, on)]
    past = [m for m in memberships if not holds(m, on)]
    return zone, current, past


def holds(membership: ZoneMembership, on: datetime.date) -> bool:
    """Whether the membership's period includes the day `on` (the end date is exclusive)."""
    starts = membership.valid_from is None or membership.valid_from <= on
    ends = membership.valid_to is None or membership.valid_to > on
    return starts and ends


def municipality_detail(code: str):
    comune = Area.objects.municipalities().select_related("parent").get(code=code)
    memberships = list(comune.zone_memberships.select_related("zone").order_by("valid_from"))
    return comune, memberships


def map_features(area: Area, on: datetime.date | None = None) -> dict:
    """GeoJSON of the zones of an area and of its Comuni in no zone, for the territory map.

    Counts and population are aggregated in SQL; two queries whatever the number of Comuni.
    """
    on = on or today()
    zones = Area.objects.zones().valid_on(on).filter(parent=area).with_current_members(on)
    in_a_zone = ZoneMembership.objects.valid_on(on).values("municipality")
    outside = (
        Area.objects.municipalities().valid_on(on).filter(parent=area).exclude(pk__in=in_a_zone)
    )
    features = [
        _feature(z, z.member_count, z.member_population or 0, zone_colour(position))
        for position, z in enumerate(sorted(zones, key=lambda z: z.name))
    ]
    features += [_feature(c, 1, c.population or 0, OUTSIDE_ZONES_COLOUR) for c in outside]
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def _feature(area: Area, municipalities: int, population: int, colour: str) -> dict:
    return {
        "type": "Feature",
        "geometry": area.boundary,
        "properties": {
            "name": area.name,
            "kind": area.kind,
            "code": area.code,
            "url": area.get_absolute_url(),
            "colour": colour,
            "municipalities": municipalities,
            "population": population,
        },
    }


def municipalities_for_download(area: Area, on: datetime.date | None = None):
    """Rows of the open-data file of Comuni: code, name, population, zone on the day."""
    on = on or today()
    overview = territory_overview(area, on)
    for summary in overview.zones:
        for comune in summary.municipalities:
            yield comune, summary.zone
    for comune in overview.outside_zones:
        yield comune, None
