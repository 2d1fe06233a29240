from django.urls import path

from intese.backoffice import views_agreements as views

urlpatterns = [
    path("", views.agreement_list, name="agreements"),
    path("nuova/", views.agreement_create, name="agreement_create"),
    path("<str:code>/", views.agreement_detail, name="agreement"),
    path("<str:code>/modifica/", views.agreement_edit, name="agreement_edit"),
    path(
        "<str:code>/azioni/<slug:action>/", views.agreement_transition, name="agreement_transition"
    ),
    path("<str:code>/parti/nuova/", views.party_add, name="party_add"),
    path("<str:code>/parti/<int:pk>/firma/", views.party_sign, name="party_sign"),
    path(
        "<str:code>/parti/<int:pk>/firma/correggi/",
        views.party_signature_edit,
        name="party_signature_edit",
    ),
    path("<str:code>/parti/<int:pk>/togli/", views.party_remove, name="party_remove"),
    path("<str:code>/atti/nuovo/", views.act_add, name="act_add"),
    path("<str:code>/atti/<int:pk>/modifica/", views.act_edit, name="act_edit"),
    path("<str:code>/impegni/nuovo/", views.commitment_add, name="commitment_add"),
    path("<str:code>/impegni/<int:pk>/modifica/", views.commitment_edit, name="commitment_edit"),
    path("<str:code>/impegni/<int:pk>/traguardi/nuovo/", views.milestone_add, name="milestone_add"),
    path("<str:code>/traguardi/<int:pk>/modifica/", views.milestone_edit, name="milestone_edit"),
    path(
        "<str:code>/traguardi/<int:pk>/raggiunto/",
        views.milestone_reached,
        name="milestone_reached",
    ),
    path("<str:code>/finanziamenti/nuovo/", views.funding_add, name="funding_add"),
    path("<str:code>/finanziamenti/<int:pk>/modifica/", views.funding_edit, name="funding_edit"),
    path("<str:code>/documenti/<int:pk>/togli/", views.document_remove, name="document_remove"),
]
