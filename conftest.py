"""Shared fixtures: the reference territory, loaded once per test database, and the personas."""

import pytest
from django.core.management import call_command

from intese.testing import personas

REFDATA_COMMANDS = [
    ["load", "--province", "MI"],
    ["variations", "data/comuni_variazioni.csv"],
    [
        "zones",
        "data/zone_omogenee.csv",
        "--changes",
        "data/zone_omogenee_changes.csv",
        "--since",
        "2015-09-17",
    ],
    ["organisations", "data/organisations_reference.csv"],
    ["budget", "data/budget_missions_programmes.csv"],
]


def load_reference_data():
    for arguments in REFDATA_COMMANDS:
        call_command("refdata", *arguments, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real territory of the Città metropolitana di Milano."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def people(db):
    """One user per role: the personas the permission tests speak about."""
    return personas.create_all()


@pytest.fixture(autouse=True)
def italian_by_default():
    """Each test starts in Italian: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
