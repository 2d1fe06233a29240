import pytest

from intese.reports.tests import dataset


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Report files go to a temporary folder, not the data dir."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once, in the test's own transaction (django-tasks' ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def data(people):
    return dataset.small(people)
