"""Load the demo system of agreements from data/demo/agreements.json through the services.

Facts come with their sources; details added for illustration carry their example flag (on the
party, act, commitment, milestone or funding line, or in the agreement's example_fields), and
the pages show them as examples.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from intese.actors.models import Organisation
from intese.agreements import services
from intese.agreements.models import Agreement, AgreementKind, Theme
from intese.territory.models import Area

REPLAY_NOTE = "Registrazione di un'intesa esistente (dati dimostrativi)"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _organisation(ref: dict) -> Organisation:
    if "ipa_code" in ref:
        return Organisation.objects.get(ipa_code=ref["ipa_code"])
    if "name" in ref:
        return Organisation.objects.get(name=ref["name"])
    new = ref["new"]
    organisation, _created = Organisation.objects.get_or_create(
        name=new["name"],
        kind=new["kind"],
        defaults={
            "codice_fiscale": new.get("codice_fiscale", ""),
            "evidence": "demo",
            "source_url": "",
        },
    )
    return organisation


def _area(ref: str) -> Area:
    kind, _sep, code = ref.partition(":")
    return Area.objects.get(kind=kind, code=code)


def _themes(rows: list[dict]) -> None:
    for row in rows:  # parents come first in the file
        parent = Theme.objects.get(code=row["parent"]) if row.get("parent") else None
        Theme.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent": parent}
        )


def _sources(keys: list[str], sources: dict) -> str:
    return "\n".join(f"{sources.get(key, key)}" for key in keys)


def _agreement(row: dict, sources: dict, by, today) -> Agreement:
    agreement = services.agreement_create(
        by=by,
        code=row["code"],
        title=row["title"],
        summary=row.get("summary", ""),
        kind=AgreementKind.objects.get(code=row["kind"]),
        legal_basis=row.get("legal_basis", ""),
        parent=Agreement.objects.get(code=row["parent"]) if row.get("parent") else None,
        coherence_statement=row.get("coherence_statement", ""),
        is_public=row.get("is_public", True),
        effective_from=_date(row.get("effective_from")),
        expires_on=_date(row.get("expires_on")),
        example_fields=row.get("example_fields", []),
        source_note="\n".join(
            filter(None, [row.get("note", ""), _sources(row.get("sources", []), sources)])
        ),
        themes=Theme.objects.filter(code__in=row.get("themes", [])),
        areas=[_area(ref) for ref in row.get("areas", [])],
    )
    for party in row.get("parties", []):
        services.party_add(
            agreement=agreement,
            by=by,
            organisation=_organisation(party["organisation"]),
            role=party["role"],
            signature_required=party.get("signature_required", True),
            signed_on=_date(party.get("signed_on")),
            is_example=party.get("is_example", False),
        )
    for act in row.get("acts", []):
        services.act_add(
            agreement=agreement,
            by=by,
            kind=act["kind"],
            number=act.get("number", ""),
            date=_date(act["date"]),
            issuer=_organisation(act["issuer"]) if act.get("issuer") else None,
            title=act.get("title", ""),
            approves=act.get("approves", False),
            url=act.get("url", ""),
            is_example=act.get("is_example", False),
        )
    services.agreement_bring_to(
        agreement=agreement, status=row["status"], by=by, today=today, note=REPLAY_NOTE
    )
    for commitment in row.get("commitments", []):
        services.commitment_add(
            agreement=agreement,
            by=by,
            title=commitment["title"],
            description=commitment.get("description", ""),
            responsible=_organisation(commitment["responsible"]),
            due_on=_date(commitment.get("due_on")),
            status=commitment.get("status", "planned"),
            is_example=commitment.get("is_example", False),
            milestones=[
                {
                    "title": m["title"],
                    "due_on": _date(m["due_on"]),
                    "reached_on": _date(m.get("reached_on")),
                    "is_example": m.get("is_example", False),
                }
                for m in commitment.get("milestones", [])
            ],
        )
    for line in row.get("funding", []):
        pnrr = line.get("pnrr") or {}
        services.funding_add(
            agreement=agreement,
            by=by,
            source=line["source"],
            description=line.get("description", ""),
            amount=Decimal(line["amount"]),
            cup=line.get("cup", ""),
            pnrr_mission=pnrr.get("mission", ""),
            pnrr_component=pnrr.get("component", ""),
            pnrr_investment=pnrr.get("investment", ""),
            is_example=line.get("is_example", False),
        )
    return agreement


@transaction.atomic
def load_demo_agreements(path: Path, *, by=None) -> list[str]:
    """Create the demo agreements that do not exist yet; returns the codes created."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _themes(data["themes"])
    today = timezone.localdate()
    created = []
    for row in data["agreements"]:
        if not Agreement.objects.filter(code=row["code"]).exists():
            created.append(_agreement(row, data["sources"], by, today).code)
    return created
