"""The registry in the admin: vocabularies are edited here; agreements and what hangs on them are
only shown, because every change to them goes through the back office and its services (rules,
lifecycle, optimistic concurrency)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.agreements.models import (
    Act,
    Agreement,
    AgreementKind,
    Commitment,
    Document,
    FundingLine,
    FundingShare,
    Milestone,
    Party,
    PlanLink,
    StatusChange,
    Theme,
)
from intese.core.admin_site import ReadOnlyAdmin, ReadOnlyInline


@admin.register(AgreementKind)
class AgreementKindAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "binding", "order"]
    search_fields = ["name", "code"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class PartyInline(ReadOnlyInline):
    model = Party


class ActInline(ReadOnlyInline):
    model = Act


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["on", "action", "from_status", "to_status", "by", "act", "note"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "status", "expires_on", "is_public"]
    list_filter = ["status", "kind", "themes", "is_public"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent", "themes", "areas"]
    readonly_fields = ["status", "version", "updated_at"]
    list_select_related = ["kind"]
    inlines = [PartyInline, ActInline, StatusChangeInline]


class MilestoneInline(ReadOnlyInline):
    model = Milestone


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "agreement", "responsible", "due_on", "status", "is_example"]
    list_filter = ["status", "is_example"]
    search_fields = ["title", "agreement__code"]
    autocomplete_fields = ["agreement", "responsible"]
    list_select_related = ["agreement", "responsible"]
    readonly_fields = ["version", "updated_at"]
    inlines = [MilestoneInline]


class FundingShareInline(ReadOnlyInline):
    model = FundingShare


@admin.register(FundingLine)
class FundingLineAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["agreement", "source", "amount", "cup", "is_example"]
    list_filter = ["source"]
    search_fields = ["agreement__code", "cup"]
    list_select_related = ["agreement"]
    inlines = [FundingShareInline]


@admin.register(PlanLink)
class PlanLinkAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["agreement", "commitment", "plan_item", "operational_objective", "is_example"]
    list_filter = ["is_example"]
    search_fields = ["agreement__code", "plan_item__code", "operational_objective__code"]
    list_select_related = ["agreement", "commitment", "plan_item", "operational_objective"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "agreement", "content_type", "size", "uploaded_at"]
    search_fields = ["title", "agreement__code", "sha256"]
    exclude = ["text"]
    list_select_related = ["agreement"]
