"""Access policy of the foundation: public pages, sign-in, reserved area home, contacts."""

from intese.access.tests.matrix import ANY_ROLE, EVERYONE, Route, only, reverse, sesto_pk

ROUTES = {
    "portal:home": Route(lambda: reverse("portal:home"), EVERYONE),
    "portal:territory": Route(lambda: reverse("portal:territory"), EVERYONE),
    "portal:territory_map": Route(lambda: reverse("portal:territory_map"), EVERYONE),
    "portal:area_shape": Route(
        lambda: reverse("portal:area_shape", args=["zone", "sud-est"]), EVERYONE
    ),
    "portal:zone": Route(lambda: reverse("portal:zone", args=["nord-milano"]), EVERYONE),
    "portal:municipality": Route(lambda: reverse("portal:municipality", args=["015146"]), EVERYONE),
    "portal:directory": Route(lambda: reverse("portal:directory"), EVERYONE),
    "portal:organisation": Route(
        lambda: reverse("portal:organisation", args=[sesto_pk()]), EVERYONE
    ),
    "portal:open_data": Route(lambda: reverse("portal:open_data"), EVERYONE),
    "portal:municipalities_csv": Route(lambda: reverse("portal:municipalities_csv"), EVERYONE),
    "portal:accessibility": Route(lambda: reverse("portal:accessibility"), EVERYONE),
    "portal:privacy": Route(lambda: reverse("portal:privacy"), EVERYONE),
    "login": Route(lambda: reverse("login"), EVERYONE),
    "logout": Route(lambda: reverse("logout"), EVERYONE, method="post"),
    "set_language": Route(
        lambda: reverse("set_language"),
        EVERYONE,
        method="post",
        data={"language": "en", "next": "/"},
    ),
    "backoffice:home": Route(lambda: reverse("backoffice:home"), ANY_ROLE),
    # A partner reporter edits only their own organisation; the plan office edits every one.
    "backoffice:organisation_contacts": Route(
        lambda: reverse("backoffice:organisation_contacts", args=[sesto_pk()]),
        only("administrator", "plan_editor", "partner_sesto"),
    ),
}
