"""The DUP, the links of agreements to the plan, the coherence matrix and the gap reports.

The plan office reads every page; its editors change the DUP and the links. Downloads are
streamed CSV with every text cell made safe for spreadsheets.
"""

import csv

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intese.agreements import services as agreements
from intese.agreements.models import Agreement, PlanLink, Status
from intese.backoffice import forms_dup as forms
from intese.backoffice.responses import done, show_refusal
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires
from intese.core.spreadsheets import Echo, neutralise
from intese.plans import coherence, dup, selectors
from intese.plans.models import OperationalObjective, ProgrammingDocument
from intese.territory import selectors as territory

VIEW, MANAGE = "intese.view_plan_office", "agreements.manage"
MATRIX_ROWS, MATRIX_COLUMNS = 100, 20  # a block of the matrix per page
GAP_ROWS = 100  # rows of each gap report on the page; the download has them all


def _form_page(request, form, save, *, title, back, success):
    """A form whose valid input goes to one service call, then to the document's page.

    `save(form)` returns the document or objective saved; full page, or fragment for HTMX.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            document = getattr(saved, "document", saved)
            url = reverse("backoffice:dup_document", args=[document.code])
            return done(request, url, success)
    template = "backoffice/dup_form_fragment.html" if request.htmx else "backoffice/dup_form.html"
    return render(
        request, template, {"form": form, "title": title, "back": back, "action_url": request.path}
    )


def _csv(filename, header, rows):
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(neutralise(list(row)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The DUP -----------------------------------------------------------------------------------


def _document(code) -> ProgrammingDocument:
    return get_object_or_404(ProgrammingDocument.objects.select_related("plan"), code=code)


@requires(VIEW)
def document_list(request):
    return render(
        request,
        "backoffice/dup_list.html",
        {"documents": dup.documents_for_list(), "can_manage": request.user.has_perm(MANAGE)},
    )


@requires(VIEW)
def document_detail(request, code):
    try:
        document = dup.document_for_page(code)
    except ProgrammingDocument.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "backoffice/dup_document.html",
        {
            "document": document,
            "years": dup.operational_sections(document),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@requires(MANAGE)
def document_create(request):
    return _form_page(
        request,
        forms.DocumentForm(request.POST or None),
        lambda form: dup.document_create(by=request.user, **form.service_fields()),
        title=_("Nuovo documento di programmazione"),
        back=None,
        success=_("Documento di programmazione registrato."),
    )


@requires(MANAGE)
def document_edit(request, code):
    document = _document(code)
    return _form_page(
        request,
        forms.DocumentForm(request.POST or None, instance=document),
        lambda form: dup.document_update(
            document=ProgrammingDocument.objects.get(pk=document.pk),
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            **form.service_fields(),
        ),
        title=_("Modifica %(title)s") % {"title": document.title},
        back=document,
        success=_("Modifiche salvate."),
    )


@requires(MANAGE)
def strategic_add(request, code):
    document = _document(code)
    return _form_page(
        request,
        forms.StrategicObjectiveForm(request.POST or None, document=document),
        lambda form: dup.strategic_objective_add(
            document=document, by=request.user, **form.service_fields()
        ),
        title=_("Nuovo obiettivo strategico (SeS)"),
        back=document,
        success=_("Obiettivo strategico registrato."),
    )


@requires(MANAGE)
def strategic_edit(request, code, pk):
    document = _document(code)
    objective = get_object_or_404(document.strategic_objectives, pk=pk)
    return _form_page(
        request,
        forms.StrategicObjectiveForm(request.POST or None, instance=objective, document=document),
        lambda form: dup.strategic_objective_update(
            objective=objective,
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            **form.service_fields(),
        ),
        title=_("Modifica l'obiettivo strategico %(code)s") % {"code": objective.code},
        back=document,
        success=_("Modifiche salvate."),
    )


@requires(MANAGE)
def operational_add(request, code):
    document = _document(code)
    return _form_page(
        request,
        forms.OperationalObjectiveForm(request.POST or None, document=document),
        lambda form: dup.operational_objective_add(
            document=document, by=request.user, **form.service_fields()
        ),
        title=_("Nuovo obiettivo operativo (SeO)"),
        back=document,
        success=_("Obiettivo operativo registrato."),
    )


@requires(MANAGE)
def operational_edit(request, code, pk):
    document = _document(code)
    objective = get_object_or_404(
        OperationalObjective.objects.select_related("document__plan"), pk=pk, document=document
    )
    return _form_page(
        request,
        forms.OperationalObjectiveForm(request.POST or None, instance=objective, document=document),
        lambda form: dup.operational_objective_update(
            objective=objective,
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            **form.service_fields(),
        ),
        title=_("Modifica l'obiettivo operativo %(code)s") % {"code": objective.code},
        back=document,
        success=_("Modifiche salvate."),
    )


# Links of an agreement to the plan ---------------------------------------------------------


@requires(MANAGE)
def plan_link_add(request, code):
    agreement = get_object_or_404(Agreement, code=code)
    authorize(request, "agreements.open", agreement)
    form = forms.PlanLinkForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.plan_link_add(agreement=agreement, by=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(
                request, agreement.get_absolute_url(), _("Collegamento al piano registrato.")
            )
    template = "backoffice/_subform.html" if request.htmx else "backoffice/subform.html"
    return render(
        request,
        template,
        {
            "form": form,
            "agreement": agreement,
            "title": _("Collega al piano o al DUP"),
            "action_url": request.path,
        },
    )


@requires(MANAGE)
@require_POST
def plan_link_remove(request, pk):
    link = get_object_or_404(PlanLink.objects.select_related("agreement"), pk=pk)
    authorize(request, "agreements.open", link.agreement)
    agreements.plan_link_remove(link=link, by=request.user)
    return done(request, link.agreement.get_absolute_url(), _("Collegamento al piano tolto."))


# Coherence ---------------------------------------------------------------------------------


def _valid_filters(filters) -> dict:
    """The filters that are valid: a bad one is reported on its field and left out, while the
    others (the chosen plan above all) still apply."""
    if not filters.is_bound:
        return {}
    filters.is_valid()
    return filters.cleaned_data


def _show_choice(filters, name: str, value) -> None:
    """Make the select `name` show `value`, the choice the page actually uses (the default
    when none, or a bad one, was asked for)."""
    if value is None:
        return
    if filters.is_bound:
        filters.data = filters.data.copy()
        filters.data[name] = value.code
    else:
        filters.initial[name] = value.code


def _matrix_for(request):
    filters = forms.MatrixFilterForm(request.GET or None)
    data = _valid_filters(filters)
    plan = data.get("piano") or selectors.default_plan()
    if plan is None:
        return filters, None
    _show_choice(filters, "piano", plan)
    matrix = coherence.coherence_matrix(
        plan, theme=data.get("tema"), zone=data.get("zona"), party=data.get("parte")
    )
    return filters, matrix


@requires(VIEW)
def coherence_matrix(request):
    filters, matrix = _matrix_for(request)
    context = {"filters": filters, "matrix": matrix, "query": _without(request, "righe", "colonne")}
    if matrix is not None:
        rows = Paginator(matrix.rows, MATRIX_ROWS).get_page(request.GET.get("righe"))
        columns = Paginator(matrix.columns, MATRIX_COLUMNS).get_page(request.GET.get("colonne"))
        context.update(
            rows=rows,
            columns=columns,
            grid=list(matrix.grid(rows.object_list, columns.object_list)),
        )
    template = (
        "backoffice/coherence_matrix_table.html"
        if request.htmx
        else "backoffice/coherence_matrix.html"
    )
    return render(request, template, context)


def _without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@requires(VIEW)
def coherence_matrix_csv(request):
    """One line per link (plan item, agreement, with its motivation and whether it is an
    illustrative example) and one per plan item that nothing implements, in tree order: the
    matrix in a shape spreadsheets can pivot."""
    _filters, matrix = _matrix_for(request)
    if matrix is None:
        raise Http404(_("Nessun piano registrato."))

    statuses = {value: str(label) for value, label in Status.choices}  # translated once
    example = {True: _("sì"), False: _("no")}

    def rows():
        for item in matrix.rows:
            linked = [(a, link) for a, links in matrix.linked_cells(item) for link in links]
            if not linked:
                yield [item.code, item.level_name, item.title, "", "", "", "", "", ""]
            for agreement, link in linked:
                yield [
                    item.code,
                    item.level_name,
                    item.title,
                    agreement.code,
                    agreement.title,
                    statuses[agreement.status],
                    link.commitment,
                    link.motivation,
                    example[link.is_example],
                ]

    header = [
        "voce_codice",
        "voce_livello",
        "voce_titolo",
        "intesa_codice",
        "intesa_titolo",
        "intesa_stato",
        "impegno",
        "motivazione_coerenza",
        "esempio",  # sì: a link that illustrates the demo, not a fact
    ]
    return _csv(f"matrice-coerenza-{matrix.plan.code}.csv", header, rows())


def _gap_scope(request):
    filters = forms.GapFilterForm(request.GET or None)
    data = _valid_filters(filters)
    plan = data.get("piano") or selectors.default_plan()
    document = data.get("dup") or (
        ProgrammingDocument.objects.filter(plan=plan).first() if plan else None
    )
    document = document or ProgrammingDocument.objects.first()
    _show_choice(filters, "piano", plan)
    if filters.errors.get("dup"):
        _show_choice(filters, "dup", document)
    return filters, plan, document


def _area():
    area = territory.body_area()
    if area is None:
        raise Http404(_("Il territorio dell'ente non è ancora stato caricato."))
    return area


@requires(VIEW)
def coherence_gaps(request):
    filters, plan, document = _gap_scope(request)
    items = coherence.items_without_agreements(plan) if plan else []
    unlinked = coherence.agreements_without_plan_items(plan)
    objectives = (
        list(coherence.operational_objectives_without_plan_items(document)) if document else []
    )
    strategic = (
        list(coherence.strategic_objectives_without_plan_items(document)) if document else []
    )
    return render(
        request,
        "backoffice/coherence_gaps.html",
        {
            "filters": filters,
            "plan": plan,
            "document": document,
            "items": items[:GAP_ROWS],
            "item_count": len(items),
            "agreements": unlinked[:GAP_ROWS],
            "agreement_count": unlinked.count(),
            "zones": coherence.zones_without_theme(_area()),
            "objectives": objectives[:GAP_ROWS],
            "objective_count": len(objectives),
            "strategic": strategic[:GAP_ROWS],
            "strategic_count": len(strategic),
            "limit": GAP_ROWS,
            "query": request.GET.urlencode(),
        },
    )


def _items_rows(plan, document):
    for item in coherence.items_without_agreements(plan) if plan else []:
        yield [item.code, item.level_name, item.title, item.responsible_office]


def _agreements_rows(plan, document):
    statuses = {value: str(label) for value, label in Status.choices}
    for agreement in coherence.agreements_without_plan_items(plan).iterator(chunk_size=2000):
        yield [agreement.code, agreement.title, agreement.kind.name, statuses[agreement.status]]


def _zones_rows(plan, document):
    for gap in coherence.zones_without_theme(_area()):
        for theme in gap.themes:
            yield [gap.zone.code, gap.zone.name, theme.code, theme.name]


def _objectives_rows(plan, document):
    for objective in (
        coherence.operational_objectives_without_plan_items(document) if document else []
    ):
        programme = objective.programme
        yield [
            objective.year,
            objective.code,
            objective.title,
            programme.mission.code,
            programme.code,
            programme.name,
            objective.responsible_office,
        ]


def _strategic_rows(plan, document):
    for objective in (
        coherence.strategic_objectives_without_plan_items(document) if document else []
    ):
        mission = objective.mission
        yield [
            objective.code,
            objective.title,
            mission.code if mission else "",
            mission.name if mission else "",
        ]


GAP_REPORTS = {
    "voci-senza-intese": (
        ["voce_codice", "voce_livello", "voce_titolo", "ufficio_responsabile"],
        _items_rows,
    ),
    "intese-senza-voci": (["intesa_codice", "intesa_titolo", "tipo", "stato"], _agreements_rows),
    "zone-senza-temi": (["zona_codice", "zona", "tema_codice", "tema"], _zones_rows),
    "obiettivi-senza-voci": (
        [
            "anno",
            "obiettivo_codice",
            "obiettivo_titolo",
            "missione",
            "programma_codice",
            "programma",
            "ufficio_responsabile",
        ],
        _objectives_rows,
    ),
    "obiettivi-strategici-senza-voci": (
        ["obiettivo_codice", "obiettivo_titolo", "missione_codice", "missione"],
        _strategic_rows,
    ),
}


@requires(VIEW)
def coherence_gap_csv(request, report):
    if report not in GAP_REPORTS:
        raise Http404
    _filters, plan, document = _gap_scope(request)
    header, rows = GAP_REPORTS[report]
    scope = {
        "voci-senza-intese": plan,
        "intese-senza-voci": plan,
        "obiettivi-senza-voci": document,
        "obiettivi-strategici-senza-voci": document,
    }
    suffix = f"-{scope[report].code}" if scope.get(report) is not None else ""
    return _csv(f"{report}{suffix}.csv", header, rows(plan, document))
