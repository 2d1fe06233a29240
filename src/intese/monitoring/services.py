"""Every write of monitoring: indicators, targets, submissions and their review.

Each function checks the rules of the domain and raises DomainError with a message in the
user's language; nothing is written when it refuses. Rounds live in rounds.py.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intese.agreements import documents
from intese.agreements.models import Commitment, CommitmentStatus
from intese.core.errors import DomainError
from intese.monitoring.models import (
    Direction,
    Indicator,
    Measurement,
    ProgressReport,
    ReviewStatus,
    Round,
    SelfAssessment,
    Target,
)
from intese.monitoring.status import RED, commitment_states, indicator_states


class MonitoringError(DomainError):
    """A submission, a review or a change of an indicator was refused."""


# Indicators and targets


def _clean(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        field = next(iter(error.message_dict), None)
        raise MonitoringError(" ".join(error.messages), field=field) from None


@transaction.atomic
def indicator_create(**fields) -> Indicator:
    indicator = Indicator(**fields)
    _clean(indicator)
    _check_baseline(indicator)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(indicator: Indicator, *, expected_version: int, **fields) -> Indicator:
    from intese.core.concurrency import save_if_unchanged

    for name, value in fields.items():
        setattr(indicator, name, value)
    _clean(indicator, exclude=["code"] if "code" not in fields else [])
    _check_baseline(indicator)
    save_if_unchanged(indicator, expected_version=expected_version)
    return indicator


def _check_baseline(indicator: Indicator) -> None:
    if indicator.baseline_value is not None:
        _check_range(indicator, indicator.baseline_value, field="baseline_value")


@transaction.atomic
def target_set(indicator: Indicator, *, due_on: datetime.date, value) -> Target:
    """Set (or change) the value an indicator should reach by a date."""
    value = _decimal(value, field="value")
    _check_range(indicator, value, field="value")
    if due_on <= indicator.baseline_on:
        raise MonitoringError(
            _("Un obiettivo va fissato dopo la data del valore di partenza (%(date)s).")
            % {"date": indicator.baseline_on.strftime("%d/%m/%Y")},
            field="due_on",
        )
    if indicator.direction != Direction.KEEP and _worse(indicator, value, indicator.baseline_value):
        raise MonitoringError(
            _("L'obiettivo peggiora il valore di partenza rispetto al verso dell'indicatore."),
            field="value",
        )
    target, _created = Target.objects.update_or_create(
        indicator=indicator, due_on=due_on, defaults={"value": value}
    )
    return target


def _worse(indicator: Indicator, value: Decimal, reference: Decimal) -> bool:
    if indicator.direction == Direction.INCREASE:
        return value < reference
    return value > reference


def _decimal(value, *, field: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        text = str(value).strip().replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")  # Italian: 1.234,5
        result = Decimal(text)
    except (InvalidOperation, ValueError):
        raise MonitoringError(
            _("«%(value)s» non è un numero.") % {"value": value}, field=field
        ) from None
    if not result.is_finite():
        raise MonitoringError(_("«%(value)s» non è un numero.") % {"value": value}, field=field)
    return result


def _check_range(indicator: Indicator, value: Decimal, *, field: str) -> None:
    unit = indicator.unit
    if indicator.minimum is not None and value < indicator.minimum:
        raise MonitoringError(
            _("Il valore %(value)s %(unit)s è sotto il minimo ammesso (%(limit)s %(unit)s).")
            % {"value": value, "unit": unit, "limit": indicator.minimum},
            field=field,
        )
    if indicator.maximum is not None and value > indicator.maximum:
        raise MonitoringError(
            _("Il valore %(value)s %(unit)s supera il massimo ammesso (%(limit)s %(unit)s).")
            % {"value": value, "unit": unit, "limit": indicator.maximum},
            field=field,
        )


# Submissions


def _check_round(round: Round | None, day: datetime.date) -> None:
    if round is None:
        return
    if not round.is_open:
        raise MonitoringError(
            _("Il ciclo «%(round)s» è chiuso: non accetta più invii.") % {"round": round.title}
            if round.status == "closed"
            else _("Il ciclo «%(round)s» non è ancora aperto.") % {"round": round.title},
            field="round",
        )


def _check_day(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise MonitoringError(_("La data di riferimento non può essere futura."), field=field)


def _check_organisation(expected, organisation, what: str) -> None:
    if expected.pk != organisation.pk:
        raise MonitoringError(
            _("%(what)s è di competenza di %(owner)s, non di %(organisation)s.")
            % {"what": what, "owner": expected, "organisation": organisation},
            field="organisation",
        )


def _attach_evidence(submission, upload) -> None:
    """Check an evidence file like an agreement's documents and store it by its hash."""
    if not upload:
        return
    name = documents.clean_name(upload.name or "")
    upload.seek(0)
    data = upload.read(documents.MAX_SIZE + 1)
    if len(data) > documents.MAX_SIZE:
        raise MonitoringError(
            _("Il file «%(name)s» supera i %(mb)s MB consentiti.")
            % {"name": name, "mb": documents.MAX_SIZE // (1024 * 1024)},
            field="evidence",
        )
    if not data:
        raise MonitoringError(_("Il file «%(name)s» è vuoto.") % {"name": name}, field="evidence")
    try:
        kind, _text = documents.check_file(name, data)
    except documents.DocumentError as error:
        raise MonitoringError(error.message, field="evidence") from None
    submission.evidence_name = name
    submission.evidence_type = documents.CONTENT_TYPES[kind]
    submission.evidence_sha256 = hashlib.sha256(data).hexdigest()
    submission.evidence.save("evidence", ContentFile(data), save=False)


def _would_be_red(make_accepted, states_of, key) -> str | None:
    """The status the submission would give once accepted: computed by the same SQL as every
    other status, inside a savepoint that is rolled back."""
    with transaction.atomic():
        row = make_accepted()
        state = states_of([key(row)]).get(key(row))
        transaction.set_rollback(True)
    return state.status if state and state.status in RED else None


@transaction.atomic
def measurement_submit(
    *,
    indicator: Indicator,
    value,
    measured_on: datetime.date,
    by,
    organisation,
    unit: str | None = None,
    round: Round | None = None,
    source: str = "",
    note: str = "",
    explanation: str = "",
    evidence=None,
) -> Measurement:
    """A value of an indicator, sent for review. A value that would turn it late needs an
    explanation; the unit, if given, must be the indicator's."""
    _check_organisation(indicator.owner, organisation, _("L'indicatore «%s»") % indicator.code)
    _check_round(round, measured_on)
    value = _decimal(value, field="value")
    if unit is not None and unit.strip() and unit.strip() != indicator.unit:
        raise MonitoringError(
            _("Unità di misura errata: «%(given)s»; l'indicatore %(code)s si misura in «%(unit)s».")
            % {"given": unit.strip(), "code": indicator.code, "unit": indicator.unit},
            field="unit",
        )
    _check_range(indicator, value, field="value")
    _check_day(measured_on, "measured_on")
    if measured_on < indicator.baseline_on:
        raise MonitoringError(
            _("La data è precedente al valore di partenza dell'indicatore (%(date)s).")
            % {"date": indicator.baseline_on.strftime("%d/%m/%Y")},
            field="measured_on",
        )
    fields = dict(
        indicator=indicator,
        value=value,
        measured_on=measured_on,
        round=round,
        organisation=organisation,
        submitted_by=by,
        source=source.strip(),
        note=note.strip(),
        explanation=explanation.strip(),
    )
    red = _would_be_red(
        lambda: Measurement.objects.create(**fields, review_status=ReviewStatus.ACCEPTED),
        lambda ids: indicator_states(ids, measured_on),
        lambda row: row.indicator_id,
    )
    if red and not fields["explanation"]:
        raise MonitoringError(
            _(
                "Con questo valore l'indicatore risulta in ritardo rispetto all'obiettivo: "
                "spiegarne il motivo."
            ),
            field="explanation",
        )
    measurement = Measurement(**fields)
    _attach_evidence(measurement, evidence)
    _clean(measurement, exclude=["evidence"])
    measurement.save()
    return measurement


@transaction.atomic
def progress_submit(
    *,
    commitment: Commitment,
    percent,
    self_assessment: str,
    narrative: str,
    reported_on: datetime.date,
    by,
    organisation,
    round: Round | None = None,
    obstacles: str = "",
    explanation: str = "",
    evidence=None,
) -> ProgressReport:
    """How far a commitment has got, sent for review."""
    _check_organisation(
        commitment.responsible, organisation, _("L'impegno «%s»") % commitment.title
    )
    _check_round(round, reported_on)
    if commitment.status == CommitmentStatus.CANCELLED:
        raise MonitoringError(_("L'impegno è annullato: non si rendiconta."), field="commitment")
    try:
        percent = int(str(percent).strip().rstrip("%").strip())
    except ValueError:
        raise MonitoringError(
            _("L'avanzamento è una percentuale intera tra 0 e 100."), field="percent"
        ) from None
    if not 0 <= percent <= 100:
        raise MonitoringError(
            _("L'avanzamento è una percentuale intera tra 0 e 100."), field="percent"
        )
    if self_assessment not in SelfAssessment.values:
        raise MonitoringError(_("Scegliere una valutazione."), field="self_assessment")
    if (self_assessment == SelfAssessment.DONE) != (percent == 100):
        raise MonitoringError(
            _("Un impegno è concluso quando, e solo quando, l'avanzamento è al 100%."),
            field="self_assessment",
        )
    if not narrative.strip():
        raise MonitoringError(_("Descrivere l'avanzamento."), field="narrative")
    _check_day(reported_on, "reported_on")
    fields = dict(
        commitment=commitment,
        percent=percent,
        self_assessment=self_assessment,
        narrative=narrative.strip(),
        obstacles=obstacles.strip(),
        reported_on=reported_on,
        round=round,
        organisation=organisation,
        submitted_by=by,
        explanation=explanation.strip(),
    )
    red = _would_be_red(
        lambda: ProgressReport.objects.create(**fields, review_status=ReviewStatus.ACCEPTED),
        lambda ids: commitment_states(ids, reported_on),
        lambda row: row.commitment_id,
    )
    if (red or self_assessment == SelfAssessment.LATE) and not (
        fields["explanation"] or fields["obstacles"]
    ):
        raise MonitoringError(
            _("Con questo avanzamento l'impegno risulta in ritardo: spiegarne il motivo."),
            field="explanation",
        )
    report = ProgressReport(**fields)
    _attach_evidence(report, evidence)
    _clean(report, exclude=["evidence"])
    report.save()
    return report


# Review


def states_if_accepted(progress, measurements, day: datetime.date):
    """The status each submission would give once accepted, as of `day`: the published SQL,
    run in a savepoint where these submissions count as accepted, then rolled back. Returns
    the states of their commitments and of their indicators."""
    with transaction.atomic():
        if progress:
            ProgressReport.objects.filter(pk__in=[p.pk for p in progress]).update(
                review_status=ReviewStatus.ACCEPTED
            )
        if measurements:
            Measurement.objects.filter(pk__in=[m.pk for m in measurements]).update(
                review_status=ReviewStatus.ACCEPTED
            )
        commitments = commitment_states({p.commitment_id for p in progress}, day)
        indicators = indicator_states({m.indicator_id for m in measurements}, day)
        transaction.set_rollback(True)
    return commitments, indicators


@transaction.atomic
def review(submission, *, by, accept: bool, reason: str = ""):
    """Accept a submission or send it back with a reason. Nobody reviews their own."""
    submission = type(submission).objects.select_for_update().get(pk=submission.pk)
    if submission.submitted_by_id == by.pk:
        raise MonitoringError(_("Non si può revisionare un proprio invio."))
    if submission.review_status != ReviewStatus.SUBMITTED:
        raise MonitoringError(
            _("Questo invio è già stato revisionato (%(status)s).")
            % {"status": submission.get_review_status_display()}
        )
    if not accept and not reason.strip():
        raise MonitoringError(_("Indicare il motivo del rinvio."), field="reason")
    submission.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.SENT_BACK
    submission.review_reason = "" if accept else reason.strip()
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at"])
    return submission
