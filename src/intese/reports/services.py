"""Asking for a yearly report: the checks, the ReportRun row and the background task."""

import datetime
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from intese.core.errors import DomainError
from intese.reports.models import ReportFormat, ReportRun, RunStatus

log = logging.getLogger(__name__)


class ReportError(DomainError):
    """The parameters of a report do not hold together."""


def check_parameters(plan, document, year: int, as_of: datetime.date) -> None:
    if document is not None and document.plan_id != plan.pk:
        raise ReportError(
            _("Il DUP «%(document)s» non si riferisce al piano «%(plan)s».")
            % {"document": document, "plan": plan},
            field="dup",
        )
    if document is not None and not document.first_year <= year <= document.last_year:
        raise ReportError(
            _("L'anno %(year)s è fuori dal periodo del DUP (%(first)s-%(last)s).")
            % {"year": year, "first": document.first_year, "last": document.last_year},
            field="anno",
        )
    if as_of < datetime.date(year, 1, 1):
        raise ReportError(
            _("La data dei dati non può precedere l'anno della relazione."), field="al"
        )


def report_request(
    *, by, plan, document, year: int, as_of: datetime.date, fmt: str, language: str = "it"
) -> ReportRun:
    """Record the request and queue its task; nothing is written when the parameters fail."""
    check_parameters(plan, document, year, as_of)
    if fmt not in ReportFormat.values:
        raise ReportError(_("Formato sconosciuto: scegliere PDF, ODS o XLSX."), field="formato")
    run = ReportRun.objects.create(
        requested_by=by,
        plan=plan,
        document=document,
        year=year,
        as_of=as_of,
        format=fmt,
        language=language,
    )
    from intese.reports.tasks import generate_report

    try:
        result = generate_report.enqueue(run.pk)
    except Exception as error:
        log.exception("report run %s could not be queued", run.pk)
        _fail(run.pk, _("La richiesta non è stata messa in coda: %(error)s") % {"error": error})
    else:
        ReportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def _fail(run_id: int, message: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now()
    )


def runs_for_list(limit: int = 20):
    return ReportRun.objects.select_related("plan", "document", "requested_by")[:limit]
