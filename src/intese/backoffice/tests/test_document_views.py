"""The plan office attaches documents to an agreement; whoever may open the agreement downloads
them, always as an attachment that the browser will not render as a page of the site."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intese.actors.models import Organisation
from intese.agreements import documents
from intese.agreements.documents import document_attach
from intese.agreements.models import AgreementKind, Document
from intese.agreements.services import agreement_create, party_add
from intese.agreements.tests.test_documents import EXE, p7m_bytes, pdf_bytes, pdf_of_size


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file())


@pytest.fixture
def agreement(people):
    """A reserved agreement with Sesto San Giovanni as a party (not Rho)."""
    agreement = agreement_create(
        by=people.plan_editor,
        code="CMMI-2025-017",
        title="Convenzione per il servizio associato di polizia locale",
        kind=AgreementKind.objects.get(code="convenzione_art30"),
        is_public=False,
    )
    party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(ipa_code="cmmi"),
        role="promoter",
        by=people.plan_editor,
    )
    party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(area__code="015209"),
        role="signatory",
        by=people.plan_editor,
    )
    return agreement


def upload_url(agreement):
    return reverse("backoffice:document_upload", args=[agreement.code])


def post_file(client, agreement, name, data, title="Testo della convenzione"):
    return client.post(
        upload_url(agreement), {"title": title, "file": SimpleUploadedFile(name, data)}
    )


@pytest.fixture
def document(agreement, people, media):
    return document_attach(
        agreement=agreement,
        upload=SimpleUploadedFile("Convenzione polizia locale.pdf", pdf_bytes()),
        title="Testo sottoscritto",
        by=people.plan_editor,
    )


# --- upload -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_upload_form_has_labelled_fields_and_says_what_is_allowed(client, people, agreement):
    client.force_login(people.plan_editor)
    html = client.get(upload_url(agreement)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_title"' in html and '<label for="id_file"' in html
    assert 'accept=".pdf,.odt,.docx,.p7m,.png,.jpg,.jpeg"' in html
    assert "PDF (anche PDF/A), ODT, DOCX, P7M firmato digitalmente, PNG o JPEG" in html
    assert "al massimo 20 MB" in html


@pytest.mark.django_db
def test_a_plan_editor_attaches_a_pdf_and_returns_to_the_agreement(
    client, people, agreement, media
):
    client.force_login(people.plan_editor)
    response = post_file(client, agreement, "convenzione.pdf", pdf_bytes())
    assert response.status_code == 302
    assert response["Location"] == f"/area-riservata/intese/{agreement.code}/"
    document = agreement.documents.get()
    assert document.title == "Testo della convenzione"
    assert document.uploaded_by == people.plan_editor
    assert len(stored_files(media)) == 1
    follow = client.get(response["Location"])
    assert "Documento «Testo della convenzione» allegato." in follow.content.decode()


@pytest.mark.django_db
def test_a_signed_p7m_is_attached_through_the_form(client, people, agreement, media):
    client.force_login(people.administrator)
    response = post_file(client, agreement, "convenzione.pdf.p7m", p7m_bytes(pdf_bytes()))
    assert response.status_code == 302
    assert agreement.documents.get().content_type == "application/pkcs7-mime"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "relazione.pdf",
            EXE,
            "Il file «relazione.pdf» non è un PDF: il contenuto è di tipo EXE "
            "(application/x-msdownload).",
        ),
        ("virus.exe", EXE, "Tipo di file non ammesso: «virus.exe»."),
        ("enorme.pdf", pdf_of_size(documents.MAX_SIZE + 1), "supera i 20 MB consentiti"),
    ],
)
def test_a_refused_file_is_explained_in_the_form_and_nothing_is_kept(
    client, people, agreement, media, name, data, message
):
    client.force_login(people.plan_editor)
    response = post_file(client, agreement, name, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html and "invalid-feedback" in html
    assert 'value="Testo della convenzione"' in html  # the title is kept for the next try
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_with_a_clear_message(client, people, agreement, media):
    client.force_login(people.plan_editor)
    post_file(client, agreement, "convenzione.pdf", pdf_bytes(), title="Testo firmato")
    response = post_file(client, agreement, "di nuovo.pdf", pdf_bytes(), title="Copia")
    assert "è già allegato a questa intesa, come «Testo firmato»" in response.content.decode()
    assert agreement.documents.count() == 1
    assert len(stored_files(media)) == 1


@pytest.mark.django_db
def test_title_and_file_are_both_required(client, people, agreement, media):
    client.force_login(people.plan_editor)
    response = client.post(upload_url(agreement), {"title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "file"}
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["plan_viewer", "partner_sesto", "body_member"])
def test_only_the_plan_office_editors_upload(client, people, agreement, media, role):
    client.force_login(getattr(people, role))
    assert post_file(client, agreement, "a.pdf", pdf_bytes()).status_code == 403
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_an_unknown_agreement_code_is_not_found(client, people):
    client.force_login(people.plan_editor)
    assert client.get(reverse("backoffice:document_upload", args=["NESSUNA"])).status_code == 404


# --- download ---------------------------------------------------------------------------------


def download(client, document):
    return client.get(reverse("backoffice:document_download", args=[document.pk]))


@pytest.mark.django_db
def test_a_document_is_served_as_an_attachment_that_cannot_run(client, people, document):
    client.force_login(people.partner_sesto)
    response = download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Convenzione polizia locale.pdf"'
    )
    assert response["Content-Length"] == str(len(pdf_bytes()))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_name_with_accents_and_quotes_gives_a_well_formed_header(
    client, people, agreement, media
):
    document = document_attach(
        agreement=agreement,
        upload=SimpleUploadedFile('Città "metropolitana".pdf', pdf_bytes()),
        title="Accordo",
        by=people.plan_editor,
    )
    client.force_login(people.plan_editor)
    disposition = download(client, document)["Content-Disposition"]
    assert disposition == "attachment; filename*=utf-8''Citt%C3%A0%20%22metropolitana%22.pdf"


@pytest.mark.django_db
def test_the_served_type_is_the_checked_one_not_what_the_browser_sent(
    client, people, agreement, media
):
    client.force_login(people.plan_editor)
    client.post(
        upload_url(agreement),
        {
            "title": "Testo",
            "file": SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="text/html"),
        },
    )
    assert download(client, agreement.documents.get())["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_partner_of_another_organisation_is_refused_and_the_refusal_is_logged(
    client, people, document, caplog
):
    client.force_login(people.partner_rho)
    with caplog.at_level("WARNING", logger="intese.security"):
        response = download(client, document)
    assert response.status_code == 403
    assert f"user={people.partner_rho.pk}" in caplog.text
    assert "agreements.open" in caplog.text


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, document):
    response = download(client, document)
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")


@pytest.mark.django_db
def test_an_unknown_document_or_a_lost_file_is_not_found(client, people, document, media):
    client.force_login(people.plan_editor)
    assert client.get(reverse("backoffice:document_download", args=[999999])).status_code == 404
    (media / document.file.name).unlink()
    assert download(client, document).status_code == 404
