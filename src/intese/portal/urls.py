from django.urls import include, path, register_converter

from intese.portal import views
from intese.territory.models import AreaKind


class IstatMunicipalityCode:
    """The ISTAT code of a Comune: six digits."""

    regex = "[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class AreaKindConverter(IstatMunicipalityCode):
    """One of the known kinds of area (region, zone, …)."""

    regex = "|".join(AreaKind.values)


class AreaCode(IstatMunicipalityCode):
    """An ISTAT code (digits) or a zone's slug: lowercase letters, digits and hyphens."""

    regex = "[a-z0-9-]+"


register_converter(IstatMunicipalityCode, "istat6")
register_converter(AreaKindConverter, "areakind")
register_converter(AreaCode, "areacode")

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("territorio/", views.territory_page, name="territory"),
    path("territorio/mappa.geojson", views.territory_map, name="territory_map"),
    path(
        "territorio/confini/<areakind:kind>/<areacode:code>.geojson",
        views.area_shape,
        name="area_shape",
    ),
    path("territorio/zone/<slug:code>/", views.zone_page, name="zone"),
    path("territorio/comuni/<istat6:code>/", views.municipality_page, name="municipality"),
    path("soggetti/", views.directory, name="directory"),
    path("soggetti/<int:pk>/", views.organisation_page, name="organisation"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/comuni.csv", views.municipalities_csv, name="municipalities_csv"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("trasparenza/", include("intese.portal.urls_transparency")),
    path("piano/", include("intese.portal.urls_plans")),
    path("andamento/", include("intese.portal.urls_monitoring")),
]
