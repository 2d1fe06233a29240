"""Partners' reporting ("Rendiconta"): what an organisation owes in the open rounds, on one page.

A partner reporter reports for their own organisations only; the Ufficio di Piano's editors may
report for any organisation (?organisation=<pk>). Every item posts to its own endpoint (HTMX
swaps the item; without JavaScript a page with the item alone answers), which calls the
monitoring services; the same items travel as a spreadsheet to fill in and upload.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intese.access.roles import roles_of
from intese.actors.models import Organisation
from intese.agreements.models import Commitment
from intese.backoffice.forms_reporting import (
    ImportForm,
    MeasurementForm,
    OrganisationChoiceForm,
    ProgressForm,
)
from intese.backoffice.responses import show_refusal
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires
from intese.monitoring import rounds, services, spreadsheet
from intese.monitoring.models import Indicator, Round, RoundStatus

REPORT, REPORT_FOR = "monitoring.report", "monitoring.report_for"
SHOWN = 500  # problems of an import listed on the page


# The page -----------------------------------------------------------------------------------


@requires(REPORT)
def reporting(request):
    """Every item the user's organisations owe in the open rounds, each with its form."""
    organisations = _organisations(request)
    today = timezone.localdate()
    sections = [
        {
            "organisation": organisation,
            "rounds": [
                _round_block(round, organisation, today)
                for round in rounds.open_rounds_for(organisation, today)
            ],
        }
        for organisation in organisations
    ]
    return render(
        request,
        "backoffice/reporting/page.html",
        {"sections": sections, "picker": _picker(request, organisations)},
    )


def _organisations(request) -> list[Organisation]:
    pk = request.GET.get("organisation", "")
    if pk:
        if not pk.isdigit():
            raise Http404
        organisation = get_object_or_404(Organisation, pk=pk)
        authorize(request, REPORT_FOR, organisation)
        return [organisation]
    ids = roles_of(request.user).reporting_for
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


def _picker(request, organisations):
    """The Ufficio di Piano chooses among the organisations that have something to report."""
    if not request.user.has_perm("monitoring.manage"):
        return None
    candidates = (
        Organisation.objects.filter(Q(commitments__isnull=False) | Q(indicators__isnull=False))
        .distinct()
        .order_by("name")
    )
    initial = {"organisation": organisations[0].pk} if organisations else {}
    return OrganisationChoiceForm(initial=initial, organisations=candidates)


def _round_block(round, organisation, today):
    commitments, indicators = spreadsheet.due_items(round, organisation, today)
    return {
        "round": round,
        "organisation": organisation,
        "commitments": [_commitment_item(round, c, today) for c in commitments],
        "indicators": [_indicator_item(round, i, today) for i in indicators],
    }


def _commitment_item(round, commitment, today, form=None, sent=False):
    prefix = f"c{round.pk}-{commitment.pk}"
    return {
        "round": round,
        "commitment": commitment,
        "anchor": f"impegno-{round.pk}-{commitment.pk}",
        "url": reverse("backoffice:reporting_progress", args=[round.pk, commitment.pk]),
        "form": form or ProgressForm(prefix=prefix),
        "sent": sent,
    }


def _indicator_item(round, indicator, today, form=None, sent=False):
    prefix = f"i{round.pk}-{indicator.pk}"
    initial = {"measured_on": min(today, round.period_end)}
    return {
        "round": round,
        "indicator": indicator,
        "anchor": f"indicatore-{round.pk}-{indicator.pk}",
        "url": reverse("backoffice:reporting_measurement", args=[round.pk, indicator.pk]),
        "form": form or MeasurementForm(prefix=prefix, initial=initial),
        "sent": sent,
    }


# One item -----------------------------------------------------------------------------------


@requires(REPORT)
def progress(request, round, commitment):
    """A progress report on one commitment, for the organisation responsible for it."""
    commitment = get_object_or_404(Commitment.objects.select_related("responsible"), pk=commitment)
    authorize(request, REPORT_FOR, commitment.responsible)
    round = get_object_or_404(Round, pk=round)
    organisation = commitment.responsible
    today = timezone.localdate()
    row = _due(spreadsheet.due_items(round, organisation, today)[0], commitment.pk)
    form = ProgressForm(
        request.POST or None, request.FILES or None, prefix=f"c{round.pk}-{commitment.pk}"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_submit(
                commitment=commitment,
                percent=data["percent"],
                self_assessment=data["self_assessment"],
                narrative=data["narrative"],
                obstacles=data["obstacles"],
                explanation=data["explanation"],
                evidence=data["evidence"],
                reported_on=today,
                by=request.user,
                organisation=organisation,
                round=round,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            return _sent(request, "commitment", round, commitment, organisation, today)
    return _item_page(request, "commitment", _commitment_item(round, row, today, form=form))


@requires(REPORT)
def measurement(request, round, indicator):
    """A measurement of one indicator, for the organisation that owns it."""
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), pk=indicator)
    authorize(request, REPORT_FOR, indicator.owner)
    round = get_object_or_404(Round, pk=round)
    organisation = indicator.owner
    today = timezone.localdate()
    row = _due(spreadsheet.due_items(round, organisation, today)[1], indicator.pk)
    form = MeasurementForm(
        request.POST or None,
        request.FILES or None,
        prefix=f"i{round.pk}-{indicator.pk}",
        initial={"measured_on": min(today, round.period_end)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_submit(
                indicator=indicator,
                value=data["value"],
                measured_on=data["measured_on"],
                source=data["source"],
                note=data["note"],
                explanation=data["explanation"],
                evidence=data["evidence"],
                by=request.user,
                organisation=organisation,
                round=round,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            return _sent(request, "indicator", round, indicator, organisation, today)
    return _item_page(request, "indicator", _indicator_item(round, row, today, form=form))


def _due(queryset, pk):
    """The item as the round owes it; 404 when this round asks nothing of it."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _sent(request, kind, round, item, organisation, today):
    """After a submission: the item in its new state (HTMX), else back to the page."""
    if not request.htmx:
        messages.success(request, _("Inviato: ora è in revisione presso l'Ufficio di Piano."))
        anchor = f"{'impegno' if kind == 'commitment' else 'indicatore'}-{round.pk}-{item.pk}"
        url = reverse("backoffice:reporting_home")
        return redirect(f"{url}?organisation={organisation.pk}#{anchor}")
    commitments, indicators = spreadsheet.due_items(round, organisation, today)
    if kind == "commitment":
        entry = _commitment_item(round, _due(commitments, item.pk), today, sent=True)
    else:
        entry = _indicator_item(round, _due(indicators, item.pk), today, sent=True)
    return _item_page(request, kind, entry)


def _item_page(request, kind, item):
    """The item alone: a fragment for HTMX, else a page of its own."""
    fragment = f"backoffice/reporting/_{kind}.html"
    if request.htmx:
        return render(request, fragment, {"item": item})
    return render(
        request,
        "backoffice/reporting/item.html",
        {"item": item, "fragment": fragment, "organisation": _owner(kind, item)},
    )


def _owner(kind, item):
    return item["commitment"].responsible if kind == "commitment" else item["indicator"].owner


# The spreadsheet ------------------------------------------------------------------------------


def _round_and_organisation(request, round, organisation):
    organisation = get_object_or_404(Organisation, pk=organisation)
    authorize(request, REPORT_FOR, organisation)
    round = get_object_or_404(Round.objects.exclude(status=RoundStatus.DRAFT), pk=round)
    return round, organisation


@requires(REPORT)
def template_download(request, round, organisation):
    """The file to fill in: the organisation's due items in the round."""
    round, organisation = _round_and_organisation(request, round, organisation)
    fmt = request.GET.get("formato", "xlsx")
    if fmt not in spreadsheet.FORMATS:
        return HttpResponseBadRequest(_("Formato sconosciuto: scegliere xlsx oppure ods."))
    file = spreadsheet.template(round, organisation, fmt)
    return FileResponse(
        file.file, as_attachment=True, filename=file.filename, content_type=file.content_type
    )


@requires(REPORT)
def import_upload(request, round, organisation):
    """Upload the filled-in file: every row is sent, or none when any is wrong."""
    round, organisation = _round_and_organisation(request, round, organisation)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = spreadsheet.import_reports(
            form.cleaned_data["file"], round=round, organisation=organisation, by=request.user
        )
    return render(
        request,
        "backoffice/reporting/import.html",
        {
            "form": form,
            "result": result,
            "round": round,
            "organisation": organisation,
            "formats": spreadsheet.FORMATS,
            "shown": SHOWN,
        },
    )
