"""The officer picks the items to carry from an earlier cycle: ticked items come with the items
above them, items already carried cannot be ticked again, a refusal is a clear message, and the
item pages show where an item comes from and where it goes on."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.plans import services
from intese.plans.models import Plan, PlanItem, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


def cycle(code, year, previous=None, status=PlanStatus.DRAFT):
    return Plan.objects.create(
        code=code,
        title=f"PSTTM {year}-{year + 2}",
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year + 2, 12, 31),
        previous=previous,
        status=status,
        level_names=["Missione", "Obiettivo"],
    )


@pytest.fixture
def cycles():
    first = cycle("psttm-2019-2021", 2019, status=PlanStatus.EXPIRED)
    second = cycle("psttm-2022-2024", 2022, first, status=PlanStatus.APPROVED)
    return first, second, cycle("psttm-2025-2027", 2025, second)


def add(plan, code, parent=None, **fields):
    fields.setdefault("title", f"Voce {code}")
    return services.item_add(plan=plan, by=None, parent=parent, code=code, **fields)


@pytest.fixture
def tree(cycles):
    _first, second, _third = cycles
    m1 = add(second, "M1")
    add(second, "M1.1", m1)
    add(second, "M1.2", m1)
    moves = add(second, "PM", level_label="Prime mosse")
    add(second, "PM-1", moves, level_label="Prima mossa")
    return {item.code: item for item in second.items.all()}


def page(plan, **query):
    address = reverse("backoffice:plan_carry_over_choose", args=[plan.code])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response) -> str:
    return response.content.decode()


def checkbox(html, item):
    return re.search(rf'<input[^>]*id="riprendi-{item.pk}"[^>]*>', html).group(0)


def test_the_editor_links_to_the_choice_of_items(editor, cycles, tree):
    html = text(editor.get(reverse("backoffice:plan", args=[cycles[2].code])))
    assert page(cycles[2]) in html and "Riprendi voci da un ciclo precedente" in html


def test_the_ticked_items_are_carried_with_the_items_above_them(editor, people, cycles, tree):
    _first, second, third = cycles
    response = editor.post(page(third), {"da": second.code, "items": [tree["PM-1"].pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:plan", args=[third.code])
    assert [(i.code, i.level_name) for i in third.items.all()] == [
        ("PM", "Prime mosse"),
        ("PM-1", "Prima mossa"),
    ]
    assert PlanItem.history.filter(plan_id=third.pk, history_user=people.plan_editor).exists()
    html = text(editor.get(reverse("backoffice:plan", args=[third.code])))
    assert "Riprese 2 voci da PSTTM 2022-2024." in html


def test_items_already_carried_are_shown_but_cannot_be_ticked(editor, cycles, tree):
    _first, second, third = cycles
    services.plan_carry_over(source=second, target=third, by=None, items=[tree["M1.1"]])
    html = text(editor.get(page(third)))
    assert "disabled" in checkbox(html, tree["M1.1"]) and "disabled" in checkbox(html, tree["M1"])
    assert "disabled" not in checkbox(html, tree["M1.2"])
    assert "già ripresa" in html
    refused = editor.post(page(third), {"da": second.code, "items": [tree["M1.1"].pk]})
    assert refused.status_code == 200 and "M1.1" in text(refused)
    assert third.items.count() == 2
    editor.post(page(third), {"da": second.code, "items": [tree["M1.2"].pk]})
    assert [(i.code, i.parent and i.parent.code) for i in third.items.all()] == [
        ("M1", None),
        ("M1.1", "M1"),
        ("M1.2", "M1"),
    ]


def test_nothing_ticked_is_a_clear_message(editor, cycles, tree):
    response = editor.post(page(cycles[2]), {"da": cycles[1].code})
    assert response.status_code == 200
    assert "Scegliere almeno una voce da riprendere." in text(response)
    assert not cycles[2].items.exists()


def test_items_can_come_from_an_older_cycle(editor, cycles, tree):
    first, _second, third = cycles
    ambit = add(first, "A1", title="Ambito di policy")
    html = text(editor.get(page(third, da=first.code)))
    assert f'id="riprendi-{ambit.pk}"' in html and f'id="riprendi-{tree["M1"].pk}"' not in html
    editor.post(page(third), {"da": first.code, "items": [ambit.pk]})
    assert third.items.get().carried_from == ambit


def test_a_plan_without_an_earlier_cycle_says_so(editor, cycles):
    html = text(editor.get(page(cycles[0])))
    assert "Il piano non ha un piano precedente da cui riprendere le voci." in html


def test_the_page_costs_the_same_queries_with_a_larger_tree(editor, cycles, tree):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor.get(page(cycles[2])).status_code == 200
        return len(captured)

    small = queries()
    for n in range(20):
        top = add(cycles[1], f"X{n}")
        add(cycles[1], f"X{n}.1", top)
    services.plan_carry_over(source=cycles[1], target=cycles[2], by=None, items=[tree["M1.1"]])
    assert queries() == small


def test_the_item_pages_show_where_an_item_comes_from_and_goes_on(editor, client, cycles, tree):
    first, second, third = cycles
    ambit = add(first, "A1", title="Ambito di policy")
    (carried,) = services.plan_carry_over(source=first, target=second, by=None, items=[ambit])
    (onwards,) = services.plan_carry_over(source=second, target=third, by=None, items=[carried])
    edit = text(editor.get(reverse("backoffice:plan_item_edit", args=[second.code, carried.pk])))
    assert "Ripresa da" in edit and "PSTTM 2019-2021" in edit
    assert "Prosegue in" in edit and (
        reverse("backoffice:plan_item_edit", args=[third.code, onwards.pk]) in edit
    )
    public = text(client.get(reverse("portal:plan_item", args=[first.code, ambit.pk])))
    assert "Prosegue in" in public
    assert reverse("portal:plan_item", args=[second.code, carried.pk]) in public
    public = text(client.get(reverse("portal:plan_item", args=[second.code, carried.pk])))
    assert "Ripresa da" in public
    assert "Prosegue in" not in public  # the 2025-2027 draft is not public yet


def test_the_item_form_costs_the_same_queries_however_many_cycles_carry_the_item_on(editor, cycles):
    first, second, third = cycles
    ambit = add(first, "A1", title="Ambito di policy")
    edit = reverse("backoffice:plan_item_edit", args=[first.code, ambit.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(edit)
        assert response.status_code == 200
        return len(captured), text(response)

    services.plan_carry_over(source=first, target=second, by=None, items=[ambit])
    once, html = queries()
    assert html.count(">A1 Ambito di policy</a>") == 1  # "Prosegue in" the 2022-2024 copy
    fourth = cycle("psttm-2028-2030", 2028, third)
    for later in (third, fourth):
        services.plan_carry_over(source=first, target=later, by=None, items=[ambit])
    thrice, html = queries()
    assert thrice == once
    following = html.split("Prosegue in</dt>")[1].split("</dd>")[0]
    assert following.index("PSTTM 2022-2024") < following.index("PSTTM 2025-2027")
    assert following.index("PSTTM 2025-2027") < following.index("PSTTM 2028-2030")
