"""The admin site, open to users with the administrator role (not merely to `is_staff`)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class InteseAdminSite(admin.AdminSite):
    site_header = _("Intese — amministrazione")
    site_title = _("Intese")
    index_title = _("Dati e configurazione")

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("intese.administer")


class InteseAdminConfig(AdminConfig):
    default_site = "intese.core.admin_site.InteseAdminSite"
