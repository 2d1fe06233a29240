"""The public transparency list of agreements, per semester, as a page and in open formats."""

import csv

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.agreements.transparency import (
    COLUMNS,
    FIRST_YEAR,
    ODS_MIME,
    Semester,
    csv_value,
    export_row,
    last_complete_semester,
    ods_bytes,
    party_organisations,
    transparency_list,
)
from intese.core.permissions import PUBLIC, requires
from intese.core.spreadsheets import Echo, neutralise


class SemesterForm(forms.Form):
    """`anno` and `semestre` from the address; a semester that has not begun is refused."""

    anno = forms.IntegerField(
        error_messages={
            "invalid": gettext_lazy("L'anno va indicato in cifre, ad esempio 2025."),
            "required": gettext_lazy("Indicare l'anno."),
        }
    )
    semestre = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("primo")), ("2", gettext_lazy("secondo"))],
        coerce=int,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Il semestre è 1 (gennaio-giugno) oppure 2 (luglio-dicembre)."
            ),
            "required": gettext_lazy("Indicare il semestre."),
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_anno(self):
        year = self.cleaned_data["anno"]
        if not FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(
                _("L'elenco riguarda gli anni dal %(first)s al %(last)s.")
                % {"first": FIRST_YEAR, "last": self.today.year}
            )
        return year

    def clean(self):
        data = super().clean()
        if "anno" in data and "semestre" in data:
            data["period"] = Semester(data["anno"], data["semestre"])
            if not data["period"].has_begun(self.today):
                raise forms.ValidationError(
                    _("Il %(semester)s non è ancora iniziato.")
                    % {"semester": data["period"].label()}
                )
        return data


def _choice(request) -> SemesterForm:
    today = timezone.localdate()
    default = last_complete_semester(today)
    data = {
        "anno": request.GET.get("anno", default.year),
        "semestre": request.GET.get("semestre", default.half),
    }
    form = SemesterForm(data, today=today)
    form.is_valid()
    form.default = default
    return form


def _document_url(request):
    """The address of an act's document for those allowed to download it, else None: the list
    holds only public agreements, which everybody with a role in the reserved area may open."""
    if not request.user.has_perm("agreements.browse"):
        return None
    return lambda pk: request.build_absolute_uri(reverse("backoffice:document_download", args=[pk]))


def _page(request, form, status=200):
    period = form.cleaned_data.get("period") if not form.errors else None
    agreements = list(transparency_list(period.year, period.half)) if period else []
    return render(
        request,
        "portal/transparency.html",
        {
            "form": form,
            "period": period,
            "rows": [(a, party_organisations(a)) for a in agreements],
            "can_download": _document_url(request) is not None,
            "years": range(form.today.year, FIRST_YEAR - 1, -1),
            # After a bad choice the selects show the default semester again.
            "chosen_year": form.cleaned_data.get("anno", form.default.year),
            "chosen_half": form.cleaned_data.get("semestre", form.default.half),
        },
        status=status,
    )


@requires(PUBLIC)
def transparency(request):
    form = _choice(request)
    return _page(request, form, status=400 if form.errors else 200)


@requires(PUBLIC)
def transparency_csv(request):
    form = _choice(request)
    if form.errors:
        return _page(request, form, status=400)
    period = form.cleaned_data["period"]
    agreements = transparency_list(period.year, period.half)
    document_url = _document_url(request)
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(COLUMNS)
        for agreement in agreements:
            yield writer.writerow(
                neutralise([csv_value(v) for v in export_row(agreement, document_url)])
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accordi-{period.slug}.csv"'
    return response


@requires(PUBLIC)
def transparency_ods(request):
    form = _choice(request)
    if form.errors:
        return _page(request, form, status=400)
    period = form.cleaned_data["period"]
    response = HttpResponse(
        ods_bytes(transparency_list(period.year, period.half), period, _document_url(request)),
        content_type=ODS_MIME,
    )
    response["Content-Disposition"] = f'attachment; filename="accordi-{period.slug}.ods"'
    return response
