"""Plans and the DUP in the admin: vocabularies and the budget classification are edited here;
plans, their acts and items, and the DUP are only shown, because the back office edits them
through the services (tree integrity, status and dates, DUP rules, optimistic concurrency)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intese.core.admin_site import ReadOnlyAdmin, ReadOnlyInline
from intese.plans.models import (
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanAct,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
    Term,
    Vocabulary,
)


class PlanActInline(ReadOnlyInline):
    """Acts are kept from the plan editor (plan_act_add/update/delete check them against the
    plan's status and dates)."""

    model = PlanAct
    fields = ["kind", "number", "date", "title", "url", "is_example", "example_fields"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "period_start", "period_end", "status"]
    search_fields = ["code", "title"]
    readonly_fields = ["version", "updated_at"]
    inlines = [PlanActInline]


@admin.register(PlanItem)
class PlanItemAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """The tree is built in the plan editor, which keeps paths consistent; item_delete refuses
    items with children, links or indicators, with a message."""

    list_display = ["code", "title", "plan", "depth", "is_example"]
    list_filter = ["plan", "is_example"]
    search_fields = ["code", "title"]
    readonly_fields = ["path", "depth", "parent", "version", "updated_at"]
    autocomplete_fields = ["tags"]
    list_select_related = ["plan"]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ["code", "name", "order", "description", "source"]


@admin.register(Vocabulary)
class VocabularyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "source"]
    inlines = [TermInline]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "vocabulary"]
    list_filter = ["vocabulary"]
    search_fields = ["name", "code"]


class ProgrammeInline(admin.TabularInline):
    model = BudgetProgramme
    extra = 0
    fields = ["code", "name", "evidence"]


@admin.register(BudgetMission)
class BudgetMissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "evidence"]
    inlines = [ProgrammeInline]


@admin.register(BudgetProgramme)
class BudgetProgrammeAdmin(SimpleHistoryAdmin):
    """Administrators correct names here; the evidence flag says what is still unverified."""

    list_display = ["code", "name", "mission", "evidence"]
    list_filter = ["evidence", "mission"]
    search_fields = ["code", "name"]


@admin.register(ProgrammingDocument)
class ProgrammingDocumentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "first_year", "last_year"]
    readonly_fields = ["version", "updated_at"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "document", "mission"]
    search_fields = ["code", "title"]
    readonly_fields = ["version", "updated_at"]


@admin.register(OperationalObjective)
class OperationalObjectiveAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "document", "year", "programme"]
    list_filter = ["document", "year"]
    search_fields = ["code", "title"]
    readonly_fields = ["version", "updated_at"]
