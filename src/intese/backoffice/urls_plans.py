from django.urls import path

from intese.backoffice import views_carry_over
from intese.backoffice import views_plans as views

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("nuovo/", views.plan_create, name="plan_create"),
    path("<slug:code>/", views.plan_editor, name="plan"),
    path("<slug:code>/modifica/", views.plan_edit, name="plan_edit"),
    path("<slug:code>/riprendi/", views.plan_carry_over, name="plan_carry_over"),
    path("<slug:code>/atti/nuovo/", views.plan_act_add, name="plan_act_add"),
    path("<slug:code>/atti/<int:pk>/modifica/", views.plan_act_edit, name="plan_act_edit"),
    path("<slug:code>/atti/<int:pk>/elimina/", views.plan_act_delete, name="plan_act_delete"),
    path(
        "<slug:code>/riprendi/scegli/",
        views_carry_over.plan_carry_over_choose,
        name="plan_carry_over_choose",
    ),
    path("<slug:code>/voci/nuova/", views.plan_item_add, name="plan_item_add"),
    path("<slug:code>/voci/<int:pk>/modifica/", views.plan_item_edit, name="plan_item_edit"),
    path("<slug:code>/voci/<int:pk>/sposta/", views.plan_item_move, name="plan_item_move"),
    path("<slug:code>/voci/<int:pk>/ordine/", views.plan_item_shift, name="plan_item_shift"),
    path("<slug:code>/voci/<int:pk>/elimina/", views.plan_item_delete, name="plan_item_delete"),
]
