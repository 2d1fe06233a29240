"""Addresses with control characters are refused with a 400, before any query reaches the database.

A NUL byte (`%00`) used to reach PostgreSQL, which refuses it with an error (a 500 page).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

BAD_ADDRESSES = [
    "/soggetti/?q=%00",
    "/soggetti/?q=milano%00",
    "/soggetti/?tipo=region&q=%1b",
    "/territorio/comuni/%00/",
    "/territorio/comuni/015%00146/",
    "/territorio/confini/zone/%00.geojson",
    "/territorio/zone/nord%00milano/",
    "/%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_address_with_a_control_character_is_refused_with_400_in_italian(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 400
    assert "caratteri di controllo" in response.content.decode()
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_search_with_ordinary_characters_still_works(client):
    response = client.get("/soggetti/?q=citt%C3%A0+metropolitana")
    assert response.status_code == 200


NOT_FOUND = [
    "/territorio/comuni/15146/",  # five digits
    "/territorio/comuni/0151460/",  # seven digits
    "/territorio/comuni/milano/",
    "/territorio/confini/castello/015146.geojson",  # unknown kind
    "/territorio/confini/zone/Nord Milano.geojson",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", NOT_FOUND)
def test_addresses_outside_the_patterns_are_404_without_a_query(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 404
    assert len(queries) == 0


def test_the_comune_address_takes_six_digits_and_the_shape_address_a_known_kind():
    assert reverse("portal:municipality", args=["015146"]) == "/territorio/comuni/015146/"
    assert reverse("portal:area_shape", args=["zone", "nord-milano"]).endswith(
        "/zone/nord-milano.geojson"
    )
    with pytest.raises(NoReverseMatch):
        reverse("portal:municipality", args=["15146"])
    with pytest.raises(NoReverseMatch):
        reverse("portal:area_shape", args=["castello", "015"])
