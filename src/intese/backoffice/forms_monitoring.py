"""Forms of the plan office's monitoring pages: they check the shape; the services decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intese.actors.models import Organisation
from intese.agreements.models import Agreement, Commitment
from intese.backoffice.forms_agreements import DATE, StyledForm
from intese.backoffice.forms_dup import ServiceForm, item_label, offer
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    ReviewStatus,
    Round,
)
from intese.plans.models import Plan, PlanItem

RANGE_ORDER = _("Il valore massimo deve superare il minimo.")


def agreement_label(agreement: Agreement) -> str:
    return f"{agreement.code} — {agreement.title}"


class AgreementsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return agreement_label(obj)


class RoundForm(ServiceForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agreements = AgreementsField(
        label=_("Intese da monitorare"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Oltre a quelle collegate alle voci del piano scelto. Tenere premuto Ctrl (⌘) per "
            "sceglierne più d'una; digitare l'inizio del codice per trovarla nell'elenco."
        ),
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "period_start",
            "period_end",
            "plan",
            "agreements",
            "opens_on",
            "closes_on",
            "remind_days_before",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "opens_on": DATE,
            "closes_on": DATE,
        }
        help_texts = {
            "plan": _("Le intese collegate alle voci del piano entrano nel ciclo."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.order_by("-period_start", "code")
        self.fields["plan"].empty_label = _("— nessun piano: solo le intese scelte —")
        self.fields["agreements"].queryset = (
            Agreement.objects.exclude(status="revoked").only("code", "title").order_by("code")
        )
        if self.instance.pk:
            self.initial["agreements"] = [a.pk for a in self.instance.agreements.all()]
        self.keep_version()
        self.style()


def _subject_fields(form) -> None:
    items = form.fields["plan_item"]
    items.label_from_instance = item_label
    offer(
        items,
        group=lambda item: item.plan.title,
        shown=PlanItem.objects.select_related("plan")
        .only("code", "title", "depth", "path", "plan__title")
        .order_by("-plan__period_start", "plan__code", "path"),
    )
    agreements = form.fields["agreement"]
    agreements.label_from_instance = agreement_label
    offer(agreements, shown=Agreement.objects.only("code", "title").order_by("code"))
    commitments = form.fields["commitment"]
    commitments.label_from_instance = lambda c: c.title
    offer(
        commitments,
        group=lambda c: c.agreement.code,
        shown=Commitment.objects.select_related("agreement")
        .only("title", "agreement__code")
        .order_by("agreement__code", "due_on", "pk"),
    )
    for name in ("plan_item", "agreement", "commitment"):
        form.fields[name].empty_label = _("— nessuna —")


class IndicatorForm(ServiceForm, forms.ModelForm):
    """The subject is one of three selects; the service (the model's constraint) refuses
    none or more than one, with its own message."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "plan_item",
            "agreement",
            "commitment",
            "owner",
            "unit",
            "direction",
            "baseline_value",
            "baseline_on",
            "minimum",
            "maximum",
            "tolerance",
            "source",
            "periodicity",
            "weight",
        ]
        # Written as in Italian (12,5), like the values partners send.
        localized_fields = ["baseline_value", "minimum", "maximum", "tolerance"]
        widgets = {
            "baseline_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "plan_item": _("Ciò che l'indicatore misura: una voce del piano…"),
            "agreement": _("…oppure un'intesa…"),
            "commitment": _("…oppure un impegno di un'intesa. Una sola delle tre scelte."),
            "owner": _("L'organizzazione che rileva e invia i valori."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.only("name").order_by("name")
        _subject_fields(self)
        self.keep_version()
        self.style()

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and high <= low:
            self.add_error("maximum", RANGE_ORDER)
        return data


class TargetForm(StyledForm, forms.Form):
    due_on = forms.DateField(label=_("Entro il"), widget=DATE)
    value = forms.CharField(
        label=_("Valore obiettivo"),
        max_length=40,
        help_text=_("Nell'unità di misura dell'indicatore; la virgola separa i decimali."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


def _organisations_with_submissions(selected=""):
    waiting = {"review_status": ReviewStatus.SUBMITTED}
    shown = Q(pk__in=ProgressReport.objects.filter(**waiting).values("organisation")) | Q(
        pk__in=Measurement.objects.filter(**waiting).values("organisation")
    )
    if str(selected).isdigit():
        shown |= Q(pk=int(selected))
    return Organisation.objects.filter(shown).only("name").order_by("name")


class QueueFilterForm(StyledForm, forms.Form):
    ciclo = forms.ModelChoiceField(
        label=_("Ciclo"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("Tutti i cicli (e gli invii fuori ciclo)"),
    )
    organizzazione = forms.ModelChoiceField(
        label=_("Organizzazione"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tutte le organizzazioni"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ciclo"].queryset = Round.objects.only("title", "period_end")
        # Any organisation is accepted (the last one reviewed stays filtered, with an empty
        # queue); those with something waiting are offered.
        organisations = self.fields["organizzazione"]
        organisations.queryset = Organisation.objects.all()
        selected = self.data.get("organizzazione", "") if self.is_bound else ""
        offer(organisations, shown=_organisations_with_submissions(selected))
        self.style()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accetta")), ("send_back", _("Rinvia"))],
        error_messages={"required": _("Scegliere se accettare o rinviare.")},
    )
    reason = forms.CharField(label=_("Motivo del rinvio"), required=False)
