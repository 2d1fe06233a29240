from django.urls import path

from intese.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("soggetti/<int:pk>/contatti/", views.organisation_contacts, name="organisation_contacts"),
]
