"""Access policy of the registry of agreements in the reserved area.

The plan office sees the whole registry; partners, zone coordinators and body members see the
agreements they are party to, that cover their zone, or that are public; only plan-office
editors and administrators change anything.
"""

import datetime
from decimal import Decimal

from intese.access.tests.matrix import ANY_ROLE, Route, only, reverse

EDITORS = only("administrator", "plan_editor")


def agreement_code():
    """A private agreement that only the plan office (and its parties) may open."""
    from intese.agreements.models import Agreement
    from intese.testing import agreements as build

    existing = Agreement.objects.filter(code="MATRICE").first()
    if existing:
        return existing.code
    agreement = build.proposal(code="MATRICE", is_public=False)
    return agreement.code


def commitment_pk():
    from intese.agreements import services
    from intese.agreements.models import Agreement
    from intese.testing import agreements as build

    agreement = Agreement.objects.get(code=agreement_code())
    commitment = agreement.commitments.first() or services.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    return commitment.pk


def party_pk():
    from intese.agreements.models import Agreement

    return Agreement.objects.get(code=agreement_code()).parties.first().pk


def signed_party_pk():
    """A party of the agreement whose signature is recorded (its date can be corrected)."""
    from intese.actors.models import Organisation
    from intese.agreements import services
    from intese.agreements.models import Agreement

    agreement = Agreement.objects.get(code=agreement_code())
    party = agreement.parties.filter(signed_on__isnull=False).first() or services.party_add(
        agreement=agreement,
        organisation=Organisation.objects.get(ipa_code="r_lombar"),
        role="signatory",
        signature_required=False,
        signed_on=datetime.date(2025, 1, 10),
        by=None,
    )
    return party.pk


def milestone_pk():
    from intese.agreements import services
    from intese.agreements.models import Commitment

    commitment = Commitment.objects.get(pk=commitment_pk())
    milestone = commitment.milestones.first() or services.milestone_add(
        commitment=commitment, by=None, title="Prima riunione", due_on=datetime.date(2025, 3, 1)
    )
    return milestone.pk


def act_pk():
    from intese.agreements.models import Agreement
    from intese.testing import agreements as build

    agreement = Agreement.objects.get(code=agreement_code())
    return (agreement.acts.first() or build.approving_act(agreement)).pk


def funding_pk():
    from intese.agreements import services
    from intese.agreements.models import Agreement

    agreement = Agreement.objects.get(code=agreement_code())
    line = agreement.funding_lines.first() or services.funding_add(
        agreement=agreement, by=None, source="own_budget", amount=Decimal("1000.00")
    )
    return line.pk


def document_pk():
    """A document record of the agreement (the file itself is not needed to confirm removal)."""
    from intese.agreements.models import Agreement, Document

    agreement = Agreement.objects.get(code=agreement_code())
    document, _created = Document.objects.get_or_create(
        agreement=agreement,
        sha256="0" * 64,
        defaults={
            "title": "Testo dell'intesa",
            "file": "agreements/matrix/testo.pdf",
            "original_name": "testo.pdf",
            "content_type": "application/pdf",
            "size": 1,
        },
    )
    return document.pk


def on_agreement(name, *extra):
    return lambda: reverse(f"backoffice:{name}", args=[agreement_code(), *[e() for e in extra]])


PLAN_OFFICE = only("administrator", "plan_editor", "plan_viewer")

ROUTES = {
    "backoffice:agreements": Route(lambda: reverse("backoffice:agreements"), ANY_ROLE),
    "backoffice:agreement_create": Route(lambda: reverse("backoffice:agreement_create"), EDITORS),
    # Private, and none of the personas' organisations or zones is in it: the plan office only.
    "backoffice:agreement": Route(on_agreement("agreement"), PLAN_OFFICE),
    "backoffice:agreement_edit": Route(on_agreement("agreement_edit"), EDITORS),
    "backoffice:agreement_transition": Route(
        lambda: reverse("backoffice:agreement_transition", args=[agreement_code(), "start_review"]),
        EDITORS,
    ),
    "backoffice:party_add": Route(on_agreement("party_add"), EDITORS),
    "backoffice:party_sign": Route(on_agreement("party_sign", party_pk), EDITORS),
    "backoffice:act_add": Route(on_agreement("act_add"), EDITORS),
    "backoffice:commitment_add": Route(on_agreement("commitment_add"), EDITORS),
    "backoffice:milestone_add": Route(on_agreement("milestone_add", commitment_pk), EDITORS),
    "backoffice:funding_add": Route(on_agreement("funding_add"), EDITORS),
    # Changes and removals: plan-office editors only; viewers and partners are refused.
    "backoffice:party_remove": Route(on_agreement("party_remove", party_pk), EDITORS),
    "backoffice:party_signature_edit": Route(
        on_agreement("party_signature_edit", signed_party_pk), EDITORS
    ),
    "backoffice:act_edit": Route(on_agreement("act_edit", act_pk), EDITORS),
    "backoffice:commitment_edit": Route(on_agreement("commitment_edit", commitment_pk), EDITORS),
    "backoffice:milestone_edit": Route(on_agreement("milestone_edit", milestone_pk), EDITORS),
    "backoffice:milestone_reached": Route(on_agreement("milestone_reached", milestone_pk), EDITORS),
    "backoffice:funding_edit": Route(on_agreement("funding_edit", funding_pk), EDITORS),
    "backoffice:document_remove": Route(on_agreement("document_remove", document_pk), EDITORS),
}
