from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from intese.core.permissions import PUBLIC, requires

urlpatterns = [
    path("", include("intese.portal.urls")),
    path("area-riservata/relazioni/", include("intese.reports.urls")),
    path("area-riservata/", include("intese.backoffice.urls")),
    path("accedi/", requires(PUBLIC)(auth_views.LoginView.as_view()), name="login"),
    path("esci/", requires(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("lingua/", requires(PUBLIC)(set_language), name="set_language"),
    # The admin site checks its own permission: the administrator role (core.admin_site).
    path("admin/", admin.site.urls),
]
