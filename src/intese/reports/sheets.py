"""The agreement sheet (scheda intesa) and the zone sheet (scheda zona omogenea), as of a day.

Each is read with a fixed number of queries whatever the number of commitments or agreements.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from intese.agreements.models import Agreement, Commitment
from intese.monitoring.models import Indicator
from intese.monitoring.rollup import by_zone
from intese.monitoring.status import commitment_states, indicator_states
from intese.reports.figures import FigureView, figure_of, view
from intese.territory.models import Area, AreaKind, ZoneMembership


@dataclass
class CommitmentLine:
    commitment: Commitment
    state: object | None  # CommitmentState; None for a cancelled commitment
    milestones: list = field(default_factory=list)


@dataclass
class IndicatorLine:
    indicator: Indicator
    state: object | None


@dataclass
class AgreementSheet:
    agreement: Agreement
    as_of: datetime.date
    parties: list
    commitments: list
    figure: FigureView
    indicators: list
    funding_lines: list
    funding_total: Decimal
    acts: list


def agreement_sheet(agreement: Agreement, as_of: datetime.date) -> AgreementSheet:
    commitments = list(
        agreement.commitments.select_related("responsible").prefetch_related("milestones")
    )
    states = commitment_states([c.pk for c in commitments], as_of)
    indicators = list(
        Indicator.objects.filter(Q(agreement=agreement) | Q(commitment__agreement=agreement))
        .select_related("commitment", "owner")
        .order_by("code")
    )
    indicator_state = indicator_states([i.pk for i in indicators], as_of)
    funding_lines = list(agreement.funding_lines.order_by("source", "pk"))
    return AgreementSheet(
        agreement=agreement,
        as_of=as_of,
        parties=list(agreement.parties.select_related("organisation")),
        commitments=[
            CommitmentLine(c, states.get(c.pk), list(c.milestones.all())) for c in commitments
        ],
        figure=view(figure_of(states.values())),
        indicators=[IndicatorLine(i, indicator_state.get(i.pk)) for i in indicators],
        funding_lines=funding_lines,
        funding_total=sum((line.amount for line in funding_lines), start=Decimal(0)),
        acts=list(agreement.acts.select_related("issuer")),
    )


@dataclass
class AgreementLine:
    agreement: Agreement
    figure: FigureView
    direct: bool  # its scope names the zone itself, not only some of its Comuni


@dataclass
class ZoneSheet:
    zone: Area
    as_of: datetime.date
    municipalities: list
    figure: FigureView
    agreements: list


def zone_for_sheet(code: str) -> Area:
    return Area.objects.get(kind=AreaKind.ZONE, code=code)


def zone_sheet(zone: Area, as_of: datetime.date) -> ZoneSheet:
    """Agreements whose scope names the zone or one of its Comuni on the day, with their
    roll-up, and the zone's roll-up (the same rule as monitoring.rollup.by_zone)."""
    memberships = list(
        ZoneMembership.objects.valid_on(as_of)
        .filter(zone=zone)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    comuni = [m.municipality for m in memberships]
    areas = Agreement.areas.through.objects.filter(area_id__in=[zone.pk, *[c.pk for c in comuni]])
    agreements = list(
        Agreement.objects.filter(pk__in=areas.values("agreement_id"))
        .select_related("kind")
        .order_by("code")
    )
    direct = set(areas.filter(area_id=zone.pk).values_list("agreement_id", flat=True))
    agreement_of = dict(
        Commitment.objects.filter(agreement__in=[a.pk for a in agreements]).values_list(
            "pk", "agreement_id"
        )
    )
    per_agreement: dict = {}
    for pk, state in commitment_states(agreement_of, as_of).items():
        per_agreement.setdefault(agreement_of[pk], []).append(state)
    return ZoneSheet(
        zone=zone,
        as_of=as_of,
        municipalities=comuni,
        figure=view(by_zone(as_of).get(zone.pk)),
        agreements=[
            AgreementLine(a, view(figure_of(per_agreement.get(a.pk, []))), a.pk in direct)
            for a in agreements
        ],
    )
