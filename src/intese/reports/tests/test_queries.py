"""The report pages ask the database the same number of questions for a small plan and a big
one, and the yearly report's SQL runs on both databases with or without a DUP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.reports.tests import dataset
from intese.reports.tests.dataset import YEAR
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_yearly_page_asks_a_fixed_number_of_queries(client, people, data):
    client.force_login(people.plan_viewer)
    url = reverse("reports:yearly")
    params = {"piano": data.plan.code, "dup": data.document.code, "anno": YEAR}
    small = queries(client, url, params)
    dataset.grow(data, people, 6)
    assert queries(client, url, params) == small
    without_dup = {"piano": data.plan.code, "anno": YEAR}
    assert queries(client, url, without_dup) <= small


def test_the_agreement_sheet_asks_a_fixed_number_of_queries(client, people, data):
    client.force_login(people.plan_viewer)
    url = reverse("reports:agreement_sheet", args=[data.agreement.code])
    small = queries(client, url, {"al": "2025-12-31"})
    sesto = build.sesto()
    for n in range(5):
        commitment = build.commitment(data.agreement, sesto, title=f"Altro {n}")
        build.indicator(commitment, sesto, code=f"IND-ALTRO-{n}")
    assert queries(client, url, {"al": "2025-12-31"}) == small


def test_the_zone_sheet_asks_a_fixed_number_of_queries(client, people, data):
    from intese.territory.models import Area

    client.force_login(people.plan_viewer)
    url = reverse("reports:zone_sheet", args=["nord-milano"])
    small = queries(client, url, {"al": "2025-12-31"})
    sesto_area = Area.objects.get(kind="municipality", code="015209")
    for _n in range(5):
        agreement = build.agreement_with(build.sesto(), areas=[sesto_area])
        build.commitment(agreement, build.sesto())
    assert queries(client, url, {"al": "2025-12-31"}) == small
