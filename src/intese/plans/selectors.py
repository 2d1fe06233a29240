"""Reads of plans for the explorer and the editor: fixed numbers of queries. The gap reports are
in plans.coherence."""

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Substr

from intese.plans.models import PATH_STEP, Plan, PlanItem, PlanStatus


def earlier_cycles(plan: Plan) -> list[Plan]:
    """The plans `plan` follows, nearest first: one query, whatever the length of the chain
    (the chain never loops: the plan services refuse it)."""
    plans = {p.pk: p for p in Plan.objects.only("code", "title", "previous_id", "level_names")}
    chain, current = [], plans[plan.pk].previous_id
    while current is not None and current in plans and plans[current] not in chain:
        chain.append(plans[current])
        current = plans[current].previous_id
    return chain


def default_plan() -> Plan | None:
    """The plan a page opens on when none is asked for: the latest plan in force or past (not a
    draft) that has items; else the latest plan with items; else the latest plan. One query."""
    has_items = Exists(PlanItem.objects.filter(plan=OuterRef("pk")))
    rank = Case(
        When(has_items & ~Q(status=PlanStatus.DRAFT), then=Value(2)),
        When(has_items, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Plan.objects.alias(rank=rank).order_by("-rank", "-period_start", "code").first()


def plan_tree(plan: Plan, *, public_only: bool = True) -> list[PlanItem]:
    """Every item of the plan in tree order, with the number of agreements and commitments
    linked to it or to any item below it.

    An item's ancestors are the prefixes of its path at fixed lengths (a 4-digit segment and a
    dot per level), so one UNION ALL of GROUP BYs, one per depth, counts the distinct agreements
    and commitments at or below every item: three queries (items, tags, counts) whatever the
    size, without a correlated subquery per item.
    """
    from intese.agreements.models import PlanLink

    items = list(plan.items.order_by("path").prefetch_related("tags__vocabulary"))
    parts = []
    for depth in range(max((i.depth for i in items), default=-1) + 1):
        links = PlanLink.objects.filter(plan_item__plan=plan, plan_item__depth__gte=depth)
        if public_only:
            links = links.filter(agreement__is_public=True)
        parts.append(
            links.order_by()
            .annotate(prefix=Substr("plan_item__path", 1, (PATH_STEP + 1) * depth + PATH_STEP))
            .values("prefix")
            .annotate(a=Count("agreement", distinct=True), c=Count("commitment", distinct=True))
            .values_list("prefix", "a", "c")
        )
    counts = {p: (a, c) for p, a, c in parts[0].union(*parts[1:], all=True)} if parts else {}
    for item in items:
        item.agreement_count, item.commitment_count = counts.get(item.path, (0, 0))
    return items
