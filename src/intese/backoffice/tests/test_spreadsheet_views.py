"""Export what you may see, download the template, import with a report: through the pages."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import Agreement, AgreementKind
from intese.agreements.spreadsheets import MAX_UPLOAD_BYTES, SHEETS, read_workbook
from intese.agreements.tests.test_spreadsheets_roundtrip import (
    build_registry,
    edit,
    exported,
    snapshot,
)
from intese.backoffice import views_spreadsheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def registry(people):
    """Public INT-2024-001 (Sesto is a party), private INT-2024-002 (Sesto), private
    INT-2024-003 (Rho only)."""
    agreements = build_registry(people.plan_editor)
    rho_only = services.agreement_create(
        by=people.plan_editor,
        code="INT-2024-003",
        title="Convenzione riservata di Rho",
        kind=AgreementKind.objects.get(code="convenzione_art30"),
        is_public=False,
    )
    services.party_add(
        agreement=rho_only,
        organisation=Organisation.objects.get(area__code="015182"),
        role="promoter",
        by=people.plan_editor,
    )
    return agreements


def download(client, name, **params):
    response = client.get(reverse(f"backoffice:{name}"), params)
    assert response.status_code == 200, response.status_code
    return response, io.BytesIO(b"".join(response.streaming_content))


def codes(data) -> dict[str, list]:
    sheets = read_workbook(data)
    return {
        name: sorted({row[0] for _n, row in sheet.rows})
        for name, sheet in sheets.items()
        if name in ("Intese", "Parti")
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("partner_sesto", ["INT-2024-001", "INT-2024-002"]),
        ("partner_rho", ["INT-2024-001", "INT-2024-003"]),
        ("plan_viewer", ["INT-2024-001", "INT-2024-002", "INT-2024-003"]),
    ],
)
def test_the_export_holds_only_the_agreements_the_user_may_see(
    client, people, registry, persona, visible
):
    client.force_login(getattr(people, persona))
    response, data = download(client, "agreements_export")
    assert response["Content-Type"] == XLSX
    assert codes(data) == {"Intese": visible, "Parti": visible}


@pytest.mark.django_db
def test_the_export_follows_the_filters_of_the_list(client, people, registry):
    client.force_login(people.plan_editor)
    _response, data = download(client, "agreements_export", stato="proposed")
    assert codes(data)["Intese"] == ["INT-2024-002", "INT-2024-003"]
    _response, data = download(client, "agreements_export", q="Rho", formato="csv")
    assert codes(data)["Intese"] == ["INT-2024-003"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("xlsx", XLSX, "xlsx"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        ("csv", "application/zip", "zip"),
    ],
)
def test_the_export_is_an_attachment_in_the_chosen_format(
    client, people, registry, fmt, content_type, extension
):
    client.force_login(people.plan_viewer)
    response, data = download(client, "agreements_export", formato=fmt)
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="intese-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"',
        response["Content-Disposition"],
    )
    assert len(codes(data)["Intese"]) == 3


@pytest.mark.django_db
def test_an_unknown_format_is_a_bad_request(client, people):
    client.force_login(people.plan_viewer)
    response = client.get(reverse("backoffice:agreements_export"), {"formato": "pdf"})
    assert response.status_code == 400
    assert "Formato sconosciuto" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_the_template_has_every_header_the_instructions_and_no_data(client, people, registry, fmt):
    client.force_login(people.partner_rho)
    response, data = download(client, "agreements_template", formato=fmt)
    assert "modello-intese" in response["Content-Disposition"]
    sheets = read_workbook(data)
    assert list(sheets) == [*(s.name for s in SHEETS), "Istruzioni"]
    for sheet in SHEETS:
        assert sheets[sheet.name].headers == sheet.headers
        assert sheets[sheet.name].rows == []
    explained = {(row[0], row[1]) for _n, row in sheets["Istruzioni"].rows}
    assert all((s.name, h) in explained for s in SHEETS for h in s.headers)


def upload(data, name="intese.xlsx"):
    data.seek(0)
    return SimpleUploadedFile(name, data.read(), content_type=XLSX)


@pytest.mark.django_db
def test_a_partner_cannot_import(client, people, registry):
    client.force_login(people.partner_sesto)
    data = edit(exported("xlsx"), "xlsx", "Intese", 3, "titolo", "Cambiato dal partner")
    before = snapshot()
    response = client.post(reverse("backoffice:agreements_import"), {"file": upload(data)})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_the_import_page_offers_an_accessible_form_checked_for_a_dry_run(client, people):
    client.force_login(people.plan_editor)
    response = client.get(reverse("backoffice:agreements_import"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<label for="id_file"' in html and 'id="id_file"' in html
    assert re.search(r'<input type="checkbox" name="dry_run" id="id_dry_run" checked>', html)
    assert reverse("backoffice:agreements_template") + "?formato=ods" in html


@pytest.mark.django_db
def test_a_dry_run_shows_what_would_change_and_saves_nothing(client, people, registry):
    client.force_login(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Intese", 3, "titolo", "Titolo nuovo")
    before = snapshot()
    response = client.post(
        reverse("backoffice:agreements_import"), {"file": upload(data), "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verifica riuscita" in html and "Titolo nuovo" in html
    assert '<th scope="col">Prima</th>' in html
    assert snapshot() == before


@pytest.mark.django_db
def test_an_import_saves_and_reports_what_it_did(client, people, registry):
    client.force_login(people.plan_editor)
    data = edit(exported("ods"), "ods", "Intese", 3, "titolo", "Titolo nuovo")
    response = client.post(
        reverse("backoffice:agreements_import"), {"file": upload(data, "registro.ods")}
    )
    assert "Importazione eseguita: 0 intese create, 1 modificate, 2 invariate" in (
        response.content.decode()
    )
    assert Agreement.objects.get(code="INT-2024-002").title == "Titolo nuovo"


@pytest.mark.django_db
def test_every_problem_is_listed_with_sheet_row_and_column(client, people, registry):
    client.force_login(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Parti", 2, "organizzazione", "Ente ignoto")
    data = edit(data, "xlsx", "Finanziamenti", 2, "importo", "molto")
    before = snapshot()
    response = client.post(reverse("backoffice:agreements_import"), {"file": upload(data)})
    html = response.content.decode()
    assert "2 problemi da correggere" in html
    assert "<td>Parti</td><td>2</td><td>organizzazione</td>" in html
    assert "<td>Finanziamenti</td><td>2</td><td>importo</td>" in html
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_too_big_or_of_another_type_is_refused_with_a_message(client, people):
    client.force_login(people.plan_editor)
    url = reverse("backoffice:agreements_import")
    big = SimpleUploadedFile("grande.xlsx", b"0" * (MAX_UPLOAD_BYTES + 1))
    assert "al massimo 10 MB" in client.post(url, {"file": big}).content.decode()
    other = SimpleUploadedFile("intese.pdf", b"%PDF-1.7")
    assert "estensione .xlsx, .ods o .zip" in client.post(url, {"file": other}).content.decode()


def test_the_spreadsheet_urls_are_not_taken_by_an_agreement_code():
    for name, view in [
        ("agreements_export", views_spreadsheets.agreements_export),
        ("agreements_import", views_spreadsheets.agreements_import),
        ("agreements_template", views_spreadsheets.agreements_template),
    ]:
        assert resolve(reverse(f"backoffice:{name}")).func is view
