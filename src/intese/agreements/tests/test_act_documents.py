"""An act links to its web address or to a document uploaded to the same agreement: the plan
office picks it in the act's form, the agreement page and the transparency list lead to it
(the download for those allowed, the web address for everybody else)."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intese.agreements import services
from intese.agreements.documents import document_attach
from intese.agreements.tests.test_transparency import stipulate
from intese.testing import agreements as build
from intese.testing.files import pdf_bytes

D = datetime.date
HTMX = {"hx-request": "true"}
S1_2025 = {"anno": "2025", "semestre": "1"}
ACT_URL = "https://www.cittametropolitana.mi.it/atti/decreto-12-2025"
ANOTHER = "Il documento indicato appartiene a un'altra intesa."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def attach(people):
    """Upload a PDF to an agreement, as the plan office."""

    def upload(agreement, title="Decreto firmato", text="Decreto del Sindaco metropolitano"):
        return document_attach(
            agreement=agreement,
            upload=SimpleUploadedFile("decreto.pdf", pdf_bytes(text)),
            title=title,
            by=people.plan_editor,
        )

    return upload


def act_data(act, **changes):
    data = {
        "kind": act.kind,
        "number": act.number,
        "date": act.date.isoformat(),
        "issuer": act.issuer_id or "",
        "title": act.title,
        "approves": "on" if act.approves else "",
        "published_from": "",
        "published_to": "",
        "url": act.url,
        "document": act.document_id or "",
        "version": act.version,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_an_act_links_to_a_document_of_its_agreement(people, attach):
    agreement = build.proposal()
    document = attach(agreement)
    act = services.act_add(
        agreement=agreement,
        by=people.plan_editor,
        kind="decreto_sindaco_metropolitano",
        number="45/2024",
        date=D(2024, 3, 1),
        approves=True,
        document=document,
    )
    assert act.document == document
    assert list(document.acts.all()) == [act]
    assert act.history.latest().document_id == document.pk


@pytest.mark.django_db
def test_a_document_of_another_agreement_is_refused_when_adding_or_correcting(attach):
    agreement, other = build.proposal(), build.proposal()
    foreign = attach(other)
    with pytest.raises(ValidationError) as refusal:
        services.act_add(
            agreement=agreement, by=None, kind="altro", date=D(2024, 3, 1), document=foreign
        )
    assert refusal.value.message_dict == {"document": [ANOTHER]}
    assert not agreement.acts.exists()
    act = build.approving_act(agreement)
    with pytest.raises(ValidationError, match=ANOTHER):
        services.act_update(act=act, expected_version=act.version, by=None, document=foreign)
    act.refresh_from_db()
    assert act.document is None and act.version == 1


@pytest.mark.django_db
def test_removing_the_document_unlinks_the_act_with_a_history_record(people, attach):
    agreement = build.proposal()
    document = attach(agreement)
    act = services.act_add(
        agreement=agreement, by=None, kind="altro", date=D(2024, 3, 1), document=document
    )
    services.document_remove(document=document, by=people.plan_editor)
    act.refresh_from_db()
    assert act.document is None and act.version == 2
    assert act.history.latest().history_user == people.plan_editor


# --- the back office ---------------------------------------------------------------------------


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


@pytest.mark.django_db
def test_the_act_form_offers_only_the_agreements_documents(editor, attach):
    agreement, other = build.proposal(), build.proposal()
    own, foreign = attach(agreement), attach(other, title="Testo di un'altra intesa")
    act = build.approving_act(agreement)
    edit = reverse("backoffice:act_edit", args=[agreement.code, act.pk])
    for address in (reverse("backoffice:act_add", args=[agreement.code]), edit):
        form = editor.get(address, headers=HTMX).context["form"]
        assert list(form.fields["document"].queryset) == [own]
    response = editor.post(edit, act_data(act, document=foreign.pk), headers=HTMX)
    assert "document" in response.context["form"].errors
    act.refresh_from_db()
    assert act.document is None
    response = editor.post(edit, act_data(act, document=own.pk), headers=HTMX)
    assert response["HX-Redirect"] == agreement.get_absolute_url()
    act.refresh_from_db()
    assert act.document == own and act.version == 2


@pytest.mark.django_db
def test_the_agreement_page_links_the_act_to_its_document(editor, attach):
    agreement = build.proposal()
    document = attach(agreement, title="Decreto n. 45 firmato")
    services.act_add(
        agreement=agreement, by=None, kind="altro", date=D(2024, 3, 1), document=document
    )
    html = editor.get(agreement.get_absolute_url()).content.decode()
    download = reverse("backoffice:document_download", args=[document.pk])
    assert f'documento: <a href="{download}">Decreto n. 45 firmato</a>' in html


# --- the transparency list ---------------------------------------------------------------------


@pytest.fixture
def with_document(people, attach):
    """An agreement of the first semester of 2025 whose approving decree has a web address and
    its signed text uploaded."""
    agreement = stipulate(people.plan_editor, "DOC-2025", act_url=ACT_URL)
    document = attach(agreement)
    act = agreement.acts.get()
    services.act_update(act=act, expected_version=act.version, by=None, document=document)
    return document


def csv_addresses(client) -> list[str]:
    response = client.get(reverse("portal:transparency_csv"), S1_2025)
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    return [row["atti_approvazione_indirizzo"] for row in rows]


@pytest.mark.django_db
def test_the_public_reads_the_acts_web_address_and_never_the_download(client, with_document):
    html = client.get(reverse("portal:transparency"), S1_2025).content.decode()
    download = reverse("backoffice:document_download", args=[with_document.pk])
    assert download not in html
    assert f'<a href="{ACT_URL}">Decreto del Sindaco metropolitano n. 12 del 15/01/2025</a>' in html
    assert csv_addresses(client) == [ACT_URL]


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_document_download(client, people, with_document):
    client.force_login(people.partner_sesto)
    html = client.get(reverse("portal:transparency"), S1_2025).content.decode()
    download = reverse("backoffice:document_download", args=[with_document.pk])
    assert (
        f'<a href="{download}">Decreto del Sindaco metropolitano n. 12 del 15/01/2025</a>'
    ) in html
    assert f'(<a href="{ACT_URL}">pubblicazione' in html  # the web address stays in reach
    assert csv_addresses(client) == [f"http://testserver{download}"]
    assert client.get(download).status_code == 200  # and the download is theirs indeed


@pytest.mark.django_db
def test_an_act_with_a_document_and_no_address_is_text_for_the_public(client, people, attach):
    agreement = stipulate(people.plan_editor, "SOLO-DOC", act_url="")
    act = agreement.acts.get()
    services.act_update(act=act, expected_version=act.version, by=None, document=attach(agreement))
    html = client.get(reverse("portal:transparency"), S1_2025).content.decode()
    assert re.search(r"<td>Decreto del Sindaco metropolitano n\. 12 del 15/01/2025\s*</td>", html)
    assert csv_addresses(client) == [""]
