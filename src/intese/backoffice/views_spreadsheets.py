"""The agreements registry as a spreadsheet: export, empty template, import with a report."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.access.scopes import agreements_visible_to
from intese.agreements import selectors
from intese.agreements.spreadsheets import (
    FORMATS,
    MAX_UPLOAD_BYTES,
    export_agreements,
    import_agreements,
    template,
)
from intese.backoffice.forms_agreements import RegistryFilterForm
from intese.core.permissions import requires

UPLOAD_EXTENSIONS = (".xlsx", ".ods", ".zip")
SHOWN = 500  # rows of a report listed on the page; the counts cover them all


class ImportForm(forms.Form):
    """Shape only: the import reads, checks and reports; the services decide."""

    file = forms.FileField(
        label=gettext_lazy("File da importare"),
        help_text=gettext_lazy(
            "Foglio .xlsx o .ods, oppure archivio .zip con un file CSV per foglio, nel formato "
            "del modello; al massimo 10 MB."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Solo verifica: mostra che cosa cambierebbe, senza salvare nulla"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise ValidationError(
                _("Il file deve avere estensione .xlsx, .ods o .zip (file CSV compressi).")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Il file pesa %(size).1f MB: al massimo %(max)d MB.")
                % {"size": upload.size / 2**20, "max": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


def _download(spreadsheet):
    return FileResponse(
        spreadsheet.file,
        as_attachment=True,
        filename=spreadsheet.filename,
        content_type=spreadsheet.content_type,
    )


def _unknown_format():
    return HttpResponseBadRequest(_("Formato sconosciuto: scegliere xlsx, ods o csv."))


@requires("agreements.browse")
def agreements_export(request):
    """What the list shows with the same filters (its query string), among the agreements
    the user may see."""
    fmt = request.GET.get("formato", "xlsx")
    if fmt not in FORMATS:
        return _unknown_format()
    filters = RegistryFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    agreements = selectors.registry(
        agreements_visible_to(request.user),
        query=data.get("q") or "",
        kind=getattr(data.get("tipo"), "code", ""),
        status=data.get("stato") or "",
        theme=getattr(data.get("tema"), "code", ""),
        party=getattr(data.get("parte"), "pk", ""),
        zone=getattr(data.get("zona"), "code", ""),
        expiring_within=data.get("scadenza"),
        today=timezone.localdate(),
    )
    return _download(export_agreements(agreements, fmt))


@requires("agreements.browse")
def agreements_template(request):
    fmt = request.GET.get("formato", "xlsx")
    if fmt not in FORMATS:
        return _unknown_format()
    return _download(template(fmt))


@requires("agreements.manage")
def agreements_import(request):
    """Upload, check and import; the report is shown on the same page.

    The answer to the POST is the report itself rather than a redirect: sending the same file
    again is harmless, as the import compares it with the registry and finds nothing to do.
    """
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = import_agreements(
            form.cleaned_data["file"], by=request.user, dry_run=form.cleaned_data["dry_run"]
        )
    return render(
        request,
        "backoffice/spreadsheets_import.html",
        {"form": form, "report": report, "shown": SHOWN, "formats": FORMATS},
    )
