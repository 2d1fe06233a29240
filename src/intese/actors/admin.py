from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.actors.models import Organisation, OrganisationMembership, Person, Post


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "ipa_code", "codice_fiscale", "area"]
    list_filter = ["kind"]
    search_fields = ["name", "ipa_code", "codice_fiscale", "partita_iva"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]
    readonly_fields = ["version", "updated_at", "search_name"]
    inlines = [PostInline]

    def get_search_results(self, request, queryset, search_term):
        """The directory's search: blind to accents and case, or an exact code."""
        if not search_term.strip():
            return queryset, False
        found = queryset.search(search_term) | queryset.filter(partita_iva=search_term.strip())
        return found, False


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name"]
    search_fields = ["family_name", "given_name"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "organisation", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["person__family_name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    list_select_related = ["person", "organisation"]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["member", "group", "role", "valid_from", "valid_to"]
    search_fields = ["member__name", "group__name"]
    autocomplete_fields = ["member", "group"]
    list_select_related = ["member", "group"]
