"""The DUP, the coherence matrix and gap reports, and the links of agreements to the plan,
under /area-riservata/dup/."""

from django.urls import path

from intese.backoffice import views_dup as views

urlpatterns = [
    path("", views.document_list, name="dup_documents"),
    path("nuovo/", views.document_create, name="dup_document_create"),
    path("documenti/<slug:code>/", views.document_detail, name="dup_document"),
    path("documenti/<slug:code>/modifica/", views.document_edit, name="dup_document_edit"),
    path("documenti/<slug:code>/ses/nuovo/", views.strategic_add, name="dup_strategic_add"),
    path(
        "documenti/<slug:code>/ses/<int:pk>/modifica/",
        views.strategic_edit,
        name="dup_strategic_edit",
    ),
    path("documenti/<slug:code>/seo/nuovo/", views.operational_add, name="dup_operational_add"),
    path(
        "documenti/<slug:code>/seo/<int:pk>/modifica/",
        views.operational_edit,
        name="dup_operational_edit",
    ),
    path("coerenza/", views.coherence_matrix, name="coherence_matrix"),
    path("coerenza/matrice.csv", views.coherence_matrix_csv, name="coherence_matrix_csv"),
    path("coerenza/lacune/", views.coherence_gaps, name="coherence_gaps"),
    path("coerenza/lacune/<slug:report>.csv", views.coherence_gap_csv, name="coherence_gap_csv"),
    # Forms of the agreement's page: kept here, apart from the "intese/<code>/" patterns.
    path("collegamenti/<str:code>/nuovo/", views.plan_link_add, name="plan_link_add"),
    path("collegamenti/<int:pk>/elimina/", views.plan_link_remove, name="plan_link_remove"),
]
