"""The plan office keeps the DUP in the browser: the list, a document's page with its two
sections, and the forms for documents and objectives, with their refusals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.agreements import services as agreements
from intese.plans import dup, services
from intese.plans.models import (
    BudgetProgramme,
    OperationalObjective,
    Plan,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.testing import agreements as build


def make_plan(code="psttm-2022-2024", start=2022):
    return Plan.objects.create(
        code=code,
        title=f"PSTTM {start}-{start + 2}",
        period_start=datetime.date(start, 1, 1),
        period_end=datetime.date(start + 2, 12, 31),
    )


@pytest.fixture
def plan(db):
    return make_plan()


@pytest.fixture
def document(plan):
    return dup.document_create(
        by=None,
        code="dup-2024-2026",
        title="DUP 2024-2026",
        first_year=2024,
        last_year=2026,
        plan=plan,
    )


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


def programme(code):
    return BudgetProgramme.objects.get(code=code)


def objective_form(**changes):
    data = {
        "year": "2024",
        "code": "OO1",
        "title": "Rete ciclabile metropolitana",
        "strategic_objective": "",
        "programme": programme("1005").pk,
        "responsible_office": "Settore mobilità",
        "plan_items": [],
        "version": "",
    }
    return {**data, **changes}


def url(name, document, *args):
    return reverse(f"backoffice:{name}", args=[document.code, *args])


def test_the_list_shows_the_documents_with_their_sections(client, people, document):
    dup.strategic_objective_add(document=document, by=None, code="OS1", title="Mobilità")
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:dup_documents")).content.decode()
    assert "DUP 2024-2026" in html and "PSTTM 2022-2024" in html
    assert "Nuovo documento" not in html  # a viewer changes nothing
    client.force_login(people.plan_editor)
    assert "Nuovo documento" in client.get(reverse("backoffice:dup_documents")).content.decode()


def test_the_page_groups_the_operational_section_and_flags_unverified_programmes(
    client, people, document, plan
):
    item = services.item_add(plan=plan, by=None, code="M2.1", title="Mobilità sostenibile")
    objective = dup.operational_objective_add(
        document=document,
        by=None,
        code="OO1",
        title="Rete ciclabile",
        year=2025,
        programme=programme("1004"),  # unverified name
        plan_items=[item],
    )
    dup.operational_objective_add(
        document=document,
        by=None,
        code="OO2",
        title="Strade provinciali",
        year=2024,
        programme=programme("1005"),  # seen in source
    )
    agreements.plan_link_add(
        agreement=build.proposal(code="BICI"),
        by=None,
        operational_objective=objective,
        motivation="Attua l'obiettivo operativo.",
    )
    client.force_login(people.plan_viewer)
    html = client.get(url("dup_document", document)).content.decode()
    assert html.index("Anno 2024") < html.index("Strade provinciali") < html.index("Anno 2025")
    assert html.index("Anno 2025") < html.index("Rete ciclabile")
    assert "Missione 10 — Trasporti e diritto alla mobilità" in html
    assert "Programma 1004 — Altre modalità di trasporto" in html
    assert html.count("denominazione da verificare") == 1  # 1004 only; 1005 is verified
    assert "M2.1" in html and "BICI" in html
    assert "nessuna voce del piano" in html  # OO2 implements no plan item


def test_the_page_costs_the_same_queries_with_more_objectives(client, people, document, plan):
    client.force_login(people.plan_viewer)
    items = [services.item_add(plan=plan, by=None, code=f"M{n}", title="V") for n in range(3)]

    def fill(count, offset):
        for n in range(offset, offset + count):
            strategic = dup.strategic_objective_add(
                document=document, by=None, code=f"OS{n}", title="S", plan_items=items[:2]
            )
            objective = dup.operational_objective_add(
                document=document,
                by=None,
                code=f"OO{n}",
                title="O",
                year=2024 + n % 3,
                programme=programme(["1005", "1002", "0101"][n % 3]),
                strategic_objective=strategic,
                plan_items=items,
            )
            agreements.plan_link_add(
                agreement=build.proposal(), by=None, operational_objective=objective, motivation="M"
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("dup_document", document)).status_code == 200
        return len(captured)

    fill(2, 0)
    small = queries()
    fill(30, 2)
    assert queries() == small


def test_an_editor_registers_a_document(editor, plan):
    response = editor.post(
        reverse("backoffice:dup_document_create"),
        {
            "code": "dup-2025-2027",
            "title": "DUP 2025-2027",
            "kind": "dup",
            "first_year": "2025",
            "last_year": "2027",
            "updates": "",
            "plan": plan.pk,
            "version": "",
        },
    )
    document = ProgrammingDocument.objects.get(code="dup-2025-2027")
    assert response["Location"] == url("dup_document", document)
    assert document.plan == plan and document.version == 1


def test_an_update_note_without_its_dup_is_refused(editor):
    response = editor.post(
        reverse("backoffice:dup_document_create"),
        {
            "code": "nota",
            "title": "Nota di aggiornamento",
            "kind": "nota_aggiornamento",
            "first_year": "2025",
            "last_year": "2027",
        },
    )
    assert "Una nota di aggiornamento indica il DUP che aggiorna." in response.content.decode()
    assert not ProgrammingDocument.objects.filter(code="nota").exists()


def test_an_editor_adds_an_operational_objective_through_htmx(editor, document, plan):
    item = services.item_add(plan=plan, by=None, code="M1", title="Missione")
    add = url("dup_operational_add", document)
    fragment = editor.get(add, headers={"hx-request": "true"}).content.decode()
    assert "<html" not in fragment
    assert '<optgroup label="10 Trasporti e diritto alla mobilità">' in fragment
    assert "1004 Altre modalità di trasporto — denominazione da verificare" in fragment
    response = editor.post(
        add, objective_form(plan_items=[item.pk]), headers={"hx-request": "true"}
    )
    assert response["HX-Redirect"] == url("dup_document", document)
    objective = OperationalObjective.objects.get()
    assert list(objective.plan_items.all()) == [item]
    assert objective.history.latest().history_user.username == "ufficio.piano"


def test_an_objective_without_a_programme_is_refused_with_the_reason(editor, document):
    response = editor.post(url("dup_operational_add", document), objective_form(programme=""))
    assert (
        "Ogni obiettivo operativo va classificato per Missione e Programma."
        in response.content.decode()
    )
    assert not OperationalObjective.objects.exists()


def test_an_item_of_another_plan_is_refused_with_the_reason(editor, document):
    foreign = services.item_add(
        plan=make_plan("psttm-2025-2027", 2025), by=None, code="X1", title="Altro piano"
    )
    response = editor.post(
        url("dup_operational_add", document), objective_form(plan_items=[foreign.pk])
    )
    html = response.content.decode()
    assert "si collega solo a voci del piano di riferimento del documento" in html
    assert "X1 (PSTTM 2025-2027)" in html
    assert not OperationalObjective.objects.exists()
    response = editor.post(
        url("dup_strategic_add", document),
        {"code": "OS1", "title": "Mobilità", "mission": "", "plan_items": [foreign.pk]},
    )
    assert "si collega solo a voci del piano di riferimento" in response.content.decode()
    assert not StrategicObjective.objects.exists()


def test_the_form_offers_only_the_documents_plan_items(editor, document, plan):
    services.item_add(plan=plan, by=None, code="PROPRIA", title="Voce del piano")
    services.item_add(plan=make_plan("altro", 2025), by=None, code="ALTRUI", title="Altra")
    html = editor.get(url("dup_strategic_add", document)).content.decode()
    assert "PROPRIA" in html and "ALTRUI" not in html


def test_narrowing_the_years_under_the_objectives_is_refused(editor, document):
    dup.operational_objective_add(
        document=document, by=None, code="OO1", title="O", year=2026, programme=programme("1005")
    )
    response = editor.post(
        url("dup_document_edit", document),
        {
            "code": document.code,
            "title": document.title,
            "kind": "dup",
            "first_year": "2024",
            "last_year": "2025",
            "plan": document.plan_id,
            "version": document.version,
        },
    )
    assert "obiettivi operativi per anni fuori dal periodo 2024-2025" in response.content.decode()
    document.refresh_from_db()
    assert (document.last_year, document.version) == (2026, 1)


def test_a_stale_objective_edit_is_refused(editor, document):
    objective = dup.operational_objective_add(
        document=document, by=None, code="OO1", title="O", year=2024, programme=programme("1005")
    )
    edit = url("dup_operational_edit", document, objective.pk)
    form = editor.get(edit).content.decode()
    assert 'name="version" value="1"' in form and "Rete ciclabile" not in form
    stale = objective_form(version=objective.version)
    editor.post(edit, {**stale, "title": "Prima modifica"})
    response = editor.post(edit, {**stale, "title": "Seconda modifica"})
    assert "Qualcun altro ha modificato" in response.content.decode()
    assert OperationalObjective.objects.get().title == "Prima modifica"


def test_a_strategic_objective_edit_changes_its_plan_items(editor, document, plan):
    first, second = (services.item_add(plan=plan, by=None, code=c, title=c) for c in "AB")
    strategic = dup.strategic_objective_add(
        document=document, by=None, code="OS1", title="S", plan_items=[first]
    )
    editor.post(
        url("dup_strategic_edit", document, strategic.pk),
        {"code": "OS1", "title": "S", "mission": "", "plan_items": [second.pk], "version": 1},
    )
    strategic.refresh_from_db()
    assert list(strategic.plan_items.all()) == [second] and strategic.version == 2


def test_a_viewer_cannot_add_objectives(client, people, document):
    client.force_login(people.plan_viewer)
    response = client.post(url("dup_operational_add", document), objective_form())
    assert response.status_code == 403
    assert not OperationalObjective.objects.exists()


def document_form(document, **changes):
    return {
        "code": document.code,
        "title": document.title,
        "kind": document.kind,
        "first_year": document.first_year,
        "last_year": document.last_year,
        "plan": document.plan_id,
        "version": document.version,
        **changes,
    }


def test_the_sources_and_example_values_of_a_document_are_kept_and_shown(
    editor, client, people, document
):
    response = editor.post(
        url("dup_document_edit", document),
        document_form(
            document,
            source_url="consiglio.example.org/odg-28-02-2024",
            source_note="Ordine del giorno del 28 febbraio 2024.",
            example_fields=["first_year"],
        ),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.source_url == "https://consiglio.example.org/odg-28-02-2024"
    assert (document.example_fields, document.version) == (["first_year"], 2)
    client.force_login(people.plan_viewer)
    link = '<a href="https://consiglio.example.org/odg-28-02-2024">Fonte: DUP 2024-2026</a>'
    html = client.get(url("dup_document", document)).content.decode()
    assert link in html and "Ordine del giorno del 28 febbraio 2024." in html
    assert "Questi campi contengono valori illustrativi, non fatti: primo anno." in html
    lead = html.split('<p class="lead">')[1].split("</p>")[0]
    assert ">esempio</span>" in lead  # the years
    assert link in client.get(reverse("backoffice:dup_documents")).content.decode()


def test_an_objective_form_records_its_sources_and_example_values(editor, document):
    response = editor.post(
        url("dup_operational_add", document),
        objective_form(
            source_url="https://example.org/scheda",
            source_note="Scheda di settore.",
            is_example="on",
            example_fields=["responsible_office"],
        ),
    )
    assert response.status_code == 302
    objective = OperationalObjective.objects.get()
    assert (objective.source_url, objective.is_example) == ("https://example.org/scheda", True)
    assert objective.example_fields == ["responsible_office"]
    html = editor.get(url("dup_document", document)).content.decode()
    assert '<a href="https://example.org/scheda">Fonte di OO1</a>' in html
    assert "Valori illustrativi, non fatti: ufficio responsabile." in html
    office = html.split("Settore mobilità")[1].split("</td>")[0]
    assert ">esempio</span>" in office


def test_an_unknown_example_field_is_refused_on_its_field(editor, document):
    response = editor.post(
        url("dup_operational_add", document), objective_form(example_fields=["code"])
    )
    assert response.status_code == 200
    assert 'id="id_example_fields_error"' in response.content.decode()
    assert not OperationalObjective.objects.exists()
