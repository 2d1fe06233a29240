"""A citizen reads the transparency list of agreements in Chromium: values that are examples
(demo data) carry their badge, and the page passes axe (WCAG 2.1 A and AA)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from e2e.conftest import axe_violations
from e2e.test_reserved_area import sign_in
from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.documents import document_attach
from intese.agreements.models import Agreement
from intese.agreements.tests.test_transparency import stipulate
from intese.testing import personas
from intese.testing.files import pdf_bytes

pytestmark = pytest.mark.browser

D = datetime.date
LIST = "/trasparenza/accordi/?anno=2025&semestre=1"


@pytest.fixture
def people(territory):
    return personas.create_all()


@pytest.fixture
def listed(people):
    """A fact and an illustrated agreement of the first semester of 2025: the second has an
    example title, an example party, an example funding line and an example act."""
    by = people.plan_editor
    stipulate(by, "CMMI-2025-001", amounts=["125000.50"], title="Accordo per la qualità dell'aria")
    agreement = stipulate(by, "CMMI-2025-002", title="Protocollo per l'edilizia scolastica")
    Agreement.objects.filter(pk=agreement.pk).update(example_fields=["title"])
    services.party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(ipa_code="r_lombar"),
        role="adherent",
        signature_required=False,
        is_example=True,
        by=by,
    )
    services.funding_add(
        agreement=agreement, by=by, source="fesr", amount=Decimal("300000"), is_example=True
    )
    services.act_add(
        agreement=agreement,
        by=by,
        kind="delibera_giunta_comunale",
        number="88",
        date=D(2025, 1, 20),
        approves=True,
        is_example=True,
    )
    return agreement


def test_the_list_marks_the_example_values_and_passes_axe(live_server, page, listed):
    page.goto(live_server.url + LIST)
    table = page.get_by_role("table", name="Accordi stipulati nel primo semestre 2025")
    assert table.get_by_role("row").count() == 3  # the header and two agreements
    illustrated = table.get_by_role("row").filter(has_text="Protocollo per l'edilizia scolastica")
    badges = illustrated.locator(".badge")
    assert badges.count() == 4  # title, party, planned expenditure, act
    assert set(badges.all_inner_texts()) == {"esempio"}
    fact = table.get_by_role("row").filter(has_text="Accordo per la qualità dell'aria")
    assert fact.locator(".badge").count() == 0
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_the_list_with_the_acts_documents_passes_axe_for_a_signed_in_user(
    live_server, page, listed, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = document_attach(
        agreement=listed,
        upload=SimpleUploadedFile("delibera.pdf", pdf_bytes("Delibera di Giunta n. 88")),
        title="Delibera firmata",
        by=people.plan_editor,
    )
    act = listed.acts.get(number="88")
    services.act_update(act=act, expected_version=act.version, by=None, document=document)
    sign_in(page, live_server, "consultazione")
    page.wait_for_load_state()
    page.goto(live_server.url + LIST)
    link = page.get_by_role("link", name="Deliberazione di Giunta comunale n. 88 del 20/01/2025")
    assert link.get_attribute("href") == reverse("backoffice:document_download", args=[document.pk])
    assert axe_violations(page) == []
    assert page.js_errors == []
