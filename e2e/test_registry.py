"""The plan office registers an agreement and moves it through its lifecycle in Chromium."""

import pytest

from e2e.conftest import axe_violations
from e2e.test_reserved_area import sign_in
from intese.testing import agreements as build
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def people(territory):
    return personas.create_all()


def test_editor_registers_and_reviews_an_agreement(live_server, page, people):
    sign_in(page, live_server, "ufficio.piano")
    page.goto(live_server.url + "/area-riservata/intese/")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Nuova intesa").click()
    assert axe_violations(page) == []
    page.locator("#id_code").fill("E2E-1")
    page.locator("#id_title").fill("Intesa sulla mobilità ciclabile")
    page.locator("#id_kind").select_option(label="Accordo fra pubbliche amministrazioni")
    page.get_by_role("button", name="Salva").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Intesa sulla mobilità ciclabile"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Avvia l'istruttoria").click()  # loads the form with htmx
    page.wait_for_selector("#action-panel form")
    assert axe_violations(page) == []
    page.locator("#action-panel").get_by_role("button", name="Conferma").click()
    page.wait_for_selector("text=In istruttoria")
    assert "Proposta → In istruttoria" in page.locator("main").inner_text()


def test_an_agreement_with_examples_shows_them_as_examples(live_server, page, people):
    agreement = build.signed(code="E2E-ESEMPI")
    agreement.acts.update(is_example=True)
    sign_in(page, live_server, "consultazione")
    page.goto(live_server.url + agreement.get_absolute_url())
    assert "esempio" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Modifica i dati").count() == 0  # a viewer changes nothing
    assert axe_violations(page) == []
