"""Partners' reporting, under /area-riservata/monitoraggio/rendiconta/."""

from django.urls import path

from intese.backoffice import views_reporting as views

urlpatterns = [
    path("", views.reporting, name="reporting_home"),
    path(
        "<int:round>/impegni/<int:commitment>/",
        views.progress,
        name="reporting_progress",
    ),
    path(
        "<int:round>/indicatori/<int:indicator>/",
        views.measurement,
        name="reporting_measurement",
    ),
    path(
        "<int:round>/soggetti/<int:organisation>/modello/",
        views.template_download,
        name="reporting_template",
    ),
    path(
        "<int:round>/soggetti/<int:organisation>/importa/",
        views.import_upload,
        name="reporting_import",
    ),
]
