"""Reads of plans for the explorer, the matrix and the gap reports: fixed numbers of queries."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from intese.plans.models import OperationalObjective, Plan, PlanItem


def _subtree_count(model_path: str, field: str, *, public_only: bool):
    """Distinct linked rows whose plan item lies in the subtree of the outer item (by path)."""
    from intese.agreements.models import PlanLink

    links = PlanLink.objects.filter(
        plan_item__plan=OuterRef("plan"), plan_item__path__startswith=OuterRef("path")
    )
    if public_only:
        links = links.filter(agreement__is_public=True)
    if field == "commitment":
        links = links.filter(commitment__isnull=False)
    counted = (
        links.order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plan_tree(plan: Plan, *, public_only: bool = True):
    """Every item of the plan in tree order, with the number of agreements and commitments
    linked to it or to any item below it. One query for the whole tree."""
    return (
        plan.items.order_by("path")
        .annotate(
            agreement_count=_subtree_count("path", "agreement", public_only=public_only),
            commitment_count=_subtree_count("path", "commitment", public_only=public_only),
        )
        .prefetch_related("tags__vocabulary")
    )


def items_without_links(plan: Plan):
    """Plan items that no agreement or commitment implements, at any depth below them."""
    return [item for item in plan_tree(plan, public_only=False) if item.agreement_count == 0]


def objectives_without_plan_items(document):
    return (
        OperationalObjective.objects.filter(document=document, plan_items__isnull=True)
        .select_related("programme__mission")
        .order_by("year", "code")
    )


def plan_items_linked(plan: Plan):
    return (
        PlanItem.objects.filter(plan=plan)
        .filter(Q(agreement_links__isnull=False) | Q(operational_objectives__isnull=False))
        .distinct()
    )
