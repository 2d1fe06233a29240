"""Public pages cost a fixed number of SQL queries, however many Comuni and organisations exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.territory.models import Area
from intese.testing.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ZoneMembershipFactory,
)

PAGES = {
    "home": lambda: reverse("portal:home"),
    "territory": lambda: reverse("portal:territory"),
    "territory_map": lambda: reverse("portal:territory_map"),
    "zone": lambda: reverse("portal:zone", args=["nord-milano"]),
    "municipality": lambda: reverse("portal:municipality", args=["015081"]),
    "directory": lambda: reverse("portal:directory") + "?q=comune",
    "municipalities_csv": lambda: reverse("portal:municipalities_csv"),
}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def grow_the_territory(extra: int) -> None:
    """Add Comuni to the metropolitan city and Nord Milano, and organisations to the directory."""
    metro = Area.objects.get(kind="metropolitan_city", code="015")
    zone = Area.objects.get(kind="zone", code="nord-milano")
    for _ in range(extra):
        ZoneMembershipFactory(zone=zone, municipality=MunicipalityFactory(parent=metro))
    OrganisationFactory.create_batch(extra, name=factory_name())


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


@pytest.mark.django_db
def test_territory_page_takes_four_queries(client, django_assert_num_queries):
    # 1 the metropolitan city, 2 its Comuni, 3 their current zone memberships, 4 the zones
    with django_assert_num_queries(4):
        client.get(reverse("portal:territory"))
