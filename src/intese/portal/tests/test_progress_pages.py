"""The public progress pages (Andamento del piano): figures of public agreements only, as of a
chosen day, each with how it is computed; the method page; the open data; fixed query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intese.monitoring import status as rules
from intese.testing import monitoring as build
from intese.testing import rollup_data as data
from intese.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

D = datetime.date
REPORTED = D(2024, 7, 1)
PAGES = {
    "progress": lambda plan: reverse("portal:progress"),
    "progress_plan": lambda plan: reverse("portal:progress_plan", args=[plan.code]),
    "progress_zones": lambda plan: reverse("portal:progress_zones"),
    "progress_themes": lambda plan: reverse("portal:progress_themes"),
    "progress_parties": lambda plan: reverse("portal:progress_parties"),
    "progress_method": lambda plan: reverse("portal:progress_method"),
    "progress_csv": lambda plan: reverse("portal:progress_csv"),
}


@pytest.fixture
def tree():
    return data.plan_tree(code="psttm")


@pytest.fixture
def accept(people):
    def accepted(commitment, percent, on=REPORTED, **fields):
        return build.report(
            commitment,
            percent,
            on,
            by=people.partner_sesto,
            accepted_by=people.plan_editor,
            **fields,
        )

    return accepted


@pytest.fixture
def worked_example(tree, accept):
    """The example of the method page: weights 1, 1, 2, 2 at 30 %, 50 %, 45 % and no data,
    in a public agreement on Cologno Monzese with a theme, linked to M1.1."""
    _plan, items = tree
    agreement = build.agreement_with(
        build.sesto(),
        code="INTESA-ESEMPIO",
        themes=[data.theme("Mobilità sostenibile")],
        areas=[data.comune("015081")],
    )
    for weight, percent in ((1, 30), (1, 50), (2, 45), (2, None)):
        c = build.commitment(agreement, build.sesto(), due_on=D(2026, 12, 31), weight=weight)
        if percent is not None:
            accept(c, percent)
    data.link(items["M1.1"], agreement)
    return agreement


@pytest.fixture
def private(tree, people):
    """An agreement not public, of Rho, with a commitment reported and accepted."""
    _plan, items = tree
    agreement = build.agreement_with(build.rho(), code="INTESA-RISERVATA", is_public=False)
    c = build.commitment(agreement, build.rho(), due_on=D(2026, 12, 31), weight=5)
    build.report(c, 90, REPORTED, by=people.partner_rho, accepted_by=people.plan_editor)
    data.link(items["M1.2"], agreement)
    return agreement


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# Every page


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_progress_page_opens_for_everybody_without_data(client, tree, name):
    response = client.get(PAGES[name](tree[0]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(set(PAGES) - {"progress_csv"}))
def test_every_progress_page_speaks_english_when_asked(client, tree, name):
    response = client.get(PAGES[name](tree[0]), headers={"accept-language": "en"})
    assert '<html lang="en">' in response.content.decode()


def test_an_unknown_plan_is_not_found(client):
    assert client.get(reverse("portal:progress_plan", args=["nessuno"])).status_code == 404


# The figures and how they are computed


def test_the_plan_page_shows_each_figure_with_its_weights_and_method(client, worked_example):
    html = page(client, reverse("portal:progress_plan", args=["psttm"]) + "?al=2024-07-02")
    assert "42,5%" in html
    method = "Avanzamento 42,5% = somma(peso × %) / somma dei pesi con dati: 170 / 4."  # noqa: RUF001
    assert method in html
    assert "Dati presenti per 4 su 6 di peso." in html
    assert "66,7%" in html  # coverage
    assert "Come si calcola" in html
    assert "Obiettivo M1.1" in html and "Obiettivo M1.2" in html


def test_status_is_told_by_a_word_and_an_icon_not_by_colour_alone(client, worked_example):
    html = page(client, reverse("portal:progress_plan", args=["psttm"]) + "?al=2024-07-02")
    assert "#it-arrow-right-circle" in html  # the icon of "In linea"
    assert "In linea" in html
    assert "Stato «In linea»: il peso in ritardo o a rischio (0) non supera il 25%" in html
    assert "In linea: 3 impegni (peso 4)" in html
    assert "Dati mancanti: 1 impegno (peso 2)" in html


def test_the_home_page_shows_the_overall_and_each_plans_figure(client, worked_example, tree):
    html = page(client, reverse("portal:progress") + "?al=2024-07-02")
    assert "4 impegni" in html
    assert html.count("42,5%") >= 2  # overall and the plan
    assert reverse("portal:progress_plan", args=["psttm"]) + "?al=2024-07-02" in html
    for name in ("progress_zones", "progress_themes", "progress_parties", "progress_method"):
        assert reverse(f"portal:{name}") in html


def test_zone_theme_and_party_pages_show_the_same_figures(client, worked_example):
    zones = page(client, reverse("portal:progress_zones") + "?al=2024-07-02")
    assert "Adda Martesana" in zones and "42,5%" in zones
    themes = page(client, reverse("portal:progress_themes") + "?al=2024-07-02")
    assert "Mobilità sostenibile" in themes and "42,5%" in themes
    parties = page(client, reverse("portal:progress_parties") + "?al=2024-07-02")
    assert build.sesto().name in parties and "42,5%" in parties


def test_only_organisations_with_commitments_are_listed(client, worked_example):
    parties = page(client, reverse("portal:progress_parties"))
    assert build.sesto().name in parties
    assert build.rho().name not in parties


# Public agreements only


def test_agreements_not_public_never_show(client, worked_example, private):
    as_of = "?al=2024-07-02"
    plan = page(client, reverse("portal:progress_plan", args=["psttm"]) + as_of)
    assert "90,0%" not in plan
    assert "Dati presenti per 4 su 6 di peso." in plan  # the whole plan: the weight 5 is left out
    assert build.rho().name not in page(client, reverse("portal:progress_parties") + as_of)
    rows = csv_rows(client.get(reverse("portal:progress_csv") + as_of))
    assert {row[1] for row in rows[1:]} == {"INTESA-ESEMPIO"}


# As of a day


def test_the_figures_follow_the_chosen_day(client, worked_example):
    before = page(client, reverse("portal:progress") + "?al=2024-06-30")
    assert "42,5%" not in before
    assert "Dati mancanti" in before
    assert 'value="2024-06-30"' in before


def test_a_malformed_day_says_so_in_italian_and_shows_today(client, worked_example):
    html = page(client, reverse("portal:progress") + "?al=31/12/2024")
    assert "La data «31/12/2024» non è valida: scrivila come AAAA-MM-GG" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "42,5%" in html  # today's figures


def test_an_impossible_day_is_refused_too(client):
    html = page(client, reverse("portal:progress_zones") + "?al=2024-02-30")
    assert "La data «2024-02-30» non è valida" in html


def test_a_future_day_is_refused_and_today_shown(client, worked_example):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = page(client, reverse("portal:progress") + f"?al={tomorrow.isoformat()}")
    assert f"La data {tomorrow:%d/%m/%Y} è nel futuro" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


# The method page


def test_the_method_page_states_the_thresholds_of_the_code(client, monkeypatch):
    html = page(client, reverse("portal:progress_method"))
    assert "dati mancanti, se la copertura è inferiore al 50%" in html
    assert "supera il 25% del peso valutato" in html
    assert "R + (R − S) × (100 − p) / p" in html  # noqa: RUF001
    monkeypatch.setattr(rules, "COVERAGE_MINIMUM", Decimal("0.6"))
    monkeypatch.setattr(rules, "TROUBLE_SHARE", Decimal("0.125"))
    html = page(client, reverse("portal:progress_method"))
    assert "inferiore al 60%" in html
    assert "supera il 12,5% del peso valutato" in html


# The open data


def test_the_csv_lists_each_public_commitment_as_of_the_day(client, worked_example):
    response = client.get(reverse("portal:progress_csv") + "?al=2024-07-02")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="andamento-impegni-2024-07-02.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == [
        "id_impegno",
        "codice_intesa",
        "responsabile",
        "peso",
        "percentuale",
        "data_relazione",
        "stato",
        "descrizione_stato",
        "scadenza",
    ]
    assert [(r[3], r[4], r[5], r[6], r[8]) for r in rows] == [
        ("1", "30", "2024-07-01", "on_track", "2026-12-31"),
        ("1", "50", "2024-07-01", "on_track", "2026-12-31"),
        ("2", "45", "2024-07-01", "on_track", "2026-12-31"),
        ("2", "", "", "missing", "2026-12-31"),
    ]
    weighted = sum(int(r[3]) * int(r[4]) for r in rows if r[4])
    assert weighted / sum(int(r[3]) for r in rows if r[4]) == 42.5  # anyone can recompute


def test_the_csv_cannot_carry_a_formula(client, people):
    trick = OrganisationFactory(name='=HYPERLINK("http://esempio.invalid")')
    agreement = build.agreement_with(trick)
    build.commitment(agreement, trick, due_on=D(2026, 12, 31))
    rows = csv_rows(client.get(reverse("portal:progress_csv")))
    assert rows[1][2].startswith("'=")


# Query counts


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def grow(people, items, count):
    more = [data.theme() for _ in range(count)]
    areas = [data.comune("015081"), data.zone("nord-milano")]
    for n in range(count):
        data.busy_agreement(
            people, [items["M1"], items["M1.1"], items["M1.2"]], themes=more[n:], areas=areas
        )
    data.plan_tree(children=("A", "B", "C"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_data(
    client, people, tree, name, django_assert_max_num_queries
):
    plan, items = tree
    data.busy_agreement(people, [items["M1.1"]])
    url = PAGES[name](plan) + "?al=2024-07-02"
    small = queries_for(client, url)
    grow(people, items, 4)
    with django_assert_max_num_queries(small):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
