from django.urls import path

from intese.backoffice import views_documents as views

urlpatterns = [
    path("<str:code>/documenti/nuovo/", views.document_upload, name="document_upload"),
    path("documenti/<int:pk>/scarica/", views.document_download, name="document_download"),
]
