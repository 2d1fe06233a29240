"""The transparency page, CSV and ODS keep the same number of queries with 10,000 agreements
stipulated in the semester as with 20 (issue: "pages keep a constant number of queries with
10,000 agreements")."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.agreements.models import Act, Agreement, Document, FundingLine, Party
from intese.agreements.tests.test_transparency import stipulate
from intese.testing.agreements import bulk

D = datetime.date
S1_2025 = {"anno": "2025", "semestre": "1"}
NAMES = ["portal:transparency", "portal:transparency_csv", "portal:transparency_ods"]


def stipulated_in_bulk(count: int) -> None:
    """`count` public agreements (bulk factory) signed by both parties on 14 March 2025, each
    with an approving decree, half of them with the decree's document, and a funding line;
    a tenth of them with example values."""
    agreements = bulk(count)
    Party.objects.filter(agreement__in=agreements).update(signed_on=D(2025, 3, 14))
    Party.objects.filter(agreement__in=agreements[::10], role="signatory").update(is_example=True)
    documents = Document.objects.bulk_create(
        [
            Document(
                agreement=a,
                title="Decreto firmato",
                file=f"agreements/{a.pk}/decreto.pdf",
                original_name="decreto.pdf",
                content_type="application/pdf",
                size=1,
                sha256=f"{a.pk:064d}",
            )
            for a in agreements[::2]
        ],
        batch_size=2000,
    )
    document_of = {d.agreement_id: d for d in documents}
    Act.objects.bulk_create(
        [
            Act(
                agreement=a,
                kind="decreto_sindaco_metropolitano",
                number=str(n),
                date=D(2025, 1, 15),
                approves=True,
                url=f"https://www.cittametropolitana.mi.it/atti/decreto-{n}-2025",
                document=document_of.get(a.pk),
                is_example=n % 10 == 0,
            )
            for n, a in enumerate(agreements)
        ],
        batch_size=2000,
    )
    FundingLine.objects.bulk_create(
        [FundingLine(agreement=a, source="own_budget", amount=Decimal("1000")) for a in agreements],
        batch_size=2000,
    )


def fetch(client, name):
    """The response to `name` for the first semester of 2025, its queries and its rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), S1_2025)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(captured), body


def listed(name, body: bytes) -> int:
    """How many agreements the page or the CSV lists."""
    if name == "portal:transparency_csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    return body.decode().count('<th scope="row">')


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_with_10000_agreements_as_with_20(client, people):
    """For the public, and for a signed-in user (who gets the downloads of the documents):
    the page and the CSV list every agreement, the ODS too, with the queries of 20."""
    officer = Client()
    officer.force_login(people.plan_viewer)
    visitors = {"public": (client, NAMES), "signed-in": (officer, NAMES[:2])}
    for n in range(20):
        stipulate(people.plan_editor, f"Q-{n:03d}", amounts=["1000"])
    few = {
        (who, name): fetch(visitor, name)[0]
        for who, (visitor, names) in visitors.items()
        for name in names
    }
    stipulated_in_bulk(10_000)
    assert Agreement.objects.count() == 10_020
    for who, (visitor, names) in visitors.items():
        for name in names:
            queries, body = fetch(visitor, name)
            assert queries == few[who, name], (
                f"{name} ({who}): {few[who, name]} queries with 20 agreements, "
                f"{queries} with 10,020"
            )
            if name != "portal:transparency_ods":
                assert listed(name, body) == 10_020
            if name == "portal:transparency":  # half the acts have a downloadable document
                assert body.count(b"/scarica/") == (5_000 if who == "signed-in" else 0)
