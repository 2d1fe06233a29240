"""Builders of agreements for tests and benchmarks, through the services."""

import datetime
import itertools

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import AgreementKind

_codes = itertools.count(1)
COHERENCE = "Attua la prima mossa del PSTTM sulle relazioni con il Comune di Milano."


def cmm():
    return Organisation.objects.get(ipa_code="cmmi")


def milano():
    return Organisation.objects.get(ipa_code="c_f205")


def proposal(by=None, *, code=None, kind="accordo_pa_art15", coherence=COHERENCE, **fields):
    """A proposed agreement between CMM and the Comune di Milano, both required to sign."""
    fields.setdefault("title", "Intesa di prova")
    agreement = services.agreement_create(
        by=by,
        code=code or f"TEST-{next(_codes):05d}",
        kind=AgreementKind.objects.get(code=kind),
        coherence_statement=coherence,
        **fields,
    )
    services.party_add(agreement=agreement, organisation=cmm(), role="promoter", by=by)
    services.party_add(agreement=agreement, organisation=milano(), role="signatory", by=by)
    return agreement


def approving_act(agreement, by=None, on=datetime.date(2024, 3, 1)):
    return services.act_add(
        agreement=agreement,
        by=by,
        kind="decreto_sindaco_metropolitano",
        number="45/2024",
        date=on,
        issuer=cmm(),
        approves=True,
    )


def approved(by=None, **fields):
    agreement = proposal(by, **fields)
    services.agreement_transition(
        agreement=agreement, action="start_review", on=datetime.date(2024, 2, 1), by=by
    )
    act = approving_act(agreement, by)
    services.agreement_transition(
        agreement=agreement, action="approve", on=act.date, by=by, act=act
    )
    return agreement


def signed(by=None, on=datetime.date(2024, 3, 20), **fields):
    agreement = approved(by, **fields)
    for party in agreement.parties.all():
        services.party_sign(party=party, signed_on=on, by=by)
    agreement.refresh_from_db()
    return agreement


def bulk(count: int, *, prefix="MASSA"):
    """`count` agreements with two parties each, written in bulk (for scale tests and benches)."""
    from intese.agreements.models import Agreement, Party

    kind = AgreementKind.objects.get(code="protocollo_intesa")
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                code=f"{prefix}-{n:06d}",
                title=f"Intesa di esempio {n}",
                kind=kind,
                coherence_statement=COHERENCE,
                expires_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 900),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    promoter, signatory = cmm(), milano()
    Party.objects.bulk_create(
        [
            Party(agreement=a, organisation=o, role=r)
            for a in agreements
            for o, r in ((promoter, "promoter"), (signatory, "signatory"))
        ],
        batch_size=4000,
    )
    return agreements
