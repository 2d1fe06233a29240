"""Agreements (intese): kinds, themes, parties, acts, documents, funding, commitments, history."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.actors.models import Organisation
from intese.agreements.codes import validate_cup
from intese.core.models import Versioned, WebAddressField
from intese.territory.models import Area


class AgreementKind(models.Model):
    """A kind of agreement and what the law makes of it. Kinds are data: offices add new ones."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    legal_basis = models.CharField(_("base giuridica tipica"), max_length=300, blank=True)
    binding = models.BooleanField(
        _("vincolante"),
        default=True,
        help_text=_("Un protocollo d'intesa è una dichiarazione di intenti."),
    )
    description = models.TextField(_("descrizione"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tipo di intesa")
        verbose_name_plural = _("tipi di intesa")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A theme of the managed taxonomy (e.g. "Mobilità e trasporti"), optionally under another."""

    code = models.SlugField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("nome"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tema superiore"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("descrizione"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("temi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposta")
    UNDER_REVIEW = "under_review", _("In istruttoria")
    APPROVED = "approved", _("Approvata")
    SIGNED = "signed", _("Sottoscritta")
    IN_PROGRESS = "in_progress", _("In attuazione")
    CONCLUDED = "concluded", _("Conclusa")
    SUSPENDED = "suspended", _("Sospesa")
    EXPIRED = "expired", _("Scaduta")
    REVOKED = "revoked", _("Revocata")


class Renewal(models.TextChoices):
    NONE = "none", _("Nessun rinnovo previsto")
    EXPLICIT = "explicit", _("Rinnovo espresso, con nuovo atto")
    TACIT = "tacit", _("Rinnovo tacito")


class AgreementQuerySet(models.QuerySet):
    def with_stipulation(self):
        """Annotate the stipulation date: the last required signature, once all are in."""
        required = Q(parties__signature_required=True)
        return self.annotate(
            last_signature=Max("parties__signed_on", filter=required),
            missing_signatures=Count(
                "parties", filter=required & Q(parties__signed_on__isnull=True), distinct=True
            ),
        )

    def with_planned_expenditure(self):
        """Sum of the funding lines, as a subquery so that other joins cannot multiply it."""
        totals = (
            FundingLine.objects.filter(agreement=models.OuterRef("pk"))
            .order_by()
            .values("agreement")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(planned_expenditure=models.Subquery(totals))

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        in_documents = Document.objects.filter(text__icontains=text).values("agreement_id")
        return self.filter(
            Q(title__icontains=text)
            | Q(code__icontains=text)
            | Q(summary__icontains=text)
            | Q(pk__in=in_documents)  # a subquery: an agreement with two matching files, once
        )

    def expiring_within(self, today, days: int):
        return self.filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=days),
            status__in=ACTIVE_STATUSES,
        )


ACTIVE_STATUSES = [Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED]


class Agreement(Versioned):
    """An agreement of the plan's system of intese: a framework agreement, a convention, a
    protocol, an ITI project… Its status moves only through agreements.lifecycle."""

    code = models.CharField(_("codice"), max_length=40, unique=True)
    title = models.CharField(_("titolo"), max_length=300)
    summary = models.TextField(_("sintesi"), blank=True)
    kind = models.ForeignKey(
        AgreementKind, verbose_name=_("tipo"), on_delete=models.PROTECT, related_name="agreements"
    )
    legal_basis = models.CharField(_("base giuridica"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("intesa quadro di riferimento"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("temi"), blank=True, related_name="agreements"
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("ambito territoriale"), blank=True, related_name="agreements"
    )
    coherence_statement = models.TextField(
        _("coerenza con il piano strategico"),
        blank=True,
        help_text=_(
            "Motivazione specifica del rapporto con il piano strategico (art. 35 dello "
            "Statuto): obbligatoria prima dell'approvazione."
        ),
    )
    is_public = models.BooleanField(_("pubblica"), default=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    effective_from = models.DateField(_("efficace dal"), null=True, blank=True)
    expires_on = models.DateField(_("scade il"), null=True, blank=True)
    renewal = models.CharField(
        _("rinnovo"), max_length=20, choices=Renewal.choices, default=Renewal.NONE
    )
    example_fields = models.JSONField(
        _("campi di esempio"),
        default=list,
        blank=True,
        help_text=_("Campi il cui valore è illustrativo (dati dimostrativi), non un fatto."),
    )
    source_note = models.TextField(_("fonti"), blank=True)
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[themes, areas])

    class Meta:
        verbose_name = _("intesa")
        verbose_name_plural = _("intese")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_on__gt=models.F("effective_from")),
                name="agreement_expires_after_start",
                violation_error_message=_("La scadenza deve seguire la data di efficacia."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="agreement_not_own_parent",
                violation_error_message=_("Un'intesa non può essere quadro di se stessa."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def get_absolute_url(self):
        return reverse("backoffice:agreement", args=[self.code])

    def is_example(self, field: str) -> bool:
        return field in (self.example_fields or [])


class PartyRole(models.TextChoices):
    PROMOTER = "promoter", _("Promotore")
    SIGNATORY = "signatory", _("Sottoscrittore")
    ADHERENT = "adherent", _("Aderente")
    IMPLEMENTER = "implementer", _("Attuatore")
    FUNDER = "funder", _("Finanziatore")


class Party(Versioned):
    """An organisation taking part in an agreement, with its role and its signature; versioned,
    since its signature date can be corrected."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        related_name="parties",
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=PartyRole.choices)
    signature_required = models.BooleanField(_("firma richiesta"), default=True)
    signed_on = models.DateField(_("firmata il"), null=True, blank=True)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parte")
        verbose_name_plural = _("parti")
        ordering = ["agreement", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation", "role"],
                name="party_once_per_role",
                violation_error_message=_("Questa organizzazione ha già questo ruolo nell'intesa."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def commitments_responsible(self):
        return self.agreement.commitments.filter(responsible=self.organisation)


class ActKind(models.TextChoices):
    METROPOLITAN_MAYOR_DECREE = (
        "decreto_sindaco_metropolitano",
        _("Decreto del Sindaco metropolitano"),
    )
    METROPOLITAN_COUNCIL = (
        "delibera_consiglio_metropolitano",
        _("Deliberazione del Consiglio metropolitano"),
    )
    MUNICIPAL_EXECUTIVE = "delibera_giunta_comunale", _("Deliberazione di Giunta comunale")
    MUNICIPAL_COUNCIL = "delibera_consiglio_comunale", _("Deliberazione di Consiglio comunale")
    REGIONAL = "atto_regionale", _("Atto regionale")
    AMENDMENT = "atto_aggiuntivo", _("Atto aggiuntivo")
    RENEWAL = "atto_rinnovo", _("Atto di rinnovo")
    OTHER = "altro", _("Altro atto")


class Act(Versioned):
    """An act approving or concerning an agreement, with its number, date and publication."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="acts"
    )
    kind = models.CharField(_("tipo di atto"), max_length=40, choices=ActKind.choices)
    number = models.CharField(_("numero"), max_length=50, blank=True)
    date = models.DateField(_("data"))
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("ente che lo adotta"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acts",
    )
    title = models.CharField(_("oggetto"), max_length=500, blank=True)
    approves = models.BooleanField(_("approva il testo dell'intesa"), default=False)
    published_from = models.DateField(_("pubblicato all'albo dal"), null=True, blank=True)
    published_to = models.DateField(_("pubblicato all'albo fino al"), null=True, blank=True)
    url = WebAddressField(_("indirizzo dell'atto"), max_length=500, blank=True)
    document = models.ForeignKey(
        "Document",
        verbose_name=_("documento dell'atto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acts",
        help_text=_("Un documento già allegato all'intesa che contiene l'atto."),
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("atto")
        verbose_name_plural = _("atti")
        ordering = ["agreement", "date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_to__isnull=True)
                | Q(published_from__isnull=True)
                | Q(published_to__gte=models.F("published_from")),
                name="act_publication_period",
                violation_error_message=_("La fine della pubblicazione deve seguirne l'inizio."),
            ),
        ]

    def __str__(self):
        values = {
            "kind": self.get_kind_display(),
            "number": self.number,
            "date": date_format(self.date, "SHORT_DATE_FORMAT"),
        }
        if self.number:
            return str(_("%(kind)s n. %(number)s del %(date)s") % values)
        return str(_("%(kind)s del %(date)s") % values)

    def clean(self):
        """The act's document is one of the agreement's own documents."""
        if (
            self.document_id is not None
            and self.agreement_id is not None
            and self.document.agreement_id != self.agreement_id
        ):
            raise ValidationError(
                {"document": _("Il documento indicato appartiene a un'altra intesa.")}
            )


class StatusChange(models.Model):
    """One step of an agreement's lifecycle: who moved it, when, by which act and why."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="status_changes"
    )
    action = models.CharField(_("azione"), max_length=30)
    from_status = models.CharField(_("da"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=Status.choices)
    on = models.DateField(_("data"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    act = models.ForeignKey(
        Act,
        verbose_name=_("atto"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    note = models.TextField(_("nota"), blank=True)
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")
        ordering = ["agreement", "on", "recorded_at"]

    def __str__(self):
        return f"{self.agreement.code}: {self.from_status} → {self.to_status} ({self.on})"


class FundingSource(models.TextChoices):
    PNRR = "pnrr", _("PNRR")
    REACT_EU = "react_eu", _("REACT-EU")
    FESR = "fesr", _("FESR")
    FSE_PLUS = "fse_plus", _("FSE+")
    NATIONAL = "national", _("Fondi nazionali")
    REGIONAL = "regional", _("Fondi regionali")
    OWN_BUDGET = "own_budget", _("Bilancio proprio")
    PRIVATE = "private", _("Fondi privati")


# The PNRR as revised in 2023: six missions and their components, plus the REPowerEU chapter
# (mission 7), which has no components.
PNRR_COMPONENTS = {"M1": 3, "M2": 4, "M3": 2, "M4": 2, "M5": 3, "M6": 2, "M7": 0}
PNRR_COMPONENT = re.compile(r"(?:(M[1-9]))?C([1-9])")
PNRR_INVESTMENT = re.compile(r"(?:Investimento\s+)?\d{1,2}(?:\.\d{1,2}){0,2}", re.IGNORECASE)


def pnrr_errors(line) -> dict:
    """Check a funding line's PNRR fields, upper-casing mission and component (the spreadsheet
    reads them upper-cased too, so a file never differs by case): mission M1-M7, component
    C1…Cn or M2C1…, investment 1.1 or Investimento 1.1. Returns the errors by field."""
    line.pnrr_mission = mission = line.pnrr_mission.strip().upper()
    line.pnrr_component = component = line.pnrr_component.strip().upper()
    line.pnrr_investment = investment = line.pnrr_investment.strip()
    if line.source != FundingSource.PNRR:
        if mission or component or investment:
            return {
                "pnrr_mission": _(
                    "Missione, componente e investimento si indicano solo per i fondi PNRR."
                )
            }
        return {}
    errors = {}
    if not mission:
        errors["pnrr_mission"] = _("Per un finanziamento PNRR indicare la missione (da M1 a M7).")
    elif mission not in PNRR_COMPONENTS:
        errors["pnrr_mission"] = _(
            "«%(value)s» non è una missione del PNRR: da M1 a M6, oppure M7 (REPowerEU)."
        ) % {"value": mission}
    found = PNRR_COMPONENT.fullmatch(component)
    if component and "pnrr_mission" not in errors:
        if not found or (found[1] and found[1] != mission):
            errors["pnrr_component"] = _(
                "«%(value)s» non è una componente della missione %(mission)s: scrivere ad "
                "esempio C1 oppure %(mission)sC1."
            ) % {"value": component, "mission": mission}
        elif int(found[2]) > PNRR_COMPONENTS[mission]:
            count = PNRR_COMPONENTS[mission]
            errors["pnrr_component"] = (
                _("La missione %(mission)s non ha componenti.") % {"mission": mission}
                if count == 0
                else _("La missione %(mission)s ha le componenti da C1 a C%(count)d.")
                % {"mission": mission, "count": count}
            )
    if investment and not PNRR_INVESTMENT.fullmatch(investment):
        errors["pnrr_investment"] = _(
            "«%(value)s» non è un investimento del PNRR: scrivere il numero, ad esempio "
            "1.1 oppure Investimento 1.1."
        ) % {"value": investment}
    return errors


class FundingLine(Versioned):
    """Money for an agreement from one source, in euro, with its CUP where it has one."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="funding_lines"
    )
    source = models.CharField(_("fonte"), max_length=20, choices=FundingSource.choices)
    description = models.CharField(_("descrizione"), max_length=300, blank=True)
    amount = models.DecimalField(_("importo (euro)"), max_digits=14, decimal_places=2)
    cup = models.CharField(_("CUP"), max_length=15, blank=True, validators=[validate_cup])
    pnrr_mission = models.CharField(_("missione PNRR"), max_length=10, blank=True)
    pnrr_component = models.CharField(_("componente PNRR"), max_length=10, blank=True)
    pnrr_investment = models.CharField(_("investimento PNRR"), max_length=20, blank=True)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finanziamento")
        verbose_name_plural = _("finanziamenti")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message=_("L'importo non può essere negativo."),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.amount} €"

    def clean_fields(self, exclude=None):
        self.cup = (self.cup or "").strip().upper()  # a CUP typed in lower case is still a CUP
        super().clean_fields(exclude=exclude)

    def clean(self):
        """PNRR mission, component and investment: only for PNRR money, in the plan's shape."""
        errors = pnrr_errors(self)
        if errors:
            raise ValidationError(errors)


class FundingShare(models.Model):
    """The part of a funding line that one party brings."""

    funding_line = models.ForeignKey(
        FundingLine,
        verbose_name=_("finanziamento"),
        on_delete=models.CASCADE,
        related_name="shares",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("parte"), on_delete=models.CASCADE, related_name="funding_shares"
    )
    amount = models.DecimalField(_("quota (euro)"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quota di finanziamento")
        verbose_name_plural = _("quote di finanziamento")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_share_not_negative",
                violation_error_message=_("La quota non può essere negativa."),
            ),
        ]

    def __str__(self):
        return f"{self.party}: {self.amount} €"


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("Da avviare")
    IN_PROGRESS = "in_progress", _("In corso")
    DONE = "done", _("Completato")
    CANCELLED = "cancelled", _("Annullato")


class Commitment(Versioned):
    """What a party undertakes to do under an agreement, by when; later linked to the plan."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="commitments"
    )
    title = models.CharField(_("impegno"), max_length=300)
    description = models.TextField(_("descrizione"), blank=True)
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsabile"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    starts_on = models.DateField(
        _("avvio"),
        null=True,
        blank=True,
        help_text=_("Se vuoto vale la data di efficacia dell'intesa; serve alla previsione."),
    )
    due_on = models.DateField(_("scadenza"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("peso"),
        default=1,
        help_text=_("Peso dell'impegno nelle aggregazioni dello stato di avanzamento."),
    )
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impegno")
        verbose_name_plural = _("impegni")
        ordering = ["agreement", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="commitment_weight_positive",
                violation_error_message=_("Il peso di un impegno è almeno 1."),
            ),
        ]

    def __str__(self):
        return self.title


class Milestone(Versioned):
    """A dated step of a commitment (traguardo)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("impegno"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("traguardo"), max_length=300)
    due_on = models.DateField(_("previsto il"))
    reached_on = models.DateField(_("raggiunto il"), null=True, blank=True)
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traguardo")
        verbose_name_plural = _("traguardi")
        ordering = ["commitment", "due_on"]

    def __str__(self):
        return self.title


def document_path(instance, filename):
    return f"agreements/{instance.agreement_id}/{instance.sha256}"


class Document(models.Model):
    """A file of an agreement (text, signed copy, annex), checked on upload, served as download."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titolo"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo di contenuto"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    text = models.TextField(_("testo estratto"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caricato da"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    # A removed document stays in the history (who removed it, when); its file is kept.
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["agreement", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "sha256"],
                name="document_once_per_agreement",
                violation_error_message=_("Questo file è già allegato all'intesa."),
            ),
        ]

    def __str__(self):
        return self.title


class PlanLink(models.Model):
    """An agreement (or one of its commitments) implements a plan item or a DUP objective.

    A link to the plan carries the specific motivation of its coherence with the plan that
    art. 35 of the CMM Statute requires.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("intesa"), on_delete=models.CASCADE, related_name="plan_links"
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("impegno"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_links",
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("voce del piano"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_links",
    )
    operational_objective = models.ForeignKey(
        "plans.OperationalObjective",
        verbose_name=_("obiettivo operativo del DUP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_links",
    )
    motivation = models.TextField(_("motivazione della coerenza"))
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collegamento al piano")
        verbose_name_plural = _("collegamenti al piano")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_item__isnull=False, operational_objective__isnull=True)
                | Q(plan_item__isnull=True, operational_objective__isnull=False),
                name="plan_link_one_target",
                violation_error_message=_(
                    "Un collegamento punta a una voce del piano oppure a un obiettivo del DUP."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(motivation=""),
                name="plan_link_motivated",
                violation_error_message=_(
                    "Serve la motivazione della coerenza con il piano (art. 35 dello Statuto)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.agreement.code} → {self.plan_item or self.operational_objective}"
