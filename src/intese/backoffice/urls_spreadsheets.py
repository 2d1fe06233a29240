"""The agreements registry as a spreadsheet, under /area-riservata/intese/."""

from django.urls import path

from intese.backoffice import views_spreadsheets as views

urlpatterns = [
    path("esporta/", views.agreements_export, name="agreements_export"),
    path("importa/", views.agreements_import, name="agreements_import"),
    path("modello/", views.agreements_template, name="agreements_template"),
]
