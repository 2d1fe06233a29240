"""The vocabulary of the access matrix: outcomes, personas and route declarations.

Each `routes_<area>.py` module beside this one declares ROUTES for the URLs of one area of the
product; test_url_matrix.py gathers them all and walks every URL of the project.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

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


__all__ = ["reverse"]
