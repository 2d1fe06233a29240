from django.contrib import admin

from intese.core.admin_site import ReadOnlyAdmin, ReadOnlyInline
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    Reminder,
    Round,
    Target,
)


class TargetInline(ReadOnlyInline):
    model = Target
    fields = ["due_on", "value", "is_example"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit", "direction", "owner", "is_example"]
    list_filter = ["direction", "periodicity", "is_example"]
    search_fields = ["code", "name"]
    list_select_related = ["owner"]
    inlines = [TargetInline]


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = ["sent_on", "organisation", "kind", "recipients", "missing"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "period_start", "period_end", "opens_on", "closes_on", "status"]
    list_filter = ["status", "is_example"]
    search_fields = ["title"]
    inlines = [ReminderInline]


class SubmissionAdmin(ReadOnlyAdmin):
    list_filter = ["review_status", "is_example"]
    date_hierarchy = "submitted_at"


@admin.register(Measurement)
class MeasurementAdmin(SubmissionAdmin):
    list_display = ["indicator", "measured_on", "value", "organisation", "review_status"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "organisation"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SubmissionAdmin):
    list_display = ["commitment", "reported_on", "percent", "organisation", "review_status"]
    search_fields = ["commitment__title", "commitment__agreement__code"]
    list_select_related = ["commitment", "organisation"]
