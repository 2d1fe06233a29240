"""The plan office's monitoring pages, under /area-riservata/monitoraggio/: rounds, the review
queue with the submissions' evidence, indicators and their targets."""

from django.urls import path

from intese.backoffice import views_monitoring as views

urlpatterns = [
    path("", views.round_list, name="monitoring_rounds"),
    path("cicli/nuovo/", views.round_create, name="monitoring_round_create"),
    path("cicli/<int:pk>/", views.round_detail, name="monitoring_round"),
    path("cicli/<int:pk>/modifica/", views.round_edit, name="monitoring_round_edit"),
    path("cicli/<int:pk>/apri/", views.round_open, name="monitoring_round_open"),
    path("cicli/<int:pk>/chiudi/", views.round_close, name="monitoring_round_close"),
    path("revisione/", views.review_queue, name="monitoring_review"),
    path("revisione/<slug:kind>/<int:pk>/", views.review_decide, name="monitoring_review_decide"),
    path("documenti/<slug:kind>/<int:pk>/", views.evidence, name="monitoring_evidence"),
    path("indicatori/", views.indicator_list, name="monitoring_indicators"),
    path("indicatori/nuovo/", views.indicator_create, name="monitoring_indicator_create"),
    path("indicatori/<int:pk>/", views.indicator_detail, name="monitoring_indicator"),
    path("indicatori/<int:pk>/modifica/", views.indicator_edit, name="monitoring_indicator_edit"),
    path("indicatori/<int:pk>/obiettivi/", views.target_set, name="monitoring_target_set"),
]
