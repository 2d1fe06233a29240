"""The coherence matrix and the gap reports: what they contain, how the filters narrow them,
and a number of queries that does not grow with 5,000 plan items and 10,000 agreements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intese.actors.models import Organisation
from intese.agreements import services as agreements
from intese.agreements.models import Theme
from intese.plans import coherence, dup, selectors, services
from intese.plans.coherence import CellLink
from intese.plans.models import BudgetProgramme
from intese.territory.models import Area
from intese.testing import agreements as build
from intese.testing.plans import grow, make_plan

MOTIVATION = "Attua la voce del piano."


def add(plan, code, parent=None):
    return services.item_add(plan=plan, by=None, parent=parent, code=code, title=f"Voce {code}")


def link(agreement, item, motivation=MOTIVATION, **extra):
    return agreements.plan_link_add(
        agreement=agreement, by=None, plan_item=item, motivation=motivation, **extra
    )


def zone(code):
    return Area.objects.get(kind="zone", code=code)


def comune(code):
    return Area.objects.get(kind="municipality", code=code)


def theme(code):
    return Theme.objects.get_or_create(code=code, defaults={"name": code.title()})[0]


@pytest.fixture
def tree(db):
    """M1 (M1.1, M1.2) and M2 in one plan; X in another."""
    plan = make_plan()
    m1 = add(plan, "M1")
    items = {"M1": m1, "M1.1": add(plan, "M1.1", m1), "M1.2": add(plan, "M1.2", m1)}
    items["M2"] = add(plan, "M2")
    items["X"] = add(make_plan("altro", 2025), "X")
    return plan, items


def codes(rows):
    return [row.code for row in rows]


# The matrix --------------------------------------------------------------------------------


def test_the_matrix_crosses_the_tree_with_the_agreements_linked_to_the_plan(tree):
    plan, items = tree
    a, b = build.proposal(code="A"), build.proposal(code="B")
    c, _d = build.proposal(code="C"), build.proposal(code="D")
    link(a, items["M1.1"], "Attua l'obiettivo M1.1.")
    cabina = agreements.commitment_add(
        agreement=b, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    link(b, items["M2"], "Lo attua la cabina di regia.", commitment=cabina)
    link(b, items["M2"], "L'intesa nel suo insieme.")
    link(c, items["X"])  # another plan: not a column here

    matrix = coherence.coherence_matrix(plan)

    assert codes(matrix.rows) == ["M1", "M1.1", "M1.2", "M2"]
    assert codes(matrix.columns) == ["A", "B"]
    assert matrix.linked == {(items["M1.1"].pk, a.pk), (items["M2"].pk, b.pk)}
    assert matrix.links(items["M1.1"], a) == [CellLink("Attua l'obiettivo M1.1.")]
    assert matrix.links(items["M2"], b) == [
        CellLink("Lo attua la cabina di regia.", "Cabina di regia"),
        CellLink("L'intesa nel suo insieme."),
    ]
    assert matrix.links(items["M1"], a) == []
    assert [(i.code, total) for i, total, _cells in matrix.grid()] == [
        ("M1", 0),
        ("M1.1", 1),
        ("M1.2", 0),
        ("M2", 1),
    ]
    assert matrix.column_total(b) == 1
    assert matrix.linked_cells(items["M2"]) == [(b, matrix.links(items["M2"], b))]
    assert matrix.linked_cells(items["M1"]) == []
    assert matrix.rows[1].level_name == "Obiettivo"


def test_the_filters_narrow_the_agreements(tree):
    plan, items = tree
    mobility, environment = theme("mobilita"), theme("ambiente")
    sesto = Organisation.objects.get(area__code="015209")
    on_zone = build.proposal(code="ZONA", themes=[mobility], areas=[zone("nord-milano")])
    on_comune = build.proposal(code="COMUNE", themes=[environment], areas=[comune("015209")])
    # Cologno Monzese left Nord Milano for Adda Martesana in 2017: it no longer counts.
    on_former = build.proposal(code="EX", themes=[mobility], areas=[comune("015081")])
    agreements.party_add(agreement=on_comune, organisation=sesto, role="signatory", by=None)
    for agreement in (on_zone, on_comune, on_former):
        link(agreement, items["M1.1"])

    def columns(**filters):
        return codes(coherence.coherence_matrix(plan, **filters).columns)

    assert columns() == ["COMUNE", "EX", "ZONA"]
    assert columns(theme=mobility) == ["EX", "ZONA"]
    assert columns(zone=zone("nord-milano")) == ["COMUNE", "ZONA"]
    assert columns(zone=zone("adda-martesana")) == ["EX"]
    assert columns(party=sesto) == ["COMUNE"]
    assert columns(theme=mobility, zone=zone("nord-milano")) == ["ZONA"]
    assert columns(theme=environment, party=build.milano()) == ["COMUNE"]
    filtered = coherence.coherence_matrix(plan, theme=mobility)
    assert codes(filtered.rows) == ["M1", "M1.1", "M1.2", "M2"]  # the rows stay the whole tree
    assert {agreement for _item, agreement in filtered.linked} == {on_zone.pk, on_former.pk}


# Gap reports -------------------------------------------------------------------------------


def test_items_without_agreements_count_everything_below_them(tree):
    plan, items = tree
    assert codes(coherence.items_without_agreements(plan)) == ["M1", "M1.1", "M1.2", "M2"]
    link(build.proposal(), items["M1.1"])
    link(build.proposal(), items["X"])  # another plan covers nothing here
    agreement = build.proposal()
    cabina = agreements.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    link(agreement, items["M2"], commitment=cabina)
    gaps = coherence.items_without_agreements(plan)
    assert codes(gaps) == ["M1.2"]  # M1 is implemented through M1.1, M2 through a commitment
    tree = selectors.plan_tree(plan, public_only=False)
    assert codes(gaps) == codes(i for i in tree if i.agreement_count == 0)  # the tree's counts


def test_items_whose_codes_share_a_prefix_stay_apart(db):
    """Paths are fixed-width segments: item 0001 is not an ancestor of item 0010."""
    plan = make_plan()
    items = [add(plan, f"M{n}") for n in range(1, 11)]
    link(build.proposal(), items[9])
    assert items[9].path == "0010"
    assert len(coherence.items_without_agreements(plan)) == 9


def test_agreements_without_plan_items(tree):
    plan, items = tree
    linked, elsewhere, nowhere = (build.proposal(code=c) for c in ("LEGATA", "ALTROVE", "SOLA"))
    dup_only = build.proposal(code="SOLO-DUP")
    link(linked, items["M1.2"])
    link(elsewhere, items["X"])
    document = dup.document_create(
        by=None, code="dup", title="DUP", first_year=2024, last_year=2026, plan=plan
    )
    objective = dup.operational_objective_add(
        document=document,
        by=None,
        code="OO1",
        title="Obiettivo",
        year=2024,
        programme=BudgetProgramme.objects.get(code="1005"),
    )
    agreements.plan_link_add(
        agreement=dup_only, by=None, operational_objective=objective, motivation=MOTIVATION
    )
    unlinked = codes(coherence.agreements_without_plan_items(plan))
    assert unlinked == ["ALTROVE", "SOLA", "SOLO-DUP"]
    assert codes(coherence.agreements_without_plan_items()) == ["SOLA", "SOLO-DUP"]
    assert nowhere.code in unlinked


def test_zones_without_an_agreement_on_a_theme(db):
    mobility, environment = theme("mobilita"), theme("ambiente")
    metro = Area.objects.get(kind="metropolitan_city", code="015")
    build.proposal(themes=[mobility], areas=[zone("nord-milano")])
    build.proposal(themes=[environment], areas=[comune("015209")])  # Sesto, in Nord Milano
    build.proposal(
        themes=[mobility], areas=[comune("015081")]
    )  # Cologno, Adda Martesana since 2017
    build.proposal(themes=[environment], areas=[metro])  # the whole area: no zone in particular
    build.proposal(areas=[zone("sud-est")])  # no theme

    gaps = {gap.zone.code: codes(gap.themes) for gap in coherence.zones_without_theme(metro)}

    assert "nord-milano" not in gaps
    assert gaps["adda-martesana"] == ["ambiente"]
    assert gaps["sud-est"] == ["ambiente", "mobilita"]
    assert len(gaps) == Area.objects.zones().count() - 1
    long_ago = coherence.zones_without_theme(metro, on=datetime.date(2016, 6, 1))
    assert "adda-martesana" not in {gap.zone.code for gap in long_ago if not gap.themes}
    assert {g.zone.code: codes(g.themes) for g in long_ago}["adda-martesana"] == [
        "ambiente",
        "mobilita",
    ]  # in 2016 Cologno was in Nord Milano


def test_dup_objectives_without_plan_items(tree):
    plan, items = tree
    document = dup.document_create(
        by=None, code="dup", title="DUP", first_year=2024, last_year=2026, plan=plan
    )

    def objective(code, plan_items=()):
        return dup.operational_objective_add(
            document=document,
            by=None,
            code=code,
            title=f"Obiettivo {code}",
            year=2024,
            programme=BudgetProgramme.objects.get(code="1005"),
            plan_items=plan_items,
        )

    objective("OO2")
    objective("OO1", [items["M1.1"]])
    objective("OO3")
    assert codes(coherence.operational_objectives_without_plan_items(document)) == ["OO2", "OO3"]
    dup.strategic_objective_add(document=document, by=None, code="OS1", title="S")
    assert codes(coherence.strategic_objectives_without_plan_items(document)) == ["OS1"]


# Scale -------------------------------------------------------------------------------------


def reports(plan, document, metro) -> dict:
    """Every selector of this module, run to the end, with the queries each took."""
    filters = {
        "theme": theme("mobilita"),
        "zone": zone("nord-milano"),
        "party": Organisation.objects.get(area__code="015209"),
    }
    calls = {
        "matrix": lambda: coherence.coherence_matrix(plan),
        "matrix filtered": lambda: coherence.coherence_matrix(plan, **filters),
        "items without agreements": lambda: coherence.items_without_agreements(plan),
        "agreements without items": lambda: list(coherence.agreements_without_plan_items(plan)),
        "zones without theme": lambda: coherence.zones_without_theme(metro),
        "objectives without items": lambda: list(
            coherence.operational_objectives_without_plan_items(document)
        ),
    }
    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        counts[name] = len(queries)
    return counts


def test_reports_cost_the_same_queries_with_5000_items_and_10000_agreements(db):
    metro = Area.objects.get(kind="metropolitan_city", code="015")
    small_plan = make_plan("piccolo")
    grow(small_plan, items=40, agreements=20, prefix="PICCOLO")
    document = dup.document_create(
        by=None, code="dup", title="DUP", first_year=2024, last_year=2026, plan=small_plan
    )
    small = reports(small_plan, document, metro)
    assert small == {
        "matrix": 3,  # items, agreements, links
        "matrix filtered": 3,
        "items without agreements": 2,  # linked paths, tree
        "agreements without items": 1,
        "zones without theme": 3,  # zones, themes, covered pairs
        "objectives without items": 1,
    }
    large_plan = make_plan("grande", 2025)
    grow(large_plan, items=5000, agreements=10_000, prefix="GRANDE")
    assert large_plan.items.count() == 5000
    matrix = coherence.coherence_matrix(large_plan)
    assert (len(matrix.rows), len(matrix.columns)) == (5000, 10_000)
    assert reports(large_plan, document, metro) == small
