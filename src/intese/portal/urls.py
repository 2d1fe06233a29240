from django.urls import include, path

from intese.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("territorio/", views.territory_page, name="territory"),
    path("territorio/mappa.geojson", views.territory_map, name="territory_map"),
    path("territorio/confini/<str:kind>/<str:code>.geojson", views.area_shape, name="area_shape"),
    path("territorio/zone/<slug:code>/", views.zone_page, name="zone"),
    path("territorio/comuni/<str:code>/", views.municipality_page, name="municipality"),
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
