"""Every write on plans and the DUP: tree integrity, carry-over between cycles, classification."""

from pathlib import Path

from django.db import transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from intese.core.errors import DomainError
from intese.plans.models import (
    PATH_STEP,
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanItem,
)
from intese.territory.refdata import LoadReport, RefDataError, problem, read_csv


class PlanError(DomainError):
    """A rule of the plan's tree or of the DUP refused a change."""


def _segment(position: int) -> str:
    return f"{position:0{PATH_STEP}d}"


def _next_path(plan: Plan, parent: PlanItem | None) -> str:
    siblings = PlanItem.objects.filter(plan=plan, parent=parent)
    last = siblings.aggregate(last=Max("path"))["last"]
    position = int(last.rsplit(".", 1)[-1]) + 1 if last else 1
    return f"{parent.path}.{_segment(position)}" if parent else _segment(position)


@transaction.atomic
def item_add(*, plan: Plan, by, parent: PlanItem | None = None, tags=(), **fields) -> PlanItem:
    """Add an item at the end of its parent's children (or of the plan's top level)."""
    if parent is not None and parent.plan_id != plan.pk:
        raise PlanError(_("La voce superiore appartiene a un altro piano."), field="parent")
    item = PlanItem(
        plan=plan,
        parent=parent,
        path=_next_path(plan, parent),
        depth=parent.depth + 1 if parent else 0,
        **fields,
    )
    item.full_clean(exclude=["version"])
    item._history_user = by
    item.save()
    item.tags.set(tags)
    return item


@transaction.atomic
def item_update(*, item: PlanItem, expected_version: int, by, tags=None, **fields) -> PlanItem:
    from intese.core.concurrency import save_if_unchanged

    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean(exclude=["version"])
    item._history_user = by
    save_if_unchanged(item, expected_version=expected_version)
    if tags is not None:
        item.tags.set(tags)
    return item


def _rewrite_subtree(item: PlanItem, new_path: str, new_depth: int) -> None:
    """Give `item` and its descendants their new path and depth (one read, one bulk write)."""
    old_path, shift = item.path, new_depth - item.depth
    subtree = list(PlanItem.objects.subtree_of(item))
    for node in subtree:
        node.path = new_path + node.path[len(old_path) :]
        node.depth += shift
    # Paths are unique: park the subtree on temporary paths first, then write the final ones.
    parked = Concat(Value("~"), Cast(F("pk"), CharField()))
    PlanItem.objects.filter(pk__in=[n.pk for n in subtree]).update(path=parked)
    PlanItem.objects.bulk_update(subtree, ["path", "depth"], batch_size=500)


@transaction.atomic
def item_move(*, item: PlanItem, new_parent: PlanItem | None, by) -> PlanItem:
    """Move an item (with its subtree) under another parent of the same plan, at the end."""
    if new_parent is not None:
        if new_parent.plan_id != item.plan_id:
            raise PlanError(
                _(
                    "Una voce non può passare a un altro piano: usare la ripresa "
                    "da un ciclo all'altro."
                ),
                field="parent",
            )
        if new_parent.path == item.path or new_parent.path.startswith(item.path + "."):
            raise PlanError(
                _("Una voce non può stare sotto se stessa o sotto una sua sottovoce."),
                field="parent",
            )
    _rewrite_subtree(
        item, _next_path(item.plan, new_parent), new_parent.depth + 1 if new_parent else 0
    )
    item.refresh_from_db()
    item.parent = new_parent
    item._history_user = by
    item.save()
    return item


@transaction.atomic
def item_shift(*, item: PlanItem, direction: int, by) -> PlanItem:
    """Swap an item with its previous (-1) or next (+1) sibling, subtrees included."""
    siblings = PlanItem.objects.filter(plan=item.plan, parent=item.parent).order_by("path")
    ordered = list(siblings)
    index = [s.pk for s in ordered].index(item.pk)
    other_index = index + direction
    if not 0 <= other_index < len(ordered):
        return item
    other = ordered[other_index]
    mine, theirs = item.path, other.path
    _rewrite_subtree(item, "~swap", item.depth)
    _rewrite_subtree(other, mine, other.depth)
    item.refresh_from_db()
    _rewrite_subtree(item, theirs, item.depth)
    for moved in (other, item):  # the bulk rewrite keeps no history: record the new places
        moved.refresh_from_db()
        moved._history_user = by
        moved.save()
    return item


@transaction.atomic
def item_delete(*, item: PlanItem, by) -> None:
    """Delete a leaf that nothing points at; linked or parent items are refused."""
    if item.children.exists():
        raise PlanError(_("La voce ha sottovoci: spostarle o eliminarle prima."))
    reasons = []
    if item.operational_objectives.exists() or item.strategic_objectives.exists():
        reasons.append(_("obiettivi del DUP"))
    if hasattr(item, "agreement_links") and item.agreement_links.exists():
        reasons.append(_("intese o impegni"))
    if reasons:
        raise PlanError(
            _("La voce è collegata a %(what)s: togliere prima i collegamenti.")
            % {"what": ", ".join(str(r) for r in reasons)}
        )
    item._history_user = by
    item.delete()


@transaction.atomic
def plan_carry_over(*, source: Plan, target: Plan, by) -> list[PlanItem]:
    """Copy a plan's tree into the next cycle; each copy remembers the item it comes from."""
    if target.previous_id != source.pk:
        raise PlanError(_("Si riprendono solo le voci del piano immediatamente precedente."))
    if target.items.exists():
        raise PlanError(_("Il nuovo piano ha già delle voci: la ripresa si fa su un albero vuoto."))
    copies: dict[int, PlanItem] = {}
    for old in source.items.order_by("path").prefetch_related("tags"):
        copy = item_add(
            plan=target,
            by=by,
            parent=copies.get(old.parent_id),
            code=old.code,
            title=old.title,
            description=old.description,
            responsible_office=old.responsible_office,
            carried_from=old,
            is_example=old.is_example,
            source_note=old.source_note,
            tags=list(old.tags.all()),
        )
        copies[old.pk] = copy
    return list(copies.values())


PLAN_FIELDS = (
    "code",
    "title",
    "period_start",
    "period_end",
    "status",
    "adopted_on",
    "approved_on",
    "previous",
    "level_names",
    "source_note",
)


def _check_plan(plan: Plan) -> None:
    """Level names are a list of words; the chain of previous plans never loops."""
    names = plan.level_names
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise PlanError(
            _("I livelli della gerarchia sono un elenco di nomi non vuoti."), field="level_names"
        )
    seen, current = {plan.pk}, plan.previous_id
    while current is not None:
        if current in seen:
            raise PlanError(
                _("Un piano non può seguire se stesso o un piano che lo segue."),
                field="previous",
            )
        seen.add(current)
        current = Plan.objects.filter(pk=current).values_list("previous", flat=True).first()


@transaction.atomic
def plan_create(*, by, **fields) -> Plan:
    """Register a plan for a cycle, with the names of its levels."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not plan fields: {sorted(unknown)}")
    plan = Plan(**fields)
    plan.full_clean(exclude=["version"])
    _check_plan(plan)
    plan._history_user = by
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, expected_version: int, by, **fields) -> Plan:
    """Change a plan's description; a stale form (another save since) is refused."""
    from intese.core.concurrency import save_if_unchanged

    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not plan fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["version"])
    _check_plan(plan)
    plan._history_user = by
    save_if_unchanged(plan, expected_version=expected_version)
    return plan


def check_classification(objective: OperationalObjective) -> None:
    if objective.programme_id is None:
        raise PlanError(
            _("Ogni obiettivo operativo va classificato per Missione e Programma."),
            field="programme",
        )


BUDGET_COLUMNS = ["mission_code", "mission", "programme_code", "programme", "evidence"]


@transaction.atomic
def load_budget_classification(path: Path) -> LoadReport:
    """Load the Missioni and Programmi of the harmonised budget, keeping the evidence flag."""
    rows = read_csv(path, BUDGET_COLUMNS)
    problems = []
    for line, row in rows:
        mission, programme = row["mission_code"].strip(), row["programme_code"].strip()
        if not (mission.isdigit() and len(mission) == 2):
            problems.append(problem(path, line, "mission_code", _("atteso un codice di 2 cifre")))
        if not (programme.isdigit() and len(programme) == 4 and programme.startswith(mission)):
            problems.append(
                problem(
                    path,
                    line,
                    "programme_code",
                    _("atteso un codice di 4 cifre che inizia con la missione"),
                )
            )
    if problems:
        raise RefDataError(
            _("Il file della classificazione contiene errori; nulla è stato modificato."), problems
        )
    report = LoadReport()
    for _line, row in rows:
        mission, created = BudgetMission.objects.get_or_create(
            code=row["mission_code"].strip(), defaults={"name": row["mission"].strip()}
        )
        if created:
            report.created.append(str(mission))
        programme, created = BudgetProgramme.objects.get_or_create(
            code=row["programme_code"].strip(),
            defaults={
                "mission": mission,
                "name": row["programme"].strip(),
                "evidence": row["evidence"].strip(),
            },
        )
        if created:
            report.created.append(str(programme))
        elif programme.evidence != row["evidence"].strip():
            programme.evidence = row["evidence"].strip()
            programme.save()
            report.changed.append(f"{programme}: evidence")
        else:
            report.unchanged += 1
    return report
