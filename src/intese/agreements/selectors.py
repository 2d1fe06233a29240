"""Reads of the registry for pages, exports and the transparency list."""

import datetime

from django.db.models import Prefetch, Q

from intese.agreements.models import (
    ACTIVE_STATUSES,
    Act,
    Agreement,
    Commitment,
    Party,
    Status,
    StatusChange,
)

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
        )
        .get(code=code)
    )


def timeline(agreement: Agreement, limit: int = 200):
    """Status changes and edits of the agreement, newest first, as (date, kind, text, user)."""
    events = [(c.recorded_at, "status", c, c.by) for c in agreement.status_changes.all()]
    history = agreement.history.select_related("history_user").order_by("-history_date")[:limit]
    events += [(h.history_date, "edit", h, h.history_user) for h in history]
    return sorted(events, key=lambda e: e[0], reverse=True)
