"""Filled in by the reports work (issue 5)."""

app_name = "reports"

urlpatterns = []
