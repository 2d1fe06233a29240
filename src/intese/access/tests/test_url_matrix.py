"""Who may open what: every route of the project, for every role.

The MATRIX below is the declared access policy. The walk fails when a route exists that the
matrix does not cover, so every new page has to say who may see it and who may change it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intese.actors.models import Organisation

OK, LOGIN, DENY = "ok", "login", "deny"
ROLES = [
    "anonymous",
    "no_role",
    "administrator",
    "plan_editor",
    "plan_viewer",
    "partner_sesto",
    "partner_rho",
    "zone_coordinator",
    "body_member",
]
EVERYONE = dict.fromkeys(ROLES, OK)
ANY_ROLE = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN, "no_role": DENY}


def only(*roles, otherwise=DENY):
    return {r: OK if r in roles else (LOGIN if r == "anonymous" else otherwise) for r in ROLES}


@dataclass
class Route:
    url: Callable[[], str]
    expect: dict
    method: str = "get"
    data: dict | None = None


def sesto_pk():
    return Organisation.objects.get(area__code="015209").pk


MATRIX = {
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
# The admin site is one policy for all its pages: the administrator role, nobody else.
ADMIN_POLICY = only("administrator", otherwise=LOGIN)


def route_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from route_names(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_every_route_is_in_the_declared_matrix():
    undeclared = sorted(
        name for name, _cb in route_names() if not name.startswith("admin:") and name not in MATRIX
    )
    assert undeclared == [], f"routes without an access policy: {undeclared}"


def test_every_project_view_declares_its_permission():
    missing = sorted(
        name
        for name, callback in route_names()
        if not name.startswith("admin:") and not hasattr(callback, "required_permission")
    )
    assert missing == []


def outcome(response) -> str:
    if response.status_code == 403:
        return DENY
    if (response.status_code == 302 and "/accedi/" in response["Location"]) or (
        response.status_code == 302 and "/admin/login/" in response["Location"]
    ):
        return LOGIN
    assert response.status_code in (200, 302), response.status_code
    return OK


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_access_matches_the_matrix(client, people, name, role):
    route = MATRIX[name]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, route.method)(route.url(), route.data or {})
    assert outcome(response) == route.expect[role]


def admin_urls():
    yield reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if opts.app_label not in ("axes",):  # axes keeps its login records read-only
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_follow_the_admin_policy(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    outcomes = {url: outcome(client.get(url)) for url in admin_urls()}
    assert set(outcomes.values()) == {ADMIN_POLICY[role]}, outcomes
