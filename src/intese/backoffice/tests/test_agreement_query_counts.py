"""Registry pages cost the same number of queries, and weigh the same, with 20 agreements or
with 10,000: the agreement forms name the framework agreement by its code instead of listing
every agreement in a select."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.testing import agreements as build

PAGES = {
    "list": lambda: reverse("backoffice:agreements"),
    "list filtered": lambda: reverse("backoffice:agreements") + "?q=intesa&stato=proposed",
    "detail": lambda: reverse("backoffice:agreement", args=["MASSA-000007"]),
    "create": lambda: reverse("backoffice:agreement_create"),
    "edit": lambda: reverse("backoffice:agreement_edit", args=["MASSA-000007"]),
}
FORMS = ("create", "edit")
MAX_FORM_BYTES = 50_000  # about 18 KB: kinds, themes and the areas of the metropolitan city


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


@pytest.mark.django_db
def test_registry_pages_do_not_grow_with_the_number_of_agreements(client, people):
    client.force_login(people.plan_editor)
    build.bulk(20)
    small = {name: measure(client, url()) for name, url in PAGES.items()}
    build.bulk(10_000, prefix="GRANDE")
    large = {name: measure(client, url()) for name, url in PAGES.items()}
    assert {n: q for n, (q, _size) in large.items()} == {n: q for n, (q, _size) in small.items()}
    for name in FORMS:
        assert large[name][1] == small[name][1], name
        assert large[name][1] < MAX_FORM_BYTES, name
