"""The people our tests (and the demo) speak about: one per role, with their scope."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from intese.access.models import Role, RoleAssignment
from intese.actors.models import Organisation
from intese.territory.models import Area

PASSWORD = "intese-demo-2026"  # noqa: S105 - demo and test accounts only


@dataclass
class Personas:
    administrator: object
    plan_editor: object
    plan_viewer: object
    partner_sesto: object
    partner_rho: object
    zone_coordinator: object
    body_member: object
    no_role: object

    def by_name(self) -> dict:
        return dict(self.__dict__)


def _user(username: str, first: str, last: str, role: Role | None = None, **scope):
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    user.set_password(PASSWORD)
    user.save()
    if role:
        RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    return user


def create_all() -> Personas:
    sesto = Organisation.objects.get(area__code="015209")
    rho = Organisation.objects.get(area__code="015182")
    nord_milano = Area.objects.get(kind="zone", code="nord-milano")
    return Personas(
        administrator=_user(
            "amministratore", "Anna", "Amministratrice (esempio)", Role.ADMINISTRATOR
        ),
        plan_editor=_user("ufficio.piano", "Paolo", "Redattore (esempio)", Role.PLAN_EDITOR),
        plan_viewer=_user("consultazione", "Vera", "Lettrice (esempio)", Role.PLAN_VIEWER),
        partner_sesto=_user(
            "referente.sesto",
            "Sara",
            "Referente (esempio)",
            Role.PARTNER_REPORTER,
            organisation=sesto,
        ),
        partner_rho=_user(
            "referente.rho", "Rocco", "Referente (esempio)", Role.PARTNER_REPORTER, organisation=rho
        ),
        zone_coordinator=_user(
            "coordinatore.nordmilano",
            "Carla",
            "Coordinatrice (esempio)",
            Role.ZONE_COORDINATOR,
            zone=nord_milano,
        ),
        body_member=_user(
            "forum.membro", "Marco", "Membro (esempio)", Role.BODY_MEMBER, organisation=sesto
        ),
        no_role=_user("senza.ruolo", "Nino", "Senzaruolo (esempio)"),
    )
