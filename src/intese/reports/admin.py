from django.contrib import admin

from intese.core.admin_site import ReadOnlyAdmin
from intese.reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "year", "plan", "format", "language", "status", "requested_by"]
    list_filter = ["status", "format", "language"]
    list_select_related = ["plan", "requested_by"]
    exclude = ["task_id"]
