from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.agreements.models import (
    Act,
    Agreement,
    AgreementKind,
    Commitment,
    Document,
    FundingLine,
    Milestone,
    Party,
    StatusChange,
    Theme,
)


@admin.register(AgreementKind)
class AgreementKindAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "binding", "order"]
    search_fields = ["name", "code"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


class ActInline(admin.TabularInline):
    model = Act
    extra = 0
    autocomplete_fields = ["issuer"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["on", "action", "from_status", "to_status", "by", "act", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # the lifecycle moves only through the back office and its services


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "status", "expires_on", "is_public"]
    list_filter = ["status", "kind", "themes", "is_public"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent", "themes", "areas"]
    readonly_fields = ["status", "version", "updated_at"]
    list_select_related = ["kind"]
    inlines = [PartyInline, ActInline, StatusChangeInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "agreement", "responsible", "due_on", "status", "is_example"]
    list_filter = ["status", "is_example"]
    search_fields = ["title", "agreement__code"]
    autocomplete_fields = ["agreement", "responsible"]
    list_select_related = ["agreement", "responsible"]
    readonly_fields = ["version", "updated_at"]
    inlines = [MilestoneInline]


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "source", "amount", "cup", "is_example"]
    list_filter = ["source"]
    search_fields = ["agreement__code", "cup"]
    autocomplete_fields = ["agreement"]
    list_select_related = ["agreement"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "content_type", "size", "uploaded_at"]
    search_fields = ["title", "agreement__code", "sha256"]
    readonly_fields = [
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "text",
        "uploaded_by",
        "uploaded_at",
    ]
    list_select_related = ["agreement"]

    def has_add_permission(self, request):
        return False  # uploads go through the checked back-office form
