"""The plan office builds a plan's tree in Chromium and a citizen explores it.

The editor adds an item, moves it up with the order control (HTMX, no reload), and the public
explorer shows it in its new place. Every page visited passes axe-core (WCAG 2.1 A and AA).
"""

import datetime

import pytest

from e2e.conftest import axe_violations
from e2e.test_reserved_area import sign_in
from intese.agreements import services as agreements
from intese.plans import services
from intese.plans.models import Plan, PlanStatus, Term, Vocabulary
from intese.testing import agreements as build
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def people(territory):
    return personas.create_all()


@pytest.fixture
def plan(territory):
    plan = Plan.objects.create(
        code="psttm-e2e",
        title="Piano strategico di prova",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status=PlanStatus.APPROVED,
        level_names=["Missione", "Obiettivo"],
    )
    sdg = Term.objects.create(
        vocabulary=Vocabulary.objects.create(code="sdg", name="SDG"),
        code="11",
        name="Città e comunità sostenibili",
    )
    mission = services.item_add(plan=plan, by=None, code="M1", title="Mobilità")
    objective = services.item_add(
        plan=plan, by=None, parent=mission, code="M1.1", title="Ferro", tags=[sdg]
    )
    services.item_add(plan=plan, by=None, code="M2", title="Lavoro", is_example=True)
    agreements.plan_link_add(
        agreement=build.proposal(code="E2E-PIANO"),
        by=None,
        plan_item=objective,
        motivation="Attua l'obiettivo sul ferro.",
    )
    return plan


def top_level_codes(page):
    return page.locator("#plan-tree > ul > li > div strong").all_inner_texts()


def test_the_editor_adds_an_item_and_orders_it_and_the_explorer_shows_it(
    live_server, page, people, plan
):
    sign_in(page, live_server, "ufficio.piano")
    page.goto(live_server.url + "/area-riservata/piani/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Piano strategico di prova").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Piano strategico di prova"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Aggiungi una voce al primo livello").click()
    assert axe_violations(page) == []  # the item form
    page.get_by_label("Codice").fill("M3")
    page.get_by_label("Titolo").fill("Ambiente")
    page.get_by_label("Etichette").select_option(label="SDG: Città e comunità sostenibili")
    page.get_by_role("button", name="Salva").click()
    assert "Voce M3 aggiunta." in page.locator("main").inner_text()
    assert top_level_codes(page) == ["M1", "M2", "M3"]

    url_before = page.url
    page.get_by_role("button", name="Sposta su M3").click()  # answered by HTMX with the tree
    page.wait_for_function(
        "() => [...document.querySelectorAll('#plan-tree > ul > li > div strong')]"
        ".map(e => e.textContent).join() === 'M1,M3,M2'"
    )
    assert page.url == url_before  # no reload
    assert page.locator("#tree-status").inner_text() == "Voce M3 spostata."
    page.get_by_role("button", name="Sposta su M3").click()
    page.wait_for_function(
        "() => document.querySelector('#plan-tree > ul > li > div strong').textContent === 'M3'"
    )
    assert axe_violations(page) == []
    assert page.js_errors == []

    page.goto(live_server.url + "/piano/psttm-e2e/")
    assert top_level_codes(page) == ["M3", "M1", "M2"]
    assert axe_violations(page) == []
    page.get_by_label("Mostra le voci con l'etichetta").select_option(
        label="SDG: Città e comunità sostenibili"
    )
    page.get_by_role("button", name="Filtra").click()
    page.wait_for_selector("text=le voci con l'etichetta «Città e comunità sostenibili»")
    assert top_level_codes(page) == ["M3", "M1"]
    assert "etichetta=sdg%3A11" in page.url
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_a_citizen_follows_the_tree_to_an_item_and_its_agreements(live_server, page, plan):
    page.goto(live_server.url + "/piano/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Piano strategico di prova").click()
    assert "1 intesa, 0 impegni" in page.locator("#plan-tree").inner_text()
    page.get_by_role("link", name="M1.1 Ferro").click()
    assert page.get_by_role("heading", level=1).inner_text() == "M1.1 Ferro"
    main = page.locator("main").inner_text()
    assert "Attua l'obiettivo sul ferro." in main and "E2E-PIANO" in main
    assert axe_violations(page) == []


def test_a_move_through_the_form_and_a_refused_deletion(live_server, page, people, plan):
    sign_in(page, live_server, "ufficio.piano")
    page.goto(live_server.url + "/area-riservata/piani/psttm-e2e/")
    page.get_by_role("link", name="Sposta M1", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_label("Nuova voce superiore").select_option(label="M2 Lavoro")
    page.get_by_role("button", name="Sposta").click()
    assert "Voce M1 spostata." in page.locator("main").inner_text()
    assert top_level_codes(page) == ["M2"]

    page.get_by_role("link", name="Elimina M1.1", exact=True).click()
    page.get_by_role("button", name="Elimina la voce").click()
    alert = page.get_by_role("alert").inner_text()
    assert "La voce è collegata a intese o impegni: togliere prima i collegamenti." in alert
    assert axe_violations(page) == []


def test_the_editor_records_an_act_in_a_panel_and_the_explorer_lists_it(
    live_server, page, people, plan
):
    sign_in(page, live_server, "ufficio.piano")
    page.goto(live_server.url + "/area-riservata/piani/psttm-e2e/")
    page.get_by_role("link", name="Aggiungi un atto del piano").click()
    page.wait_for_selector("#act-panel form")  # loaded by HTMX, no reload
    assert axe_violations(page) == []
    page.get_by_label("Tipo").select_option(label="Aggiornamento annuale")
    page.get_by_label("Data").fill("2026-03-01")
    page.get_by_label("Oggetto").fill("Aggiornamento 2026")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_selector("text=Atto del piano registrato.")
    assert "1 marzo 2026 · Aggiornamento annuale: Aggiornamento 2026" in (
        page.locator("#atti").locator("..").inner_text()
    )
    assert page.js_errors == []

    page.goto(live_server.url + "/piano/psttm-e2e/")
    assert "Aggiornamento 2026" in page.locator("main").inner_text()
    page.get_by_text("Le etichette: che cosa sono e da dove vengono").click()
    assert axe_violations(page) == []
