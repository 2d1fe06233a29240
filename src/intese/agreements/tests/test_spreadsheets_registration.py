"""New agreements of a file go to the bulk service whole; refusals come back to their rows."""

import io

import openpyxl
import pytest

from intese.agreements.models import Agreement
from intese.agreements.spreadsheets import import_agreements, read_workbook
from intese.agreements.spreadsheets.plan import Plan
from intese.agreements.spreadsheets.registration import new_agreement
from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.tests.test_spreadsheets_errors import BASE, valid, workbook
from intese.agreements.tests.test_spreadsheets_roundtrip import (
    build_registry,
    edit,
    exported,
    themes,
)


def _two_commitments() -> dict:
    """Commitment 2 comes first in the file; each commitment has its own milestone."""
    rows = valid()
    rows["Impegni"].insert(0, {**BASE["Impegni"], "numero": 2, "impegno": "Secondo"})
    rows["Traguardi"].insert(
        0, {**BASE["Traguardi"], "numero_impegno": 2, "traguardo": "Del secondo"}
    )
    return rows


@pytest.mark.django_db
def test_a_new_agreement_goes_whole_with_the_place_of_each_part_in_the_file(people):
    themes()
    plan = Plan(read_workbook(workbook(_two_commitments())), ImportReport())
    draft = plan.drafts["NUOVA-1"]
    new, places = new_agreement(draft, plan)
    assert [c["title"] for c in new.commitments] == ["Studio di fattibilità", "Secondo"]
    assert [[m["title"] for m in c["milestones"]] for c in new.commitments] == [
        ["Consegna"],
        ["Del secondo"],
    ]
    assert places[("status",)] == (draft.row, "stato")
    milestone, column = places[("commitments", 1, "milestones", 0)]
    assert (milestone.sheet.name, milestone.number, column) == ("Traguardi", 2, "")
    assert places[("commitments", 0)][0].number == 3  # numero 1 is on the second data row
    assert new.funding[0]["cup"] == "J41B21000000001" and new.status == "proposed"


@pytest.mark.django_db
def test_a_file_with_two_commitments_and_their_milestones_is_imported(people):
    themes()
    report = import_agreements(workbook(_two_commitments()), by=people.plan_editor)
    assert report.problems == []
    commitments = Agreement.objects.get(code="NUOVA-1").commitments.order_by("pk")
    assert [(c.title, c.milestones.get().title) for c in commitments] == [
        ("Studio di fattibilità", "Consegna"),
        ("Secondo", "Del secondo"),
    ]


@pytest.mark.django_db
def test_a_new_agreement_may_be_framed_by_a_registered_one(people):
    build_registry(people.plan_editor)
    report = import_agreements(
        workbook(valid(Intese={"intesa_quadro": "INT-2024-001"})), by=people.plan_editor
    )
    assert report.problems == []
    assert Agreement.objects.get(code="NUOVA-1").parent.code == "INT-2024-001"


@pytest.mark.django_db
def test_a_registered_agreement_may_move_under_a_new_one_of_the_same_file(people):
    """New agreements are registered first, so the change to the registered one finds it."""
    build_registry(people.plan_editor)
    data = edit(exported("xlsx"), "xlsx", "Intese", 3, "intesa_quadro", "QUADRO-NUOVO")
    book = openpyxl.load_workbook(data)
    sheet = book["Intese"]
    headers = [c.value for c in sheet[1]]
    new = {**BASE["Intese"], "codice": "QUADRO-NUOVO", "tipo": "intesa_quadro"}
    sheet.append([new.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    report = import_agreements(out, by=people.plan_editor)
    assert report.problems == []
    assert (report.created, report.changed) == (1, 1)
    assert Agreement.objects.get(code="INT-2024-002").parent.code == "QUADRO-NUOVO"
