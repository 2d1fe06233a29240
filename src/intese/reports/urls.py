"""The reports, under /area-riservata/relazioni/."""

from django.urls import path

from intese.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("annuale/", views.yearly_page, name="yearly"),
    path("annuale/richiedi/", views.request_file, name="request"),
    path("richieste/<int:pk>/", views.run_detail, name="run"),
    path("richieste/<int:pk>/scarica/", views.run_download, name="run_download"),
    path("intese/<str:code>/", views.agreement_sheet, name="agreement_sheet"),
    path("intese/<str:code>/pdf/", views.agreement_sheet_pdf, name="agreement_sheet_pdf"),
    path("zone/<slug:code>/", views.zone_sheet, name="zone_sheet"),
    path("zone/<slug:code>/pdf/", views.zone_sheet_pdf, name="zone_sheet_pdf"),
]
