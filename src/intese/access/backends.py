"""The admin asks for module permissions, which the rules backend does not answer."""

from intese.access.rules import is_administrator


class AdministratorModulesBackend:
    """Administrators see every application in the admin index, like their model permissions
    (granted in access/rules.py) let them."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return False

    def has_module_perms(self, user, app_label):
        return user.is_active and is_administrator(user)
