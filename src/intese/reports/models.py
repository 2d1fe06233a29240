"""A report asked for and made in the background: who asked, what, how far it got, the file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intese.plans.models import Plan, ProgrammingDocument


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In preparazione")
    DONE = "done", _("Pronta")
    FAILED = "failed", _("Non riuscita")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    ODS = "ods", _("Foglio di calcolo ODS")
    XLSX = "xlsx", _("Foglio di calcolo XLSX")


def report_path(instance, filename):
    return f"reports/{instance.pk}/{filename}"


class ReportRun(models.Model):
    """The yearly monitoring report of a plan (and its DUP) for a year, made by a task."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("richiesta da"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    plan = models.ForeignKey(
        Plan, verbose_name=_("piano"), on_delete=models.PROTECT, related_name="report_runs"
    )
    document = models.ForeignKey(
        ProgrammingDocument,
        verbose_name=_("DUP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    as_of = models.DateField(_("dati al"))
    format = models.CharField(_("formato"), max_length=4, choices=ReportFormat.choices)
    language = models.CharField(_("lingua"), max_length=8, default="it")
    status = models.CharField(
        _("stato"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    step = models.CharField(_("fase"), max_length=200, blank=True)
    task_id = models.CharField(_("identificativo del lavoro"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=report_path, max_length=300, blank=True)
    error = models.TextField(_("errore"), blank=True)
    started_at = models.DateTimeField(_("avviata il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("relazione richiesta")
        verbose_name_plural = _("relazioni richieste")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_run_progress_in_range",
                violation_error_message=_("L'avanzamento è una percentuale tra 0 e 100."),
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.year} ({self.get_format_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def filename(self) -> str:
        return f"relazione-{self.plan.code}-{self.year}.{self.format}"
