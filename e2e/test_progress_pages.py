"""A citizen reads how far the plan has got, opens how a figure is computed, and the pages
pass axe (WCAG 2.1 AA)."""

import datetime

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations
from intese.agreements import services as agreements
from intese.plans import services as plans
from intese.plans.models import Plan, PlanStatus
from intese.testing import monitoring as build
from intese.testing import personas

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(territory):
    people = personas.create_all()
    plan = Plan.objects.create(
        code="piano-pubblico",
        title="Piano letto dai cittadini",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status=PlanStatus.APPROVED,  # drafts are not public
        approved_on=datetime.date(2025, 1, 1),
    )
    item = plans.item_add(plan=plan, by=None, code="M1", title="Transizione ecologica")
    agreement = build.agreement_with(build.sesto(), title="Intesa per il verde urbano")
    agreements.plan_link_add(agreement=agreement, by=None, plan_item=item, motivation="Attua M1.")
    first = build.commitment(agreement, build.sesto(), due_on=datetime.date(2027, 12, 31))
    build.commitment(agreement, build.sesto(), due_on=datetime.date(2027, 12, 31), weight=3)
    build.report(
        first,
        60,
        datetime.date(2026, 6, 30),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
    )
    return plan


def test_a_citizen_reads_the_progress_of_the_plan_and_how_it_is_computed(live_server, page, plan):
    page.goto(live_server.url + "/andamento/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Piano letto dai cittadini").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("Transizione ecologica")
    expect(main).to_contain_text("60,0")  # only the commitment with data counts: 60 x 1 / 1
    page.get_by_text("Come si calcola").first.click()
    expect(main).to_contain_text("peso")
    assert axe_violations(page) == []

    for view in ("zone", "temi", "soggetti", "metodo"):
        path = f"/andamento/{view}/"
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    assert page.js_errors == []
