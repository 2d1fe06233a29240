"""Registry pages cost the same number of queries with 20 agreements or with 10,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.testing import agreements as build

PAGES = {
    "list": lambda: reverse("backoffice:agreements"),
    "list filtered": lambda: reverse("backoffice:agreements") + "?q=intesa&stato=proposed",
    "detail": lambda: reverse("backoffice:agreement", args=["MASSA-000007"]),
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_registry_pages_do_not_grow_with_the_number_of_agreements(client, people):
    client.force_login(people.plan_editor)
    build.bulk(20)
    small = {name: count_queries(client, url()) for name, url in PAGES.items()}
    build.bulk(10_000, prefix="GRANDE")
    large = {name: count_queries(client, url()) for name, url in PAGES.items()}
    assert large == small
