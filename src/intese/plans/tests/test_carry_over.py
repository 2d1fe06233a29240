"""Carry-over between cycles: a copy keeps everything its original says (level label, tags,
example flags, sources) and where it comes from; the officer may carry a chosen subset, with the
items above it, into a tree that already has items; an item is never carried twice."""

import datetime

import pytest

from intese.plans import services
from intese.plans.models import Plan, PlanItem, Term, Vocabulary
from intese.plans.services import PlanError


def cycle(code, year, previous=None, levels=("Missione", "Obiettivo", "Azione")):
    return Plan.objects.create(
        code=code,
        title=code.upper(),
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year + 2, 12, 31),
        previous=previous,
        level_names=list(levels),
    )


@pytest.fixture
def plans(db):
    first = cycle("psttm-2019-2021", 2019)
    second = cycle("psttm-2022-2024", 2022, first)
    third = cycle("psttm-2025-2027", 2025, second)
    return first, second, third


@pytest.fixture
def keyword(db):
    vocabulary = Vocabulary.objects.create(code="parole-chiave", name="Parole chiave")
    return Term.objects.create(vocabulary=vocabulary, code="inclusione", name="Inclusione")


def add(plan, code, parent=None, **fields):
    fields.setdefault("title", f"Voce {code}")
    return services.item_add(plan=plan, by=None, parent=parent, code=code, **fields)


@pytest.fixture
def tree(plans):
    """M1 > M1.1 > M1.1.a, M1 > M1.2, PM > PM-1 in the 2022-2024 cycle."""
    _first, second, _third = plans
    m1 = add(second, "M1")
    m11 = add(second, "M1.1", m1)
    add(second, "M1.1.a", m11)
    add(second, "M1.2", m1)
    moves = add(second, "PM", level_label="Prime mosse")
    add(second, "PM-1", moves, level_label="Prima mossa")
    return {item.code: item for item in second.items.all()}


def shape(plan):
    return [(i.code, i.depth, i.parent.code if i.parent else None) for i in plan.items.all()]


def test_a_copy_keeps_level_label_tags_example_flags_sources_and_origin(plans, keyword, people):
    _first, second, third = plans
    original = add(
        second,
        "M5",
        title="Inclusione e coesione",
        description="Missione 5 del PNRR.",
        responsible_office="Direzione generale",
        level_label="Missione PNRR",
        is_example=False,
        example_fields=["tags"],
        source_note="https://example.org/fonte",
        tags=[keyword],
    )
    (copy,) = services.plan_carry_over(source=second, target=third, by=people.plan_editor)
    copy = PlanItem.objects.get(pk=copy.pk)
    assert copy.plan == third and copy.carried_from == original
    assert (copy.code, copy.title, copy.description, copy.responsible_office) == (
        "M5",
        "Inclusione e coesione",
        "Missione 5 del PNRR.",
        "Direzione generale",
    )
    assert copy.level_name == "Missione PNRR"
    assert copy.example_fields == ["tags"] and copy.is_example is False
    assert copy.source_note == "https://example.org/fonte"
    assert list(copy.tags.all()) == [keyword]
    assert list(original.carried_to.all()) == [copy]


def test_the_first_moves_stay_first_moves_in_the_next_cycle(tree, plans):
    _first, second, third = plans
    services.plan_carry_over(source=second, target=third, by=None, items=[tree["PM-1"]])
    labels = {i.code: i.level_name for i in third.items.all()}
    assert labels == {"PM": "Prime mosse", "PM-1": "Prima mossa"}


def test_an_illustrative_item_stays_illustrative(plans):
    _first, second, third = plans
    add(second, "M1-ES-1", title="Servizi digitali (esempio)", is_example=True)
    (copy,) = services.plan_carry_over(source=second, target=third, by=None)
    assert PlanItem.objects.get(pk=copy.pk).is_example


def test_the_history_records_who_carried_each_item(tree, plans, people):
    _first, second, third = plans
    copies = services.plan_carry_over(source=second, target=third, by=people.plan_editor)
    assert len(copies) == 6
    for copy in copies:
        record = PlanItem.history.filter(id=copy.pk).earliest("history_date")
        assert record.history_type == "+" and record.history_user == people.plan_editor
        assert record.carried_from_id == copy.carried_from_id


def test_a_chosen_item_comes_with_the_items_above_it_and_nothing_else(tree, plans):
    _first, second, third = plans
    copies = services.plan_carry_over(source=second, target=third, by=None, items=[tree["M1.1.a"]])
    assert [c.code for c in copies] == ["M1", "M1.1", "M1.1.a"]
    assert shape(third) == [("M1", 0, None), ("M1.1", 1, "M1"), ("M1.1.a", 2, "M1.1")]


def test_items_are_carried_into_a_tree_that_already_has_items(tree, plans):
    _first, second, third = plans
    add(third, "M7", title="Missione nuova del ciclo")
    services.plan_carry_over(source=second, target=third, by=None, items=[tree["M1.1"].pk])
    copies = services.plan_carry_over(source=second, target=third, by=None, items=[tree["M1.2"]])
    assert [c.code for c in copies] == ["M1.2"]  # M1 was carried before: the new copy goes below it
    assert shape(third) == [
        ("M7", 0, None),
        ("M1", 0, None),
        ("M1.1", 1, "M1"),
        ("M1.2", 1, "M1"),
    ]


def test_an_item_is_not_carried_twice_and_nothing_is_written(tree, plans):
    _first, second, third = plans
    services.plan_carry_over(source=second, target=third, by=None, items=[tree["M1.1"]])
    before = list(third.items.values_list("pk", flat=True))
    with pytest.raises(PlanError, match=r"Voci già riprese in PSTTM-2025-2027: M1\.1\."):
        services.plan_carry_over(
            source=second, target=third, by=None, items=[tree["M1.2"], tree["M1.1"]]
        )
    assert list(third.items.values_list("pk", flat=True)) == before


def test_a_code_already_used_in_the_new_cycle_is_refused(tree, plans):
    _first, second, third = plans
    add(third, "PM", title="Un'altra voce con lo stesso codice")
    with pytest.raises(PlanError, match="ha già voci con i codici PM:"):
        services.plan_carry_over(source=second, target=third, by=None, items=[tree["PM-1"]])
    assert list(third.items.values_list("code", flat=True)) == ["PM"]


def test_items_come_from_any_earlier_cycle_but_never_from_a_later_one(plans):
    first, second, third = plans
    add(first, "A1", title="Ambito di policy")
    (copy,) = services.plan_carry_over(source=first, target=third, by=None)
    assert copy.carried_from.plan == first
    add(third, "N1")
    with pytest.raises(PlanError, match="non precede"):
        services.plan_carry_over(source=third, target=second, by=None)
    with pytest.raises(PlanError, match="non precede"):
        services.plan_carry_over(source=third, target=third, by=None)


def test_only_items_of_the_source_plan_can_be_chosen(tree, plans):
    _first, second, third = plans
    stranger = add(third, "X1")
    with pytest.raises(PlanError, match="Si riprendono solo voci di PSTTM-2022-2024"):
        services.plan_carry_over(source=second, target=third, by=None, items=[stranger])
    with pytest.raises(PlanError, match="almeno una voce"):
        services.plan_carry_over(source=second, target=third, by=None, items=[])
    assert list(third.items.values_list("code", flat=True)) == ["X1"]
