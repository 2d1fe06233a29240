"""The DUP: documents and update notes, strategic and operational objectives, and the rules
that span rows (classification, years, links within the document's plan, stale edits)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from intese.core.concurrency import StaleEdit
from intese.plans import dup, services
from intese.plans.models import (
    BudgetProgramme,
    OperationalObjective,
    Plan,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.plans.services import PlanError


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


def programme(code="1005"):
    return BudgetProgramme.objects.get(code=code)


def item(plan, code):
    return services.item_add(plan=plan, by=None, code=code, title=f"Voce {code}")


def seo(document, **fields):
    return dup.operational_objective_add(
        document=document,
        by=None,
        **{"code": "OO1", "title": "Ciclabili", "year": 2024, "programme": programme(), **fields},
    )


def test_an_update_note_updates_a_dup(document):
    note = dup.document_create(
        by=None,
        code="nadup-2024-2026",
        title="Nota di aggiornamento al DUP 2024-2026",
        kind=ProgrammingDocument.Kind.UPDATE_NOTE,
        first_year=2024,
        last_year=2026,
        updates=document,
        plan=document.plan,
    )
    assert list(document.update_notes.all()) == [note]
    with pytest.raises(PlanError, match="indica il DUP che aggiorna"):
        dup.document_create(
            by=None,
            code="nota-orfana",
            title="Nota",
            kind=ProgrammingDocument.Kind.UPDATE_NOTE,
            first_year=2024,
            last_year=2026,
        )
    with pytest.raises(PlanError, match="non può diventare a sua volta una nota"):
        dup.document_update(
            document=document,
            expected_version=document.version,
            by=None,
            kind=ProgrammingDocument.Kind.UPDATE_NOTE,
            updates=ProgrammingDocument.objects.create(
                code="altro", title="Altro DUP", first_year=2024, last_year=2026
            ),
        )
    with pytest.raises(PlanError, match="aggiorna un DUP"):
        dup.document_create(
            by=None,
            code="nota-di-nota",
            title="Nota",
            kind=ProgrammingDocument.Kind.UPDATE_NOTE,
            first_year=2024,
            last_year=2026,
            updates=note,
        )


def test_a_document_runs_forward_in_time(db):
    with pytest.raises(ValidationError, match="L'ultimo anno non può precedere il primo"):
        dup.document_create(by=None, code="x", title="X", first_year=2026, last_year=2024)
    assert not ProgrammingDocument.objects.exists()


def test_an_operational_objective_is_classified_by_mission_and_programme(document):
    with pytest.raises(PlanError, match="classificato per Missione e Programma") as refused:
        seo(document, programme=None)
    assert refused.value.field == "programme"
    assert not OperationalObjective.objects.exists()
    objective = seo(document)
    assert objective.programme.mission.code == "10"
    with pytest.raises(PlanError, match="classificato per Missione e Programma"):
        dup.operational_objective_update(
            objective=objective, expected_version=objective.version, by=None, programme=None
        )
    assert OperationalObjective.objects.get().programme_id == programme().pk


def test_an_operational_objective_falls_within_the_documents_years(document):
    for year in (2023, 2027):
        refusal = rf"L'anno {year} è fuori dal periodo del documento \(2024-2026\)"
        with pytest.raises(PlanError, match=refusal):
            seo(document, year=year)
    assert not OperationalObjective.objects.exists()
    assert [seo(document, code=f"OO{y}", year=y).year for y in (2024, 2026)] == [2024, 2026]


def test_objectives_link_only_items_of_the_documents_plan(document, plan):
    own = item(plan, "M1")
    foreign = item(make_plan("psttm-2025-2027", 2025), "M9")
    with pytest.raises(PlanError, match="solo a voci del piano di riferimento") as refused:
        seo(document, plan_items=[own, foreign])
    assert "M9" in refused.value.message and refused.value.field == "plan_items"
    with pytest.raises(PlanError, match="solo a voci del piano di riferimento"):
        dup.strategic_objective_add(
            document=document, by=None, code="OS1", title="Mobilità", plan_items=[foreign]
        )
    assert not OperationalObjective.objects.exists() and not StrategicObjective.objects.exists()
    objective = seo(document, plan_items=[own])
    with pytest.raises(PlanError, match="solo a voci del piano di riferimento"):
        dup.operational_objective_update(
            objective=objective, expected_version=objective.version, by=None, plan_items=[foreign]
        )
    assert list(OperationalObjective.objects.get().plan_items.all()) == [own]


def test_a_document_without_a_plan_links_no_item(plan):
    document = dup.document_create(
        by=None, code="dup-senza-piano", title="DUP", first_year=2024, last_year=2026
    )
    with pytest.raises(PlanError, match="non indica il piano strategico di riferimento"):
        seo(document, plan_items=[item(plan, "M1")])


def test_an_operational_objective_serves_a_strategic_objective_of_its_document(document):
    other = dup.document_create(
        by=None, code="dup-2025-2027", title="DUP 2025-2027", first_year=2025, last_year=2027
    )
    strategic = dup.strategic_objective_add(document=other, by=None, code="OS1", title="Altro")
    with pytest.raises(PlanError, match="appartiene a un altro documento"):
        seo(document, strategic_objective=strategic)
    own = dup.strategic_objective_add(document=document, by=None, code="OS1", title="Mobilità")
    assert seo(document, strategic_objective=own).strategic_objective == own


def test_a_document_keeps_its_objectives_when_it_changes(document, plan):
    seo(document, year=2026, plan_items=[item(plan, "M1")])
    with pytest.raises(PlanError, match="anni fuori dal periodo 2024-2025"):
        dup.document_update(
            document=document, expected_version=document.version, by=None, last_year=2025
        )
    document = ProgrammingDocument.objects.get(pk=document.pk)
    with pytest.raises(PlanError, match="voci di un altro piano"):
        dup.document_update(
            document=document,
            expected_version=document.version,
            by=None,
            plan=make_plan("psttm-2025-2027", 2025),
        )
    document.refresh_from_db()
    assert (document.last_year, document.plan) == (2026, plan)


def test_codes_are_unique_within_a_document(document):
    dup.strategic_objective_add(document=document, by=None, code="OS1", title="Mobilità")
    with pytest.raises(ValidationError):
        dup.strategic_objective_add(document=document, by=None, code="OS1", title="Doppio")
    seo(document)
    with pytest.raises(ValidationError):
        seo(document, title="Doppio")
    assert seo(document, year=2025).code == "OO1"  # same code, another year


def test_a_stale_edit_is_refused_and_changes_nothing(document, people):
    objective = seo(document)
    strategic = dup.strategic_objective_add(document=document, by=None, code="OS1", title="A")
    read = objective.version
    dup.operational_objective_update(
        objective=objective, expected_version=read, by=people.plan_editor, title="Prima"
    )
    with pytest.raises(StaleEdit, match="Qualcun altro ha modificato"):
        dup.operational_objective_update(
            objective=OperationalObjective.objects.get(pk=objective.pk),
            expected_version=read,
            by=people.plan_editor,
            title="Seconda",
        )
    assert OperationalObjective.objects.get(pk=objective.pk).title == "Prima"
    with pytest.raises(StaleEdit):
        dup.strategic_objective_update(
            objective=strategic, expected_version=strategic.version + 1, by=None, title="B"
        )
    with pytest.raises(StaleEdit):
        dup.document_update(
            document=document, expected_version=document.version + 1, by=None, title="Altro"
        )
    assert StrategicObjective.objects.get().title == "A"
    assert ProgrammingDocument.objects.get().title == "DUP 2024-2026"


def test_edits_keep_their_history_with_the_user(document, people):
    objective = seo(document)
    dup.operational_objective_update(
        objective=objective,
        expected_version=objective.version,
        by=people.plan_editor,
        responsible_office="Settore mobilità",
    )
    latest = objective.history.latest()
    assert (latest.history_user, latest.responsible_office, latest.version) == (
        people.plan_editor,
        "Settore mobilità",
        2,
    )


def test_the_page_groups_the_operational_section_by_year_mission_and_programme(
    document, django_assert_num_queries
):
    dup.strategic_objective_add(document=document, by=None, code="OS1", title="Mobilità")
    seo(document, code="B", year=2025, programme=programme("1005"))
    seo(document, code="A", year=2024, programme=programme("1002"))
    seo(document, code="C", year=2024, programme=programme("1005"))
    seo(document, code="D", year=2024, programme=programme("0101"))
    with django_assert_num_queries(7):
        # document with plan and update, notes, SeS, their items, SeO, their items, their links
        page = dup.document_for_page(document.code)
        years = dup.operational_sections(page)
    shape = [
        (
            y.year,
            [
                (
                    m.mission.code,
                    [(p.programme.code, [o.code for o in p.objectives]) for p in m.programmes],
                )
                for m in y.missions
            ],
        )
        for y in years
    ]
    assert shape == [
        (2024, [("01", [("0101", ["D"])]), ("10", [("1002", ["A"]), ("1005", ["C"])])]),
        (2025, [("10", [("1005", ["B"])])]),
    ]
    assert years[0].missions[0].programmes[0].unverified


# Sources and examples ----------------------------------------------------------------------


def test_rows_of_the_dup_keep_their_sources_and_which_values_are_examples(document):
    dup.document_update(
        document=document,
        expected_version=1,
        by=None,
        source_url="https://example.org/consiglio/odg",
        source_note="Ordine del giorno del Consiglio metropolitano.",
        example_fields=["plan", "title"],
    )
    document.refresh_from_db()
    assert document.source_url == "https://example.org/consiglio/odg"
    assert document.example_fields == ["title", "plan"]  # in the order of the fields
    assert document.example_labels == ["titolo", "piano strategico di riferimento"]
    objective = seo(document, source_note="Scheda del Settore.", example_fields=["programme"])
    assert objective.source_note == "Scheda del Settore."
    assert objective.example_labels == ["programma di bilancio"]
    strategic = dup.strategic_objective_add(
        document=document, by=None, code="OS1", title="S", source_url="https://example.org/ses"
    )
    assert StrategicObjective.objects.get(pk=strategic.pk).source_url == "https://example.org/ses"


def test_unknown_example_fields_and_bad_source_addresses_are_refused(document):
    with pytest.raises(PlanError, match="Campi di esempio sconosciuti: code, version") as refusal:
        seo(document, example_fields=["code", "version"])
    assert refusal.value.field == "example_fields"
    with pytest.raises(ValidationError) as invalid:
        seo(document, source_url="non è un indirizzo")
    assert "source_url" in invalid.value.error_dict
    assert not OperationalObjective.objects.exists()
