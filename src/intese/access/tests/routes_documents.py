"""Access policy of agreement documents: the plan office uploads them; whoever may open the
agreement downloads them. The agreement here is not public and Sesto San Giovanni is a party,
so the scoped roles show both outcomes."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from intese.access.tests.matrix import Route, only, reverse
from intese.actors.models import Organisation
from intese.agreements.models import Agreement, AgreementKind, Document
from intese.agreements.services import agreement_create, party_add

CODE = "MATRICE-DOCUMENTI"
# A one-page PDF, enough for a download; stored once under MEDIA_ROOT and reused by every run.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def private_agreement() -> Agreement:
    agreement = Agreement.objects.filter(code=CODE).first()
    if agreement is None:
        agreement = agreement_create(
            by=None,
            code=CODE,
            title="Convenzione riservata (matrice degli accessi)",
            kind=AgreementKind.objects.get(code="convenzione_art30"),
            is_public=False,
        )
        party_add(
            agreement=agreement,
            organisation=Organisation.objects.get(area__code="015209"),
            role="signatory",
            by=None,
        )
    return agreement


def document_url() -> str:
    agreement = private_agreement()
    digest = hashlib.sha256(PDF).hexdigest()
    name = f"agreements/matrix/{digest}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PDF))
    document, _created = Document.objects.get_or_create(
        agreement=agreement,
        sha256=digest,
        defaults={
            "title": "Testo della convenzione",
            "file": name,
            "original_name": "convenzione.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        },
    )
    return reverse("backoffice:document_download", args=[document.pk])


ROUTES = {
    "backoffice:document_upload": Route(
        lambda: reverse("backoffice:document_upload", args=[private_agreement().code]),
        only("administrator", "plan_editor"),
    ),
    # Whoever may open the agreement: the plan office and the reporter of Sesto, a party to it;
    # Rho, Nord Milano's coordinator and Sesto's Forum member (who sees the registry as the
    # public does) are refused, and the refusal is logged.
    "backoffice:document_download": Route(
        document_url,
        only("administrator", "plan_editor", "plan_viewer", "partner_sesto"),
    ),
}
