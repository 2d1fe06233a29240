"""The plan office corrects a commitment and marks a milestone reached from the agreement's page,
in Chromium: the subforms open in place (HTMX) and pass axe."""

import datetime

import pytest

from e2e.conftest import axe_violations
from e2e.test_reserved_area import sign_in
from intese.agreements import services
from intese.testing import agreements as build
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def people(territory):
    return personas.create_all()


def test_editor_changes_a_commitment_and_marks_a_milestone_reached(live_server, page, people):
    agreement = build.signed(code="E2E-MODIFICHE")
    services.commitment_add(
        agreement=agreement,
        by=None,
        title="Cabina di regia",
        responsible=build.milano(),
        milestones=[{"title": "Prima riunione", "due_on": datetime.date(2024, 9, 1)}],
    )
    sign_in(page, live_server, "ufficio.piano")
    page.goto(live_server.url + agreement.get_absolute_url())

    page.get_by_role("link", name="modifica Cabina di regia").click()
    page.wait_for_selector("#commitment-panel form")
    assert axe_violations(page) == []
    page.locator("#commitment-panel #id_status").select_option(label="In corso")
    page.locator("#commitment-panel").get_by_role("button", name="Salva").click()
    page.wait_for_selector("text=Impegno aggiornato.")
    assert "In corso" in page.locator("main").inner_text()

    page.get_by_role("link", name="segna raggiunto Prima riunione").click()
    page.wait_for_selector("#commitment-panel form")
    assert axe_violations(page) == []
    page.locator("#commitment-panel #id_reached_on").fill("2024-09-03")
    page.locator("#commitment-panel").get_by_role("button", name="Salva").click()
    page.wait_for_selector("text=Traguardo segnato come raggiunto.")
    assert "raggiunto il 3 settembre 2024" in page.locator("main").inner_text().lower()
