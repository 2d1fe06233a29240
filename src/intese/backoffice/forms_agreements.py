"""Forms of the registry: they check the shape of the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intese.actors.models import Organisation
from intese.agreements import lifecycle
from intese.agreements.models import (
    Act,
    Agreement,
    AgreementKind,
    Commitment,
    FundingLine,
    Milestone,
    Party,
    Status,
    Theme,
)
from intese.territory.models import Area, AreaKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm:
    """Bootstrap Italia classes on every widget."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, (forms.HiddenInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-control")


def scope_choices():
    return Area.objects.filter(
        kind__in=[AreaKind.METROPOLITAN_CITY, AreaKind.ZONE, AreaKind.MUNICIPALITY],
        valid_to__isnull=True,
    ).order_by("kind", "name")


class AgreementForm(StyledForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agreement
        fields = [
            "code",
            "title",
            "summary",
            "kind",
            "legal_basis",
            "parent",
            "themes",
            "areas",
            "coherence_statement",
            "is_public",
            "effective_from",
            "expires_on",
            "renewal",
        ]
        widgets = {
            "effective_from": DATE,
            "expires_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "coherence_statement": forms.Textarea(attrs={"rows": 4}),
            "areas": forms.SelectMultiple(attrs={"size": 8}),
            "themes": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = AgreementKind.objects.all()
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["areas"].queryset = scope_choices()
        self.fields["parent"].queryset = Agreement.objects.only("code", "title").exclude(
            pk=self.instance.pk
        )
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        self.style()

    def validate_unique(self):
        """The service checks uniqueness inside its transaction."""

    def _post_clean(self):
        """Model validation is the service's job (it also knows the lifecycle rules)."""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class TransitionForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("Data"), widget=DATE)
    act = forms.ModelChoiceField(label=_("Atto"), queryset=Act.objects.none(), required=False)
    note = forms.CharField(
        label=_("Nota"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    new_expires_on = forms.DateField(label=_("Nuova scadenza"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agreement, action: lifecycle.Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["act"].queryset = agreement.acts.order_by("-date")
        self.fields["act"].required = action.needs_act
        self.fields["note"].required = action.needs_note
        if action.name != "renew":
            del self.fields["new_expires_on"]
        if not (action.needs_act or action.name in ("approve",)):
            self.fields["act"].help_text = _("Facoltativo.")
        self.initial.setdefault("version", agreement.version)
        self.style()


class PartyForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Party
        fields = ["organisation", "role", "signature_required", "is_example"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.only("name").order_by("name")
        self.style()

    def _post_clean(self):
        pass


class SignatureForm(StyledForm, forms.Form):
    signed_on = forms.DateField(label=_("Data della firma"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ActForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Act
        fields = [
            "kind",
            "number",
            "date",
            "issuer",
            "title",
            "approves",
            "published_from",
            "published_to",
            "url",
            "is_example",
        ]
        widgets = {"date": DATE, "published_from": DATE, "published_to": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Organisation.objects.only("name").order_by("name")
        self.style()

    def _post_clean(self):
        pass


class CommitmentForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["title", "description", "responsible", "due_on", "status", "is_example"]
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = (
            Organisation.objects.filter(parties__agreement=agreement).distinct().order_by("name")
        )
        self.style()

    def _post_clean(self):
        pass


class MilestoneForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on", "is_example"]
        widgets = {"due_on": DATE, "reached_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def _post_clean(self):
        pass


class FundingForm(StyledForm, forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = [
            "source",
            "description",
            "amount",
            "cup",
            "pnrr_mission",
            "pnrr_component",
            "pnrr_investment",
            "is_example",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def _post_clean(self):
        pass


class RegistryFilterForm(StyledForm, forms.Form):
    q = forms.CharField(
        label=_("Cerca per codice, titolo o sintesi"), required=False, max_length=100
    )
    tipo = forms.ModelChoiceField(
        label=_("Tipo"),
        queryset=AgreementKind.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tutti i tipi"),
    )
    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti gli stati")), *Status.choices]
    )
    tema = forms.ModelChoiceField(
        label=_("Tema"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tutti i temi"),
    )
    parte = forms.ModelChoiceField(
        label=_("Parte"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Tutte le parti"),
    )
    zona = forms.ModelChoiceField(
        label=_("Zona omogenea"),
        required=False,
        queryset=Area.objects.zones(),
        to_field_name="code",
        empty_label=_("Tutte le zone"),
    )
    scadenza = forms.TypedChoiceField(
        label=_("In scadenza"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Qualsiasi scadenza")),
            ("30", _("entro 30 giorni")),
            ("90", _("entro 90 giorni")),
            ("180", _("entro 180 giorni")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parte"].queryset = (
            Organisation.objects.filter(pk__in=Party.objects.values("organisation"))
            .only("name")
            .order_by("name")
        )
        self.style()
