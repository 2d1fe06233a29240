"""Forms of the plan editor: they check the shape of the input; plans.services decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intese.backoffice.forms_agreements import DATE, StyledForm
from intese.plans.models import Plan, PlanAct, PlanItem, Term


class ServiceValidated:
    """Model validation and uniqueness are the service's job, inside its transaction."""

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class PlanForm(ServiceValidated, StyledForm, forms.ModelForm):
    level_names = forms.CharField(
        label=_("Livelli della gerarchia"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un nome per riga, dal livello più alto: es. Missione, Obiettivo, Azione."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = [
            "code",
            "title",
            "period_start",
            "period_end",
            "status",
            "adopted_on",
            "approved_on",
            "previous",
            "level_names",
            "source_note",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "adopted_on": DATE,
            "approved_on": DATE,
            "source_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = Plan.objects.exclude(pk=self.instance.pk)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["level_names"] = "\n".join(self.instance.level_names or [])
        self.style()

    def clean_level_names(self) -> list[str]:
        lines = self.cleaned_data["level_names"].splitlines()
        return [line.strip() for line in lines if line.strip()]


class TermChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, term):
        return f"{term.vocabulary.name}: {term.name}"


class ItemForm(ServiceValidated, StyledForm, forms.ModelForm):
    tags = TermChoiceField(
        label=_("Etichette"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Parole chiave, Driver, SDG: tenere premuto Ctrl per sceglierne più d'una."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanItem
        fields = [
            "code",
            "title",
            "description",
            "responsible_office",
            "tags",
            "is_example",
            "source_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Term.objects.select_related("vocabulary").order_by(
            "vocabulary__name", "order", "name"
        )
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        self.style()


class ItemChoiceField(forms.ModelChoiceField):
    """Offers the plan's items, but accepts any item: the service explains why it refuses one
    from another plan or from the moved item's own subtree."""

    def label_from_instance(self, item):
        return f"{'— ' * item.depth}{item.code} {item.title}"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return PlanItem.objects.get(pk=value)
        except (ValueError, TypeError, PlanItem.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class MoveForm(StyledForm, forms.Form):
    parent = ItemChoiceField(
        label=_("Nuova voce superiore"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("Nessuna: primo livello del piano"),
        help_text=_("La voce passa, con le sue sottovoci, in fondo alla voce scelta."),
    )

    def __init__(self, *args, item: PlanItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            PlanItem.objects.filter(plan_id=item.plan_id)
            .exclude(path__startswith=item.path)
            .only("code", "title", "depth", "path")
            .order_by("path")
        )
        self.initial.setdefault("parent", item.parent_id)
        self.style()


class ShiftForm(forms.Form):
    direction = forms.TypedChoiceField(
        choices=[("su", _("su")), ("giu", _("giù"))], coerce=lambda d: -1 if d == "su" else 1
    )


class PlanActForm(ServiceValidated, StyledForm, forms.ModelForm):
    example_fields = forms.MultipleChoiceField(
        label=_("Campi di esempio"),
        choices=[
            ("number", _("Numero")),
            ("date", _("Data")),
            ("title", _("Oggetto")),
            ("url", _("Indirizzo dell'atto")),
        ],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_(
            "I campi riempiti a scopo illustrativo, che non sono un fatto verificato: tenere "
            "premuto Ctrl per sceglierne più d'uno."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanAct
        fields = ["kind", "number", "date", "title", "url", "is_example", "example_fields"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        self.style()


class RemovalForm(forms.Form):
    """The confirmation of a removal: the version of the row as the user saw it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
