"""Documents of an agreement in the reserved area: upload (plan office) and download."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.agreements.documents import ACCEPT, MAX_SIZE, document_attach
from intese.agreements.models import Agreement, Document
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires

# A user file is never a page of this site: no scripts, no plugins, no same-origin rights.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


class DocumentForm(forms.Form):
    """Shape only: document_attach checks the file."""

    title = forms.CharField(
        label=gettext_lazy("Titolo"),
        max_length=300,
        help_text=gettext_lazy("Ad esempio: «Testo sottoscritto» o «Allegato A — cronoprogramma»."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF (anche PDF/A), ODT, DOCX, P7M firmato digitalmente, PNG o JPEG; "
            "al massimo %(mb)s MB."
        ) % {"mb": MAX_SIZE // (1024 * 1024)}


@requires("agreements.manage")
def document_upload(request, code):
    agreement = get_object_or_404(Agreement, code=code)
    authorize(request, "agreements.open", agreement)
    form = DocumentForm(request.POST, request.FILES) if request.method == "POST" else DocumentForm()
    if form.is_bound and form.is_valid():
        try:
            document = document_attach(
                agreement=agreement,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else "file", error.message)
        else:
            messages.success(
                request, _("Documento «%(title)s» allegato.") % {"title": document.title}
            )
            return redirect(agreement)
    return render(
        request,
        "backoffice/documents_upload.html",
        {
            "agreement": agreement,
            "form": form,
            "documents": agreement.documents.select_related("uploaded_by"),
        },
    )


@requires("agreements.browse")
def document_download(request, pk):
    """The file as an attachment with its checked type: never rendered on the site's origin."""
    document = get_object_or_404(Document.objects.select_related("agreement"), pk=pk)
    authorize(request, "agreements.open", document.agreement)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file di questo documento non è disponibile.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True)
    return response
