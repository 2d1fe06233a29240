import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Files stored while walking the routes go to a temporary folder, not the data dir."""
    settings.MEDIA_ROOT = tmp_path / "media"
