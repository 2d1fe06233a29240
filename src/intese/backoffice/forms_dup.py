"""Forms of the DUP, of the links to the plan and of the coherence pages: they check the shape
of the input; plans.dup and agreements.services decide."""

from functools import partial
from itertools import groupby

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from intese.actors.models import Organisation
from intese.agreements.models import Commitment, Party, Theme
from intese.backoffice.forms_agreements import StyledForm
from intese.plans import dup
from intese.plans.models import (
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.territory.models import Area

INDENT = "\u00a0\u00a0\u00a0"
CLASSIFICATION_REQUIRED = _("Ogni obiettivo operativo va classificato per Missione e Programma.")
MOTIVATION_REQUIRED = _("Serve la motivazione della coerenza con il piano (art. 35 dello Statuto).")


class OfferedChoices(ModelChoiceIterator):
    """The options of a model choice field, in <optgroup>s named by `group(row)` if given.

    `shown` lists the rows offered when they differ from the rows accepted: a form may accept
    any plan item so that the service, not a generic "invalid choice", explains why one of
    another plan is refused.
    """

    def __init__(self, field, group=None, shown=None):
        super().__init__(field)
        self.group = group
        if shown is not None:
            self.queryset = shown

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.group is None:
            yield from (self.choice(row) for row in self.queryset)
            return
        for label, rows in groupby(self.queryset, key=self.group):
            yield (label, [self.choice(row) for row in rows])


def offer(field, *, group=None, shown=None) -> None:
    field.iterator = partial(OfferedChoices, group=group, shown=shown)
    field.widget.choices = field.choices


def item_label(item: PlanItem) -> str:
    return f"{INDENT * item.depth}{item.code} {item.title}"


def programme_label(programme: BudgetProgramme) -> str:
    label = f"{programme.code} {programme.name}"
    if programme.evidence.startswith("unverified"):
        label += " — " + str(_("denominazione da verificare"))
    return label


def plan_items_of(plan: Plan | None):
    if plan is None:
        return PlanItem.objects.none()
    return (
        plan.items.select_related("plan")
        .only("code", "title", "depth", "path", "plan__title")
        .order_by("path")
    )


class ServiceForm(StyledForm):
    """A ModelForm whose model validation and uniqueness are the service's job."""

    def validate_unique(self):
        """The service checks uniqueness inside its transaction."""

    def _post_clean(self):
        """Model validation is the service's job."""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def keep_version(self):
        if self.instance.pk:
            self.initial["version"] = self.instance.version


SOURCE_FIELDS = ["source_url", "source_note", "is_example", "example_fields"]
SOURCE_WIDGETS = {"source_note": forms.Textarea(attrs={"rows": 3})}
SOURCE_HELP = {
    "source_url": _("L'indirizzo dell'atto o della pagina che ne attesta il contenuto."),
    "source_note": _("Altre fonti, o che cosa dicono: una per riga."),
    "is_example": _("L'intera riga è illustrativa (dati della demo), non un fatto."),
}


def example_fields_field(model, names) -> forms.MultipleChoiceField:
    """The values of a row that may be flagged as illustrative, by their field names."""
    return forms.MultipleChoiceField(
        label=_("Campi di esempio"),
        choices=[(name, model._meta.get_field(name).verbose_name.capitalize()) for name in names],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": min(len(names), 6)}),
        help_text=_(
            "I valori illustrativi, che non sono un fatto verificato: tenere premuto Ctrl (⌘) "
            "per sceglierne più d'uno."
        ),
    )


class DocumentForm(ServiceForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    example_fields = example_fields_field(ProgrammingDocument, dup.DOCUMENT_EXAMPLE_FIELDS)

    class Meta:
        model = ProgrammingDocument
        fields = [
            "code",
            "title",
            "kind",
            "first_year",
            "last_year",
            "updates",
            "plan",
            *SOURCE_FIELDS,
        ]
        widgets = SOURCE_WIDGETS
        help_texts = {
            "updates": _("Solo per una nota di aggiornamento: il DUP che aggiorna."),
            "plan": _("Le voci di questo piano sono quelle che gli obiettivi possono attuare."),
            **SOURCE_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].queryset = ProgrammingDocument.objects.filter(
            kind=ProgrammingDocument.Kind.DUP
        ).exclude(pk=self.instance.pk)
        self.fields["plan"].queryset = Plan.objects.all()
        self.keep_version()
        self.style()


class PlanItemsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=PlanItem.objects.all(),
            required=False,
            label=_("Voci del piano attuate"),
            widget=forms.SelectMultiple(attrs={"size": 10}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return item_label(obj)


def _offer_items(field, document: ProgrammingDocument) -> None:
    offer(field, group=lambda item: item.plan.title, shown=plan_items_of(document.plan))
    if document.plan_id is None:
        field.help_text = _("Il documento non indica ancora il piano strategico di riferimento.")
    else:
        field.help_text = _(
            "Voci di %(plan)s. Tenere premuto Ctrl (⌘) per sceglierne più d'una."
        ) % {"plan": document.plan}


class StrategicObjectiveForm(ServiceForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    plan_items = PlanItemsField()
    example_fields = example_fields_field(StrategicObjective, dup.STRATEGIC_EXAMPLE_FIELDS)

    class Meta:
        model = StrategicObjective
        fields = ["code", "title", "mission", "plan_items", *SOURCE_FIELDS]
        widgets = SOURCE_WIDGETS
        help_texts = SOURCE_HELP

    def __init__(self, *args, document: ProgrammingDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = BudgetMission.objects.all()
        _offer_items(self.fields["plan_items"], document)
        # The items it implements are in `initial` already: plan_items is a field of the model.
        self.keep_version()
        self.style()


class ProgrammeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return programme_label(obj)


class OperationalObjectiveForm(ServiceForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.TypedChoiceField(label=_("Anno"), coerce=int)
    programme = ProgrammeField(
        label=_("Missione e Programma di bilancio"),
        queryset=BudgetProgramme.objects.none(),
        error_messages={"required": CLASSIFICATION_REQUIRED},
        help_text=_("Classificazione del bilancio armonizzato (D.Lgs. 118/2011)."),
    )
    plan_items = PlanItemsField()
    example_fields = example_fields_field(OperationalObjective, dup.OPERATIONAL_EXAMPLE_FIELDS)

    class Meta:
        model = OperationalObjective
        fields = [
            "year",
            "code",
            "title",
            "strategic_objective",
            "programme",
            "responsible_office",
            "plan_items",
            *SOURCE_FIELDS,
        ]
        widgets = SOURCE_WIDGETS
        help_texts = SOURCE_HELP

    def __init__(self, *args, document: ProgrammingDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (year, year) for year in range(document.first_year, document.last_year + 1)
        ]
        self.fields["strategic_objective"].queryset = document.strategic_objectives.order_by("code")
        programme = self.fields["programme"]
        programme.queryset = BudgetProgramme.objects.select_related("mission").order_by("code")
        offer(programme, group=lambda p: str(p.mission))
        _offer_items(self.fields["plan_items"], document)
        # The items it implements are in `initial` already: plan_items is a field of the model.
        self.keep_version()
        self.style()


class PlanLinkForm(StyledForm, forms.Form):
    """Link an agreement, or one of its commitments, to a plan item or a DUP objective."""

    plan_item = forms.ModelChoiceField(
        label=_("Voce del piano"),
        queryset=PlanItem.objects.all(),
        required=False,
        empty_label=_("— nessuna —"),
    )
    operational_objective = forms.ModelChoiceField(
        label=_("Obiettivo operativo del DUP"),
        queryset=OperationalObjective.objects.all(),
        required=False,
        empty_label=_("— nessuno —"),
        help_text=_(
            "In alternativa alla voce del piano: un collegamento ha una sola destinazione."
        ),
    )
    commitment = forms.ModelChoiceField(
        label=_("Impegno"),
        queryset=Commitment.objects.all(),
        required=False,
        empty_label=_("Nessuno: l'intesa nel suo insieme"),
        help_text=_("Facoltativo: quando è un impegno dell'intesa ad attuare la voce."),
    )
    motivation = forms.CharField(
        label=_("Motivazione della coerenza"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": MOTIVATION_REQUIRED},
        help_text=_(
            "Motivazione specifica del rapporto con il piano strategico, richiesta dall'art. 35 "
            "dello Statuto per ogni piano e atto generale dell'ente."
        ),
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        items = self.fields["plan_item"]
        items.label_from_instance = item_label
        offer(
            items,
            group=lambda item: item.plan.title,
            shown=PlanItem.objects.select_related("plan")
            .only("code", "title", "depth", "path", "plan__title")
            .order_by("-plan__period_start", "plan__code", "path"),
        )
        objectives = self.fields["operational_objective"]
        objectives.label_from_instance = lambda o: f"{o.year} · {o.code} {o.title}"
        offer(
            objectives,
            group=lambda objective: objective.document.title,
            shown=OperationalObjective.objects.select_related("document")
            .only("code", "title", "year", "document__title")
            .order_by("-document__first_year", "document__code", "year", "code"),
        )
        offer(self.fields["commitment"], shown=agreement.commitments.order_by("due_on", "pk"))
        self.style()

    def clean(self):
        data = super().clean()
        targets = [data.get("plan_item"), data.get("operational_objective")]
        if all(t is None for t in targets) and not self.has_error("plan_item"):
            raise forms.ValidationError(
                _("Scegliere la voce del piano oppure l'obiettivo operativo del DUP da collegare.")
            )
        if all(t is not None for t in targets):
            raise forms.ValidationError(
                _(
                    "Un collegamento punta a una voce del piano oppure a un obiettivo del DUP, "
                    "non a entrambi."
                )
            )
        return data


class MatrixFilterForm(StyledForm, forms.Form):
    piano = forms.ModelChoiceField(
        label=_("Piano"),
        queryset=Plan.objects.all(),
        to_field_name="code",
        empty_label=None,
        required=False,  # the most recent plan when the address does not name one
        error_messages={
            "invalid_choice": _(
                "Piano sconosciuto: è mostrato il più recente piano non in bozza che ha voci."
            )
        },
    )
    tema = forms.ModelChoiceField(
        label=_("Tema"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tutti i temi"),
        error_messages={
            "invalid_choice": _("Tema sconosciuto: il filtro per tema non è applicato.")
        },
    )
    zona = forms.ModelChoiceField(
        label=_("Zona omogenea"),
        queryset=Area.objects.zones().filter(valid_to__isnull=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tutte le zone"),
        error_messages={
            "invalid_choice": _("Zona sconosciuta: il filtro per zona non è applicato.")
        },
    )
    parte = forms.ModelChoiceField(
        label=_("Parte"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tutte le parti"),
        error_messages={
            "invalid_choice": _("Parte sconosciuta: il filtro per parte non è applicato.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parte"].queryset = (
            Organisation.objects.filter(pk__in=Party.objects.values("organisation"))
            .only("name")
            .order_by("name")
        )
        self.style()


class GapFilterForm(StyledForm, forms.Form):
    piano = forms.ModelChoiceField(
        label=_("Piano"),
        queryset=Plan.objects.all(),
        to_field_name="code",
        empty_label=None,
        required=False,  # the most recent plan when the address does not name one
        error_messages={
            "invalid_choice": _(
                "Piano sconosciuto: è mostrato il più recente piano non in bozza che ha voci."
            )
        },
    )
    dup = forms.ModelChoiceField(
        label=_("Documento di programmazione"),
        queryset=ProgrammingDocument.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Il più recente"),
        error_messages={
            "invalid_choice": _(
                "Documento sconosciuto: è mostrato il più recente documento del piano."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
