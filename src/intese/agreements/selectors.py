"""Reads of the registry for pages, exports and the transparency list."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from intese.agreements import lifecycle
from intese.agreements.models import (
    ACTIVE_STATUSES,
    Act,
    Agreement,
    Commitment,
    Document,
    FundingLine,
    FundingShare,
    Milestone,
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
    agreement = (
        queryset.select_related("kind", "parent")
        .with_stipulation()
        .with_planned_expenditure()
        .prefetch_related(
            "themes",
            "areas",
            "children",
            Prefetch("parties", queryset=Party.objects.select_related("organisation")),
            Prefetch(
                "acts",
                queryset=Act.objects.select_related("issuer", "document").defer("document__text"),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("responsible").prefetch_related(
                    "milestones"
                ),
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by", "act")),
            "funding_lines__shares__party__organisation",
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
            Prefetch(
                "plan_links",
                queryset=PlanLink.objects.select_related(
                    "plan_item__plan", "operational_objective__document", "commitment"
                ),
            ),
        )
        .get(code=code)
    )
    agreement.example_labels = example_labels(agreement)
    return agreement


def example_labels(agreement: Agreement) -> list[str]:
    """The names of the agreement's fields whose values are illustrative, as users read them."""
    labels = []
    for name in agreement.example_fields or []:
        try:
            labels.append(str(Agreement._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return labels


# --- the timeline ------------------------------------------------------------------------------

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
TIMELINE_M2M = ["themes", "areas"]
# An edit of themes or areas this close to a save by the same user belongs to the same form.
SAME_EDIT = datetime.timedelta(seconds=5)
NOT_COMPARED = {"id", "version", "updated_at", "agreement", "commitment", "funding_line"}


@dataclass
class Event:
    """One line of an agreement's timeline: who did what, when."""

    when: datetime.datetime
    user: object
    label: str
    subject: str = ""
    fields: list = field(default_factory=list)
    detail: str = ""
    example: bool = False
    change: StatusChange | None = None  # a lifecycle step
    new_expires_on: datetime.date | None = None  # a renewal's new expiry
    creation: bool = False
    model: type | None = None  # the kind of row, for the events of an agreement's rows
    record_id: int | None = None


def _status_label(change: StatusChange) -> str:
    action = lifecycle.ACTIONS.get(change.action)
    if action is not None:
        return action.label
    return f"{change.get_from_status_display()} → {change.get_to_status_display()}"


def _amount(value) -> str:
    return f"{number_format(value, 2, use_l10n=True, force_grouping=True)} €"


def _party(record) -> str:
    name = record.organisation.name if record.organisation_id else "—"
    return f"{name} ({record.get_role_display()})"


def _funding_line(record) -> str:
    return f"{record.get_source_display()}: {_amount(record.amount)}"


def _funding_share(record) -> str:
    party = record.party
    name = party.organisation.name if party is not None else "—"
    return f"{name}: {_amount(record.amount)}"


def _plan_link(record) -> str:
    target = record.plan_item or record.operational_objective
    return str(target) if target is not None else "—"


@dataclass(frozen=True)
class _Related:
    """A model whose history shows in the timeline of its agreement."""

    model: type
    related: tuple
    describe: object
    added: str
    changed: str
    removed: str

    def records(self, agreement: Agreement, limit: int):
        history = self.model.history
        if self.model is Milestone:
            ours = history.filter(
                commitment_id__in=Commitment.history.filter(agreement_id=agreement.pk).values("id")
            )
        elif self.model is FundingShare:
            ours = history.filter(
                funding_line_id__in=FundingLine.history.filter(agreement_id=agreement.pk).values(
                    "id"
                )
            )
        else:
            ours = history.filter(agreement_id=agreement.pk)
        newest = ours.select_related("history_user", *self.related).order_by(
            "-history_date", "-history_id"
        )
        return list(reversed(newest[:limit]))


RELATED = [
    _Related(
        Party,
        ("organisation",),
        _party,
        _("Parte aggiunta"),
        _("Parte modificata"),
        _("Parte tolta"),
    ),
    _Related(
        Act,
        (),
        lambda r: str(r.history_object),
        _("Atto registrato"),
        _("Atto modificato"),
        _("Atto eliminato"),
    ),
    _Related(
        Commitment,
        (),
        lambda r: r.title,
        _("Impegno aggiunto"),
        _("Impegno modificato"),
        _("Impegno eliminato"),
    ),
    _Related(
        Milestone,
        (),
        lambda r: r.title,
        _("Traguardo aggiunto"),
        _("Traguardo modificato"),
        _("Traguardo eliminato"),
    ),
    _Related(
        FundingLine,
        (),
        _funding_line,
        _("Finanziamento aggiunto"),
        _("Finanziamento modificato"),
        _("Finanziamento eliminato"),
    ),
    _Related(
        FundingShare,
        ("party__organisation",),
        _funding_share,
        _("Quota di finanziamento aggiunta"),
        _("Quota di finanziamento modificata"),
        _("Quota di finanziamento eliminata"),
    ),
    _Related(
        PlanLink,
        ("plan_item", "operational_objective"),
        _plan_link,
        _("Collegamento al piano aggiunto"),
        _("Collegamento al piano modificato"),
        _("Collegamento al piano eliminato"),
    ),
    _Related(
        Document,
        ("uploaded_by",),
        lambda r: r.title,
        _("Documento caricato"),
        _("Documento modificato"),
        _("Documento rimosso"),
    ),
]


def _compared(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in NOT_COMPARED]


def _related_events(spec: _Related, agreement: Agreement, limit: int) -> list[Event]:
    """Additions, edits (naming the fields changed) and removals of one kind of row."""
    compared = _compared(spec.model)
    events, last = [], {}
    for record in spec.records(agreement, limit):
        previous = last.get(record.id)
        last[record.id] = record
        fields, label, detail = [], spec.changed, ""
        if record.history_type == "+":
            label = spec.added
        elif record.history_type == "-":
            label = spec.removed
        elif previous is not None:
            changed = [
                f for f in compared if getattr(record, f.attname) != getattr(previous, f.attname)
            ]
            if not changed:
                continue  # saved again without changes
            signed = [f.name for f in changed] == ["signed_on"] and record.signed_on
            if spec.model is Party and signed:
                label = _("Firma registrata")
                detail = date_format(record.signed_on, "j F Y")
            fields = [f.verbose_name for f in changed]
        events.append(
            Event(
                when=record.history_date,
                user=record.history_user or getattr(record, "uploaded_by", None),
                label=label,
                subject=spec.describe(record),
                fields=fields,
                detail=detail,
                example=getattr(record, "is_example", False),
                creation=record.history_type == "+",
                model=spec.model,
                record_id=record.id,
            )
        )
    return events


def _m2m_snapshots(records) -> dict:
    """{history_id: {"themes": {ids}, "areas": {ids}}} for the agreement's history records."""
    ids = [r.history_id for r in records]
    snapshots = {pk: {name: set() for name in TIMELINE_M2M} for pk in ids}
    for name in TIMELINE_M2M:
        through = getattr(Agreement.history.model, name).model
        target = Agreement._meta.get_field(name).m2m_reverse_field_name()
        for history_id, pk in through.objects.filter(history_id__in=ids).values_list(
            "history_id", f"{target}_id"
        ):
            snapshots[history_id][name].add(pk)
    return snapshots


def _agreement_events(agreement: Agreement, changes: list, limit: int) -> list[Event]:
    """The agreement's own edits. A record that changes nothing is left out, an edit of themes
    or areas right after a save by the same user joins it, and the records written by
    lifecycle steps only lend a renewal its new expiry: the steps themselves stand."""
    newest = agreement.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    records = list(reversed(newest[:limit]))
    snapshots = _m2m_snapshots(records)
    renewals = sorted(
        (r for r in records if r.history_change_reason == f"{LIFECYCLE_REASON}renew"),
        key=lambda r: r.history_date,
    )
    events, previous, last_event = [], None, None
    for record in records:
        if previous is None:
            changed = None  # the first record in sight: what it changed is not known
        else:
            changed = [
                Agreement._meta.get_field(f.removesuffix("_id")).verbose_name
                for f in TIMELINE_FIELDS
                if getattr(record, f) != getattr(previous, f)
            ] + [
                Agreement._meta.get_field(name).verbose_name
                for name in TIMELINE_M2M
                if snapshots[record.history_id][name] != snapshots[previous.history_id][name]
            ]
        previous = record
        if (record.history_change_reason or "").startswith(LIFECYCLE_REASON):
            continue
        if record.history_type == "+":
            last_event = Event(
                record.history_date, record.history_user, _("Intesa registrata"), creation=True
            )
            events.append(last_event)
            continue
        if changed == []:
            continue  # saved again, or themes set to what they were
        if (
            last_event is not None
            and record.history_user_id == getattr(last_event.user, "pk", None)
            and record.history_date - last_event.when <= SAME_EDIT
        ):
            if not last_event.creation:
                last_event.fields += [f for f in changed or [] if f not in last_event.fields]
            continue
        last_event = Event(
            record.history_date, record.history_user, _("Dati modificati"), fields=changed or []
        )
        events.append(last_event)
    for change in changes:
        if change.action == "renew":
            record = next((r for r in renewals if r.history_date >= change.recorded_at), None)
            if record is not None:
                change.timeline_expires_on = record.expires_on
    return events


def timeline(agreement: Agreement, limit: int = 200) -> list[Event]:
    """Everything that happened to the agreement, newest first, with who and when.

    Lifecycle steps, edits of the agreement (naming the fields changed), and additions, edits
    and removals of its parties, acts, commitments, milestones, funding lines and shares and
    plan links, from their history; document uploads. A fixed number of queries: one per kind
    of row (the status changes and documents come prefetched by agreement_detail), whatever
    the agreement holds; each kind shows at most its `limit` newest records.
    """
    changes = list(agreement.status_changes.all())
    events = _agreement_events(agreement, changes, limit)
    for change in changes:
        events.append(
            Event(
                when=change.recorded_at,
                user=change.by,
                label=_status_label(change),
                change=change,
                new_expires_on=getattr(change, "timeline_expires_on", None),
            )
        )
    for spec in RELATED:
        events += _related_events(spec, agreement, limit)
    uploads = {e.record_id for e in events if e.model is Document and e.creation}
    for document in agreement.documents.all():
        if document.pk in uploads:
            continue
        events.append(  # uploaded before documents had a history
            Event(
                when=document.uploaded_at,
                user=document.uploaded_by,
                label=_("Documento caricato"),
                subject=document.title,
            )
        )
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]
