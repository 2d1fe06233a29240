"""Exporting the demo agreements and importing them back changes nothing, in every format."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.forms.models import model_to_dict

from intese.agreements.models import (
    Act,
    Agreement,
    Commitment,
    FundingLine,
    FundingShare,
    Milestone,
    Party,
    PlanLink,
    StatusChange,
)
from intese.agreements.spreadsheets import export_agreements, import_agreements
from intese.demo.agreements import load_demo_agreements

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo" / "agreements.json"
TABLES = [Agreement, Party, Act, StatusChange, Commitment, Milestone, FundingLine, FundingShare]
HISTORIES = [Agreement, Party, Act, Commitment, Milestone, FundingLine, FundingShare, PlanLink]


def values(row) -> dict:
    """Every field of a row, relations by id, many-to-many included."""
    return {**model_to_dict(row), **{f.attname: getattr(row, f.attname) for f in row._meta.fields}}


def tables() -> dict:
    """Every row of every agreement table, every field, plus the history counts."""
    rows = {m.__name__: [values(row) for row in m.objects.order_by("pk")] for m in TABLES}
    for name in ("themes", "areas"):
        through = getattr(Agreement, name).through
        rows[name] = sorted(through.objects.values_list(*[f.attname for f in through._meta.fields]))
    rows["history"] = {model.__name__: model.history.count() for model in HISTORIES}
    return rows


@pytest.fixture
def demo(db, people):
    assert load_demo_agreements(DEMO, by=people.plan_editor)
    return people.plan_editor


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_the_demo_agreements_come_back_from_a_spreadsheet_unchanged(demo, fmt):
    exported = export_agreements(Agreement.objects.all(), fmt).file.read()
    before = tables()
    rehearsal = import_agreements(io.BytesIO(exported), by=demo, dry_run=True)
    assert rehearsal.problems == []
    assert (rehearsal.created, rehearsal.changed) == (0, 0)
    assert rehearsal.unchanged == Agreement.objects.count()
    report = import_agreements(io.BytesIO(exported), by=demo)
    assert report.problems == []
    assert (report.created, report.changed) == (0, 0)
    assert tables() == before
