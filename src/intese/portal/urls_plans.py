from django.urls import path

from intese.portal import views_plans as views

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("<slug:code>/", views.plan_explorer, name="plan"),
    path("<slug:code>/voci/<int:pk>/", views.plan_item, name="plan_item"),
]
