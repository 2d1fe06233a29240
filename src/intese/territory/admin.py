from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.territory.models import Area, ZoneMembership


class MembershipInline(admin.TabularInline):
    model = ZoneMembership
    fk_name = "municipality"
    extra = 0
    autocomplete_fields = ["zone"]
    fields = ["zone", "valid_from", "valid_to", "evidence", "source_url", "note"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "population", "valid_from", "valid_to"]
    list_filter = ["kind", "evidence"]
    search_fields = ["name", "code", "short_code"]
    autocomplete_fields = ["parent"]
    exclude = ["boundary"]
    inlines = [MembershipInline]


@admin.register(ZoneMembership)
class ZoneMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "zone", "valid_from", "valid_to", "evidence"]
    list_filter = ["zone", "evidence"]
    search_fields = ["municipality__name", "municipality__code"]
    autocomplete_fields = ["zone", "municipality"]
    list_select_related = ["municipality", "zone"]
