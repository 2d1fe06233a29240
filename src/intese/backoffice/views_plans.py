"""The plan editor of the plan office: plans, their tree of items, order, moves and carry-over."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intese.backoffice import forms_plans as forms
from intese.backoffice.responses import done, show_refusal
from intese.core.errors import DomainError
from intese.core.permissions import requires
from intese.plans import selectors, services
from intese.plans.models import Plan, PlanAct, PlanItem

HISTORY_SIZE = 15


def _plan_for(code) -> Plan:
    return get_object_or_404(Plan.objects.select_related("previous"), code=code)


def _item_for(plan, pk) -> PlanItem:
    return get_object_or_404(PlanItem.objects.select_related("parent"), pk=pk, plan=plan)


def _item_with_cycles(plan, pk) -> PlanItem:
    """An item with the item it was carried from and its copies in later cycles, each with its
    plan: the form's header costs the same queries however many cycles carry the item on."""
    later = PlanItem.objects.select_related("plan").order_by("plan__period_start", "pk")
    return get_object_or_404(
        PlanItem.objects.select_related("parent", "carried_from__plan").prefetch_related(
            Prefetch("carried_to", queryset=later)
        ),
        pk=pk,
        plan=plan,
    )


def _editor_url(plan) -> str:
    return reverse("backoffice:plan", args=[plan.code])


def mark_tree(items: list) -> list:
    """Mark each item (in path order) with what a nested list needs around it: `opens` (its
    children follow), `closes` (levels that end after it), `first`/`last` among its siblings.
    """
    depth_after = [*(i.depth for i in items[1:]), 0] if items else []
    for item, after in zip(items, depth_after, strict=True):
        item.opens = after > item.depth
        item.closes = range(0 if item.opens else item.depth - after)
    for order, flag in ((items, "first"), (items[::-1], "last")):
        seen: set[int] = set()  # depths holding an earlier sibling under the current parents
        for item in order:
            setattr(item, flag, item.depth not in seen)
            seen = {d for d in seen if d < item.depth} | {item.depth}
    return items


def item_addresses(name: str, code: str):
    """One reverse() for a whole tree: the address of route `name` for any item's pk."""
    marker = "2147483647"
    head, _marker, tail = reverse(name, args=[code, marker]).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _tree_context(request, plan) -> dict:
    """The tree with each item's count label and addresses, computed here rather than with a url
    tag and a blocktranslate per item: that halves the rendering of a 5,000-item tree."""
    items = mark_tree(list(selectors.plan_tree(plan, public_only=False)))
    shift, edit, move, delete = (
        item_addresses(f"backoffice:plan_item_{action}", plan.code)
        for action in ("shift", "edit", "move", "delete")
    )
    add = reverse("backoffice:plan_item_add", args=[plan.code])
    for item in items:
        n = item.agreement_count
        item.count_label = ngettext("%(n)d intesa", "%(n)d intese", n) % {"n": n}
        item.shift_url, item.edit_url = shift(item.pk), edit(item.pk)
        item.move_url, item.delete_url = move(item.pk), delete(item.pk)
        item.add_url = f"{add}?sotto={item.pk}"
    return {"plan": plan, "items": items, "can_manage": request.user.has_perm("agreements.manage")}


def _recent_changes(plan) -> list:
    """The latest edits of the plan and of its items, newest first, with who made them."""
    items = PlanItem.history.filter(plan_id=plan.pk).select_related("history_user")
    own = list(Plan.history.filter(id=plan.pk).select_related("history_user")[:5])
    for record in own:
        record.is_plan = True
    acts = list(
        PlanAct.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("-history_date")[:5]
    )
    for record in acts:
        record.is_act = True
    latest = [*items.order_by("-history_date")[:HISTORY_SIZE], *own, *acts]
    return sorted(latest, key=lambda record: record.history_date, reverse=True)[:HISTORY_SIZE]


@requires("intese.view_plan_office")
def plan_list(request):
    plans = Plan.objects.annotate(item_count=Count("items")).order_by("-period_start", "code")
    return render(request, "backoffice/plan_list.html", {"plans": plans})


@requires("agreements.manage")
def plan_create(request):
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.service_fields())
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(
                request, _editor_url(plan), _("Piano %(code)s creato.") % {"code": plan.code}
            )
    return render(request, "backoffice/plan_form.html", {"form": form, "plan": None})


@requires("intese.view_plan_office")
def plan_editor(request, code):
    plan = _plan_for(code)
    context = _tree_context(request, plan)
    context["history"] = _recent_changes(plan)
    context["acts"] = plan.acts.order_by("date", "pk")
    return render(request, "backoffice/plan_editor.html", context)


@requires("agreements.manage")
def plan_edit(request, code):
    plan = _plan_for(code)
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_update(
                plan=Plan.objects.get(pk=plan.pk),
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
                **form.service_fields(),
            )
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(request, _editor_url(plan), _("Modifiche salvate."))
    return render(request, "backoffice/plan_form.html", {"form": form, "plan": plan})


@requires("agreements.manage")
def plan_item_add(request, code):
    plan = _plan_for(code)
    under = request.GET.get("sotto", "")
    # Any item, even of another plan: the service refuses it with a clear message.
    parent = get_object_or_404(PlanItem, pk=under) if under.isdigit() else None
    form = forms.ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_add(
                plan=plan, parent=parent, by=request.user, **form.service_fields()
            )
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(
                request, _editor_url(plan), _("Voce %(code)s aggiunta.") % {"code": item.code}
            )
    return render(
        request,
        "backoffice/plan_item_form.html",
        {"form": form, "plan": plan, "item": None, "parent": parent},
    )


@requires("agreements.manage")
def plan_item_edit(request, code, pk):
    plan = _plan_for(code)
    item = _item_with_cycles(plan, pk)
    form = forms.ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=PlanItem.objects.get(pk=item.pk),
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
                **form.service_fields(),
            )
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(request, _editor_url(plan), _("Modifiche salvate."))
    return render(
        request,
        "backoffice/plan_item_form.html",
        {"form": form, "plan": plan, "item": item, "parent": item.parent},
    )


@requires("agreements.manage")
def plan_item_move(request, code, pk):
    plan = _plan_for(code)
    item = _item_for(plan, pk)
    form = forms.MoveForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_move(item=item, new_parent=form.cleaned_data["parent"], by=request.user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            return done(
                request, _editor_url(plan), _("Voce %(code)s spostata.") % {"code": item.code}
            )
    return render(
        request, "backoffice/plan_item_move.html", {"form": form, "plan": plan, "item": item}
    )


@requires("agreements.manage")
@require_POST
def plan_item_shift(request, code, pk):
    plan = _plan_for(code)
    item = _item_for(plan, pk)
    form = forms.ShiftForm(request.POST)
    if form.is_valid():
        services.item_shift(item=item, direction=form.cleaned_data["direction"], by=request.user)
    if not request.htmx:
        return redirect(_editor_url(plan) + f"#voce-{item.pk}")
    context = _tree_context(request, plan)
    context["moved"] = item
    return render(request, "backoffice/_plan_tree.html", context)


@requires("agreements.manage")
def plan_item_delete(request, code, pk):
    plan = _plan_for(code)
    item = _item_for(plan, pk)
    error = None
    if request.method == "POST":
        try:
            services.item_delete(item=item, by=request.user)
        except DomainError as refusal:
            error = refusal.message
        else:
            return done(
                request, _editor_url(plan), _("Voce %(code)s eliminata.") % {"code": item.code}
            )
    return render(
        request, "backoffice/plan_item_delete.html", {"plan": plan, "item": item, "error": error}
    )


@requires("agreements.manage")
@require_POST
def plan_carry_over(request, code):
    plan = _plan_for(code)
    if plan.previous is None:
        messages.error(request, _("Il piano non ha un piano precedente da cui riprendere le voci."))
        return redirect(_editor_url(plan))
    try:
        copies = services.plan_carry_over(source=plan.previous, target=plan, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        n = len(copies)
        messages.success(
            request,
            ngettext("Ripresa %(n)d voce da %(plan)s.", "Riprese %(n)d voci da %(plan)s.", n)
            % {"n": n, "plan": plan.previous},
        )
    return redirect(_editor_url(plan))


def _act_form(request, plan, form, save, *, title, success):
    """The form of a plan act: a panel of the editor through HTMX, a page without JavaScript."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            # No "#atti" here: HTMX would only change the hash of the page, not reload it.
            return done(request, _editor_url(plan), success)
    context = {"form": form, "plan": plan, "title": title, "action_url": request.path}
    template = "backoffice/_subform.html" if request.htmx else "backoffice/plan_act_form.html"
    return render(request, template, context)


@requires("agreements.manage")
def plan_act_add(request, code):
    plan = _plan_for(code)
    return _act_form(
        request,
        plan,
        forms.PlanActForm(request.POST or None),
        lambda form: services.plan_act_add(plan=plan, by=request.user, **form.service_fields()),
        title=_("Aggiungi un atto del piano"),
        success=_("Atto del piano registrato."),
    )


@requires("agreements.manage")
def plan_act_edit(request, code, pk):
    plan = _plan_for(code)
    act = get_object_or_404(PlanAct, pk=pk, plan=plan)
    return _act_form(
        request,
        plan,
        forms.PlanActForm(request.POST or None, instance=act),
        lambda form: services.plan_act_update(
            act=PlanAct.objects.select_related("plan").get(pk=act.pk),
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            **form.service_fields(),
        ),
        title=_("Correggi l'atto «%(act)s»") % {"act": act},
        success=_("Atto del piano corretto."),
    )


@requires("agreements.manage")
def plan_act_delete(request, code, pk):
    """Confirm, then remove an act of the plan: a panel of the editor through HTMX, a page
    without JavaScript. The confirmation carries the act's version, so that an act corrected
    meanwhile is not removed unseen."""
    plan = _plan_for(code)
    act = get_object_or_404(PlanAct, pk=pk, plan=plan)
    error = None
    if request.method == "POST":
        form = forms.RemovalForm(request.POST)
        try:
            form.is_valid()
            services.plan_act_delete(
                act=act, by=request.user, expected_version=form.cleaned_data.get("version")
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            return done(request, _editor_url(plan), _("Atto «%(act)s» tolto.") % {"act": act})
    template = "_plan_act_delete.html" if request.htmx else "plan_act_delete.html"
    context = {"plan": plan, "act": act, "error": error, "action_url": request.path}
    return render(request, f"backoffice/{template}", context)
