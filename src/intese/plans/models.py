"""Strategic plans over their cycles, their configurable tree of items, cross-cutting tags, the
DUP with its strategic and operational objectives, and the budget classification."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.core.models import Versioned, WebAddressField


class PlanStatus(models.TextChoices):
    DRAFT = "bozza", _("Bozza")
    ADOPTED = "adottato", _("Adottato")
    APPROVED = "approvato", _("Approvato")
    EXPIRED = "scaduto", _("Scaduto")


class PlanQuerySet(models.QuerySet):
    def published(self):
        """Plans the public may see: every plan but the drafts."""
        return self.exclude(status=PlanStatus.DRAFT)


class Plan(Versioned):
    """A strategic plan for a period (e.g. PSTTM 2022-2024), with the plan it follows."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    title = models.CharField(_("titolo"), max_length=300)
    period_start = models.DateField(_("inizio del periodo"))
    period_end = models.DateField(_("fine del periodo"))
    status = models.CharField(
        _("stato"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adottato il"), null=True, blank=True)
    approved_on = models.DateField(_("approvato il"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("piano precedente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_plans",
    )
    level_names = models.JSONField(
        _("livelli della gerarchia"),
        default=list,
        help_text=_('Nomi dei livelli dall\'alto, es. ["Missione", "Obiettivo", "Azione"].'),
    )
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)
    source_note = models.TextField(_("fonti"), blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("piano")
        verbose_name_plural = _("piani")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("Il periodo deve finire dopo l'inizio."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:plan", args=[self.code])

    def level_name(self, depth: int) -> str:
        names = self.level_names or []
        return names[depth] if depth < len(names) else _("Livello %(n)d") % {"n": depth + 1}


class PlanAct(Versioned):
    """An act adopting, approving or updating a plan (or the opinion on it)."""

    class Kind(models.TextChoices):
        ADOPTION = "adozione", _("Adozione")
        APPROVAL = "approvazione", _("Approvazione")
        UPDATE = "aggiornamento", _("Aggiornamento annuale")
        OPINION = "parere", _("Parere della Conferenza metropolitana")

    plan = models.ForeignKey(
        Plan, verbose_name=_("piano"), on_delete=models.CASCADE, related_name="acts"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("numero"), max_length=50, blank=True)
    date = models.DateField(_("data"))
    title = models.CharField(_("oggetto"), max_length=500, blank=True)
    url = WebAddressField(_("indirizzo dell'atto"), max_length=500, blank=True)
    is_example = models.BooleanField(_("dato di esempio"), default=False)
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("atto del piano")
        verbose_name_plural = _("atti del piano")
        ordering = ["plan", "date"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} {self.date:%d/%m/%Y}".strip()


class Vocabulary(models.Model):
    """A cross-cutting vocabulary: the plan's keywords, its Driver, the SDGs."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    source = WebAddressField(_("fonte"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vocabolario")
        verbose_name_plural = _("vocabolari")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Term(models.Model):
    """A word of a vocabulary (a keyword, a Driver, a goal), with what it means and its source."""

    vocabulary = models.ForeignKey(
        Vocabulary, verbose_name=_("vocabolario"), on_delete=models.CASCADE, related_name="terms"
    )
    code = models.SlugField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    description = models.TextField(_("descrizione"), blank=True)
    source = WebAddressField(_("fonte"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("termine")
        verbose_name_plural = _("termini")
        ordering = ["vocabulary", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="term_code_unique")
        ]

    def __str__(self):
        return self.name


PATH_STEP = 4  # each level of the materialised path is 4 digits: "0001.0003.0002"
MAX_SIBLINGS = 10**PATH_STEP - 1  # the largest position a segment can hold


def ancestor_paths(path: str) -> list[str]:
    """The paths from the top of the tree down to `path`: 0001, 0001.0002, 0001.0002.0003."""
    segments = path.split(".")
    return [".".join(segments[:n]) for n in range(1, len(segments) + 1)]


class PlanItemQuerySet(models.QuerySet):
    def subtree_of(self, item):
        return self.filter(plan=item.plan, path__startswith=item.path)


class PlanItem(Versioned):
    """A node of a plan's tree (a mission, an objective, an action, a project, a first move).

    `path` is a materialised path ("0001.0003") kept by the services: it orders the tree and
    answers subtree questions in one query; `depth` gives the level name from the plan.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("piano"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("voce superiore"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("codice"), max_length=40)
    title = models.CharField(_("titolo"), max_length=400)
    description = models.TextField(_("descrizione"), blank=True)
    responsible_office = models.CharField(_("ufficio responsabile"), max_length=200, blank=True)
    path = models.CharField(_("posizione"), max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(_("livello"), default=0, editable=False)
    tags = models.ManyToManyField(
        Term, verbose_name=_("etichette"), blank=True, related_name="items"
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("ripreso da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    level_label = models.CharField(
        _("etichetta del livello"),
        max_length=100,
        blank=True,
        help_text=_(
            "Sostituisce il nome del livello del piano per questa voce (es. «Prime mosse»)."
        ),
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)
    source_note = models.TextField(_("fonti"), blank=True)

    objects = PlanItemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        verbose_name = _("voce del piano")
        verbose_name_plural = _("voci del piano")
        ordering = ["plan", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="plan_item_code_unique",
                violation_error_message=_("Il piano ha già una voce con questo codice."),
            ),
            models.UniqueConstraint(fields=["plan", "path"], name="plan_item_path_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def level_name(self) -> str:
        return self.level_label or self.plan.level_name(self.depth)


class BudgetMission(models.Model):
    """A Missione of the harmonised budget (D.Lgs. 118/2011, allegato 14)."""

    code = models.CharField(_("codice"), max_length=2, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    evidence = models.CharField(_("attendibilità"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("missione di bilancio")
        verbose_name_plural = _("missioni di bilancio")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class BudgetProgramme(models.Model):
    """A Programma within a Missione of the harmonised budget."""

    mission = models.ForeignKey(
        BudgetMission,
        verbose_name=_("missione"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    code = models.CharField(_("codice"), max_length=4, unique=True)
    name = models.CharField(_("nome"), max_length=300)
    evidence = models.CharField(
        _("attendibilità"),
        max_length=40,
        blank=True,
        help_text=_(
            "seen_in_source: verificato su fonti; unverified: da "
            "verificare sull'allegato 14 del D.Lgs. 118/2011."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programma di bilancio")
        verbose_name_plural = _("programmi di bilancio")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class SourcedRow:
    """A row of the DUP that keeps its sources and says which of its values are examples."""

    @property
    def example_labels(self) -> list[str]:
        """The names of the fields whose values are illustrative, in the user's language."""
        return [str(self._meta.get_field(name).verbose_name) for name in self.example_fields]


class ProgrammingDocument(SourcedRow, Versioned):
    """A DUP (Documento Unico di Programmazione) for a period, or its update note."""

    class Kind(models.TextChoices):
        DUP = "dup", _("DUP")
        UPDATE_NOTE = "nota_aggiornamento", _("Nota di aggiornamento al DUP")

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    title = models.CharField(_("titolo"), max_length=300)
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices, default=Kind.DUP)
    first_year = models.PositiveSmallIntegerField(_("primo anno"))
    last_year = models.PositiveSmallIntegerField(_("ultimo anno"))
    updates = models.ForeignKey(
        "self",
        verbose_name=_("aggiorna"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="update_notes",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("piano strategico di riferimento"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programming_documents",
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)
    source_note = models.TextField(_("fonti"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento di programmazione")
        verbose_name_plural = _("documenti di programmazione")
        ordering = ["-first_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="dup_years_ordered",
                violation_error_message=_("L'ultimo anno non può precedere il primo."),
            ),
        ]

    def __str__(self):
        return self.title


class StrategicObjective(SourcedRow, Versioned):
    """An objective of the DUP's strategic section (SeS), over the mandate."""

    document = models.ForeignKey(
        ProgrammingDocument,
        verbose_name=_("documento"),
        on_delete=models.CASCADE,
        related_name="strategic_objectives",
    )
    code = models.CharField(_("codice"), max_length=40)
    title = models.CharField(_("titolo"), max_length=400)
    mission = models.ForeignKey(
        BudgetMission,
        verbose_name=_("missione di bilancio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategic_objectives",
    )
    plan_items = models.ManyToManyField(
        PlanItem,
        verbose_name=_("voci del piano attuate"),
        blank=True,
        related_name="strategic_objectives",
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)
    source_note = models.TextField(_("fonti"), blank=True)

    history = HistoricalRecords(m2m_fields=[plan_items])

    class Meta:
        verbose_name = _("obiettivo strategico (SeS)")
        verbose_name_plural = _("obiettivi strategici (SeS)")
        ordering = ["document", "code"]
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="ses_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class OperationalObjective(SourcedRow, Versioned):
    """An objective of the DUP's operational section (SeO) for a year, classified by Programma."""

    document = models.ForeignKey(
        ProgrammingDocument,
        verbose_name=_("documento"),
        on_delete=models.CASCADE,
        related_name="operational_objectives",
    )
    strategic_objective = models.ForeignKey(
        StrategicObjective,
        verbose_name=_("obiettivo strategico"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operational_objectives",
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    code = models.CharField(_("codice"), max_length=40)
    title = models.CharField(_("titolo"), max_length=400)
    programme = models.ForeignKey(
        BudgetProgramme,
        verbose_name=_("programma di bilancio"),
        on_delete=models.PROTECT,
        related_name="operational_objectives",
    )
    responsible_office = models.CharField(_("ufficio responsabile"), max_length=200, blank=True)
    plan_items = models.ManyToManyField(
        PlanItem,
        verbose_name=_("voci del piano attuate"),
        blank=True,
        related_name="operational_objectives",
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)
    example_fields = models.JSONField(_("campi di esempio"), default=list, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)
    source_note = models.TextField(_("fonti"), blank=True)

    history = HistoricalRecords(m2m_fields=[plan_items])

    class Meta:
        verbose_name = _("obiettivo operativo (SeO)")
        verbose_name_plural = _("obiettivi operativi (SeO)")
        ordering = ["document", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["document", "year", "code"], name="seo_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"
