"""Public pages: read-only, open to everybody."""

import csv

from django.conf import settings
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
from intese.territory.models import Area, today
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
            "openpolis_url": OPENPOLIS_URL,
        },
    )


@requires(PUBLIC)
def territory_page(request):
    overview = territory.territory_overview(_body_area_or_404())
    return render(
        request,
        "portal/territory.html",
        {
            "overview": overview,
            "outside_zones_colour": territory.OUTSIDE_ZONES_COLOUR,
            "openpolis_url": OPENPOLIS_URL,
        },
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
        "properties": {"name": area.name, "kind": area.kind, "code": area.code},
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
            "current_zone": next(
                (m.zone for m in memberships if territory.holds(m, today())), None
            ),
            "organisations": list(comune.organisations.all()),
            "openpolis_url": OPENPOLIS_URL,
        },
    )


@requires(PUBLIC)
def directory(request):
    kind = request.GET.get("tipo", "")
    query = request.GET.get("q", "")[:100]
    organisations = (
        Organisation.objects.search(query).select_related("area").defer("area__boundary")
    )
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


def _body_contacts() -> dict:
    return {
        "body_address": settings.INTESE_BODY_ADDRESS,
        "body_pec": settings.INTESE_BODY_PEC,
        "body_email": settings.INTESE_BODY_EMAIL,
        "body_website": settings.INTESE_BODY_WEBSITE,
    }


@requires(PUBLIC)
def accessibility(request):
    return render(
        request,
        "portal/accessibility.html",
        {"accessibility_contact": settings.INTESE_ACCESSIBILITY_CONTACT, **_body_contacts()},
    )


def _cookies() -> list[dict]:
    """The cookies the site sets: technical ones only (the privacy notice lists them)."""
    return [
        {
            "name": settings.CSRF_COOKIE_NAME,
            "where": _("tutte le pagine"),
            "purpose": _(
                "protegge i moduli del sito (anche il cambio di lingua) da richieste "
                "contraffatte da altri siti; contiene solo un codice casuale"
            ),
            "duration": _("un anno"),
        },
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "where": _("quando si sceglie la lingua"),
            "purpose": _("ricorda la lingua scelta"),
            "duration": _("fino alla chiusura del browser"),
        },
        {
            "name": settings.SESSION_COOKIE_NAME,
            "where": _("area riservata"),
            "purpose": _("mantiene l'accesso di chi è entrato con nome utente e password"),
            "duration": _("%(hours)d ore") % {"hours": settings.SESSION_COOKIE_AGE // 3600},
        },
        {
            "name": "messages",
            "where": _("area riservata"),
            "purpose": _("mostra l'esito di un'operazione nella pagina successiva"),
            "duration": _("fino alla pagina successiva"),
        },
    ]


@requires(PUBLIC)
def privacy(request):
    return render(
        request,
        "portal/privacy.html",
        {"cookies": _cookies(), "dpo_contact": settings.INTESE_DPO_CONTACT, **_body_contacts()},
    )
