"""Access policy of the strategic plan: the public explorer is open to everybody; the plan office
sees the editor, and only plan-office editors and administrators change the tree."""

from intese.access.tests.matrix import EVERYONE, Route, only, reverse

PLAN_OFFICE = only("administrator", "plan_editor", "plan_viewer")
EDITORS = only("administrator", "plan_editor")


def plan_code():
    """An approved plan (drafts are not public) with its adoption act, a mission and one
    objective below it (a leaf that nothing links to)."""
    import datetime

    from intese.plans import services
    from intese.plans.models import Plan, PlanAct, PlanStatus

    plan = Plan.objects.filter(code="matrice").first()
    if plan is None:
        plan = Plan.objects.create(
            code="matrice",
            title="Piano della matrice",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            status=PlanStatus.APPROVED,
            adopted_on=datetime.date(2025, 3, 1),
            approved_on=datetime.date(2025, 6, 1),
            level_names=["Missione", "Obiettivo"],
        )
        services.plan_act_add(
            plan=plan, by=None, kind=PlanAct.Kind.ADOPTION, date=datetime.date(2025, 3, 1)
        )
        mission = services.item_add(plan=plan, by=None, code="M1", title="Missione")
        services.item_add(plan=plan, by=None, parent=mission, code="M1.1", title="Obiettivo")
    return plan.code


def item_pk(code="M1.1"):
    from intese.plans.models import PlanItem

    return PlanItem.objects.get(plan__code=plan_code(), code=code).pk


def on_plan(namespace_name):
    return lambda: reverse(namespace_name, args=[plan_code()])


def on_act(namespace_name):
    def url():
        from intese.plans.models import PlanAct

        code = plan_code()
        return reverse(namespace_name, args=[code, PlanAct.objects.get(plan__code=code).pk])

    return url


def on_item(namespace_name):
    return lambda: reverse(namespace_name, args=[plan_code(), item_pk()])


ROUTES = {
    "portal:plans": Route(lambda: reverse("portal:plans"), EVERYONE),
    "portal:plan": Route(on_plan("portal:plan"), EVERYONE),
    "portal:plan_item": Route(on_item("portal:plan_item"), EVERYONE),
    "backoffice:plans": Route(lambda: reverse("backoffice:plans"), PLAN_OFFICE),
    "backoffice:plan_create": Route(lambda: reverse("backoffice:plan_create"), EDITORS),
    "backoffice:plan": Route(on_plan("backoffice:plan"), PLAN_OFFICE),
    "backoffice:plan_edit": Route(on_plan("backoffice:plan_edit"), EDITORS),
    "backoffice:plan_item_add": Route(on_plan("backoffice:plan_item_add"), EDITORS),
    "backoffice:plan_item_edit": Route(on_item("backoffice:plan_item_edit"), EDITORS),
    "backoffice:plan_item_move": Route(on_item("backoffice:plan_item_move"), EDITORS),
    "backoffice:plan_item_shift": Route(
        on_item("backoffice:plan_item_shift"), EDITORS, method="post", data={"direction": "su"}
    ),
    "backoffice:plan_item_delete": Route(on_item("backoffice:plan_item_delete"), EDITORS),
    "backoffice:plan_carry_over": Route(on_plan("backoffice:plan_carry_over"), EDITORS, "post"),
    "backoffice:plan_act_add": Route(on_plan("backoffice:plan_act_add"), EDITORS),
    "backoffice:plan_act_edit": Route(on_act("backoffice:plan_act_edit"), EDITORS),
    "backoffice:plan_act_delete": Route(on_act("backoffice:plan_act_delete"), EDITORS),
    "backoffice:plan_carry_over_choose": Route(
        on_plan("backoffice:plan_carry_over_choose"), EDITORS
    ),
}
