"""`refdata load` and friends: the real territory of the Città metropolitana di Milano.

The test database is loaded once (see conftest.django_db_setup) with the four commands a new
installation runs; these tests state what that load must have produced, that an unknown
province is refused without writing, and that running any load again writes nothing.
"""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

from intese.actors.models import Organisation, OrganisationKind
from intese.territory.models import Area, AreaKind, ZoneMembership, today

pytestmark = pytest.mark.django_db

DATA = settings.PROJECT_DIR / "data"
MI_COMUNI = 133
MI_POPULATION = 3_219_391
MILANO_POPULATION = 1_354_196


def run(*arguments) -> str:
    out = io.StringIO()
    call_command("refdata", *arguments, stdout=out)
    return out.getvalue()


def metropolitan_city() -> Area:
    return Area.objects.get(kind=AreaKind.METROPOLITAN_CITY, code="015")


def current_comuni_of_mi():
    return Area.objects.municipalities().valid_on(today()).filter(parent=metropolitan_city())


def row_counts() -> dict[str, int]:
    """Rows and history rows of every table the loaders write to."""
    return {
        "areas": Area.objects.count(),
        "area_history": Area.history.count(),
        "memberships": ZoneMembership.objects.count(),
        "membership_history": ZoneMembership.history.count(),
        "organisations": Organisation.objects.count(),
        "organisation_history": Organisation.history.count(),
    }


# --- What the reference load produced -------------------------------------------------------------


def test_milan_has_133_comuni_today():
    assert current_comuni_of_mi().count() == MI_COMUNI


def test_the_comuni_of_milan_total_3_219_391_inhabitants_in_2023():
    comuni = current_comuni_of_mi()
    assert sum(c.population for c in comuni) == MI_POPULATION
    assert set(comuni.values_list("population_year", flat=True)) == {2023}


def test_the_metropolitan_city_population_is_the_sum_of_its_comuni():
    cmm = metropolitan_city()
    assert cmm.population == MI_POPULATION
    assert cmm.population_year == 2023


def test_milano_has_1_354_196_inhabitants_and_cadastral_code_f205():
    milano = Area.objects.municipalities().get(code="015146")
    assert milano.name == "Milano"
    assert milano.population == MILANO_POPULATION
    assert milano.short_code == "F205"


def test_region_lombardia_has_code_03_and_a_geojson_boundary():
    region = Area.objects.get(kind=AreaKind.REGION, code="03")
    assert region.name == "Lombardia"
    assert region.parent is None
    assert isinstance(region.boundary, dict)
    assert region.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert region.boundary["coordinates"]


def test_the_metropolitan_city_is_015_with_sigla_mi_inside_lombardia():
    cmm = metropolitan_city()
    assert cmm.kind == AreaKind.METROPOLITAN_CITY
    assert cmm.short_code == "MI"
    assert cmm.parent.code == "03"
    assert isinstance(cmm.boundary, dict)
    assert cmm.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert cmm.boundary["coordinates"]


def test_every_comune_of_milan_has_a_geojson_boundary_and_its_source():
    comuni = current_comuni_of_mi()
    assert all(isinstance(c.boundary, dict) and c.boundary.get("coordinates") for c in comuni)
    assert all("Openpolis" in c.source and c.source_url for c in comuni)


def test_every_comune_of_milan_has_its_municipality_organisation():
    comuni = list(current_comuni_of_mi())
    organisations = {
        o.area_id: o
        for o in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, area__in=comuni)
    }
    assert len(organisations) == MI_COMUNI
    for comune in comuni:
        assert organisations[comune.pk].name == f"Comune di {comune.name}"


def test_comuni_merged_away_get_no_organisation():
    """Vermezzo and Zelo Surrigone ceased in 2019: nobody signs an agreement for them."""
    assert not Organisation.objects.filter(area__code__in=["015235", "015246"]).exists()


def test_each_comune_has_exactly_one_organisation_of_kind_municipality():
    per_area = (
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
        .values("area")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(per_area) == []


# --- Other provinces and unknown ones -------------------------------------------------------------


def test_loading_turin_adds_its_312_comuni_to_the_metropolitan_city_of_torino():
    output = run("load", "--province", "TO")

    torino = Area.objects.get(kind=AreaKind.METROPOLITAN_CITY, short_code="TO")
    comuni = Area.objects.municipalities().filter(parent=torino)
    assert torino.code == "001"
    assert comuni.count() == 312
    assert torino.parent.kind == AreaKind.REGION
    assert torino.parent.code == "01"
    assert Organisation.objects.filter(kind="municipality", area__parent=torino).count() == 312
    assert "Creati: 626" in output  # region, metropolitan city, 312 Comuni, 312 organisations
    # Milan is untouched.
    assert current_comuni_of_mi().count() == MI_COMUNI


def test_an_unknown_province_sigla_is_refused_naming_it_and_writes_nothing():
    before = row_counts()

    with pytest.raises(CommandError, match="XX") as refused:
        run("load", "--province", "XX")

    assert "Sigla di provincia sconosciuta" in str(refused.value)
    assert row_counts() == before


# --- Running a load again writes nothing ----------------------------------------------------------


REFDATA_LOADS = {
    "load MI": ["load", "--province", "MI"],
    "variations": ["variations", str(DATA / "comuni_variazioni.csv")],
    "zones": [
        "zones",
        str(DATA / "zone_omogenee.csv"),
        "--changes",
        str(DATA / "zone_omogenee_changes.csv"),
        "--since",
        "2015-09-17",
    ],
    "organisations": ["organisations", str(DATA / "organisations_reference.csv")],
}


@pytest.mark.parametrize("arguments", REFDATA_LOADS.values(), ids=REFDATA_LOADS.keys())
def test_running_a_load_again_changes_nothing(arguments):
    before = row_counts()
    organisations_before = list(Organisation.objects.values().order_by("pk"))

    output = run(*arguments)

    assert "Creati: 0, modificati: 0, chiusi: 0" in output
    assert row_counts() == before  # no row and no history record written
    assert list(Organisation.objects.values().order_by("pk")) == organisations_before
