"""transparency_list: the public agreements stipulated in a semester (last required signature),
with their parties, planned expenditure and approving acts, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intese.actors.models import Organisation
from intese.agreements.models import AgreementKind, Status
from intese.agreements.services import (
    act_add,
    agreement_create,
    agreement_transition,
    funding_add,
    party_add,
    party_sign,
)
from intese.agreements.transparency import (
    Semester,
    export_row,
    last_complete_semester,
    transparency_list,
)
from intese.testing.factories import OrganisationFactory

D = datetime.date
MARCH_2025 = (D(2025, 3, 10), D(2025, 3, 14))  # the two signatures, by default
PARTIES = [("cmmi", "promoter"), ("c_f205", "signatory")]


def stipulate(
    by,
    code,
    *,
    signed=MARCH_2025,
    amounts=(),
    is_public=True,
    title=None,
    act_url="https://www.cittametropolitana.mi.it/atti/decreto-12-2025",
):
    """An agreement between the Città metropolitana and the Comune di Milano, approved by a
    decree and signed by both parties on the given dates (None: not signed yet)."""
    agreement = agreement_create(
        by=by,
        code=code,
        title=title or f"Accordo {code} per la gestione associata dei servizi",
        kind=AgreementKind.objects.get(code="accordo_pa_art15"),
        coherence_statement="Attua l'obiettivo 3.2 del piano strategico.",
        is_public=is_public,
    )
    act_add(
        agreement=agreement,
        by=by,
        kind="decreto_sindaco_metropolitano",
        number="12",
        date=D(2025, 1, 15),
        approves=True,
        url=act_url,
    )
    for (ipa_code, role), on in zip(PARTIES, signed, strict=True):
        party_add(
            agreement=agreement,
            organisation=Organisation.objects.get(ipa_code=ipa_code),
            role=role,
            signed_on=on,
            by=by,
        )
    for amount in amounts:
        funding_add(agreement=agreement, by=by, source="own_budget", amount=Decimal(amount))
    return agreement


def codes(year, half):
    return [a.code for a in transparency_list(year, half)]


@pytest.mark.django_db
def test_an_agreement_appears_in_the_semester_of_its_last_required_signature(people):
    stipulate(people.plan_editor, "A-1", signed=(D(2025, 6, 20), D(2025, 7, 2)))
    assert codes(2025, 1) == []
    assert codes(2025, 2) == ["A-1"]
    assert transparency_list(2025, 2).get().stipulated_on == D(2025, 7, 2)


@pytest.mark.django_db
def test_semester_bounds_are_inclusive(people):
    stipulate(people.plan_editor, "GEN", signed=(D(2025, 1, 1), D(2025, 1, 1)))
    stipulate(people.plan_editor, "GIU", signed=(D(2025, 6, 30), D(2025, 6, 30)))
    stipulate(people.plan_editor, "LUG", signed=(D(2025, 7, 1), D(2025, 7, 1)))
    stipulate(people.plan_editor, "DIC", signed=(D(2025, 12, 31), D(2025, 12, 31)))
    stipulate(people.plan_editor, "PRIMA", signed=(D(2024, 12, 31), D(2024, 12, 31)))
    assert codes(2025, 1) == ["GEN", "GIU"]
    assert codes(2025, 2) == ["LUG", "DIC"]
    assert codes(2024, 2) == ["PRIMA"]


@pytest.mark.django_db
def test_an_agreement_still_waiting_for_a_required_signature_is_not_listed(people):
    stipulate(people.plan_editor, "ATTESA", signed=(D(2025, 3, 1), None))
    assert codes(2025, 1) == []


@pytest.mark.django_db
def test_a_party_not_required_to_sign_does_not_hold_the_stipulation(people):
    agreement = stipulate(people.plan_editor, "ADESIONE")
    party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(ipa_code="r_lombar"),
        role="adherent",
        signature_required=False,
        by=people.plan_editor,
    )
    assert codes(2025, 1) == ["ADESIONE"]


@pytest.mark.django_db
def test_an_agreement_without_parties_bound_to_sign_is_not_stipulated(people):
    agreement_create(
        by=people.plan_editor,
        code="VUOTA",
        title="Senza parti",
        kind=AgreementKind.objects.get(code="protocollo_intesa"),
    )
    assert codes(2025, 1) == []


@pytest.mark.django_db
def test_a_private_agreement_never_appears(people):
    stipulate(people.plan_editor, "RISERVATA", is_public=False)
    stipulate(people.plan_editor, "PUBBLICA")
    assert codes(2025, 1) == ["PUBBLICA"]


@pytest.mark.django_db
def test_the_planned_expenditure_is_the_sum_of_the_funding_lines(people):
    stipulate(people.plan_editor, "FONDI", amounts=["100000.00", "25000.50"])
    stipulate(people.plan_editor, "SENZA")
    rows = {a.code: a.planned_expenditure for a in transparency_list(2025, 1)}
    assert rows == {"FONDI": Decimal("125000.50"), "SENZA": None}


@pytest.mark.django_db
def test_parties_and_funding_lines_do_not_multiply_each_other(people):
    """Three parties and two lines: a join of both would report the sum three times."""
    agreement = stipulate(people.plan_editor, "MOLTE", amounts=["1000", "500"])
    party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(ipa_code="r_lombar"),
        role="funder",
        signed_on=D(2025, 3, 12),
        by=people.plan_editor,
    )
    listed = transparency_list(2025, 1).get()
    assert listed.planned_expenditure == Decimal("1500.00")
    assert listed.stipulated_on == D(2025, 3, 14)
    assert len(listed.parties.all()) == 3


@pytest.mark.django_db
def test_only_the_approving_acts_are_listed_oldest_first(people):
    agreement = stipulate(people.plan_editor, "ATTI")
    act_add(
        agreement=agreement,
        by=people.plan_editor,
        kind="delibera_giunta_comunale",
        number="88",
        date=D(2025, 1, 10),
        approves=True,
    )
    act_add(agreement=agreement, by=people.plan_editor, kind="altro", date=D(2025, 2, 1))
    acts = transparency_list(2025, 1).get().approving_acts
    assert [(a.kind, a.number) for a in acts] == [
        ("delibera_giunta_comunale", "88"),
        ("decreto_sindaco_metropolitano", "12"),
    ]


@pytest.mark.django_db
def test_an_agreement_stipulated_through_the_lifecycle_is_listed(people):
    """Approved by decree, then signed by each party: the last signature stipulates it."""
    by = people.plan_editor
    agreement = stipulate(by, "CICLO", signed=(None, None))
    private = OrganisationFactory(name="Fondazione per il territorio (esempio)")
    party_add(agreement=agreement, organisation=private, role="signatory", by=by)
    agreement_transition(agreement=agreement, action="start_review", on=D(2025, 1, 10), by=by)
    act = agreement.acts.get()
    agreement_transition(agreement=agreement, action="approve", on=D(2025, 1, 15), by=by, act=act)
    for party, on in zip(
        agreement.parties.order_by("pk"), [D(2025, 8, 1), D(2025, 8, 3), D(2025, 9, 9)], strict=True
    ):
        party_sign(party=party, signed_on=on, by=by)
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    listed = transparency_list(2025, 2).get()
    assert listed.stipulated_on == D(2025, 9, 9)
    assert "Fondazione per il territorio (esempio)" in export_row(listed)[3]


@pytest.mark.django_db
def test_the_export_row_has_plain_values(people):
    stipulate(people.plan_editor, "RIGA", amounts=["1234.5"])
    row = export_row(transparency_list(2025, 1).get())
    assert row[0] == "RIGA"
    assert row[2] == "Accordo fra pubbliche amministrazioni"
    assert row[3] == "Città metropolitana di Milano; Comune di Milano"
    assert row[4] == "08911820960; 01199250158"
    assert row[5] == D(2025, 3, 14)
    assert row[6] == Decimal("1234.50")
    assert row[7] == "Decreto del Sindaco metropolitano n. 12 del 15/01/2025"
    assert row[8] == "https://www.cittametropolitana.mi.it/atti/decreto-12-2025"


@pytest.mark.django_db
def test_the_list_takes_three_queries_whatever_the_number_of_agreements(people):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            for agreement in transparency_list(2025, 1):
                export_row(agreement)
        return len(captured)

    for n in range(20):
        stipulate(people.plan_editor, f"P-{n:03d}", amounts=["10"])
    few = queries()
    for n in range(20, 200):
        stipulate(people.plan_editor, f"P-{n:03d}", amounts=["10", "5"])
    assert len(transparency_list(2025, 1)) == 200
    # agreements with kind and annotations; parties with organisations; approving acts
    assert queries() == few == 3


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 1, 1), Semester(2025, 2)),
        (D(2026, 6, 30), Semester(2025, 2)),
        (D(2026, 7, 1), Semester(2026, 1)),
        (D(2026, 12, 31), Semester(2026, 1)),
    ],
)
def test_the_default_is_the_last_complete_semester(today, expected):
    assert last_complete_semester(today) == expected


def test_a_semester_knows_its_days():
    assert (Semester(2024, 1).start, Semester(2024, 1).end) == (D(2024, 1, 1), D(2024, 6, 30))
    assert (Semester(2024, 2).start, Semester(2024, 2).end) == (D(2024, 7, 1), D(2024, 12, 31))
