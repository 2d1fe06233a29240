"""Access policy of the spreadsheet round-trip: everyone in the reserved area may export what
they can see and download the template; only the plan office's editors may import."""

from intese.access.tests.matrix import ANY_ROLE, Route, only, reverse

ROUTES = {
    "backoffice:agreements_export": Route(
        lambda: reverse("backoffice:agreements_export"), ANY_ROLE
    ),
    "backoffice:agreements_template": Route(
        lambda: reverse("backoffice:agreements_template"), ANY_ROLE
    ),
    "backoffice:agreements_import": Route(
        lambda: reverse("backoffice:agreements_import"), only("administrator", "plan_editor")
    ),
}
