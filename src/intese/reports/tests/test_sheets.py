"""The agreement sheet and the zone sheet: their content, their PDF and who may see them."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from pypdf import PdfReader

from intese.territory.models import Area
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

AS_OF = {"al": "2025-12-31"}


def text(content: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", content.decode())))


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_the_agreement_sheet_shows_parties_commitments_indicators_and_funding(client, people, data):
    client.force_login(people.partner_sesto)
    url = reverse("reports:agreement_sheet", args=[data.agreement.code])
    page = text(client.get(url, AS_OF).content)
    assert f"Scheda dell'intesa {data.agreement.code}" in page
    assert "Comune di Sesto San Giovanni Attuatore" in page
    assert "Stato Proposta" in page
    assert "Gara per i lavori" in page and "40 % (01/05/2025)" in page and "In ritardo" in page
    assert "Collaudo" in page and "dato mancante" in page
    assert "Posa della segnaletica" in page and "A rischio" in page
    assert "Progetto esecutivo: previsto il 31/03/2025" in page
    assert "IND-USO Utenti giornalieri" in page
    assert "PNRR" in page and "Totale 150.000,00" in page
    assert "62,5 %" in page  # the agreement holds all the plan's commitments


def test_the_agreement_sheet_pdf_has_the_same_content(client, people, data):
    client.force_login(people.plan_viewer)
    response = client.get(reverse("reports:agreement_sheet_pdf", args=[data.agreement.code]), AS_OF)
    content = pdf_text(response)
    assert data.agreement.code in content
    assert "Gara per i lavori" in content and "In ritardo" in content
    assert "Come si calcola" in content


def test_the_agreement_sheet_follows_the_agreements_visibility(client, people):
    private = build.agreement_with(build.rho(), is_public=False)
    for url in (
        reverse("reports:agreement_sheet", args=[private.code]),
        reverse("reports:agreement_sheet_pdf", args=[private.code]),
    ):
        client.force_login(people.partner_sesto)
        assert client.get(url).status_code == 403
        client.force_login(people.partner_rho)
        assert client.get(url).status_code == 200
        client.force_login(people.plan_viewer)
        assert client.get(url).status_code == 200
        client.logout()
        assert client.get(url).status_code == 302


def test_the_zone_sheet_rolls_up_the_agreements_of_the_zone_and_its_comuni(client, people, data):
    client.force_login(people.plan_viewer)
    page = text(client.get(reverse("reports:zone_sheet", args=["nord-milano"]), AS_OF).content)
    assert "Scheda della zona omogenea Nord Milano" in page
    assert "Sesto San Giovanni" in page
    assert f"{data.agreement.code} — Intesa di prova Comuni della zona Proposta 62,5 %" in page
    assert data.other.code not in page  # its scope names no place in the zone
    assert "In ritardo 1 1" in page and "Concluso 1 2" in page and "Totale 4 5" in page


def test_the_zone_sheet_pdf_and_an_unknown_zone(client, people, data):
    client.force_login(people.plan_editor)
    response = client.get(reverse("reports:zone_sheet_pdf", args=["nord-milano"]), AS_OF)
    assert "Nord Milano" in pdf_text(response) and data.agreement.code in pdf_text(response)
    assert client.get(reverse("reports:zone_sheet", args=["nessuna"])).status_code == 404


def test_the_zone_sheet_is_for_the_plan_office(client, people):
    zone = Area.objects.get(kind="zone", code="nord-milano")
    for role in ("zone_coordinator", "partner_sesto", "body_member"):
        client.force_login(getattr(people, role))
        assert client.get(reverse("reports:zone_sheet", args=[zone.code])).status_code == 403
