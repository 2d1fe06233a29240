"""A partner reporter signs in, corrects their Comune's codes and contacts, and signs out."""

import pytest

from e2e.conftest import axe_violations
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def people(territory):
    return personas.create_all()


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accedi/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(personas.PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_reporter_updates_the_contacts_of_their_comune(live_server, page, people):
    sign_in(page, live_server, "referente.sesto")
    assert page.get_by_role("heading", level=1).inner_text() == "Area riservata"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Comune di Sesto San Giovanni").click()
    page.get_by_label("codice fiscale").fill("02253000965")
    page.get_by_role("button", name="Salva").click()
    assert "non è un codice fiscale valido" in page.locator("main").inner_text()
    assert axe_violations(page) == []  # the form with its errors is accessible too

    page.get_by_label("codice fiscale").fill("")
    page.get_by_label("sito web").fill("https://www.sestosg.net")
    page.get_by_role("button", name="Salva").click()
    assert "Dati di Comune di Sesto San Giovanni salvati." in page.locator("main").inner_text()

    page.get_by_role("button", name="Esci").click()
    assert page.url == live_server.url + "/"


def test_a_wrong_password_is_explained_and_the_page_stays_accessible(live_server, page, people):
    page.goto(live_server.url + "/accedi/")
    page.get_by_label("Nome utente").fill("referente.sesto")
    page.get_by_label("Password").fill("non-è-questa")
    page.get_by_role("button", name="Accedi").click()
    assert "password corretti" in page.locator("main").inner_text()
    assert axe_violations(page) == []
