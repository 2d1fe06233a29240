"""The plan office's monitoring pages: rounds, the review queue, indicators and their targets.

The plan office reads every page (`monitoring.follow`); its editors run rounds and keep
indicators (`monitoring.manage`) and review what partners send (`monitoring.review`). The
evidence of a submission is also served to the reporters of the organisation that sent it.
Every page runs a fixed number of queries whatever the amount of data.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from intese.backoffice import forms_monitoring as forms
from intese.backoffice.responses import done, show_refusal
from intese.backoffice.views_documents import DOWNLOAD_POLICY
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires
from intese.monitoring import rounds, services
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    ReviewStatus,
    Round,
)
from intese.monitoring.status import indicator_states

VIEW, MANAGE, REVIEW = "monitoring.follow", "monitoring.manage", "monitoring.review"
PAGE_SIZE = 50  # due items, indicators, measurements per page
ROUNDS_PER_PAGE = 20  # each round's completion is two grouped queries
QUEUE_SIZE = 50  # the oldest submissions waiting for review shown at once
SCOPE_SHOWN = 50
KINDS = {"progress": ProgressReport, "measurement": Measurement}


def _form_page(request, form, save, *, title, crumbs, cancel, success):
    """A form whose valid input goes to one service call; then to the saved object's page.

    `save(form)` returns the URL to go to. `crumbs` are (url, label) pairs above the title.
    """
    if request.method == "POST" and form.is_valid():
        try:
            url = save(form)
        except (ValidationError, DomainError) as error:
            show_refusal(form, error)
        else:
            return done(request, url, success)
    return render(
        request,
        "backoffice/monitoring/form.html",
        {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel},
    )


def _pager(request, page, param: str, label: str) -> dict:
    """Links to the pages before and after, keeping the rest of the address."""

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    return {
        "page": page,
        "label": label,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }


def _crumbs(*extra):
    return [(reverse("backoffice:monitoring_rounds"), _("Monitoraggio")), *extra]


# Rounds ------------------------------------------------------------------------------------


def _total(entries) -> rounds.Completion:
    total = rounds.Completion(organisation=None)
    for entry in entries:
        for name in ("due", "submitted", "accepted", "sent_back"):
            setattr(total, name, getattr(total, name) + getattr(entry, name))
    return total


@requires(VIEW)
def round_list(request):
    page = Paginator(Round.objects.select_related("plan"), ROUNDS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    rows = [(round, _total(rounds.completion(round))) for round in page]
    return render(
        request,
        "backoffice/monitoring/round_list.html",
        {
            "rows": rows,
            "pager": _pager(request, page, "pagina", _("Pagine dei cicli")),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


def _round(pk) -> Round:
    return get_object_or_404(Round.objects.select_related("plan", "closed_by"), pk=pk)


def _with_review_labels(page):
    labels = dict(ReviewStatus.choices)
    rows = list(page.object_list)
    for row in rows:
        row.review_label = labels.get(row.round_review, _("Da inviare"))
    return rows


@requires(VIEW)
def round_detail(request, pk):
    round = _round(pk)
    completion = rounds.completion(round)
    scope = rounds.agreements_in_scope(round).only("code", "title").order_by("code")
    commitments = Paginator(rounds.commitments_due(round), PAGE_SIZE).get_page(
        request.GET.get("impegni")
    )
    indicators = Paginator(rounds.indicators_due(round), PAGE_SIZE).get_page(
        request.GET.get("indicatori")
    )
    return render(
        request,
        "backoffice/monitoring/round_detail.html",
        {
            "round": round,
            "completion": completion,
            "total": _total(completion),
            "scope": list(scope[: SCOPE_SHOWN + 1]),
            "scope_shown": SCOPE_SHOWN,
            "commitments": commitments,
            "commitment_rows": _with_review_labels(commitments),
            "commitment_pager": _pager(request, commitments, "impegni", _("Pagine degli impegni")),
            "indicators": indicators,
            "indicator_rows": _with_review_labels(indicators),
            "indicator_pager": _pager(
                request, indicators, "indicatori", _("Pagine degli indicatori")
            ),
            "reminders": round.reminders.select_related("organisation").order_by(
                "-sent_on", "organisation__name"
            )[:PAGE_SIZE],
            "can_manage": request.user.has_perm(MANAGE),
            "crumbs": _crumbs(),
        },
    )


def _round_fields(form) -> dict:
    return form.service_fields()


@requires(MANAGE)
def round_create(request):
    def save(form):
        round = rounds.round_create(by=request.user, **_round_fields(form))
        return reverse("backoffice:monitoring_round", args=[round.pk])

    return _form_page(
        request,
        forms.RoundForm(request.POST or None),
        save,
        title=_("Nuovo ciclo di monitoraggio"),
        crumbs=_crumbs(),
        cancel=reverse("backoffice:monitoring_rounds"),
        success=_("Ciclo di monitoraggio registrato, in preparazione."),
    )


@requires(MANAGE)
def round_edit(request, pk):
    round = _round(pk)
    url = reverse("backoffice:monitoring_round", args=[round.pk])

    def save(form):
        rounds.round_update(
            Round.objects.get(pk=round.pk),
            expected_version=form.cleaned_data["version"] or 0,
            **_round_fields(form),
        )
        return url

    return _form_page(
        request,
        forms.RoundForm(request.POST or None, instance=round),
        save,
        title=_("Modifica il ciclo «%(title)s»") % {"title": round.title},
        crumbs=_crumbs((url, round.title)),
        cancel=url,
        success=_("Modifiche salvate."),
    )


def _round_step(request, pk, *, step, template):
    """Open or close a round: GET asks for confirmation, POST does it."""
    round = _round(pk)
    url = reverse("backoffice:monitoring_round", args=[round.pk])
    if request.method == "POST":
        try:
            step(round, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        message = _("Ciclo aperto.") if step is rounds.round_open else _("Ciclo chiuso.")
        return done(request, url, message)
    return render(
        request,
        template,
        {"round": round, "total": _total(rounds.completion(round)), "crumbs": _crumbs()},
    )


@requires(MANAGE)
def round_open(request, pk):
    return _round_step(
        request, pk, step=rounds.round_open, template="backoffice/monitoring/round_open.html"
    )


@requires(MANAGE)
def round_close(request, pk):
    return _round_step(
        request, pk, step=rounds.round_close, template="backoffice/monitoring/round_close.html"
    )


# Review ------------------------------------------------------------------------------------


@dataclass
class Entry:
    """A submission waiting for review, with the status it would give once accepted."""

    kind: str
    submission: object
    state: object = None
    error: str = ""

    @property
    def date(self):
        return getattr(self.submission, "reported_on", None) or self.submission.measured_on


def _waiting(model, filters):
    queryset = model.objects.filter(review_status=ReviewStatus.SUBMITTED)
    if filters.get("ciclo"):
        queryset = queryset.filter(round=filters["ciclo"])
    if filters.get("organizzazione"):
        queryset = queryset.filter(organisation=filters["organizzazione"])
    return queryset


def _queue_rows(model, queryset):
    related = ["commitment__agreement"] if model is ProgressReport else ["indicator"]
    return list(
        queryset.select_related("organisation", "submitted_by", "round", *related).order_by(
            "submitted_at", "pk"
        )[:QUEUE_SIZE]
    )


def _entries(progress, measurements) -> list[Entry]:
    commitments, indicators = services.states_if_accepted(
        progress, measurements, timezone.localdate()
    )
    entries = [Entry("progress", p, commitments.get(p.commitment_id)) for p in progress]
    entries += [Entry("measurement", m, indicators.get(m.indicator_id)) for m in measurements]
    entries.sort(key=lambda e: (e.submission.submitted_at, e.kind, e.submission.pk))
    return entries[:QUEUE_SIZE]


@requires(VIEW)
def review_queue(request):
    filters = forms.QueueFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    progress, measurements = _waiting(ProgressReport, data), _waiting(Measurement, data)
    total = progress.count() + measurements.count()
    entries = _entries(
        _queue_rows(ProgressReport, progress), _queue_rows(Measurement, measurements)
    )
    return render(
        request,
        "backoffice/monitoring/review_queue.html",
        {
            "filters": filters,
            "entries": entries,
            "total": total,
            "can_review": request.user.has_perm(REVIEW),
            "next": request.get_full_path(),
            "crumbs": _crumbs(),
        },
    )


def _kind(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404 from None


def _back_to_queue(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("backoffice:monitoring_review")


@requires(REVIEW)
@require_POST
def review_decide(request, kind, pk):
    """Accept a submission or send it back with a reason; the service refuses one's own."""
    model = _kind(kind)
    submission = get_object_or_404(model, pk=pk)
    form = forms.ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        accept = form.cleaned_data["decision"] == "accept"
        reviewed = services.review(
            submission, by=request.user, accept=accept, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        return _review_refused(request, kind, submission, error.message)
    message = _("Invio accettato.") if accept else _("Invio rinviato al partner con il motivo.")
    if request.htmx:
        return render(
            request,
            "backoffice/monitoring/_reviewed.html",
            {"submission": reviewed, "kind": kind, "message": message},
        )
    messages.success(request, message)
    return redirect(_back_to_queue(request))


def _review_refused(request, kind, submission, message):
    if not request.htmx:
        messages.error(request, message)
        return redirect(_back_to_queue(request))
    rows = _queue_rows(KINDS[kind], KINDS[kind].objects.filter(pk=submission.pk))
    entries = _entries(rows, []) if kind == "progress" else _entries([], rows)
    entry = entries[0]
    entry.error = message
    return render(
        request,
        "backoffice/monitoring/_submission.html",
        {"entry": entry, "can_review": True, "next": _back_to_queue(request)},
    )


@requires("intese.use_backoffice")
def evidence(request, kind, pk):
    """A submission's evidence as an attachment with its checked type: for the plan office and
    for the reporters of the organisation that sent it."""
    submission = get_object_or_404(_kind(kind).objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm(VIEW):
        authorize(request, "monitoring.report_for", submission.organisation)
    if not submission.evidence:
        raise Http404(_("Questo invio non ha documenti a supporto."))
    try:
        handle = submission.evidence.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il documento a supporto non è disponibile.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=submission.evidence_name or "documento",
        content_type=submission.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True)
    return response


# Indicators --------------------------------------------------------------------------------


def _indicators():
    return Indicator.objects.select_related(
        "owner", "plan_item", "agreement", "commitment__agreement"
    )


@requires(VIEW)
def indicator_list(request):
    page = Paginator(_indicators().order_by("code"), PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    states = indicator_states([i.pk for i in rows], timezone.localdate())
    return render(
        request,
        "backoffice/monitoring/indicator_list.html",
        {
            "page": page,
            "rows": [(indicator, states.get(indicator.pk)) for indicator in rows],
            "pager": _pager(request, page, "pagina", _("Pagine degli indicatori")),
            "can_manage": request.user.has_perm(MANAGE),
            "crumbs": _crumbs(),
        },
    )


def _indicator_crumbs(*extra):
    return _crumbs((reverse("backoffice:monitoring_indicators"), _("Indicatori")), *extra)


@requires(VIEW)
def indicator_detail(request, pk):
    indicator = get_object_or_404(_indicators(), pk=pk)
    measurements = Paginator(
        indicator.measurements.select_related("organisation", "submitted_by", "round").order_by(
            "-measured_on", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    can_manage = request.user.has_perm(MANAGE)
    return render(
        request,
        "backoffice/monitoring/indicator_detail.html",
        {
            "indicator": indicator,
            "state": indicator_states([indicator.pk], timezone.localdate()).get(indicator.pk),
            "targets": list(indicator.targets.order_by("due_on")),
            "measurements": measurements,
            "pager": _pager(request, measurements, "pagina", _("Pagine delle rilevazioni")),
            "can_manage": can_manage,
            "target_form": forms.TargetForm() if can_manage else None,
            "crumbs": _indicator_crumbs(),
        },
    )


def _indicator_url(indicator) -> str:
    return reverse("backoffice:monitoring_indicator", args=[indicator.pk])


@requires(MANAGE)
def indicator_create(request):
    return _form_page(
        request,
        forms.IndicatorForm(request.POST or None),
        lambda form: _indicator_url(services.indicator_create(**form.service_fields())),
        title=_("Nuovo indicatore"),
        crumbs=_indicator_crumbs(),
        cancel=reverse("backoffice:monitoring_indicators"),
        success=_("Indicatore registrato."),
    )


@requires(MANAGE)
def indicator_edit(request, pk):
    indicator = get_object_or_404(_indicators(), pk=pk)
    url = _indicator_url(indicator)

    def save(form):
        services.indicator_update(
            Indicator.objects.get(pk=indicator.pk),
            expected_version=form.cleaned_data["version"] or 0,
            **form.service_fields(),
        )
        return url

    return _form_page(
        request,
        forms.IndicatorForm(request.POST or None, instance=indicator),
        save,
        title=_("Modifica l'indicatore %(code)s") % {"code": indicator.code},
        crumbs=_indicator_crumbs((url, indicator.code)),
        cancel=url,
        success=_("Modifiche salvate."),
    )


@requires(MANAGE)
def target_set(request, pk):
    indicator = get_object_or_404(Indicator, pk=pk)
    url = _indicator_url(indicator)

    def save(form):
        services.target_set(indicator, **form.cleaned_data)
        return url

    return _form_page(
        request,
        forms.TargetForm(request.POST or None),
        save,
        title=_("Obiettivo dell'indicatore %(code)s") % {"code": indicator.code},
        crumbs=_indicator_crumbs((url, indicator.code)),
        cancel=url,
        success=_("Obiettivo registrato."),
    )
