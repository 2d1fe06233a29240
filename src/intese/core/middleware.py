"""Middleware of the whole site: private pages are never cached; malformed addresses are refused."""

import re
from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _


class PrivateCacheMiddleware:
    """Pages for signed-in users are private: no shared cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


# C0 control characters and DEL. A NUL byte makes PostgreSQL refuse the query (psycopg
# DataError) and no page of the site has a use for the others in its address.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    """Answer 400 to a request whose path or query string holds a control character.

    Runs before the views, so no database query ever sees such a value; the check looks at the
    decoded path and at the decoded query string (`%00` and a raw byte alike).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if _CONTROL.search(request.path_info) or _CONTROL.search(query):
            return HttpResponseBadRequest(
                _("Richiesta non valida: l'indirizzo contiene caratteri di controllo."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
