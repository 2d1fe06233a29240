"""Public pages: read-only, open to everybody."""

import csv

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from intese.actors.models import Organisation, OrganisationKind
from intese.actors.selectors import directory_counts, organisation_detail
from intese.agreements.models import Agreement
from intese.core.permissions import PUBLIC, requires
from intese.core.spreadsheets import Echo, neutralise
from intese.territory import selectors as territory
from intese.territory.models import Area
from intese.territory.refdata import OPENPOLIS_URL

DIRECTORY_PAGE_SIZE = 50


def _body_area_or_404():
    area = territory.body_area()
    if area is None:
        raise Http404(_("Il territorio dell'ente non è ancora stato caricato."))
    return area


@requires(PUBLIC)
def home(request):
    area = territory.body_area()
    totals = territory.territory_totals(area) if area else None
    return render(
        request,
        "portal/home.html",
        {
            "totals": totals,
            "organisation_count": Organisation.objects.count(),
            "agreement_count": Agreement.objects.filter(is_public=True).count(),
        },
    )


@requires(PUBLIC)
def territory_page(request):
    overview = territory.territory_overview(_body_area_or_404())
    return render(
        request, "portal/territory.html", {"overview": overview, "openpolis_url": OPENPOLIS_URL}
    )


@requires(PUBLIC)
@cache_control(public=True, max_age=3600)
def territory_map(request):
    return JsonResponse(territory.map_features(_body_area_or_404()))


@requires(PUBLIC)
def zone_page(request, code):
    try:
        zone, current, past = territory.zone_detail(code)
    except Area.DoesNotExist:
        raise Http404(_("Zona non trovata.")) from None
    return render(
        request,
        "portal/zone.html",
        {
            "zone": zone,
            "current": current,
            "past": past,
            "population": sum(m.municipality.population or 0 for m in current),
            "openpolis_url": OPENPOLIS_URL,
        },
    )


@requires(PUBLIC)
@cache_control(public=True, max_age=3600)
def area_shape(request, kind, code):
    area = get_object_or_404(
        Area.objects.only("name", "kind", "code", "boundary"), kind=kind, code=code
    )
    feature = {
        "type": "Feature",
        "geometry": area.boundary,
        "properties": {"name": area.name, "kind": area.kind},
    }
    return JsonResponse(
        {"type": "FeatureCollection", "features": [feature] if area.boundary else []}
    )


@requires(PUBLIC)
def municipality_page(request, code):
    try:
        comune, memberships = territory.municipality_detail(code)
    except Area.DoesNotExist:
        raise Http404(_("Comune non trovato.")) from None
    return render(
        request,
        "portal/municipality.html",
        {
            "comune": comune,
            "memberships": memberships,
            "organisations": list(comune.organisations.all()),
            "openpolis_url": OPENPOLIS_URL,
        },
    )


@requires(PUBLIC)
def directory(request):
    kind = request.GET.get("tipo", "")
    query = request.GET.get("q", "")[:100]
    organisations = Organisation.objects.search(query).select_related("area")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    page = Paginator(organisations.order_by("name", "pk"), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    template = "portal/_directory_results.html" if request.htmx else "portal/directory.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": directory_counts(),
        },
    )


@requires(PUBLIC)
def organisation_page(request, pk):
    organisation, posts = organisation_detail(pk)
    return render(
        request, "portal/organisation.html", {"organisation": organisation, "posts": posts}
    )


@requires(PUBLIC)
def open_data(request):
    return render(request, "portal/open_data.html", {"openpolis_url": OPENPOLIS_URL})


@requires(PUBLIC)
def municipalities_csv(request):
    """The Comuni of the body's area with zone and population: a streamed, formula-safe CSV."""
    area = _body_area_or_404()
    writer = csv.writer(Echo())
    header = [
        "codice_istat",
        "comune",
        "codice_catastale",
        "zona_omogenea",
        "popolazione",
        "anno_popolazione",
        "fonte",
    ]

    def rows():
        yield writer.writerow(header)
        for comune, zone in territory.municipalities_for_download(area):
            yield writer.writerow(
                neutralise(
                    [
                        comune.code,
                        comune.name,
                        comune.short_code,
                        zone.name if zone else "",
                        comune.population,
                        comune.population_year,
                        comune.source,
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="comuni.csv"'
    return response


@requires(PUBLIC)
def accessibility(request):
    return render(request, "portal/accessibility.html")


@requires(PUBLIC)
def privacy(request):
    return render(request, "portal/privacy.html")
