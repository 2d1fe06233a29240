"""Access policy of the DUP, the coherence matrix, the gap reports and the links of agreements
to the plan: the plan office reads them all; only its editors and the administrators change
anything. Partners, zone coordinators and body members see none of it."""

import datetime

from intese.access.tests.matrix import Route, only, reverse
from intese.access.tests.routes_agreements import agreement_code

PLAN_OFFICE = only("administrator", "plan_editor", "plan_viewer")
EDITORS = only("administrator", "plan_editor")
CODE = "dup-matrice"


def document():
    """A DUP with one objective per section, on a plan with one item."""
    from intese.plans import dup, services
    from intese.plans.models import BudgetProgramme, Plan, ProgrammingDocument

    existing = ProgrammingDocument.objects.filter(code=CODE).first()
    if existing:
        return existing
    plan = Plan.objects.create(
        code="piano-matrice",
        title="Piano (matrice degli accessi)",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    item = services.item_add(plan=plan, by=None, code="M1", title="Missione")
    document = dup.document_create(
        by=None, code=CODE, title="DUP 2025-2027", first_year=2025, last_year=2027, plan=plan
    )
    dup.strategic_objective_add(
        document=document, by=None, code="OS1", title="Strategico", plan_items=[item]
    )
    dup.operational_objective_add(
        document=document,
        by=None,
        code="OO1",
        title="Operativo",
        year=2025,
        programme=BudgetProgramme.objects.get(code="1005"),
        plan_items=[item],
    )
    return document


def on_document(name, objective=None):
    def url():
        doc = document()
        args = [doc.code]
        if objective:
            args.append(getattr(doc, objective).get().pk)
        return reverse(f"backoffice:{name}", args=args)

    return url


def link_pk():
    """A link of the private agreement of the registry's matrix to the plan item above."""
    from intese.agreements import services
    from intese.agreements.models import Agreement
    from intese.plans.models import PlanItem

    document()
    link = services.plan_link_add(
        agreement=Agreement.objects.get(code=agreement_code()),
        by=None,
        plan_item=PlanItem.objects.get(plan__code="piano-matrice", code="M1"),
        motivation="Attua la missione.",
    )
    return link.pk


def with_document(name, *args):
    """A page that needs data to show: the document, its plan and objectives exist first."""

    def url():
        document()
        return reverse(f"backoffice:{name}", args=args)

    return url


ROUTES = {
    "backoffice:dup_documents": Route(lambda: reverse("backoffice:dup_documents"), PLAN_OFFICE),
    "backoffice:dup_document_create": Route(
        lambda: reverse("backoffice:dup_document_create"), EDITORS
    ),
    "backoffice:dup_document": Route(on_document("dup_document"), PLAN_OFFICE),
    "backoffice:dup_document_edit": Route(on_document("dup_document_edit"), EDITORS),
    "backoffice:dup_strategic_add": Route(on_document("dup_strategic_add"), EDITORS),
    "backoffice:dup_strategic_edit": Route(
        on_document("dup_strategic_edit", "strategic_objectives"), EDITORS
    ),
    "backoffice:dup_operational_add": Route(on_document("dup_operational_add"), EDITORS),
    "backoffice:dup_operational_edit": Route(
        on_document("dup_operational_edit", "operational_objectives"), EDITORS
    ),
    "backoffice:coherence_matrix": Route(with_document("coherence_matrix"), PLAN_OFFICE),
    "backoffice:coherence_matrix_csv": Route(with_document("coherence_matrix_csv"), PLAN_OFFICE),
    "backoffice:coherence_gaps": Route(with_document("coherence_gaps"), PLAN_OFFICE),
    "backoffice:coherence_gap_csv": Route(
        with_document("coherence_gap_csv", "obiettivi-senza-voci"), PLAN_OFFICE
    ),
    "backoffice:plan_link_add": Route(
        lambda: reverse("backoffice:plan_link_add", args=[agreement_code()]), EDITORS
    ),
    "backoffice:plan_link_remove": Route(
        lambda: reverse("backoffice:plan_link_remove", args=[link_pk()]), EDITORS, method="post"
    ),
}
