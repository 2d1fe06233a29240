from django.urls import include, path

from intese.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("soggetti/<int:pk>/contatti/", views.organisation_contacts, name="organisation_contacts"),
    path("intese/", include("intese.backoffice.urls_spreadsheets")),
    path("intese/", include("intese.backoffice.urls_documents")),
    path("dup/", include("intese.backoffice.urls_dup")),
    path("piani/", include("intese.backoffice.urls_plans")),
    # Partners' reporting first: the plan office's monitoring pages have "<pk>/" patterns.
    path("monitoraggio/rendiconta/", include("intese.backoffice.urls_reporting")),
    path("monitoraggio/", include("intese.backoffice.urls_monitoring")),
    # Last: its "<code>/" pattern would otherwise shadow the fixed paths above.
    path("intese/", include("intese.backoffice.urls_agreements")),
]
