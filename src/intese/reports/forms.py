"""Forms of the reports: shape only; services.check_parameters says whether they hold together."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intese.plans.models import Plan, ProgrammingDocument
from intese.reports.models import ReportFormat


def _this_year() -> int:
    return timezone.localdate().year


class YearlyReportForm(forms.Form):
    """Which report: read from the query string (to show it) or posted (to make its file)."""

    piano = forms.ModelChoiceField(
        label=_("Piano strategico"), queryset=Plan.objects.all(), to_field_name="code"
    )
    dup = forms.ModelChoiceField(
        label=_("DUP (facoltativo)"),
        queryset=ProgrammingDocument.objects.all(),
        to_field_name="code",
        required=False,
        help_text=_("Con il DUP la relazione riporta anche Missioni, Programmi e obiettivi."),
    )
    anno = forms.IntegerField(label=_("Anno"), min_value=2000, max_value=2100)
    al = forms.DateField(
        label=_("Dati al (facoltativo)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Se vuoto, il 31 dicembre dell'anno."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"].initial = _this_year() - 1
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class ReportRequestForm(YearlyReportForm):
    formato = forms.ChoiceField(label=_("Formato"), choices=ReportFormat.choices)
