"""The plan office carries chosen items of the previous cycle into a new one, in Chromium: the
page lists the previous tree with a checkbox per item, the ticked item comes with the item above
it, and the public page of the original says where it goes on. Every page passes axe-core."""

import datetime

import pytest

from e2e.conftest import axe_violations
from e2e.test_reserved_area import sign_in
from intese.plans import services
from intese.plans.models import Plan, PlanStatus
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def people(territory):
    return personas.create_all()


@pytest.fixture
def cycles(territory):
    def cycle(code, year, previous=None, status=PlanStatus.APPROVED):
        return Plan.objects.create(
            code=code,
            title=f"Piano di prova {year}-{year + 2}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year + 2, 12, 31),
            status=status,
            previous=previous,
            level_names=["Missione", "Obiettivo"],
        )

    earlier = cycle("prova-2022", 2022)
    mission = services.item_add(plan=earlier, by=None, code="M1", title="Mobilità")
    services.item_add(plan=earlier, by=None, parent=mission, code="M1.1", title="Ferro")
    services.item_add(plan=earlier, by=None, code="M2", title="Lavoro", is_example=True)
    return earlier, cycle("prova-2025", 2025, earlier)


def test_the_editor_carries_a_chosen_item_with_the_item_above_it(live_server, page, people, cycles):
    earlier, later = cycles
    sign_in(page, live_server, "ufficio.piano")
    page.goto(f"{live_server.url}/area-riservata/piani/{later.code}/")
    page.get_by_role("link", name="Riprendi voci da un ciclo precedente").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Riprendi voci da un ciclo precedente"
    )
    assert axe_violations(page) == []

    page.locator("label", has_text="M1.1 Ferro").click()  # Bootstrap Italia draws the box
    assert page.get_by_label("Obiettivo M1.1 Ferro").is_checked()
    page.get_by_role("button", name="Riprendi le voci scelte").click()
    assert "Riprese 2 voci da Piano di prova 2022-2024." in page.locator("main").inner_text()
    assert [(i.code, i.depth) for i in later.items.all()] == [("M1", 0), ("M1.1", 1)]

    page.goto(f"{live_server.url}/area-riservata/piani/{later.code}/riprendi/scegli/")
    assert page.get_by_label("Obiettivo M1.1 Ferro").is_disabled()
    assert page.get_by_label("Missione M2 Lavoro").is_enabled()
    assert axe_violations(page) == []

    original = earlier.items.get(code="M1.1")
    page.goto(f"{live_server.url}/piano/{earlier.code}/voci/{original.pk}/")
    assert "Prosegue in" in page.locator("main").inner_text()
    assert axe_violations(page) == []
