"""Public pages cost a fixed number of SQL queries, however many Comuni and organisations exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.actors.models import Organisation, Person, Post, PostRole
from intese.territory.models import Area
from intese.testing.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ZoneMembershipFactory,
)


def milano_organisation() -> int:
    return Organisation.objects.get(ipa_code="c_f205").pk


PAGES = {
    "home": lambda: reverse("portal:home"),
    "territory": lambda: reverse("portal:territory"),
    "territory_map": lambda: reverse("portal:territory_map"),
    "zone": lambda: reverse("portal:zone", args=["nord-milano"]),
    "municipality": lambda: reverse("portal:municipality", args=["015081"]),
    "directory": lambda: reverse("portal:directory") + "?q=comune",
    "organisation": lambda: reverse("portal:organisation", args=[milano_organisation()]),
    "municipalities_csv": lambda: reverse("portal:municipalities_csv"),
}

# Measured on the test data; each page's queries, in order.
EXACT_COUNTS = {
    # the body's area, its Comuni's totals, its zones, organisations, public agreements
    "home": 5,
    # the body's area, its Comuni, their current zone memberships, the zones
    "territory": 4,
    # the body's area, the zones with their members' totals, the Comuni in no zone
    "territory_map": 3,
    # the zone, its memberships with their Comuni
    "zone": 2,
    # the Comune with its province, its memberships with their zones, its organisations
    "municipality": 3,
    # the number of results, the count per kind, the page of results with their areas
    "directory": 3,
    # the organisation with its area, its current posts with their people
    "organisation": 2,
    # the body's area, its Comuni, their current zone memberships, the zones
    "municipalities_csv": 4,
}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def grow_the_territory(extra: int) -> None:
    """Add Comuni to the metropolitan city and Nord Milano, organisations to the directory and
    current posts to the Comune di Milano."""
    metro = Area.objects.get(kind="metropolitan_city", code="015")
    zone = Area.objects.get(kind="zone", code="nord-milano")
    for _ in range(extra):
        ZoneMembershipFactory(zone=zone, municipality=MunicipalityFactory(parent=metro))
    OrganisationFactory.create_batch(extra, name=factory_name())
    milano = Organisation.objects.get(pk=milano_organisation())
    for n in range(extra):
        person = Person.objects.create(given_name="Persona", family_name=f"di prova {n}")
        Post.objects.create(person=person, organisation=milano, role=PostRole.CONTACT)


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Comune associato di prova {n}")


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_data(client, page):
    url = PAGES[page]()
    before = queries_for(client, url)
    grow_the_territory(150)
    after = queries_for(client, url)
    assert after == before, f"{page}: {before} queries with 133 Comuni, {after} with 283"


def test_every_page_of_the_growth_test_has_its_exact_count():
    assert set(EXACT_COUNTS) == set(PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_takes_its_exact_number_of_queries(client, page):
    """With the growth test above, the count holds with more data too."""
    assert queries_for(client, PAGES[page]()) == EXACT_COUNTS[page]
