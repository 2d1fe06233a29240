"""Who may open what: every route of the project, for every role.

MATRIX, gathered from the routes_*.py modules beside this file, is the declared access
policy. The walk fails when a route exists that the matrix does not cover, so every new page
has to say who may see it and who may change it.
"""

import importlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intese.access.tests.matrix import DENY, LOGIN, OK, ROLES, only
from intese.core.admin_site import ReadOnlyAdmin

MATRIX = {}
for module in sorted(Path(__file__).parent.glob("routes_*.py")):
    MATRIX.update(importlib.import_module(f"intese.access.tests.{module.stem}").ROUTES)

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


# No add page in the admin: plan items are created through their checks and services;
# background task results are written by the worker only; read-only admins show records that
# only the back office writes.
NO_ADD_PAGE = ("plans.PlanItem", "django_tasks_database.DBTaskResult")


def admin_urls():
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        read_only = isinstance(model_admin, ReadOnlyAdmin)
        if opts.app_label != "axes" and opts.label not in NO_ADD_PAGE and not read_only:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_follow_the_admin_policy(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    outcomes = {url: outcome(client.get(url)) for url in admin_urls()}
    assert set(outcomes.values()) == {ADMIN_POLICY[role]}, outcomes


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["it", "en"])
def test_every_page_renders_in_both_languages(client, people, language):
    """Every HTML page of the matrix, opened by an administrator, speaks the asked language."""
    client.force_login(people.administrator)
    for name, route in sorted(MATRIX.items()):
        if route.method != "get":
            continue
        response = client.get(route.url(), headers={"accept-language": language})
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, name
        skip_link = "Skip to main content" if language == "en" else "Vai al contenuto principale"
        assert skip_link in html, name
