"""Permissions, as predicates over the user's roles. The one place that says who may do what.

Views declare one of these names (see intese.core.permissions.requires) and the URL-walk test
checks every route against the declared matrix in access/tests/test_url_matrix.py.
"""

import rules
from django.apps import apps

from intese.access.models import Role
from intese.access.roles import roles_of


@rules.predicate
def is_administrator(user):
    return roles_of(user).has(Role.ADMINISTRATOR)


@rules.predicate
def is_plan_office(user):
    return roles_of(user).has(Role.ADMINISTRATOR, Role.PLAN_EDITOR, Role.PLAN_VIEWER)


@rules.predicate
def is_plan_editor(user):
    return roles_of(user).has(Role.ADMINISTRATOR, Role.PLAN_EDITOR)


@rules.predicate
def has_any_role(user):
    return bool(roles_of(user).roles)


@rules.predicate
def reports_for(user, organisation):
    return organisation is not None and (
        roles_of(user).has(Role.PARTNER_REPORTER)
        and organisation.pk in roles_of(user).organisation_ids
    )


rules.add_perm("intese.view_public", rules.always_allow)
rules.add_perm("intese.use_backoffice", has_any_role)
rules.add_perm("intese.administer", is_administrator)
rules.add_perm("intese.view_plan_office", is_plan_office)


@rules.predicate
def can_open_agreement(user, agreement):
    from intese.access.scopes import agreements_visible_to

    return agreement is not None and agreements_visible_to(user).filter(pk=agreement.pk).exists()


rules.add_perm("agreements.browse", has_any_role)
rules.add_perm("agreements.open", is_plan_office | can_open_agreement)
rules.add_perm("agreements.manage", is_plan_editor)
# A partner reporter keeps their own organisation's codes and contacts up to date.
rules.add_perm("actors.change_organisation_contacts", is_plan_editor | reports_for)


@rules.predicate
def is_partner_reporter(user):
    return roles_of(user).has(Role.PARTNER_REPORTER)


# Monitoring: the plan office follows rounds and status; editors run rounds, keep indicators
# and review; a partner reporter submits for their own organisation only.
rules.add_perm("monitoring.follow", is_plan_office)
rules.add_perm("monitoring.manage", is_plan_editor)
rules.add_perm("monitoring.review", is_plan_editor)
rules.add_perm("monitoring.report", is_partner_reporter | is_plan_editor)
rules.add_perm("monitoring.report_for", is_plan_editor | reports_for)


def _admin_permissions():
    """Administrators run the admin site: every model permission of the project is theirs."""
    for model in apps.get_models():
        opts = model._meta
        for action in opts.default_permissions:
            rules.add_perm(f"{opts.app_label}.{action}_{opts.model_name}", is_administrator)


_admin_permissions()
