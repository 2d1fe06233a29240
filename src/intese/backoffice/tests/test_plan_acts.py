"""The plan editor keeps the plan's acts (adoption, approval, yearly updates, opinions) through
HTMX panels, checks the status against the dates, shows what is only an example, and explains
why an item measured by an indicator cannot be deleted."""

import datetime

import pytest
from django.urls import reverse

from intese.plans import services
from intese.plans.models import Plan, PlanAct, PlanItem, PlanStatus
from intese.testing import monitoring as build
from intese.testing.plans import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


@pytest.fixture
def plan():
    return make_plan("psttm")


def url(name, plan, *args):
    return reverse(f"backoffice:{name}", args=[plan.code, *args])


ADOPTION = {"kind": "adozione", "number": "16", "date": "2023-03-22", "title": "Adozione"}


def test_an_editor_adds_an_act_in_a_panel_of_the_editor(editor, people, plan):
    page = editor.get(url("plan", plan)).content.decode()
    assert "Nessun atto registrato." in page
    assert f'hx-get="{url("plan_act_add", plan)}" hx-target="#act-panel"' in page
    panel = editor.get(url("plan_act_add", plan), headers={"hx-request": "true"}).content.decode()
    assert "<html" not in panel and "Aggiungi un atto del piano" in panel
    response = editor.post(url("plan_act_add", plan), ADOPTION, headers={"hx-request": "true"})
    assert response["HX-Redirect"] == url("plan", plan)
    act = PlanAct.objects.get(plan=plan)
    assert (act.kind, act.number, act.date) == ("adozione", "16", datetime.date(2023, 3, 22))
    assert act.history.get().history_user == people.plan_editor
    page = editor.get(url("plan", plan)).content.decode()
    assert "22 marzo 2023 · Adozione n. 16: Adozione" in page
    assert "Atto: Adozione del 22/03/2023" in page  # in the latest changes


def test_an_act_is_corrected_and_its_example_fields_are_badged(editor, plan):
    act = services.plan_act_add(
        plan=plan, by=None, kind="approvazione", date=datetime.date(2023, 6, 1)
    )
    response = editor.post(
        url("plan_act_edit", plan, act.pk),
        {
            **ADOPTION,
            "kind": "approvazione",
            "date": "2023-06-01",
            "version": act.version,
            "example_fields": ["date"],
        },
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.number, act.example_fields, act.version) == ("16", ["date"], 2)
    page = editor.get(url("plan", plan)).content.decode()
    assert page.count("Dato illustrativo della demo, non un fatto") == 1


def test_a_bad_act_is_refused_on_its_field_and_nothing_is_saved(editor, plan):
    services.plan_act_add(plan=plan, by=None, kind="adozione", date=datetime.date(2023, 6, 1))
    response = editor.post(
        url("plan_act_add", plan), {**ADOPTION, "kind": "approvazione", "date": "2023-03-01"}
    )
    assert response.status_code == 200
    assert "L&#x27;atto non può precedere l&#x27;adozione del piano (01/06/2023)." in (
        response.content.decode()
    )
    assert PlanAct.objects.count() == 1


def test_a_stale_act_form_is_refused(editor, plan):
    act = services.plan_act_add(plan=plan, by=None, kind="parere", date=datetime.date(2023, 4, 1))
    services.plan_act_update(act=act, expected_version=1, by=None, number="3")
    response = editor.post(
        url("plan_act_edit", plan, act.pk), {**ADOPTION, "kind": "parere", "version": 1}
    )
    assert "Qualcun altro ha modificato questi dati" in response.content.decode()
    assert PlanAct.objects.get().number == "3"


def test_an_act_is_removed_after_confirmation_in_a_panel_of_the_editor(editor, people, plan):
    act = services.plan_act_add(plan=plan, by=None, kind="parere", date=datetime.date(2023, 4, 1))
    page = editor.get(url("plan", plan)).content.decode()
    remove = url("plan_act_delete", plan, act.pk)
    assert f'hx-get="{remove}" hx-target="#act-panel"' in page
    panel = editor.get(remove, headers={"hx-request": "true"}).content.decode()
    assert "<html" not in panel and "Togli l'atto «Parere" in panel
    assert PlanAct.objects.filter(pk=act.pk).exists()  # asking shows the confirmation only
    response = editor.post(remove, {"version": act.version}, headers={"hx-request": "true"})
    assert response["HX-Redirect"] == url("plan", plan)
    assert not PlanAct.objects.filter(pk=act.pk).exists()
    assert PlanAct.history.get(history_type="-").history_user == people.plan_editor
    page = editor.get(url("plan", plan)).content.decode()
    assert "Nessun atto registrato." in page
    latest = page.split("Ultime modifiche")[1]
    assert "Atto: Parere della Conferenza metropolitana del 01/04/2023" in latest
    assert "eliminata" in latest


def test_the_act_an_adopted_plan_rests_on_is_not_removed_and_the_panel_says_why(editor, plan):
    act = services.plan_act_add(plan=plan, by=None, kind="adozione", date=datetime.date(2023, 3, 1))
    services.plan_update(plan=plan, expected_version=plan.version, by=None, status="adottato")
    response = editor.post(
        url("plan_act_delete", plan, act.pk),
        {"version": act.version},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "questo è il suo unico atto di adozione" in html
    assert PlanAct.objects.filter(pk=act.pk).exists()


def test_only_editors_remove_acts(client, people, plan):
    act = services.plan_act_add(plan=plan, by=None, kind="parere", date=datetime.date(2023, 4, 1))
    client.force_login(people.plan_viewer)
    assert "togli" not in client.get(url("plan", plan)).content.decode()
    assert client.post(url("plan_act_delete", plan, act.pk)).status_code == 403
    assert PlanAct.objects.filter(pk=act.pk).exists()


def test_an_act_of_another_plan_is_not_found_under_this_plan(editor, plan):
    other = make_plan("altro", 2025)
    act = services.plan_act_add(plan=other, by=None, kind="parere", date=datetime.date(2025, 4, 1))
    assert editor.get(url("plan_act_edit", plan, act.pk)).status_code == 404


def test_a_viewer_sees_the_acts_without_the_controls(client, people, plan):
    services.plan_act_add(plan=plan, by=None, kind="parere", date=datetime.date(2023, 4, 1))
    client.force_login(people.plan_viewer)
    page = client.get(url("plan", plan)).content.decode()
    assert "Parere della Conferenza metropolitana" in page
    assert "correggi" not in page and "Aggiungi un atto del piano" not in page
    assert client.get(url("plan_act_add", plan)).status_code == 403


def test_the_plan_form_refuses_an_approved_status_without_the_date(editor, plan):
    response = editor.post(
        url("plan_edit", plan),
        {
            "code": plan.code,
            "title": plan.title,
            "period_start": "2022-01-01",
            "period_end": "2024-12-31",
            "status": "approvato",
            "level_names": "Missione",
            "version": plan.version,
        },
    )
    html = response.content.decode()
    assert 'id="id_approved_on_error"' in html
    assert "Un piano «approvato» ha la data di approvazione: indicarla." in html
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_the_tree_badges_the_fields_that_are_examples(editor, plan):
    services.item_add(plan=plan, by=None, code="M1", title="Missione", example_fields=["tags"])
    services.item_add(plan=plan, by=None, code="M2", title="Missione", example_fields=["title"])
    Plan.objects.filter(pk=plan.pk).update(example_fields=["approved_on"])
    page = editor.get(url("plan", plan)).content.decode()
    assert page.count("etichette di esempio</span>") == 1
    assert page.count("titolo di esempio</span>") == 1
    approved = page.split("Approvato il")[1].split("</dd>")[0]
    assert "esempio" in approved


def test_deleting_an_item_measured_by_an_indicator_says_which_one(editor, plan):
    item = services.item_add(plan=plan, by=None, code="M1", title="Missione")
    build.indicator(item, build.sesto(), code="IND-VERDE")
    response = editor.post(url("plan_item_delete", plan, item.pk))
    assert response.status_code == 200
    assert "La voce è misurata dall&#x27;indicatore IND-VERDE" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_the_admin_cannot_delete_plan_items(client, people, plan):
    item = services.item_add(plan=plan, by=None, code="M1", title="Missione")
    client.force_login(people.administrator)
    response = client.get(reverse("admin:plans_planitem_delete", args=[item.pk]))
    assert response.status_code == 403
    assert PlanItem.objects.filter(pk=item.pk).exists()
