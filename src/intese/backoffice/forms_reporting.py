"""Forms of a partner's reporting: they check the shape of the input; the monitoring services
decide (percent range, lateness needing an explanation, dates, units, evidence files)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.agreements import documents
from intese.agreements.spreadsheets import MAX_UPLOAD_BYTES
from intese.backoffice.forms_agreements import DATE, StyledForm
from intese.monitoring.models import SelfAssessment

TEXT = {"rows": 3}
EXPLANATION_HELP = gettext_lazy("Obbligatoria quando il dato porta lo stato in ritardo.")
EVIDENCE_HELP = gettext_lazy("Facoltativo: PDF, ODT, DOCX, file firmato P7M o immagine PNG/JPEG.")


def evidence_field():
    return forms.FileField(
        label=gettext_lazy("Documento a supporto"),
        required=False,
        help_text=EVIDENCE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": documents.ACCEPT}),
    )


class ProgressForm(StyledForm, forms.Form):
    percent = forms.IntegerField(
        label=gettext_lazy("Avanzamento (%)"),
        error_messages={
            "required": gettext_lazy("Indicare l'avanzamento, da 0 a 100."),
            "invalid": gettext_lazy("L'avanzamento è una percentuale intera tra 0 e 100."),
            "min_value": gettext_lazy("L'avanzamento è una percentuale intera tra 0 e 100."),
            "max_value": gettext_lazy("L'avanzamento è una percentuale intera tra 0 e 100."),
        },
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 1}),
    )
    self_assessment = forms.ChoiceField(
        label=gettext_lazy("Valutazione"),
        choices=[("", "—"), *SelfAssessment.choices],
        error_messages={"required": gettext_lazy("Scegliere una valutazione.")},
    )
    narrative = forms.CharField(
        label=gettext_lazy("Descrizione dell'avanzamento"),
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": gettext_lazy("Descrivere l'avanzamento.")},
    )
    obstacles = forms.CharField(
        label=gettext_lazy("Ostacoli"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    explanation = forms.CharField(
        label=gettext_lazy("Spiegazione"),
        required=False,
        help_text=EXPLANATION_HELP,
        widget=forms.Textarea(attrs=TEXT),
    )
    evidence = evidence_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class MeasurementForm(StyledForm, forms.Form):
    value = forms.CharField(
        label=gettext_lazy("Valore"),
        max_length=40,
        help_text=gettext_lazy("Nell'unità dell'indicatore; decimali con la virgola."),
        error_messages={"required": gettext_lazy("Indicare il valore.")},
    )
    measured_on = forms.DateField(
        label=gettext_lazy("Data di riferimento"),
        widget=DATE,
        error_messages={
            "required": gettext_lazy("Indicare la data di riferimento."),
            "invalid": gettext_lazy("Scrivere una data valida."),
        },
    )
    source = forms.CharField(label=gettext_lazy("Fonte"), max_length=300, required=False)
    note = forms.CharField(
        label=gettext_lazy("Nota"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    explanation = forms.CharField(
        label=gettext_lazy("Spiegazione"),
        required=False,
        help_text=EXPLANATION_HELP,
        widget=forms.Textarea(attrs=TEXT),
    )
    evidence = evidence_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class OrganisationChoiceForm(StyledForm, forms.Form):
    """The Ufficio di Piano picks the organisation to report for (a GET form)."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Rendiconta per conto di"),
        queryset=None,
        empty_label="—",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.style()


class ImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File compilato"),
        help_text=gettext_lazy("Il modello scaricato, in formato .xlsx o .ods; al massimo 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".ods")):
            raise ValidationError(_("Il file deve avere estensione .xlsx o .ods."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Il file pesa %(size).1f MB: al massimo %(max)d MB.")
                % {"size": upload.size / 2**20, "max": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload
