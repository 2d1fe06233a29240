from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.access.models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation", "zone", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name", "zone__name"]
    autocomplete_fields = ["user", "organisation", "zone"]
    list_select_related = ["user", "organisation", "zone"]
