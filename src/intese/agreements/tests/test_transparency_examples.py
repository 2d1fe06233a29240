"""Illustrative (demo) values in the transparency list are never published as facts: the page
marks them with a badge, and the CSV and ODS name them in the column "esempio"."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from intese.agreements.services import act_add, funding_add
from intese.agreements.tests.test_transparency import stipulate
from intese.agreements.transparency import COLUMNS, export_row, transparency_list


def row_of(code):
    agreement = next(a for a in transparency_list(2025, 1) if a.code == code)
    return dict(zip(COLUMNS, export_row(agreement), strict=True))


@pytest.mark.django_db
def test_facts_have_an_empty_example_column(people):
    stipulate(people.plan_editor, "FATTI", amounts=["100"])
    assert COLUMNS[-1] == "esempio"
    assert row_of("FATTI")["esempio"] == ""


@pytest.mark.django_db
def test_an_example_amount_and_an_example_act_are_named(people):
    agreement = stipulate(people.plan_editor, "DEMO", amounts=["100"])
    funding_add(
        agreement=agreement,
        by=None,
        source="fesr",
        amount=Decimal("1500000"),
        is_example=True,
    )
    act_add(
        agreement=agreement,
        by=None,
        kind="decreto_sindaco_metropolitano",
        number="ESEMPIO",
        date=datetime.date(2025, 1, 20),
        approves=True,
        is_example=True,
    )
    row = row_of("DEMO")
    assert row["spesa_prevista_euro"] == Decimal("1500100.00")
    assert row["esempio"] == "spesa_prevista_euro; atti_approvazione"  # the example act has no url


@pytest.mark.django_db
def test_the_page_and_the_csv_mark_the_example_amount(client, people):
    agreement = stipulate(people.plan_editor, "DEMO")
    funding_add(agreement=agreement, by=None, source="fesr", amount=Decimal("7"), is_example=True)
    stipulate(people.plan_editor, "FATTI", amounts=["100"])
    query = "?anno=2025&semestre=1"
    html = client.get(reverse("portal:transparency") + query).content.decode()
    assert html.count('badge bg-warning text-dark" title="Dato illustrativo') == 1
    assert '7,00 € <span class="badge' in html
    csv = client.get(reverse("portal:transparency_csv") + query).getvalue().decode()
    lines = csv.splitlines()
    assert lines[0].endswith(",esempio")
    assert lines[1].startswith("DEMO,") and lines[1].endswith(",spesa_prevista_euro")
    assert lines[2].startswith("FATTI,") and lines[2].endswith(",")
