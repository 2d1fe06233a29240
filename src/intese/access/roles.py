"""The roles a user holds today, read once per request and cached on the user object."""

from django.utils import timezone

from intese.access.models import Role, RoleAssignment


class Roles:
    """What a user is, today: the roles and the organisations and zones they are scoped to."""

    def __init__(self, assignments):
        self.roles = {a.role for a in assignments}
        self.organisation_ids = {a.organisation_id for a in assignments if a.organisation_id}
        # Only a partner reporter acts for its organisation in the registry; a Forum member
        # represents it in the participation bodies but sees the registry as the public does.
        self.reporting_for = {
            a.organisation_id for a in assignments if a.role == Role.PARTNER_REPORTER
        }
        self.zone_ids = {a.zone_id for a in assignments if a.zone_id}

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


NOBODY = Roles([])


def roles_of(user) -> Roles:
    if not (user and user.is_authenticated and user.is_active):
        return NOBODY
    cached = getattr(user, "_intese_roles", None)
    if cached is None:
        assignments = RoleAssignment.objects.valid_on(timezone.localdate()).filter(user=user)
        cached = Roles(list(assignments))
        if user.is_superuser:
            cached.roles.add(Role.ADMINISTRATOR)
        user._intese_roles = cached
    return cached
