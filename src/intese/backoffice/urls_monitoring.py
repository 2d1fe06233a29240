"""Filled in by the monitoring work (issue 5)."""

urlpatterns = []
