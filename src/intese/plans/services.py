"""Every write on plans and the DUP: tree integrity, carry-over between cycles, classification."""

from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, ProtectedError, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intese.core.errors import DomainError
from intese.plans.models import (
    MAX_SIBLINGS,
    PATH_STEP,
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    Plan,
    PlanAct,
    PlanItem,
    PlanStatus,
    ancestor_paths,
)
from intese.plans.selectors import earlier_cycles
from intese.territory.refdata import LoadReport, RefDataError, problem, read_csv


class PlanError(DomainError):
    """A rule of the plan's tree or of the DUP refused a change."""


def _segment(position: int) -> str:
    return f"{position:0{PATH_STEP}d}"


def _next_path(plan: Plan, parent: PlanItem | None) -> str:
    siblings = PlanItem.objects.filter(plan=plan, parent=parent)
    last = siblings.aggregate(last=Max("path"))["last"]
    position = int(last.rsplit(".", 1)[-1]) + 1 if last else 1
    if position > MAX_SIBLINGS:
        raise PlanError(
            _(
                "La voce superiore ha già %(n)d sottovoci (o le ultime posizioni sono occupate): "
                "non se ne possono aggiungere altre. Raggrupparle sotto nuove voci intermedie."
            )
            % {"n": siblings.count()},
            field="parent",
        )
    return f"{parent.path}.{_segment(position)}" if parent else _segment(position)


@contextmanager
def _tree_change(plan_id: int):
    """Serialise the changes to one plan's tree: lock the plan's row (PostgreSQL waits here for
    a concurrent move to commit), and turn a clash on the unique paths into a refusal."""
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise PlanError(
            _("Qualcun altro ha modificato l'albero del piano nel frattempo: riprova.")
        ) from None


@transaction.atomic
def item_add(*, plan: Plan, by, parent: PlanItem | None = None, tags=(), **fields) -> PlanItem:
    """Add an item at the end of its parent's children (or of the plan's top level)."""
    if parent is not None and parent.plan_id != plan.pk:
        raise PlanError(_("La voce superiore appartiene a un altro piano."), field="parent")
    with _tree_change(plan.pk):
        if parent is not None:
            parent.refresh_from_db(fields=["path", "depth"])
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
    with _tree_change(item.plan_id):
        return _move(item, new_parent, by)


def _move(item: PlanItem, new_parent: PlanItem | None, by) -> PlanItem:
    item.refresh_from_db()  # the tree is locked now: read the places as they are
    if new_parent is not None:
        new_parent.refresh_from_db()
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
    with _tree_change(item.plan_id):
        return _shift(item, direction, by)


def _shift(item: PlanItem, direction: int, by) -> PlanItem:
    item.refresh_from_db()  # the tree is locked now: read the places as they are
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
    # monitoring.Indicator points here (PROTECT); plans may not import monitoring.
    indicators = getattr(item, "indicators", None)
    codes = list(indicators.order_by("code").values_list("code", flat=True)) if indicators else []
    if codes:
        raise PlanError(
            ngettext(
                "La voce è misurata dall'indicatore %(codes)s: spostare o eliminare prima "
                "l'indicatore.",
                "La voce è misurata dagli indicatori %(codes)s: spostare o eliminare prima "
                "gli indicatori.",
                len(codes),
            )
            % {"codes": ", ".join(codes)}
        )
    item._history_user = by
    try:
        item.delete()
    except ProtectedError as refusal:  # a protecting row the checks above do not know yet
        kinds = sorted({str(o._meta.verbose_name_plural) for o in refusal.protected_objects})
        raise PlanError(
            _("La voce è ancora usata da altri dati (%(what)s): toglierli prima di eliminarla.")
            % {"what": ", ".join(kinds)}
        ) from None


def _with_ancestors(tree: list[PlanItem], chosen: set[int]) -> list[PlanItem]:
    """The chosen items of `tree` (in path order) and every item above them."""
    paths = {path for item in tree if item.pk in chosen for path in ancestor_paths(item.path)}
    return [item for item in tree if item.path in paths]


@transaction.atomic
def plan_carry_over(*, source: Plan, target: Plan, by, items=None) -> list[PlanItem]:
    """Carry items of an earlier cycle into `target`: the whole tree, or the chosen `items`
    (items or primary keys) with the items above them, so that the tree keeps its shape.

    Each copy keeps the code, title, description, office, level label, tags, example flags and
    sources of its original and remembers it (`carried_from`); its history records who carried
    it. `target` may already have items: an item above the chosen ones that was carried before
    receives the new copies below it. An item chosen that is already carried into `target`, or
    whose code `target` already uses, is refused with the list of codes; nothing is written.
    Returns the new copies in tree order.
    """
    if source.pk not in {earlier.pk for earlier in earlier_cycles(target)}:
        raise PlanError(
            _("Si riprendono solo voci di un ciclo precedente: %(source)s non precede %(target)s.")
            % {"source": source, "target": target}
        )
    tree = list(source.items.order_by("path").prefetch_related("tags"))
    if items is None:
        wanted = {item.pk for item in tree}
    else:
        wanted = {getattr(item, "pk", item) for item in items}
        strangers = wanted - {item.pk for item in tree}
        if strangers:
            raise PlanError(
                _("Si riprendono solo voci di %(source)s.") % {"source": source}, field="items"
            )
    if not wanted:
        raise PlanError(_("Scegliere almeno una voce da riprendere."), field="items")
    chosen = _with_ancestors(tree, wanted)
    carried = dict(
        target.items.filter(carried_from__in=[i.pk for i in chosen]).values_list(
            "carried_from", "pk"
        )
    )
    repeated = [item.code for item in chosen if item.pk in wanted and item.pk in carried]
    if repeated:
        raise PlanError(
            _("Voci già riprese in %(target)s: %(codes)s. Toglierle dalla scelta.")
            % {"target": target, "codes": ", ".join(repeated)},
            field="items",
        )
    new = [item for item in chosen if item.pk not in carried]
    taken = sorted(
        target.items.filter(code__in=[item.code for item in new]).values_list("code", flat=True)
    )
    if taken:
        raise PlanError(
            _(
                "%(target)s ha già voci con i codici %(codes)s: cambiarne il codice prima "
                "di riprendere quelle di %(source)s."
            )
            % {"target": target, "codes": ", ".join(taken), "source": source},
            field="items",
        )
    copies = PlanItem.objects.in_bulk(carried.values())
    parents = {original: copies[copy] for original, copy in carried.items()}
    created = []
    for old in new:
        copy = item_add(
            plan=target,
            by=by,
            parent=parents.get(old.parent_id),
            code=old.code,
            title=old.title,
            description=old.description,
            responsible_office=old.responsible_office,
            level_label=old.level_label,
            carried_from=old,
            is_example=old.is_example,
            example_fields=list(old.example_fields or []),
            source_note=old.source_note,
            tags=list(old.tags.all()),
        )
        parents[old.pk] = copy
        created.append(copy)
    return created


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


def _check_dates(plan: Plan) -> None:
    """An adopted plan has its adoption (a date or an act), an approved one its approval date;
    approval never comes before adoption."""
    adopted = plan.adopted_on is not None or (
        plan.pk is not None and plan.acts.filter(kind=PlanAct.Kind.ADOPTION).exists()
    )
    if plan.status == PlanStatus.ADOPTED and not adopted:
        raise PlanError(
            _(
                "Un piano «adottato» ha la data di adozione: indicarla, oppure registrare "
                "prima l'atto di adozione."
            ),
            field="adopted_on",
        )
    if plan.status == PlanStatus.APPROVED and plan.approved_on is None:
        raise PlanError(
            _("Un piano «approvato» ha la data di approvazione: indicarla."), field="approved_on"
        )
    if plan.adopted_on and plan.approved_on and plan.approved_on < plan.adopted_on:
        raise PlanError(
            _("La data di approvazione (%(approved)s) non può precedere quella di adozione.")
            % {"approved": plan.approved_on.strftime("%d/%m/%Y")},
            field="approved_on",
        )


def _check_plan(plan: Plan) -> None:
    """Level names are a list of words; the chain of previous plans never loops; the status
    agrees with the dates."""
    _check_dates(plan)
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


ACT_FIELDS = ("kind", "number", "date", "title", "url", "is_example", "example_fields")


def _check_act(act: PlanAct) -> None:
    """An act fits the plan's story: no approval or yearly update before the adoption, no
    adoption after the approval."""
    others = list(PlanAct.objects.filter(plan_id=act.plan_id).exclude(pk=act.pk))
    plan = act.plan
    adoptions = [d for d in [plan.adopted_on] if d] + [
        a.date for a in others if a.kind == PlanAct.Kind.ADOPTION
    ]
    approvals = [d for d in [plan.approved_on] if d] + [
        a.date for a in others if a.kind == PlanAct.Kind.APPROVAL
    ]
    follows_adoption = act.kind in (PlanAct.Kind.APPROVAL, PlanAct.Kind.UPDATE)
    if follows_adoption and adoptions and act.date < min(adoptions):
        raise PlanError(
            _("L'atto non può precedere l'adozione del piano (%(day)s).")
            % {"day": min(adoptions).strftime("%d/%m/%Y")},
            field="date",
        )
    if act.kind == PlanAct.Kind.ADOPTION and approvals and act.date > max(approvals):
        raise PlanError(
            _("L'adozione non può seguire l'approvazione del piano (%(day)s).")
            % {"day": max(approvals).strftime("%d/%m/%Y")},
            field="date",
        )
    was_adoption = PlanAct.objects.filter(pk=act.pk, kind=PlanAct.Kind.ADOPTION).exists()
    rests_on_this_act = plan.status == PlanStatus.ADOPTED and not adoptions and was_adoption
    if rests_on_this_act and act.kind != PlanAct.Kind.ADOPTION:
        raise PlanError(
            _(
                "Il piano è «adottato» e questo è il suo unico atto di adozione: indicare prima "
                "la data di adozione nei dati del piano."
            ),
            field="kind",
        )


def _fields_of_act(fields: dict) -> None:
    unknown = set(fields) - set(ACT_FIELDS)
    if unknown:
        raise TypeError(f"not plan act fields: {sorted(unknown)}")


@transaction.atomic
def plan_act_add(*, plan: Plan, by, **fields) -> PlanAct:
    """Record an act of the plan: its adoption, approval, a yearly update or an opinion."""
    _fields_of_act(fields)
    act = PlanAct(plan=plan, **fields)
    act.full_clean(exclude=["version"])
    _check_act(act)
    act._history_user = by
    act.save()
    return act


@transaction.atomic
def plan_act_update(*, act: PlanAct, expected_version: int, by, **fields) -> PlanAct:
    """Correct an act of the plan; a stale form (another save since) is refused."""
    from intese.core.concurrency import save_if_unchanged

    _fields_of_act(fields)
    for name, value in fields.items():
        setattr(act, name, value)
    act.full_clean(exclude=["version"])
    _check_act(act)
    act._history_user = by
    save_if_unchanged(act, expected_version=expected_version)
    return act


@transaction.atomic
def plan_act_delete(*, act: PlanAct, by, expected_version: int | None = None) -> None:
    """Remove an act recorded by mistake; its history keeps it, with who removed it.

    Nothing else points at a plan act, but the plan's status may rest on it: the only adoption
    act of an adopted plan without an adoption date stays until the date is given. The plan's
    row is locked first, so that two removals of its last two adoption acts wait for each other.
    An act corrected since the confirmation was shown (`expected_version`) is not removed.
    """
    plan = Plan.objects.select_for_update().get(pk=act.plan_id)
    current = PlanAct.objects.filter(pk=act.pk).first()
    if current is None:
        raise PlanError(_("L'atto non c'è più: qualcun altro lo ha già tolto."))
    if expected_version is not None and current.version != expected_version:
        raise PlanError(
            _(
                "Qualcun altro ha corretto l'atto nel frattempo: ricarica la pagina e "
                "controllalo prima di toglierlo."
            )
        )
    other_adoptions = plan.acts.filter(kind=PlanAct.Kind.ADOPTION).exclude(pk=current.pk)
    if (
        plan.status == PlanStatus.ADOPTED
        and plan.adopted_on is None
        and current.kind == PlanAct.Kind.ADOPTION
        and not other_adoptions.exists()
    ):
        raise PlanError(
            _(
                "Il piano è «adottato» e questo è il suo unico atto di adozione: indicare prima "
                "la data di adozione nei dati del piano, oppure registrare l'atto giusto."
            )
        )
    current._history_user = by
    current.delete()


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
