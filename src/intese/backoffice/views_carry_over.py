"""Carry-over between cycles in the plan editor: the officer picks an earlier cycle and ticks the
items to carry into this plan; the items above the ticked ones come along, items already carried
are shown but cannot be ticked again. plans.services.plan_carry_over decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from intese.backoffice.responses import done, show_refusal
from intese.backoffice.views_plans import mark_tree
from intese.core.errors import DomainError
from intese.core.permissions import requires
from intese.plans import services
from intese.plans.models import Plan, PlanItem
from intese.plans.selectors import earlier_cycles


class CarryOverForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Voci da riprendere"),
        error_messages={"required": gettext_lazy("Scegliere almeno una voce da riprendere.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(pk), str(pk)) for pk in choices]


def _source_items(source: Plan, target: Plan) -> list[PlanItem]:
    """The source's tree in order, each item marked `carried` when `target` has a copy of it:
    two queries."""
    items = mark_tree(list(source.items.order_by("path")))
    carried = set(
        target.items.filter(carried_from__plan=source).values_list("carried_from", flat=True)
    )
    for item in items:
        item.plan = source  # level names come from the plan: no query per row
        item.carried = item.pk in carried
    return items


@requires("agreements.manage")
def plan_carry_over_choose(request, code):
    plan = get_object_or_404(Plan, code=code)
    sources = earlier_cycles(plan)
    wanted = request.POST.get("da") or request.GET.get("da")
    source = next((p for p in sources if p.code == wanted), sources[0] if sources else None)
    items = _source_items(source, plan) if source else []
    form = CarryOverForm(
        request.POST or None, choices=[item.pk for item in items if not item.carried]
    )
    if request.method == "POST" and source and form.is_valid():
        try:
            copies = services.plan_carry_over(
                source=source,
                target=plan,
                by=request.user,
                items=[int(pk) for pk in form.cleaned_data["items"]],
            )
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            n = len(copies)
            return done(
                request,
                reverse("backoffice:plan", args=[plan.code]),
                ngettext("Ripresa %(n)d voce da %(plan)s.", "Riprese %(n)d voci da %(plan)s.", n)
                % {"n": n, "plan": source},
            )
    chosen = set(form["items"].value() or []) if form.is_bound else set()
    for item in items:
        item.checked = str(item.pk) in chosen
    return render(
        request,
        "backoffice/plan_carry_over.html",
        {"plan": plan, "sources": sources, "source": source, "items": items, "form": form},
    )
