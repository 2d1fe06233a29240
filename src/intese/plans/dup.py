"""Every write on the DUP (Documento Unico di Programmazione): documents and their update notes,
the objectives of the strategic section (SeS) and of the operational section (SeO).

The rules that span rows live here: an operational objective is classified by Missione and
Programma, falls within the document's years and belongs to its strategic objective's document;
an objective implements only items of the plan the document refers to. Every row keeps its
sources (`source_url`, `source_note`) and may flag as examples the whole row (`is_example`) or
some of its values (`example_fields`, from the names listed here). Edits are optimistic
(`core.concurrency.save_if_unchanged`) and keep their history with the user who made them.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from intese.core.concurrency import save_if_unchanged
from intese.plans.models import (
    BudgetMission,
    BudgetProgramme,
    OperationalObjective,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
)
from intese.plans.services import PlanError, check_classification

# What an example flag may single out on each kind of row: the values that can be illustrative
# while the rest of the row is a fact (e.g. an office guessed for a sourced objective).
DOCUMENT_EXAMPLE_FIELDS = ("title", "kind", "first_year", "last_year", "updates", "plan")
STRATEGIC_EXAMPLE_FIELDS = ("title", "mission", "plan_items")
OPERATIONAL_EXAMPLE_FIELDS = (
    "title",
    "year",
    "strategic_objective",
    "programme",
    "responsible_office",
    "plan_items",
)
EXAMPLE_FIELDS = {
    ProgrammingDocument: DOCUMENT_EXAMPLE_FIELDS,
    StrategicObjective: STRATEGIC_EXAMPLE_FIELDS,
    OperationalObjective: OPERATIONAL_EXAMPLE_FIELDS,
}
SOURCE_FIELDS = {"is_example", "example_fields", "source_url", "source_note"}
DOCUMENT_FIELDS = {
    "code",
    "title",
    "kind",
    "first_year",
    "last_year",
    "updates",
    "plan",
    *SOURCE_FIELDS,
}
STRATEGIC_FIELDS = {"code", "title", "mission", *SOURCE_FIELDS}
OPERATIONAL_FIELDS = {
    "code",
    "title",
    "year",
    "strategic_objective",
    "programme",
    "responsible_office",
    *SOURCE_FIELDS,
}


def _only(fields: dict, allowed: set, what: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"not {what} fields: {sorted(unknown)}")


def _check_example_fields(instance, allowed: tuple[str, ...]) -> None:
    """The example flags name fields of the row that may be illustrative, once each."""
    names = instance.example_fields
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise PlanError(
            _("I campi di esempio sono un elenco di nomi di campo."), field="example_fields"
        )
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise PlanError(
            _("Campi di esempio sconosciuti: %(names)s.") % {"names": ", ".join(unknown)},
            field="example_fields",
        )
    instance.example_fields = [name for name in allowed if name in names]


def _save(instance, by, expected_version: int | None) -> None:
    _check_example_fields(instance, EXAMPLE_FIELDS[type(instance)])
    instance.full_clean(exclude=["version"])
    instance._history_user = by
    if expected_version is None:
        instance.save()
    else:
        save_if_unchanged(instance, expected_version=expected_version)


# Documents ---------------------------------------------------------------------------------


def _check_document(document: ProgrammingDocument) -> None:
    Kind = ProgrammingDocument.Kind
    if document.kind == Kind.UPDATE_NOTE:
        if document.updates is None:
            raise PlanError(
                _("Una nota di aggiornamento indica il DUP che aggiorna."), field="updates"
            )
        if document.updates.kind != Kind.DUP or document.updates.pk == document.pk:
            raise PlanError(_("Una nota di aggiornamento aggiorna un DUP."), field="updates")
        if document.pk and document.update_notes.exists():
            raise PlanError(
                _("Il DUP ha note di aggiornamento: non può diventare a sua volta una nota."),
                field="kind",
            )
    elif document.updates is not None:
        raise PlanError(
            _("Solo una nota di aggiornamento indica il DUP che aggiorna."), field="updates"
        )


def _check_document_keeps_its_objectives(document: ProgrammingDocument) -> None:
    """A change of years or plan may not strand the objectives already recorded."""
    outside = document.operational_objectives.exclude(
        year__range=(document.first_year, document.last_year)
    )
    if outside.exists():
        raise PlanError(
            _(
                "Ci sono obiettivi operativi per anni fuori dal periodo %(first)s-%(last)s: "
                "spostarli prima di cambiare gli anni del documento."
            )
            % {"first": document.first_year, "last": document.last_year},
            field="last_year",
        )
    linked = PlanItem.objects.filter(
        Q(strategic_objectives__document=document) | Q(operational_objectives__document=document)
    )
    if linked.exclude(plan_id=document.plan_id).exists():
        raise PlanError(
            _(
                "Gli obiettivi del documento sono collegati a voci di un altro piano: "
                "togliere prima quei collegamenti."
            ),
            field="plan",
        )


@transaction.atomic
def document_create(*, by, **fields) -> ProgrammingDocument:
    """Register a DUP for a period, or a note that updates one."""
    _only(fields, DOCUMENT_FIELDS, "document")
    document = ProgrammingDocument(**fields)
    _check_document(document)
    _save(document, by, None)
    return document


@transaction.atomic
def document_update(
    *, document: ProgrammingDocument, expected_version: int, by, **fields
) -> ProgrammingDocument:
    _only(fields, DOCUMENT_FIELDS, "document")
    for name, value in fields.items():
        setattr(document, name, value)
    _check_document(document)
    _check_document_keeps_its_objectives(document)
    _save(document, by, expected_version)
    return document


# Objectives --------------------------------------------------------------------------------


def _check_plan_items(document: ProgrammingDocument, plan_items) -> list[PlanItem]:
    """Objectives implement items of the document's own plan: links across plans are refused."""
    items = list(plan_items)
    if not items:
        return items
    if document.plan_id is None:
        raise PlanError(
            _(
                "Il documento non indica il piano strategico di riferimento: indicarlo prima "
                "di collegare gli obiettivi alle voci del piano."
            ),
            field="plan_items",
        )
    strangers = [item for item in items if item.plan_id != document.plan_id]
    if strangers:
        raise PlanError(
            _(
                "Un obiettivo del DUP si collega solo a voci del piano di riferimento del "
                "documento (%(plan)s); non a: %(items)s."
            )
            % {
                "plan": document.plan,
                "items": ", ".join(f"{i.code} ({i.plan})" for i in strangers),
            },
            field="plan_items",
        )
    return items


def _check_operational(objective: OperationalObjective) -> None:
    check_classification(objective)
    document = objective.document
    if objective.year is not None and not (
        document.first_year <= objective.year <= document.last_year
    ):
        raise PlanError(
            _("L'anno %(year)s è fuori dal periodo del documento (%(first)s-%(last)s).")
            % {"year": objective.year, "first": document.first_year, "last": document.last_year},
            field="year",
        )
    strategic = objective.strategic_objective
    if strategic is not None and strategic.document_id != document.pk:
        raise PlanError(
            _("L'obiettivo strategico appartiene a un altro documento."),
            field="strategic_objective",
        )


@transaction.atomic
def strategic_objective_add(
    *, document: ProgrammingDocument, by, plan_items=(), **fields
) -> StrategicObjective:
    """An objective of the strategic section (SeS), over the mandate."""
    _only(fields, STRATEGIC_FIELDS, "strategic objective")
    items = _check_plan_items(document, plan_items)
    objective = StrategicObjective(document=document, **fields)
    _save(objective, by, None)
    objective.plan_items.set(items)
    return objective


@transaction.atomic
def strategic_objective_update(
    *, objective: StrategicObjective, expected_version: int, by, plan_items=None, **fields
) -> StrategicObjective:
    _only(fields, STRATEGIC_FIELDS, "strategic objective")
    items = None if plan_items is None else _check_plan_items(objective.document, plan_items)
    for name, value in fields.items():
        setattr(objective, name, value)
    _save(objective, by, expected_version)
    if items is not None:
        objective.plan_items.set(items)
    return objective


@transaction.atomic
def operational_objective_add(
    *, document: ProgrammingDocument, by, plan_items=(), **fields
) -> OperationalObjective:
    """An objective of the operational section (SeO) for one year of the document."""
    _only(fields, OPERATIONAL_FIELDS, "operational objective")
    objective = OperationalObjective(document=document, **fields)
    _check_operational(objective)
    items = _check_plan_items(document, plan_items)
    _save(objective, by, None)
    objective.plan_items.set(items)
    return objective


@transaction.atomic
def operational_objective_update(
    *, objective: OperationalObjective, expected_version: int, by, plan_items=None, **fields
) -> OperationalObjective:
    _only(fields, OPERATIONAL_FIELDS, "operational objective")
    for name, value in fields.items():
        setattr(objective, name, value)
    _check_operational(objective)
    items = None if plan_items is None else _check_plan_items(objective.document, plan_items)
    _save(objective, by, expected_version)
    if items is not None:
        objective.plan_items.set(items)
    return objective


# Reads for the DUP pages -------------------------------------------------------------------


def documents_for_list():
    """Every document with its plan and the size of its two sections: one query."""
    return ProgrammingDocument.objects.select_related("plan", "updates").annotate(
        strategic_count=Count("strategic_objectives", distinct=True),
        operational_count=Count("operational_objectives", distinct=True),
    )


def document_for_page(code: str) -> ProgrammingDocument:
    """A document with both sections, their plan items and the agreements linked to the SeO,
    in a fixed number of queries."""
    from intese.agreements.models import PlanLink

    items = PlanItem.objects.only("code", "title", "plan_id", "path").order_by("path")
    links = PlanLink.objects.select_related("agreement", "commitment").order_by("agreement__code")
    return (
        ProgrammingDocument.objects.select_related("plan", "updates")
        .prefetch_related(
            "update_notes",
            Prefetch(
                "strategic_objectives",
                queryset=StrategicObjective.objects.select_related("mission")
                .prefetch_related(Prefetch("plan_items", queryset=items))
                .order_by("code"),
            ),
            Prefetch(
                "operational_objectives",
                queryset=OperationalObjective.objects.select_related(
                    "programme__mission", "strategic_objective"
                )
                .prefetch_related(
                    Prefetch("plan_items", queryset=items),
                    Prefetch("agreement_links", queryset=links),
                )
                .order_by("year", "programme__code", "code"),
            ),
        )
        .get(code=code)
    )


@dataclass
class ProgrammeGroup:
    programme: BudgetProgramme
    objectives: list[OperationalObjective] = field(default_factory=list)

    @property
    def unverified(self) -> bool:
        return self.programme.evidence.startswith("unverified")


@dataclass
class MissionGroup:
    mission: BudgetMission
    programmes: list[ProgrammeGroup] = field(default_factory=list)


@dataclass
class YearGroup:
    year: int
    missions: list[MissionGroup] = field(default_factory=list)


def operational_sections(document: ProgrammingDocument) -> list[YearGroup]:
    """The SeO of a document grouped by year, then by Missione and Programma (from the
    prefetched objectives of `document_for_page`, ordered by year and programme)."""
    years: list[YearGroup] = []
    for objective in document.operational_objectives.all():
        programme = objective.programme
        if not years or years[-1].year != objective.year:
            years.append(YearGroup(objective.year))
        missions = years[-1].missions
        if not missions or missions[-1].mission.pk != programme.mission_id:
            missions.append(MissionGroup(programme.mission))
        programmes = missions[-1].programmes
        if not programmes or programmes[-1].programme.pk != programme.pk:
            programmes.append(ProgrammeGroup(programme))
        programmes[-1].objectives.append(objective)
    return years
