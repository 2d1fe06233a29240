"""The public plan explorer: the plans, a nested tree with what implements each item (public
agreements only), a filter by tag, and the page of one item with its path and its links."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from intese.agreements import services as agreements
from intese.plans import services
from intese.plans.models import (
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanStatus,
    ProgrammingDocument,
    Term,
    Vocabulary,
)
from intese.testing import agreements as build

pytestmark = pytest.mark.django_db


class TreeReader(HTMLParser):
    """The codes of the tree's items (in <strong>) with the depth of <ul> they sit in."""

    def __init__(self):
        super().__init__()
        self.depth, self.in_tree, self.in_code, self.items = 0, False, False, []

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("id", "plan-tree") in attrs:
            self.in_tree = True
        elif self.in_tree and tag == "ul":
            self.depth += 1
        elif self.in_tree and tag == "strong":
            self.in_code = True

    def handle_endtag(self, tag):
        if self.in_tree and tag == "ul":
            self.depth -= 1
            self.in_tree = self.depth > 0
        elif tag == "strong":
            self.in_code = False

    def handle_data(self, data):
        if self.in_code:
            self.items.append((data, self.depth))


def tree_of(response) -> list[tuple[str, int]]:
    reader = TreeReader()
    reader.feed(response.content.decode())
    return reader.items


@pytest.fixture
def plan():
    return Plan.objects.create(
        code="psttm-2025-2027",
        title="PSTTM 2025-2027",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status=PlanStatus.APPROVED,
        level_names=["Missione", "Obiettivo", "Azione"],
    )


@pytest.fixture
def sdg():
    vocabulary = Vocabulary.objects.create(code="sdg", name="SDG")
    return Term.objects.create(vocabulary=vocabulary, code="11", name="Città sostenibili")


def add(plan, code, parent=None, **fields):
    return services.item_add(
        plan=plan, by=None, parent=parent, code=code, title=f"Voce {code}", **fields
    )


def link(agreement, item, commitment=None):
    return agreements.plan_link_add(
        agreement=agreement,
        by=None,
        plan_item=item,
        commitment=commitment,
        motivation=f"{agreement.code} attua {item.code}.",
    )


@pytest.fixture
def tree(plan, sdg):
    m1 = add(plan, "M1")
    objective = add(plan, "M1.1", m1, tags=[sdg], description="Rafforzare la mobilità.")
    action = add(plan, "M1.1.1", objective, is_example=True)
    add(plan, "M2")
    public = build.proposal(code="PUBBLICA")
    commitment = agreements.commitment_add(
        agreement=public, by=None, title="Piano della sosta", responsible=build.cmm()
    )
    link(public, action)
    link(public, action, commitment)
    link(build.proposal(code="RISERVATA", is_public=False), action)
    return {"M1": m1, "M1.1": objective, "M1.1.1": action}


def test_the_plans_page_lists_each_plan_with_its_period_and_status(client, plan):
    response = client.get(reverse("portal:plans"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "PSTTM 2025-2027" in text
    assert "1 gennaio 2025 \N{EN DASH} 31 dicembre 2027" in text.lower()
    assert "Approvato" in text
    assert plan.get_absolute_url() in text


def test_the_explorer_is_a_nested_list_with_public_counts_below_each_item(client, plan, tree):
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert tree_of(response) == [("M1", 1), ("M1.1", 2), ("M1.1.1", 3), ("M2", 1)]
    text = response.content.decode()
    assert "Missione" in text and "Obiettivo" in text and "Azione" in text
    assert "SDG: Città sostenibili" in text
    assert "esempio" in text
    # The private agreement is never counted; the commitment counts once, at every level above.
    assert text.count("1 intesa, 1 impegno") == 3
    assert "0 intese, 0 impegni" in text
    assert "RISERVATA" not in text


def test_a_tag_filter_keeps_the_tagged_items_and_the_items_above_them(client, plan, tree):
    response = client.get(plan.get_absolute_url() + "?etichetta=sdg:11")
    assert tree_of(response) == [("M1", 1), ("M1.1", 2)]
    summary = "2 voci mostrate: le voci con l'etichetta «Città sostenibili»"
    assert summary in response.content.decode()


def test_an_unknown_tag_shows_the_whole_tree_and_says_so(client, plan, tree):
    response = client.get(plan.get_absolute_url() + "?etichetta=sdg:99")
    assert response.status_code == 200
    assert [code for code, _depth in tree_of(response)] == ["M1", "M1.1", "M1.1.1", "M2"]
    assert "non è usata in questo piano" in response.content.decode()


def test_the_filter_answers_htmx_with_the_tree_and_the_summary_out_of_band(client, plan, tree):
    response = client.get(
        plan.get_absolute_url() + "?etichetta=sdg:11", headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert "<h1>" not in text
    assert 'id="tree-summary" role="status" hx-swap-oob="true"' in text
    assert tree_of(response) == [("M1", 1), ("M1.1", 2)]


def test_the_item_page_shows_its_path_tags_and_public_links_with_motivation(client, plan, tree):
    document = ProgrammingDocument.objects.create(
        code="dup-2025", title="DUP 2025-2027", first_year=2025, last_year=2027, plan=plan
    )
    objective = OperationalObjective.objects.create(
        document=document,
        year=2025,
        code="SeO-1",
        title="Piano della mobilità sostenibile",
        programme=BudgetProgramme.objects.get(code="1002"),
    )
    objective.plan_items.add(tree["M1.1.1"])
    item = tree["M1.1"]
    response = client.get(reverse("portal:plan_item", args=[plan.code, item.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'aria-current="page">M1.1</li>' in text
    assert reverse("portal:plan_item", args=[plan.code, tree["M1"].pk]) in text  # breadcrumb
    assert "Rafforzare la mobilità." in text and "SDG: Città sostenibili" in text
    assert "PUBBLICA attua M1.1.1." in text and "Piano della sosta" in text
    assert "RISERVATA" not in text
    assert "SeO-1 Piano della mobilità sostenibile" in text


def test_the_item_page_costs_the_same_queries_at_any_depth(client, plan, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(item):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("portal:plan_item", args=[plan.code, item.pk]))
        assert response.status_code == 200
        return len(captured)

    deep = tree["M1.1.1"]
    for n in range(4):
        deep = add(plan, f"{deep.code}.{n}", deep)
    assert queries(deep) == queries(tree["M1.1"])


def test_an_item_of_another_plan_is_not_found_under_this_plan(client, plan, tree):
    other = Plan.objects.create(
        code="altro", title="Altro", period_start=plan.period_start, period_end=plan.period_end
    )
    response = client.get(reverse("portal:plan_item", args=[other.code, tree["M1"].pk]))
    assert response.status_code == 404
