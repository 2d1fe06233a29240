"""Querysets limited to what a user may see or change: the one place that scopes reads."""

from django.db.models import Q
from django.utils import timezone

from intese.access.models import Role
from intese.access.roles import roles_of
from intese.actors.models import Organisation
from intese.agreements.models import Agreement
from intese.territory.models import ZoneMembership


def organisations_editable_by(user):
    """Organisations whose contacts the user may change."""
    roles = roles_of(user)
    if roles.has(Role.ADMINISTRATOR, Role.PLAN_EDITOR):
        return Organisation.objects.all()
    if roles.has(Role.PARTNER_REPORTER):
        return Organisation.objects.filter(pk__in=roles.organisation_ids)
    return Organisation.objects.none()


def agreements_visible_to(user):
    """Agreements a signed-in user may open in the reserved area.

    The plan office sees every agreement; a partner the agreements its organisation is party
    to; a zone coordinator those whose scope covers the zone or one of its Comuni; everyone
    with a role the public ones.
    """
    roles = roles_of(user)
    if roles.has(Role.ADMINISTRATOR, Role.PLAN_EDITOR, Role.PLAN_VIEWER):
        return Agreement.objects.all()
    if not roles.roles:
        return Agreement.objects.none()
    visible = Q(is_public=True)
    if roles.reporting_for:
        visible |= Q(parties__organisation__in=roles.reporting_for)
    if roles.zone_ids:
        comuni = (
            ZoneMembership.objects.valid_on(timezone.localdate())
            .filter(zone__in=roles.zone_ids)
            .values("municipality")
        )
        visible |= Q(areas__in=roles.zone_ids) | Q(areas__in=comuni)
    return Agreement.objects.filter(pk__in=Agreement.objects.filter(visible).values("pk"))
