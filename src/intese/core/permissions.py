"""Every view says who may use it. `requires` declares the permission and enforces it."""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "intese.view_public"
security_log = logging.getLogger("intese.security")


def requires(permission: str):
    """Let the request through only if the user holds `permission` (a rules name).

    Anonymous users are sent to the login page; signed-in users without the permission get 403,
    which is logged. The permission is kept on the view for the URL-walk test.
    """

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if permission != PUBLIC and not request.user.has_perm(permission):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                deny(request, permission)
            return view(request, *args, **kwargs)

        guarded.required_permission = permission
        return guarded

    return decorator


def authorize(request, permission: str, obj) -> None:
    """Object-level check inside a view: 403 (logged) unless the user may act on `obj`."""
    if not request.user.has_perm(permission, obj):
        deny(request, permission, obj)


def deny(request, permission: str, obj=None):
    security_log.warning(
        "access denied: user=%s permission=%s object=%s path=%r",
        request.user.pk,
        permission,
        getattr(obj, "pk", None),
        request.path,
    )
    raise PermissionDenied
