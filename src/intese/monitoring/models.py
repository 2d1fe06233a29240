"""Monitoring: indicators and their targets, what partners report, and the rounds that ask for it.

Partners submit measurements (of indicators) and progress reports (on commitments); the plan
office reviews each one. Only accepted submissions count in the status rules (see status.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.actors.models import Organisation
from intese.agreements.models import Agreement, Commitment
from intese.core.models import Versioned
from intese.plans.models import Plan, PlanItem


class Direction(models.TextChoices):
    INCREASE = "increase", _("In aumento")
    DECREASE = "decrease", _("In diminuzione")
    KEEP = "keep", _("Da mantenere")


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Mensile")
    QUARTERLY = "quarterly", _("Trimestrale")
    HALF_YEARLY = "half_yearly", _("Semestrale")
    YEARLY = "yearly", _("Annuale")


class Indicator(Versioned):
    """What is measured to know whether a plan item, an agreement or a commitment delivers."""

    code = models.CharField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=300)
    description = models.TextField(_("descrizione"), blank=True)
    unit = models.CharField(_("unità di misura"), max_length=40)
    direction = models.CharField(_("verso"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("valore di partenza"), max_digits=18, decimal_places=4)
    baseline_on = models.DateField(_("data del valore di partenza"))
    minimum = models.DecimalField(
        _("valore minimo ammesso"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("valore massimo ammesso"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolleranza"),
        max_digits=18,
        decimal_places=4,
        default=0,
        help_text=_("Scarto ammesso dal valore da mantenere (solo per il verso «da mantenere»)."),
    )
    source = models.CharField(_("fonte dei dati"), max_length=300)
    periodicity = models.CharField(
        _("periodicità"), max_length=12, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione responsabile"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("voce del piano"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("intesa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("impegno"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    weight = models.PositiveSmallIntegerField(_("peso"), default=1)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_item__isnull=False, agreement=None, commitment=None)
                | Q(plan_item=None, agreement__isnull=False, commitment=None)
                | Q(plan_item=None, agreement=None, commitment__isnull=False),
                name="indicator_one_subject",
                violation_error_message=_(
                    "Un indicatore misura una sola cosa: una voce del piano, un'intesa "
                    "oppure un impegno."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(maximum__gt=models.F("minimum")),
                name="indicator_range_ordered",
                violation_error_message=_("Il valore massimo deve superare il minimo."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="indicator_weight_positive",
                violation_error_message=_("Il peso di un indicatore è almeno 1."),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="indicator_tolerance_not_negative",
                violation_error_message=_("La tolleranza non può essere negativa."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def subject(self):
        return self.plan_item or self.agreement or self.commitment


class Target(models.Model):
    """The value an indicator should reach by a date."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicatore"), on_delete=models.CASCADE, related_name="targets"
    )
    due_on = models.DateField(_("entro il"))
    value = models.DecimalField(_("valore obiettivo"), max_digits=18, decimal_places=4)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obiettivo dell'indicatore")
        verbose_name_plural = _("obiettivi dell'indicatore")
        ordering = ["indicator", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "due_on"],
                name="target_once_per_date",
                violation_error_message=_("L'indicatore ha già un obiettivo a questa data."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.value} {self.indicator.unit} entro {self.due_on}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("In preparazione")
    OPEN = "open", _("Aperto")
    CLOSED = "closed", _("Chiuso")


class Round(Versioned):
    """A monitoring round (ciclo di monitoraggio): who must report what, for which period.

    The scope is a plan (its agreements are those linked to its items) and/or a list of
    agreements; what each organisation owes is derived from it (see rounds.py), never typed.
    """

    title = models.CharField(_("titolo"), max_length=200)
    period_start = models.DateField(_("periodo dal"))
    period_end = models.DateField(_("periodo al"))
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("piano"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    agreements = models.ManyToManyField(
        Agreement, verbose_name=_("intese"), blank=True, related_name="rounds"
    )
    opens_on = models.DateField(_("apertura"))
    closes_on = models.DateField(_("chiusura"))
    remind_days_before = models.PositiveSmallIntegerField(
        _("promemoria giorni prima della chiusura"), default=7
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
        editable=False,
    )
    opened_at = models.DateTimeField(_("aperto il"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chiuso da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords(m2m_fields=[agreements])

    class Meta:
        verbose_name = _("ciclo di monitoraggio")
        verbose_name_plural = _("cicli di monitoraggio")
        ordering = ["-period_end", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="round_period_ordered",
                violation_error_message=_("Il periodo deve finire dopo l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="round_dates_ordered",
                violation_error_message=_("La chiusura deve seguire l'apertura."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("In revisione")
    ACCEPTED = "accepted", _("Accettato")
    SENT_BACK = "sent_back", _("Rinviato")


def evidence_path(instance, filename):
    return f"monitoring/{instance.evidence_sha256}"


class Submission(models.Model):
    """What a partner sends in, on behalf of an organisation, and the plan office's review."""

    round = models.ForeignKey(
        Round,
        verbose_name=_("ciclo di monitoraggio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("per conto di"), on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.FileField(
        _("documento a supporto"), upload_to=evidence_path, max_length=300, blank=True
    )
    evidence_name = models.CharField(_("nome del documento"), max_length=255, blank=True)
    evidence_type = models.CharField(_("tipo del documento"), max_length=100, blank=True)
    evidence_sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    explanation = models.TextField(
        _("spiegazione"),
        blank=True,
        help_text=_("Obbligatoria quando il dato porta lo stato in ritardo."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviato da"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("inviato il"), auto_now_add=True)
    review_status = models.CharField(
        _("revisione"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisionato da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("revisionato il"), null=True, blank=True)
    review_reason = models.TextField(_("motivo del rinvio"), blank=True)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    class Meta:
        abstract = True

    @property
    def is_accepted(self) -> bool:
        return self.review_status == ReviewStatus.ACCEPTED


class Measurement(Submission):
    """A value of an indicator at a date (rilevazione)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicatore"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("data di riferimento"))
    value = models.DecimalField(_("valore"), max_digits=18, decimal_places=4)
    source = models.CharField(_("fonte"), max_length=300, blank=True)
    note = models.TextField(_("nota"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rilevazione")
        verbose_name_plural = _("rilevazioni")
        ordering = ["indicator", "-measured_on", "-pk"]
        indexes = [
            models.Index(
                fields=["indicator", "review_status", "measured_on"],
                name="measurement_latest",
            ),
            # The status rules read the latest accepted measurement of each indicator.
            models.Index(
                fields=["indicator", "-measured_on", "-id"],
                name="measurement_accepted_latest",
                condition=Q(review_status="accepted"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.value} ({self.measured_on})"


class SelfAssessment(models.TextChoices):
    ON_TRACK = "on_track", _("In linea")
    AT_RISK = "at_risk", _("A rischio")
    LATE = "late", _("In ritardo")
    DONE = "done", _("Concluso")


class ProgressReport(Submission):
    """How far a commitment has got, as its responsible organisation reports it."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("impegno"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("data di riferimento"))
    percent = models.PositiveSmallIntegerField(_("avanzamento (%)"))
    self_assessment = models.CharField(
        _("valutazione del partner"), max_length=10, choices=SelfAssessment.choices
    )
    narrative = models.TextField(_("descrizione dell'avanzamento"))
    obstacles = models.TextField(_("ostacoli"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stato di avanzamento")
        verbose_name_plural = _("stati di avanzamento")
        ordering = ["commitment", "-reported_on", "-pk"]
        indexes = [
            models.Index(
                fields=["commitment", "review_status", "reported_on"],
                name="progress_latest",
            ),
            models.Index(
                fields=["commitment", "-reported_on", "-id"],
                name="progress_accepted_latest",
                condition=Q(review_status="accepted"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="progress_percent_in_range",
                violation_error_message=_("L'avanzamento è una percentuale tra 0 e 100."),
            ),
        ]

    def __str__(self):
        return f"{self.commitment}: {self.percent}% ({self.reported_on})"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Prima della chiusura")
    AFTER = "after", _("Dopo la chiusura prevista")


class Reminder(models.Model):
    """A reminder e-mail sent to an organisation about a round: kept so none is sent twice."""

    round = models.ForeignKey(
        Round, verbose_name=_("ciclo"), on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("inviato il"))
    recipients = models.PositiveSmallIntegerField(_("destinatari"))
    missing = models.PositiveIntegerField(_("voci mancanti"))

    class Meta:
        verbose_name = _("promemoria")
        verbose_name_plural = _("promemoria")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "kind", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.round} → {self.organisation} ({self.sent_on})"
