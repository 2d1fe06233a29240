"""Access policy of the transparency list (D.Lgs. 33/2013, art. 23): public, for everybody."""

from intese.access.tests.matrix import EVERYONE, Route, reverse

ROUTES = {
    "portal:transparency": Route(lambda: reverse("portal:transparency"), EVERYONE),
    "portal:transparency_csv": Route(lambda: reverse("portal:transparency_csv"), EVERYONE),
    "portal:transparency_ods": Route(lambda: reverse("portal:transparency_ods"), EVERYONE),
}
