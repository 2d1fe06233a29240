"""The public progress pages (Andamento del piano), under /andamento/."""

from django.urls import path

from intese.portal import views_monitoring as views

urlpatterns = [
    path("", views.progress_home, name="progress"),
    path("piano/<slug:code>/", views.progress_plan, name="progress_plan"),
    path("zone/", views.progress_zones, name="progress_zones"),
    path("temi/", views.progress_themes, name="progress_themes"),
    path("soggetti/", views.progress_parties, name="progress_parties"),
    path("metodo/", views.progress_method, name="progress_method"),
    path("impegni.csv", views.progress_csv, name="progress_csv"),
]
