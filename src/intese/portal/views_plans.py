"""The public plan explorer: the plans, each plan's tree with what implements it, each item."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext

from intese.agreements.models import PlanLink
from intese.core.permissions import PUBLIC, requires
from intese.plans import selectors
from intese.plans.models import (
    OperationalObjective,
    Plan,
    PlanItem,
    PlanStatus,
    Term,
    ancestor_paths,
)


def mark_tree(items: list) -> list:
    """Mark each item (in path order) with what a nested list needs around it: `opens` (its
    children follow) and `closes` (how many levels end after it)."""
    depth_after = [*(i.depth for i in items[1:]), 0] if items else []
    for item, after in zip(items, depth_after, strict=True):
        item.opens = after > item.depth
        item.closes = range(0 if item.opens else item.depth - after)
    return items


def label_counts(items: list, code: str) -> list:
    """Each item's address and its "N intese, M impegni", with one reverse() for the whole tree:
    a url tag and two blocktranslate per item would more than double a 5,000-item page."""
    marker = "2147483647"
    head, _marker, tail = reverse("portal:plan_item", args=[code, marker]).rpartition(marker)
    for item in items:
        agreements, commitments = item.agreement_count, item.commitment_count
        item.url = f"{head}{item.pk}{tail}"
        item.count_label = ", ".join(
            [
                ngettext("%(n)d intesa", "%(n)d intese", agreements) % {"n": agreements},
                ngettext("%(n)d impegno", "%(n)d impegni", commitments) % {"n": commitments},
            ]
        )
    return items


def tagged_with(items: list, term: Term) -> list:
    """The items carrying `term`, with their ancestors so that the tree keeps its shape."""
    matched = {i.path for i in items if any(t.pk == term.pk for t in i.tags.all())}
    wanted = {path for m in matched for path in ancestor_paths(m)}
    return [i for i in items if i.path in wanted]


def _chosen_term(value: str, terms: list[Term]) -> Term | None:
    vocabulary, _sep, code = value.partition(":")
    return next((t for t in terms if (t.vocabulary.code, t.code) == (vocabulary, code)), None)


def vocabularies_of(terms: list[Term]) -> list:
    """The vocabularies of `terms`, once each and in the terms' order, each with the terms of
    it that are used (`shown_terms`): the filter's legend, which cites every source."""
    vocabularies: dict = {}
    for term in terms:
        vocabulary = vocabularies.setdefault(term.vocabulary_id, term.vocabulary)
        if not hasattr(vocabulary, "shown_terms"):
            vocabulary.shown_terms = []
        vocabulary.shown_terms.append(term)
    return list(vocabularies.values())


@requires(PUBLIC)
def plan_list(request):
    # Drafts stay in the back office until they are adopted.
    plans = Plan.objects.published().select_related("previous").order_by("-period_start", "code")
    return render(request, "portal/plan_list.html", {"plans": plans})


@requires(PUBLIC)
def plan_explorer(request, code):
    plan = get_object_or_404(Plan.objects.published(), code=code)
    items = list(selectors.plan_tree(plan, public_only=True))
    terms = list(
        Term.objects.filter(items__plan=plan)
        .distinct()
        .select_related("vocabulary")
        .order_by("vocabulary__name", "order", "name")
    )
    asked = request.GET.get("etichetta", "")
    term = _chosen_term(asked, terms) if asked else None
    shown = tagged_with(items, term) if term else items
    template = "portal/_plan_tree.html" if request.htmx else "portal/plan_explorer.html"
    return render(
        request,
        template,
        {
            "plan": plan,
            "items": label_counts(mark_tree(shown), plan.code),
            "item_count": len(items),
            "terms": terms,
            "vocabularies": vocabularies_of(terms),
            "acts": plan.acts.order_by("date", "pk"),
            "term": term,
            "unknown_term": bool(asked) and term is None,
        },
    )


# The copies of an item in later cycles that the public may see (drafts are not public).
_FOLLOWING = Prefetch(
    "carried_to",
    queryset=PlanItem.objects.exclude(plan__status=PlanStatus.DRAFT)
    .select_related("plan")
    .order_by("plan__period_start"),
    to_attr="following",
)


@requires(PUBLIC)
def plan_item(request, code, pk):
    item = get_object_or_404(
        PlanItem.objects.select_related("plan", "carried_from__plan")
        .prefetch_related(_FOLLOWING)
        .exclude(plan__status=PlanStatus.DRAFT),
        pk=pk,
        plan__code=code,
    )
    above = ancestor_paths(item.path)[:-1]
    subtree = Q(plan_item__plan_id=item.plan_id, plan_item__path__startswith=item.path)
    links = (
        PlanLink.objects.filter(subtree, agreement__is_public=True)
        .select_related("agreement", "commitment", "plan_item")
        .order_by("plan_item__path", "agreement__code", "pk")
    )
    objectives = (
        OperationalObjective.objects.filter(
            pk__in=OperationalObjective.objects.filter(
                plan_items__plan_id=item.plan_id, plan_items__path__startswith=item.path
            ).values("pk")
        )
        .select_related("document", "programme")
        .order_by("document__first_year", "year", "code")
    )
    return render(
        request,
        "portal/plan_item.html",
        {
            "plan": item.plan,
            "item": item,
            "ancestors": PlanItem.objects.filter(plan_id=item.plan_id, path__in=above)
            .select_related("plan")
            .order_by("path"),
            "children": item.children.select_related("plan").order_by("path"),
            "tags": item.tags.select_related("vocabulary"),
            "links": links,
            "objectives": objectives,
        },
    )
