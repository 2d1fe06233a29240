"""The rows of each exported sheet, each streamed from one query in the order of the codes."""

from django.db.models import Prefetch

from intese.agreements.models import Act, Agreement, Commitment, FundingLine, Milestone, Party
from intese.agreements.spreadsheets.cells import area_ref, organisation_ref, yes_no
from intese.agreements.spreadsheets.format import LIST_SEPARATOR
from intese.territory.models import Area


def agreement_rows(ids):
    agreements = (
        Agreement.objects.filter(pk__in=ids)
        .select_related("kind", "parent")
        .prefetch_related("themes", Prefetch("areas", Area.objects.only("kind", "code")))
        .order_by("code")
    )
    for a in agreements.iterator(chunk_size=1000):
        yield [
            a.code,
            a.title,
            a.summary,
            a.kind.code,
            a.legal_basis,
            a.parent.code if a.parent else "",
            a.status,
            LIST_SEPARATOR.join(sorted(t.code for t in a.themes.all())),
            LIST_SEPARATOR.join(sorted(area_ref(x) for x in a.areas.all())),
            a.coherence_statement,
            yes_no(a.is_public),
            a.effective_from,
            a.expires_on,
            a.renewal,
            LIST_SEPARATOR.join(a.example_fields or []),
            a.source_note,
        ]


ORGANISATION_COLUMNS = ("name", "ipa_code", "codice_fiscale")


def party_rows(ids):
    parties = (
        Party.objects.filter(agreement__in=ids)
        .select_related("agreement", "organisation")
        .only(
            "agreement__code",
            *(f"organisation__{f}" for f in ORGANISATION_COLUMNS),
            "role",
            "signature_required",
            "signed_on",
            "is_example",
        )
        .order_by("agreement__code", "pk")
    )
    for p in parties.iterator(chunk_size=2000):
        yield [
            p.agreement.code,
            organisation_ref(p.organisation),
            p.role,
            yes_no(p.signature_required),
            p.signed_on,
            yes_no(p.is_example),
        ]


def act_rows(ids):
    acts = (
        Act.objects.filter(agreement__in=ids)
        .select_related("agreement", "issuer")
        .order_by("agreement__code", "date", "pk")
    )
    for act in acts.iterator(chunk_size=2000):
        yield [
            act.agreement.code,
            act.kind,
            act.number,
            act.date,
            organisation_ref(act.issuer),
            act.title,
            yes_no(act.approves),
            act.published_from,
            act.published_to,
            act.url,
            yes_no(act.is_example),
        ]


def commitment_rows(ids):
    commitments = (
        Commitment.objects.filter(agreement__in=ids)
        .select_related("agreement", "responsible")
        .order_by("agreement__code", "pk")
    )
    code, position = None, 0
    for c in commitments.iterator(chunk_size=2000):
        position = position + 1 if c.agreement.code == code else 1
        code = c.agreement.code
        yield [
            code,
            position,
            c.title,
            c.description,
            organisation_ref(c.responsible),
            c.due_on,
            c.status,
            yes_no(c.is_example),
        ]


def milestone_rows(ids):
    """Milestones name their commitment by its position: the rank of its pk in the agreement."""
    positions, last, n = {}, None, 0
    for agreement_id, pk in (
        Commitment.objects.filter(agreement__in=ids)
        .order_by("agreement", "pk")
        .values_list("agreement", "pk")
        .iterator(chunk_size=5000)
    ):
        n = n + 1 if agreement_id == last else 1
        positions[pk], last = n, agreement_id
    milestones = (
        Milestone.objects.filter(commitment__agreement__in=ids)
        .select_related("commitment__agreement")
        .order_by("commitment__agreement__code", "commitment_id", "due_on", "pk")
    )
    for m in milestones.iterator(chunk_size=2000):
        yield [
            m.commitment.agreement.code,
            positions[m.commitment_id],
            m.title,
            m.due_on,
            m.reached_on,
            yes_no(m.is_example),
        ]


def funding_rows(ids):
    lines = (
        FundingLine.objects.filter(agreement__in=ids)
        .select_related("agreement")
        .order_by("agreement__code", "pk")
    )
    for line in lines.iterator(chunk_size=2000):
        yield [
            line.agreement.code,
            line.source,
            line.description,
            line.amount,
            line.cup,
            line.pnrr_mission,
            line.pnrr_component,
            line.pnrr_investment,
            yes_no(line.is_example),
        ]
