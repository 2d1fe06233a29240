"""Querysets limited to what a user may see or change: the one place that scopes reads."""

from intese.access.models import Role
from intese.access.roles import roles_of
from intese.actors.models import Organisation


def organisations_editable_by(user):
    """Organisations whose contacts the user may change."""
    roles = roles_of(user)
    if roles.has(Role.ADMINISTRATOR, Role.PLAN_EDITOR):
        return Organisation.objects.all()
    if roles.has(Role.PARTNER_REPORTER):
        return Organisation.objects.filter(pk__in=roles.organisation_ids)
    return Organisation.objects.none()
