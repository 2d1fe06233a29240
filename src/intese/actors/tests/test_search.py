"""Searching organisations ignores accents and case, on SQLite and PostgreSQL alike."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from intese.actors.models import Organisation, OrganisationKind, fold

pytestmark = pytest.mark.django_db

CITTA = {"Città metropolitana di Milano"}


def names(query: str) -> set[str]:
    return set(Organisation.objects.search(query).values_list("name", flat=True))


def test_fold_drops_accents_and_case():
    assert fold("CITTÀ Metropolitana") == "citta metropolitana"
    assert fold("Società per l'Éducation") == "societa per l'education"


@pytest.mark.parametrize("query", ["città", "citta", "CITTÀ", "CITTA", "Città Metropolitana"])
def test_a_name_is_found_whatever_its_accents_and_case(query):
    assert names(query) >= CITTA


def test_the_same_query_finds_the_same_organisations_with_or_without_accents():
    Organisation.objects.create(
        kind=OrganisationKind.ASSOCIATION, name="Università della Terza Età"
    )
    assert names("universita") == names("UNIVERSITÀ") == {"Università della Terza Età"}
    assert names("eta") >= {"Università della Terza Età"}


def test_the_search_column_follows_renames_and_bulk_writes():
    organisation = Organisation.objects.create(kind=OrganisationKind.OTHER, name="Ente Alfa")
    organisation.name = "Fondazione Perù"
    organisation.save(update_fields=["name"])
    assert names("peru") == {"Fondazione Perù"}

    bulk_create_with_history(
        [Organisation(kind=OrganisationKind.OTHER, name="Cooperativa Nôtre")], Organisation
    )
    assert names("notre") == {"Cooperativa Nôtre"}

    Organisation.objects.filter(name="Cooperativa Nôtre").update(name="Cooperativa Gioïa")
    assert names("gioia") == {"Cooperativa Gioïa"}

    cooperative = Organisation.objects.get(name="Cooperativa Gioïa")
    cooperative.name = "Cooperativa Così"
    Organisation.objects.bulk_update([cooperative], ["name"])
    assert names("cosi") == {"Cooperativa Così"}


def test_codes_are_still_found_exactly():
    assert names("C_F205") == {"Comune di Milano"}
    assert names("01199250158") == {"Comune di Milano"}


def test_every_stored_organisation_has_its_search_column_filled():
    assert not Organisation.objects.exclude(name="").filter(search_name="").exists()


@pytest.mark.parametrize("query", ["citta", "CITTÀ"])
def test_the_directory_finds_accented_names_without_the_accent(client, query):
    page = client.get(reverse("portal:directory"), {"q": query}).context["page"]
    assert {o.name for o in page.object_list} >= CITTA


def test_the_data_migration_fills_the_column_of_existing_organisations():
    migration = importlib.import_module(
        "intese.actors.migrations.0003_fill_organisation_search_name"
    )
    Organisation.objects.update(search_name="")

    migration.fill(apps, None)

    assert names("citta") >= CITTA
    assert not Organisation.objects.filter(search_name="").exists()
