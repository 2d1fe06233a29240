"""Builders of monitoring data for tests, the demo and benchmarks, through the services."""

import datetime
import itertools
from decimal import Decimal

from intese.actors.models import Organisation
from intese.agreements import services as agreements
from intese.monitoring import services
from intese.monitoring.models import Indicator
from intese.testing.agreements import proposal

_codes = itertools.count(1)


def sesto():
    return Organisation.objects.get(area__code="015209")


def rho():
    return Organisation.objects.get(area__code="015182")


def agreement_with(*organisations, by=None, effective_from=datetime.date(2024, 1, 1), **fields):
    """A proposed agreement between CMM and Milano with these organisations as implementers."""
    agreement = proposal(by, effective_from=effective_from, **fields)
    for organisation in organisations:
        agreements.party_add(
            agreement=agreement, organisation=organisation, role="implementer", by=by
        )
    return agreement


def commitment(agreement, responsible, *, due_on=None, starts_on=None, weight=1, **fields):
    return agreements.commitment_add(
        agreement=agreement,
        by=None,
        title=fields.pop("title", f"Impegno {next(_codes)}"),
        responsible=responsible,
        due_on=due_on,
        starts_on=starts_on,
        weight=weight,
        **fields,
    )


def report(commitment, percent, on, *, by, accepted_by=None, assessment=None, **fields):
    """A progress report, accepted by `accepted_by` when given."""
    if assessment is None:
        assessment = "done" if percent == 100 else "on_track"
    submitted = services.progress_submit(
        commitment=commitment,
        percent=percent,
        self_assessment=assessment,
        narrative=fields.pop("narrative", "Lavori avviati secondo il cronoprogramma."),
        reported_on=on,
        by=by,
        organisation=commitment.responsible,
        **fields,
    )
    if accepted_by:
        services.review(submitted, by=accepted_by, accept=True)
        submitted.refresh_from_db()
    return submitted


def indicator(subject, owner, *, direction="increase", baseline="0", unit="%", **fields):
    """An indicator of a plan item, an agreement or a commitment (by the subject's type)."""
    from intese.agreements.models import Agreement, Commitment

    attach = (
        {"agreement": subject}
        if isinstance(subject, Agreement)
        else {"commitment": subject}
        if isinstance(subject, Commitment)
        else {"plan_item": subject}
    )
    return services.indicator_create(
        code=fields.pop("code", f"IND-{next(_codes):04d}"),
        name=fields.pop("name", "Indicatore di prova"),
        unit=unit,
        direction=direction,
        baseline_value=Decimal(baseline),
        baseline_on=fields.pop("baseline_on", datetime.date(2024, 1, 1)),
        source=fields.pop("source", "Rilevazione del partner"),
        owner=owner,
        **attach,
        **fields,
    )


def measure(indicator: Indicator, value, on, *, by, accepted_by=None, **fields):
    measurement = services.measurement_submit(
        indicator=indicator,
        value=value,
        measured_on=on,
        by=by,
        organisation=indicator.owner,
        **fields,
    )
    if accepted_by:
        services.review(measurement, by=accepted_by, accept=True)
        measurement.refresh_from_db()
    return measurement
