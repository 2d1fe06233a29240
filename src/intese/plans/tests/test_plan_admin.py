"""The admin shows plans, their acts and items and the DUP without editing them: the back office
edits them through the services, which check the status against the dates and acts, keep the
tree whole and refuse stale forms. The budget classification stays editable there."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from intese.core.admin_site import ReadOnlyAdmin
from intese.plans import dup, services
from intese.plans.models import (
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanAct,
    PlanItem,
    PlanStatus,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.testing.plans import make_plan

pytestmark = pytest.mark.django_db


def test_plans_their_items_and_the_dup_are_read_only_in_the_admin():
    for model in (Plan, PlanItem, ProgrammingDocument, StrategicObjective, OperationalObjective):
        assert isinstance(admin.site._registry[model], ReadOnlyAdmin), model
    assert not isinstance(admin.site._registry[BudgetProgramme], ReadOnlyAdmin)


def test_an_administrator_sees_a_plan_and_its_acts_but_cannot_change_them(client, people):
    plan = make_plan()
    act = services.plan_act_add(
        plan=plan, by=None, kind=PlanAct.Kind.ADOPTION, date=datetime.date(2023, 3, 22)
    )
    services.plan_update(plan=plan, expected_version=plan.version, by=None, status="adottato")
    plan.refresh_from_db()
    client.force_login(people.administrator)
    change = reverse("admin:plans_plan_change", args=[plan.pk])
    page = client.get(change).content.decode()
    assert plan.title in page and "22 marzo 2023" in page  # the act, in the inline
    assert 'name="_save"' not in page and 'name="acts-0-date"' not in page
    # Without the act's row the adopted plan would have neither adoption date nor act.
    form = {
        "code": plan.code,
        "title": "Altro",
        "period_start": "2022-01-01",
        "period_end": "2024-12-31",
        "status": PlanStatus.ADOPTED,
        "level_names": '["Missione"]',
        "acts-TOTAL_FORMS": "1",
        "acts-INITIAL_FORMS": "1",
        "acts-0-id": str(act.pk),
        "acts-0-DELETE": "on",
    }
    assert client.post(change, form).status_code == 403
    plan.refresh_from_db()
    assert plan.title != "Altro" and PlanAct.objects.filter(pk=act.pk).exists()
    assert client.get(reverse("admin:plans_plan_add")).status_code == 403
    assert client.get(reverse("admin:plans_plan_delete", args=[plan.pk])).status_code == 403


def test_dup_documents_are_only_shown_in_the_admin(client, people):
    document = dup.document_create(
        by=None, code="dup", title="DUP 2024-2026", first_year=2024, last_year=2026
    )
    client.force_login(people.administrator)
    change = reverse("admin:plans_programmingdocument_change", args=[document.pk])
    assert document.title in client.get(change).content.decode()
    assert client.post(change, {"code": "dup", "title": "Altro"}).status_code == 403
    assert ProgrammingDocument.objects.get().title == "DUP 2024-2026"
