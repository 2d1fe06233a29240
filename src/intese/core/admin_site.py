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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through the back office and its services, which check the rules and
    keep the version for concurrent editors: the admin shows them and never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
