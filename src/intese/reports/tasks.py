"""The background task that makes a yearly report's file, telling its progress as it goes.

It runs in the worker (`intese db_worker`), outside any request: every step is written at
once (autocommit), so the progress page sees it while the task is still running.
"""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from intese.core.errors import DomainError
from intese.reports import outputs, yearly
from intese.reports.models import ReportRun, RunStatus

log = logging.getLogger(__name__)


def _update(run_id: int, **fields) -> None:
    ReportRun.objects.filter(pk=run_id).update(**fields)


@task()
def generate_report(run_id: int) -> str:
    run = ReportRun.objects.select_related("plan", "document").get(pk=run_id)
    with translation.override(run.language):
        try:
            produce(run)
        except Exception as error:
            log.exception("report run %s failed", run_id)
            message = (
                error.message
                if isinstance(error, DomainError)
                else _(
                    "Errore imprevisto durante la preparazione (%(kind)s): riprovare o "
                    "segnalarlo all'assistenza."
                )
                % {"kind": type(error).__name__}
            )
            _update(run_id, status=RunStatus.FAILED, error=message, finished_at=timezone.now())
            return RunStatus.FAILED
    return RunStatus.DONE


def produce(run: ReportRun) -> None:
    """Build the report, write its file and mark the run done."""

    def step(percent: int, label: str) -> None:
        _update(run.pk, progress=percent, step=label)

    _update(
        run.pk,
        status=RunStatus.RUNNING,
        progress=5,
        step=_("Raccolta dei dati"),
        started_at=timezone.now(),
        error="",
    )
    report = yearly.build(
        run.plan,
        run.document,
        run.year,
        run.as_of,
        on_step=step,
        with_charts=run.format == "pdf",
    )
    if run.format == "pdf":
        step(85, _("Impaginazione del PDF"))
        content = outputs.pdf("reports/_yearly_body.html", yearly.context(report))
    else:
        step(85, _("Scrittura del foglio di calcolo"))
        content = outputs.spreadsheet(outputs.yearly_tables(report), run.format)
    step(95, _("Salvataggio del file"))
    run.file.save(run.filename, ContentFile(content), save=False)
    _update(
        run.pk,
        status=RunStatus.DONE,
        progress=100,
        step=_("Pronta"),
        file=run.file.name,
        finished_at=timezone.now(),
    )
