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
