from django.urls import path

from intese.portal import views_transparency as views

urlpatterns = [
    path("accordi/", views.transparency, name="transparency"),
    path("accordi.csv", views.transparency_csv, name="transparency_csv"),
    path("accordi.ods", views.transparency_ods, name="transparency_ods"),
]
