"""A whole monitoring round in the browser: the plan office opens it, a partner reports, the
office reviews and closes it, and the yearly report comes out as a PDF that says what happened."""

import datetime
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from e2e.conftest import axe_violations
from intese.agreements import services as agreements
from intese.monitoring import rounds
from intese.plans import services as plans
from intese.plans.models import Plan
from intese.testing import monitoring as build
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(territory):
    people = personas.create_all()
    plan = Plan.objects.create(
        code="piano-e2e",
        title="Piano della prova di monitoraggio",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    item = plans.item_add(plan=plan, by=None, code="M1", title="Mobilità sostenibile")
    agreement = build.agreement_with(build.sesto(), title="Intesa per la ciclabile Sesto-Milano")
    agreements.plan_link_add(
        agreement=agreement, by=None, plan_item=item, motivation="Attua la missione M1."
    )
    commitment = build.commitment(
        agreement,
        build.sesto(),
        title="Progetto esecutivo della ciclabile",
        due_on=datetime.date(2027, 6, 30),
        starts_on=datetime.date(2026, 1, 1),
    )
    round = rounds.round_create(
        by=people.plan_editor,
        title="Monitoraggio di prova",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        opens_on=datetime.date(2026, 11, 1),
        closes_on=datetime.date(2026, 12, 15),
        agreements=[agreement],
    )
    return people, round, commitment


def sign_in(context, live_server, username):
    page = context.new_page()
    page.goto(live_server.url + "/accedi/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(personas.PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    return page


def test_a_round_from_opening_to_closing(live_server, browser, scene):
    _people, _round, commitment = scene
    office_context = browser.new_context(bypass_csp=True, locale="it-IT")
    partner_context = browser.new_context(bypass_csp=True, locale="it-IT")
    office = sign_in(office_context, live_server, "ufficio.piano")

    office.goto(f"{live_server.url}/area-riservata/monitoraggio/")
    office.get_by_role("link", name="Monitoraggio di prova").click()
    office.get_by_role("link", name="Apri il ciclo").click()
    office.get_by_role("button", name="Sì, apri il ciclo").click()
    assert "Comune di Sesto San Giovanni" in office.locator("main").inner_text()
    assert axe_violations(office) == []

    partner = sign_in(partner_context, live_server, "referente.sesto")
    partner.goto(f"{live_server.url}/area-riservata/monitoraggio/rendiconta/")
    item = partner.locator("article", has_text="Progetto esecutivo della ciclabile")
    item.get_by_label("Avanzamento (%)").fill("140")
    item.get_by_role("button", name="Invia").click()
    expect(item).to_contain_text("percentuale intera tra 0 e 100")
    item.get_by_label("Avanzamento (%)").fill("40")
    item.get_by_label("Valutazione").select_option("on_track")
    item.get_by_label("Descrizione dell'avanzamento").fill("Progetto definitivo approvato.")
    item.get_by_role("button", name="Invia").click()
    expect(partner.locator("main")).to_contain_text("in revisione")
    assert axe_violations(partner) == []

    office.goto(f"{live_server.url}/area-riservata/monitoraggio/revisione/")
    card = office.locator("article", has_text="Progetto esecutivo della ciclabile")
    assert "40%" in card.inner_text()
    card.get_by_role("button", name="Accetta").click()
    expect(office.locator("main")).to_contain_text("Accettato")
    assert axe_violations(office) == []

    office.goto(f"{live_server.url}/area-riservata/monitoraggio/")
    office.get_by_role("link", name="Monitoraggio di prova").click()
    office.get_by_role("link", name="Chiudi il ciclo").click()
    office.get_by_role("button", name="Sì, chiudi il ciclo").click()
    assert "Chiuso" in office.locator("main").inner_text()

    assert commitment.progress_reports.get().is_accepted

    office.goto(f"{live_server.url}/area-riservata/relazioni/")
    office.get_by_label("Piano strategico").select_option("piano-e2e")
    office.get_by_role("spinbutton", name="Anno").fill("2026")
    office.get_by_label("Dati al (facoltativo)").fill("2026-11-28")
    office.get_by_role("button", name="Mostra la relazione").click()
    expect(office.locator("main")).to_contain_text("Mobilità sostenibile")
    assert axe_violations(office) == []
    office.get_by_role("button", name="Prepara il PDF").click()
    expect(office.locator("main")).to_contain_text("Preparazione della relazione")
    call_command("db_worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    download_link = office.get_by_role("link", name="Scarica")
    expect(download_link).to_be_visible(timeout=15_000)
    with office.expect_download() as download:
        download_link.click()
    text = "".join(page.extract_text() for page in PdfReader(download.value.path()).pages)
    assert "Piano della prova di monitoraggio" in text
    assert "Mobilità sostenibile" in text
    assert "40" in text
    office_context.close()
    partner_context.close()
