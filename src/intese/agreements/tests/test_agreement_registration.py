"""Registering new agreements in bulk: the rules of the per-row services, a few queries a batch,
one history record per agreement with its themes and areas."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import (
    Act,
    Agreement,
    AgreementKind,
    Commitment,
    FundingLine,
    FundingShare,
    Milestone,
    Party,
    StatusChange,
    Theme,
)
from intese.agreements.services import NewAgreement, RegistrationRefused
from intese.territory.models import Area
from intese.testing import agreements as build

D = datetime.date
TODAY = D(2025, 3, 1)
WRITTEN = [Agreement, Party, Act, Commitment, Milestone, FundingLine, FundingShare]


def complete(code="BLOCCO-1", status="proposed", **fields) -> NewAgreement:
    """An agreement with one of everything, signed by both parties after its approving act."""
    cmm, milano = build.cmm(), build.milano()
    return NewAgreement(
        fields={
            "code": code,
            "title": "Intesa registrata in blocco",
            "kind": AgreementKind.objects.get(code="accordo_pa_art15"),
            "coherence_statement": build.COHERENCE,
            "effective_from": D(2025, 1, 1),
            "expires_on": D(2027, 1, 1),
            **fields,
        },
        themes=[Theme.objects.get_or_create(code="mobilita", defaults={"name": "Mobilità"})[0]],
        areas=[Area.objects.get(kind="zone", code="nord-milano"), milano.area],
        parties=[
            {"organisation": cmm, "role": "promoter", "signed_on": D(2025, 2, 1)},
            {"organisation": milano, "role": "signatory", "signed_on": D(2025, 2, 3)},
        ],
        acts=[
            {
                "kind": "decreto_sindaco_metropolitano",
                "number": "4/2025",
                "date": D(2025, 1, 20),
                "issuer": cmm,
                "approves": True,
            }
        ],
        commitments=[
            {
                "title": "Cabina di regia",
                "responsible": cmm,
                "due_on": D(2025, 6, 30),
                "milestones": [{"title": "Prima riunione", "due_on": D(2025, 3, 31)}],
            }
        ],
        funding=[
            {
                "source": "pnrr",
                "pnrr_mission": "M2",
                "amount": Decimal("1000.00"),
                "cup": "J41B21000000001",
                "shares": [(cmm, Decimal("600.00")), (milano, Decimal("400.00"))],
            }
        ],
        status=status,
    )


def per_row(row: NewAgreement, by) -> Agreement:
    """The same agreement through the per-row services, as a form would register it."""
    agreement = services.agreement_create(by=by, themes=row.themes, areas=row.areas, **row.fields)
    parties = [services.party_add(agreement=agreement, by=by, **p) for p in row.parties]
    for act in row.acts:
        services.act_add(agreement=agreement, by=by, **act)
    for commitment in row.commitments:
        services.commitment_add(agreement=agreement, by=by, **commitment)
    party_of = {p.organisation_id: p for p in reversed(parties)}
    for line in row.funding:
        line = dict(line)
        shares = [(party_of[o.pk], amount) for o, amount in line.pop("shares", ())]
        services.funding_add(agreement=agreement, by=by, shares=shares, **line)
    if row.status != "proposed":
        services.agreement_bring_to(
            agreement=agreement, status=row.status, by=by, today=TODAY, note="Per riga."
        )
    return agreement


def register(rows, by=None):
    return services.agreements_register(rows=rows, by=by, today=TODAY, note="In blocco.")


def counts() -> dict:
    return {m.__name__: (m.objects.count(), m.history.count()) for m in WRITTEN} | {
        "StatusChange": StatusChange.objects.count(),
        "themes": Agreement.themes.through.objects.count(),
    }


def texts(error) -> list[str]:
    return sorted(error.messages if isinstance(error, ValidationError) else [error.message])


@pytest.mark.django_db
def test_a_new_agreement_is_registered_with_everything_it_holds(people):
    row = complete(status="proposed")
    [agreement] = register([row], by=people.plan_editor)
    agreement.refresh_from_db()
    assert agreement.status == "proposed" and agreement.version == 1
    assert [t.code for t in agreement.themes.all()] == ["mobilita"]
    assert {a.code for a in agreement.areas.all()} == {"nord-milano", "015146"}
    assert [(p.organisation.ipa_code, p.signed_on) for p in agreement.parties.order_by("pk")] == [
        ("cmmi", D(2025, 2, 1)),
        ("c_f205", D(2025, 2, 3)),
    ]
    assert agreement.acts.get().approves
    assert agreement.commitments.get().milestones.get().title == "Prima riunione"
    line = agreement.funding_lines.get()
    assert sorted(s.amount for s in line.shares.all()) == [Decimal("400.00"), Decimal("600.00")]
    assert {s.party.agreement_id for s in line.shares.all()} == {agreement.pk}


@pytest.mark.django_db
def test_one_history_record_per_agreement_holds_its_themes_and_areas(people):
    [agreement] = register([complete()], by=people.plan_editor)
    [record] = agreement.history.all()
    assert (record.history_type, record.history_user) == ("+", people.plan_editor)
    assert [t.theme_id for t in record.themes.all()] == [agreement.themes.get().pk]
    assert {a.area_id for a in record.areas.all()} == {a.pk for a in agreement.areas.all()}
    for model in WRITTEN[1:]:  # what it holds: one creation record per row, by its author
        assert model.history.filter(history_type="+").count() == model.objects.count() >= 1
        assert {h.history_user_id for h in model.history.all()} == {people.plan_editor.pk}


@pytest.mark.django_db
def test_bulk_and_per_row_registrations_store_the_same_facts(people):
    """What the per-row services write, the bulk service writes too (less the extra history
    records that each m2m .set() adds)."""
    bulk = register([complete("IN-BLOCCO")])[0]
    row = per_row(complete("PER-RIGA"), by=None)

    def facts(agreement):
        agreement = Agreement.objects.get(pk=agreement.pk)
        return (
            [getattr(agreement, n) for n in services.AGREEMENT_FIELDS if n != "code"],
            agreement.status,
            sorted(agreement.themes.values_list("pk", flat=True)),
            sorted(agreement.areas.values_list("pk", flat=True)),
            list(agreement.parties.values_list("organisation", "role", "signed_on")),
            list(agreement.acts.values_list("kind", "number", "date", "approves")),
            list(agreement.commitments.values_list("title", "responsible", "milestones__title")),
            list(agreement.funding_lines.values_list("amount", "cup", "shares__amount")),
            sorted(agreement.history.first().areas.values_list("area_id", flat=True)),
        )

    assert facts(bulk) == facts(row)


@pytest.mark.django_db
def test_an_agreement_is_brought_to_its_status_through_the_lifecycle(people):
    [agreement] = register([complete(status="in_progress")], by=people.plan_editor)
    agreement.refresh_from_db()
    assert agreement.status == "in_progress"
    assert list(agreement.status_changes.values_list("action", "on")) == [
        ("start_review", D(2025, 1, 20)),
        ("approve", D(2025, 1, 20)),
        ("sign", D(2025, 2, 3)),
        ("start", D(2025, 2, 3)),
    ]


def _long_title(row):
    row.fields["title"] = "X" * 301


def _expiry_first(row):
    row.fields.update(effective_from=D(2025, 5, 1), expires_on=D(2025, 1, 1))


def _no_kind(row):
    row.fields["kind"] = None


def _party_twice(row):
    row.parties.append(dict(row.parties[0]))


def _unknown_role(row):
    row.parties[1]["role"] = "spettatore"


def _publication_inverted(row):
    row.acts[0].update(published_from=D(2025, 2, 1), published_to=D(2025, 1, 25))


def _bad_url(row):
    row.acts[0]["url"] = "non è un indirizzo"


def _outsider_responsible(row):
    row.commitments[0]["responsible"] = Organisation.objects.get(area__code="015182")


def _milestone_without_date(row):
    row.commitments[0]["milestones"][0]["due_on"] = None


def _bad_cup(row):
    row.funding[0]["cup"] = "J41B2100"


def _negative_amount(row):
    row.funding[0].update(amount=Decimal("-5"), shares=[])


def _shares_beyond_amount(row):
    row.funding[0]["amount"] = Decimal("900.00")


def _approved_without_coherence(row):
    row.fields["coherence_statement"] = ""
    row.status = "approved"


def _signed_without_signatures(row):
    row.parties[1]["signed_on"] = None
    row.status = "signed"


REFUSALS = [
    (_long_title, (), "300 caratteri"),
    (_expiry_first, (), "La scadenza deve seguire"),
    (_no_kind, (), "nullo"),
    (_party_twice, ("parties", 2), "ha già questo ruolo"),
    (_unknown_role, ("parties", 1), "scelta valida"),
    (_publication_inverted, ("acts", 0), "La fine della pubblicazione"),
    (_bad_url, ("acts", 0), "URL"),
    (_outsider_responsible, ("commitments", 0), "deve essere parte dell'intesa"),
    (_milestone_without_date, ("commitments", 0, "milestones", 0), "nullo"),
    (_bad_cup, ("funding", 0), "non è un CUP"),
    (_negative_amount, ("funding", 0), "non può essere negativo"),
    (_shares_beyond_amount, ("funding", 0), "superano l'importo"),
    (_approved_without_coherence, ("status",), "coerenza"),
    (_signed_without_signatures, ("status",), "Mancano le firme"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("breaking", "item", "message"), REFUSALS, ids=lambda v: str(v))
def test_the_bulk_service_refuses_what_the_per_row_services_refuse(people, breaking, item, message):
    good, bad = complete("BUONA-1"), complete("CATTIVA-1")
    breaking(bad)
    with pytest.raises((ValidationError, services.AgreementError)) as refused, transaction.atomic():
        per_row(bad, by=None)
    before = counts()
    with pytest.raises(RegistrationRefused) as caught:
        register([good, bad])
    [refusal] = caught.value.refusals
    assert (refusal.row, refusal.item) == (1, item)
    assert texts(refusal.error) == texts(refused.value)
    assert message.lower() in " ".join(texts(refusal.error)).lower()
    assert counts() == before


@pytest.mark.django_db
def test_codes_already_registered_or_repeated_in_the_call_are_refused(people):
    build.proposal(code="DOPPIA")
    with pytest.raises(RegistrationRefused) as caught:
        register([complete("DOPPIA"), complete("NUOVA"), complete("NUOVA")])
    refusals = caught.value.refusals
    assert [(r.row, r.item) for r in refusals] == [(0, ()), (2, ())]
    assert all(
        r.error.message_dict == {"code": ["Intesa con questo Codice esiste già."]} for r in refusals
    )
    assert not Agreement.objects.filter(code="NUOVA").exists()


@pytest.mark.django_db
def test_a_parent_may_be_registered_or_another_row_later_in_the_call(people):
    registered = build.proposal(code="QUADRO-REGISTRATO")
    rows = [
        complete("ATTUATIVA", parent="QUADRO-NUOVO"),
        complete("QUADRO-NUOVO", parent=registered),
    ]
    child, framework = register(rows)
    assert Agreement.objects.get(code="ATTUATIVA").parent == framework
    assert framework.parent == registered
    assert child.history.get().parent_id == framework.pk


@pytest.mark.django_db
def test_unknown_parents_and_cycles_are_refused_with_their_children(people):
    rows = [
        complete("A", parent="B"),
        complete("B", parent="A"),
        complete("C", parent="A"),
        complete("D", parent="NESSUNA"),
        complete("E", parent="E"),
    ]
    before = counts()
    with pytest.raises(RegistrationRefused) as caught:
        register(rows)
    assert counts() == before
    found = {
        rows[r.row].fields["code"]: (r.error.field, r.error.message) for r in caught.value.refusals
    }
    assert found == {
        "A": ("parent", "A non può avere come intesa quadro una sua intesa attuativa."),
        "B": ("parent", "B non può avere come intesa quadro una sua intesa attuativa."),
        "C": ("parent", "L'intesa quadro «A» non è stata registrata: vedere i suoi errori."),
        "D": ("parent", "Intesa quadro sconosciuta: «NESSUNA»."),
        "E": ("parent", "Un'intesa non può essere quadro di se stessa."),
    }


@pytest.mark.django_db
def test_every_lifecycle_refusal_is_reported_and_nothing_is_kept(people):
    rows = [complete(f"APPROVATA-{n}", coherence_statement="") for n in range(3)]
    for row in rows:
        row.status = "approved"
    rows[1].fields["coherence_statement"] = build.COHERENCE
    before = counts()
    with pytest.raises(RegistrationRefused) as caught:
        register(rows)
    assert [(r.row, r.item) for r in caught.value.refusals] == [(0, ("status",)), (2, ("status",))]
    assert "2 problemi" in caught.value.message
    assert counts() == before


@pytest.mark.django_db
def test_a_share_names_a_party_by_its_organisation(people):
    row = complete()
    rho = Organisation.objects.get(area__code="015182")
    row.funding[0]["shares"] = [(rho, Decimal("10"))]
    with pytest.raises(RegistrationRefused) as caught:
        register([row])
    [refusal] = caught.value.refusals
    assert refusal.item == ("funding", 0, "shares", 0)
    assert refusal.error.message == f"{rho} non è parte di questa intesa."


def _queries(n: int) -> int:
    rows = [complete(f"CONTA-{n}-{i}") for i in range(n)]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        register(rows)
        transaction.set_rollback(True)
    return len(captured) - 3  # the savepoint of this test, its rollback and its release


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_rows(people):
    """Up to services.BATCH rows of each table, the queries are: the service's savepoint and
    its release (2), the codes already taken (1), the agreements (1), their themes and areas
    (2), the agreements' history with its themes and areas (3), then each of parties, acts,
    commitments, milestones, funding lines and shares with its history (6 x 2)."""
    assert _queries(3) == _queries(30) == 2 + 1 + 1 + 2 + 3 + 12


def test_every_check_constraint_of_the_written_models_has_its_python_twin():
    names = {
        c.name
        for model in WRITTEN
        for c in model._meta.constraints
        if isinstance(c, models.CheckConstraint)
    }
    assert names == set(services.CHECKS)
