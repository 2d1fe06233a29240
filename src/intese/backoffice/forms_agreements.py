"""Forms of the registry: they check the shape of the input; the services decide."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intese.actors.models import Organisation
from intese.agreements import lifecycle
from intese.agreements.models import (
    Act,
    ActKind,
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


class VersionedForm:
    """Carries the version of the row it edits: the service refuses a stale save."""

    def keep_version(self):
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class AgreementForm(StyledForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A code, not a list of every agreement: the registry has thousands of them.
    parent = forms.CharField(
        label=_("Intesa quadro di riferimento (codice)"),
        required=False,
        max_length=40,
        help_text=_(
            "Il codice dell'intesa quadro che questa attua (ad esempio «CMM-CQ-MI-2023»); "
            "vuoto se non ne attua nessuna."
        ),
    )

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
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["parent"] = self.instance.parent.code if self.instance.parent else ""
        self.style()

    def clean_parent(self):
        code = self.cleaned_data["parent"].strip()
        if not code:
            return None
        parent = Agreement.objects.filter(code=code).first()
        if parent is None:
            raise ValidationError(
                _("Nessuna intesa ha il codice «%(code)s»."), params={"code": code}
            )
        if self.instance.pk and parent.pk == self.instance.pk:
            raise ValidationError(_("Un'intesa non può essere quadro di se stessa."))
        return parent

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
        if action.name == "sign":
            # The stipulation date is the last required signature's, never typed.
            del self.fields["on"]
        if action.act_kinds:
            self.fields["act"].queryset = self.fields["act"].queryset.filter(
                kind__in=action.act_kinds
            )
            self.fields["act"].help_text = _(
                "Un atto di tipo «%(kinds)s», non anteriore alla stipula: se manca, "
                "registrarlo prima fra gli atti dell'intesa."
            ) % {"kinds": ", ".join(str(ActKind(k).label) for k in sorted(action.act_kinds))}
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


class SignatureCorrectionForm(VersionedForm, StyledForm, forms.ModelForm):
    """Correct the date of a signature already recorded."""

    class Meta:
        model = Party
        fields = ["signed_on"]
        widgets = {"signed_on": DATE}
        labels = {"signed_on": _("Data corretta della firma")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].required = True
        self.fields["signed_on"].help_text = _(
            "La data di stipula (l'ultima firma richiesta) si aggiorna di conseguenza."
        )
        self.keep_version()
        self.style()

    def _post_clean(self):
        pass


class ActForm(VersionedForm, StyledForm, forms.ModelForm):
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
            "document",
            "is_example",
        ]
        widgets = {"date": DATE, "published_from": DATE, "published_to": DATE}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Organisation.objects.only("name").order_by("name")
        # Only the agreement's own documents; the service refuses any other.
        self.fields["document"].queryset = agreement.documents.only("title").order_by("title")
        self.fields["document"].help_text = _(
            "Facoltativo: un documento già allegato a questa intesa (il testo dell'atto)."
        )
        self.keep_version()
        self.style()

    def _post_clean(self):
        pass


class CommitmentForm(VersionedForm, StyledForm, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = [
            "title",
            "description",
            "responsible",
            "starts_on",
            "due_on",
            "weight",
            "status",
            "is_example",
        ]
        widgets = {
            "starts_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = (
            Organisation.objects.filter(parties__agreement=agreement).distinct().order_by("name")
        )
        self.keep_version()
        self.style()

    def _post_clean(self):
        pass


class MilestoneForm(VersionedForm, StyledForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on", "is_example"]
        widgets = {"due_on": DATE, "reached_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_version()
        self.style()

    def _post_clean(self):
        pass


class MilestoneReachedForm(VersionedForm, StyledForm, forms.ModelForm):
    """Mark a milestone reached: its date only."""

    class Meta:
        model = Milestone
        fields = ["reached_on"]
        widgets = {"reached_on": DATE}

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached_on"].required = True
        self.initial.setdefault("reached_on", self.instance.reached_on or today)
        self.keep_version()
        self.style()

    def _post_clean(self):
        pass


class FundingForm(VersionedForm, StyledForm, forms.ModelForm):
    """A funding line with the share each party brings, in euro or as a percentage of the
    amount; the service checks that the shares stay within the line."""

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

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(agreement.parties.select_related("organisation"))
        current = (
            {share.party_id: share.amount for share in self.instance.shares.all()}
            if self.instance.pk
            else {}
        )
        for party in self.parties:
            name = f"{party.organisation.name} ({party.get_role_display()})"
            self.fields[f"share_{party.pk}"] = forms.DecimalField(
                label=_("Quota di %(name)s (euro)") % {"name": name},
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
            )
            self.fields[f"percent_{party.pk}"] = forms.DecimalField(
                label=_("oppure quota di %(name)s (percentuale dell'importo)") % {"name": name},
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
            )
            if party.pk in current:
                self.initial[f"share_{party.pk}"] = current[party.pk]
                if self.instance.amount:
                    percent = current[party.pk] * 100 / self.instance.amount
                    self.fields[f"share_{party.pk}"].help_text = _(
                        "Pari al %(percent)s%% dell'importo."
                    ) % {"percent": f"{percent:.2f}".replace(".", ",")}
        self.keep_version()
        self.style()

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        shares = []
        for party in self.parties:
            share = data.get(f"share_{party.pk}")
            percent = data.get(f"percent_{party.pk}")
            if percent is not None and amount is not None:
                from_percent = (amount * percent / 100).quantize(Decimal("0.01"))
                if share is not None and share != from_percent:
                    self.add_error(
                        f"percent_{party.pk}",
                        _(
                            "La percentuale dà %(value)s euro, la quota in euro ne indica "
                            "%(share)s: indicare l'una o l'altra."
                        )
                        % {"value": from_percent, "share": share},
                    )
                share = from_percent
            if share:
                shares.append((party, share))
        data["shares"] = shares
        return data

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = super().service_fields()
        return {k: v for k, v in data.items() if not k.startswith(("share_", "percent_"))}


class RegistryFilterForm(StyledForm, forms.Form):
    q = forms.CharField(
        label=_("Cerca per codice, titolo, sintesi o testo dei documenti"),
        help_text=_("Cerca anche nel testo estratto dai documenti allegati."),
        required=False,
        max_length=100,
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
