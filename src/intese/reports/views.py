"""Reports: the yearly monitoring report (page, and files made in the background), the
agreement sheet and the zone sheet (page and PDF).

Only the plan office (`monitoring.follow`) reads the yearly report, asks for its files and
downloads them, and reads the zone sheets (they roll up private agreements too). The agreement
sheet follows the agreement's visibility (`agreements.open`).
"""

import datetime

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intese.agreements.models import Agreement
from intese.core.permissions import authorize, requires
from intese.reports import method, outputs, services, sheets, yearly
from intese.reports.forms import ReportRequestForm, YearlyReportForm
from intese.reports.models import ReportRun, RunStatus
from intese.territory.models import Area, AreaKind

FOLLOW = "monitoring.follow"


def _parameters(form):
    """The checked parameters of a valid form, or None with the refusal on the form."""
    data = form.cleaned_data
    as_of = yearly.as_of_for(data["anno"], data.get("al"))
    try:
        services.check_parameters(data["piano"], data["dup"], data["anno"], as_of)
    except services.ReportError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    return data["piano"], data["dup"], data["anno"], as_of


def _index(request, form):
    zones = Area.objects.filter(kind=AreaKind.ZONE).order_by("name")
    return render(
        request,
        "reports/index.html",
        {"form": form, "runs": services.runs_for_list(), "zones": zones},
    )


@requires(FOLLOW)
def index(request):
    return _index(request, YearlyReportForm())


@requires(FOLLOW)
def yearly_page(request):
    form = YearlyReportForm(request.GET)
    parameters = _parameters(form) if form.is_valid() else None
    if parameters is None:
        return _index(request, form)
    report = yearly.build(*parameters)
    return render(
        request,
        "reports/yearly.html",
        {**yearly.context(report), "query": request.GET.urlencode(), "form": form},
    )


@requires(FOLLOW)
@require_POST
def request_file(request):
    form = ReportRequestForm(request.POST)
    parameters = _parameters(form) if form.is_valid() else None
    if parameters is None:
        return _index(request, form)
    plan, document, year, as_of = parameters
    try:
        run = services.report_request(
            by=request.user,
            plan=plan,
            document=document,
            year=year,
            as_of=as_of,
            fmt=form.cleaned_data["formato"],
            language=translation.get_language() or "it",
        )
    except services.ReportError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _index(request, form)
    return redirect("reports:run", pk=run.pk)


def _run(pk) -> ReportRun:
    return get_object_or_404(
        ReportRun.objects.select_related("plan", "document", "requested_by"), pk=pk
    )


@requires(FOLLOW)
def run_detail(request, pk):
    """The run's page; for HTMX, its progress box alone, which the page asks for every 2
    seconds until the run is over."""
    template = "reports/_run_progress.html" if request.htmx else "reports/run.html"
    response = render(request, template, {"run": _run(pk)})
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires(FOLLOW)
def run_download(request, pk):
    run = _run(pk)
    if run.status != RunStatus.DONE or not run.file:
        raise Http404(_("Il file di questa relazione non è disponibile."))
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.filename,
        content_type=outputs.CONTENT_TYPES[run.format],
    )


# Sheets ------------------------------------------------------------------------------------


def _as_of(request) -> datetime.date:
    """The day of the figures: ?al=YYYY-MM-DD, else today (an unreadable date means today)."""
    try:
        return datetime.date.fromisoformat(request.GET.get("al", ""))
    except ValueError:
        return timezone.localdate()


def _pdf(body_template, context, filename) -> HttpResponse:
    response = HttpResponse(outputs.pdf(body_template, context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _agreement_context(request, code) -> dict:
    agreement = get_object_or_404(Agreement.objects.select_related("kind"), code=code)
    authorize(request, "agreements.open", agreement)
    sheet = sheets.agreement_sheet(agreement, _as_of(request))
    return {
        "sheet": sheet,
        "title": _("Scheda dell'intesa %(code)s") % {"code": code},
        "method_results": method.results(),
    }


@requires("agreements.browse")
def agreement_sheet(request, code):
    return render(request, "reports/agreement_sheet.html", _agreement_context(request, code))


@requires("agreements.browse")
def agreement_sheet_pdf(request, code):
    context = _agreement_context(request, code)
    return _pdf("reports/_agreement_body.html", context, f"scheda-intesa-{code}.pdf")


def _zone_context(request, code) -> dict:
    try:
        zone = sheets.zone_for_sheet(code)
    except Area.DoesNotExist:
        raise Http404 from None
    sheet = sheets.zone_sheet(zone, _as_of(request))
    return {
        "sheet": sheet,
        "title": _("Scheda della zona omogenea %(name)s") % {"name": zone.name},
        "method_results": method.results(),
    }


@requires(FOLLOW)
def zone_sheet(request, code):
    return render(request, "reports/zone_sheet.html", _zone_context(request, code))


@requires(FOLLOW)
def zone_sheet_pdf(request, code):
    context = _zone_context(request, code)
    return _pdf("reports/_zone_body.html", context, f"scheda-zona-{code}.pdf")
