"""Reads of the registry for pages, exports and the transparency list."""

import datetime

from django.db.models import Prefetch, Q

from intese.agreements.models import (
    ACTIVE_STATUSES,
    Act,
    Agreement,
    Commitment,
    Party,
    PlanLink,
    Status,
    StatusChange,
)
from intese.agreements.services import LIFECYCLE_REASON

EXPIRY_WINDOW_DAYS = 90
STALLED_AFTER_DAYS = 180


def registry(
    queryset,
    *,
    query="",
    kind="",
    status="",
    theme="",
    party="",
    zone="",
    expiring_within=None,
    today: datetime.date,
):
    """The filtered agreement list, annotated for the table: a fixed number of queries."""
    agreements = queryset.search(query)
    if kind:
        agreements = agreements.filter(kind__code=kind)
    if status:
        agreements = agreements.filter(status=status)
    if theme:
        agreements = agreements.filter(themes__code=theme)
    if party:
        agreements = agreements.filter(parties__organisation_id=party)
    if zone:
        agreements = agreements.filter(
            Q(areas__code=zone)
            | Q(
                areas__zone_memberships__zone__code=zone,
                areas__zone_memberships__valid_to__isnull=True,
            )
        )
    if expiring_within:
        agreements = agreements.expiring_within(today, expiring_within)
    ids = agreements.values("pk")
    return (
        Agreement.objects.filter(pk__in=ids)
        .select_related("kind")
        .with_stipulation()
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("organisation"))
        )
        .order_by("code")
    )


def is_expiring(agreement: Agreement, today: datetime.date) -> bool:
    return (
        agreement.status in ACTIVE_STATUSES
        and agreement.expires_on is not None
        and today <= agreement.expires_on <= today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    )


def is_stalled(agreement: Agreement, today: datetime.date) -> bool:
    """Still in proposal or review, untouched for half a year."""
    return (
        agreement.status in (Status.PROPOSED, Status.UNDER_REVIEW)
        and (today - agreement.updated_at.date()).days > STALLED_AFTER_DAYS
    )


def agreement_detail(queryset, code: str) -> Agreement:
    """One agreement with everything its page shows, in a fixed number of queries."""
    return (
        queryset.select_related("kind", "parent")
        .with_stipulation()
        .with_planned_expenditure()
        .prefetch_related(
            "themes",
            "areas",
            "children",
            Prefetch("parties", queryset=Party.objects.select_related("organisation")),
            Prefetch("acts", queryset=Act.objects.select_related("issuer")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("responsible").prefetch_related(
                    "milestones"
                ),
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by", "act")),
            "funding_lines__shares__party__organisation",
            "documents",
            Prefetch(
                "plan_links",
                queryset=PlanLink.objects.select_related(
                    "plan_item__plan", "operational_objective__document", "commitment"
                ),
            ),
        )
        .get(code=code)
    )


TIMELINE_FIELDS = [
    "code",
    "title",
    "summary",
    "kind_id",
    "legal_basis",
    "parent_id",
    "coherence_statement",
    "is_public",
    "effective_from",
    "expires_on",
    "renewal",
    "example_fields",
    "source_note",
]


def timeline(agreement: Agreement, limit: int = 200):
    """Lifecycle steps and edits of the agreement, newest first: (when, kind, event, user, fields).

    Edits name the fields they changed, found by comparing consecutive history rows in Python
    (one query); the history rows written by lifecycle steps are left out, the steps stand.
    """
    events = [(c.recorded_at, "status", c, c.by, []) for c in agreement.status_changes.all()]
    records = list(
        agreement.history.select_related("history_user").order_by("history_date")[:limit]
    )
    previous = None
    for record in records:
        changed = (
            []
            if previous is None
            else [
                Agreement._meta.get_field(f.removesuffix("_id")).verbose_name
                for f in TIMELINE_FIELDS
                if getattr(record, f) != getattr(previous, f)
            ]
        )
        previous = record
        if (record.history_change_reason or "").startswith(LIFECYCLE_REASON):
            continue
        events.append((record.history_date, "edit", record, record.history_user, changed))
    return sorted(events, key=lambda e: e[0], reverse=True)
