"""Access policy of the public progress pages (Andamento del piano): open to everybody."""

from intese.access.tests.matrix import EVERYONE, Route, reverse
from intese.access.tests.routes_plans import plan_code


def _route(name, *args):
    return Route(lambda: reverse(name, args=[a() if callable(a) else a for a in args]), EVERYONE)


ROUTES = {
    "portal:progress": _route("portal:progress"),
    "portal:progress_plan": _route("portal:progress_plan", plan_code),
    "portal:progress_zones": _route("portal:progress_zones"),
    "portal:progress_themes": _route("portal:progress_themes"),
    "portal:progress_parties": _route("portal:progress_parties"),
    "portal:progress_method": _route("portal:progress_method"),
    "portal:progress_csv": _route("portal:progress_csv"),
}
