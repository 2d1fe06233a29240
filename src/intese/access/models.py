"""Who may do what: roles given to users, some scoped to an organisation or a zone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.actors.models import Organisation
from intese.core.models import Validity, ValidityQuerySet
from intese.territory.models import Area, AreaKind


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Amministratore")
    PLAN_EDITOR = "plan_editor", _("Ufficio di Piano — redattore")
    PLAN_VIEWER = "plan_viewer", _("Ufficio di Piano — consultazione")
    PARTNER_REPORTER = "partner_reporter", _("Referente di un partner")
    ZONE_COORDINATOR = "zone_coordinator", _("Coordinatore di zona")
    BODY_MEMBER = "body_member", _("Membro del Forum o di un Tavolo")


SCOPED_BY_ORGANISATION = {Role.PARTNER_REPORTER, Role.BODY_MEMBER}
SCOPED_BY_ZONE = {Role.ZONE_COORDINATOR}


class RoleAssignmentQuerySet(ValidityQuerySet):
    pass


class RoleAssignment(Validity):
    """A user holds a role, within an organisation or a zone where the role needs one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    zone = models.ForeignKey(
        Area,
        verbose_name=_("zona omogenea"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        limit_choices_to={"kind": AreaKind.ZONE},
    )

    objects = RoleAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ruolo assegnato")
        verbose_name_plural = _("ruoli assegnati")
        constraints = [
            Validity.period_constraint("role_assignment_valid_period"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(SCOPED_BY_ORGANISATION))
                    & Q(organisation__isnull=False)
                    & Q(zone__isnull=True)
                )
                | (
                    Q(role__in=sorted(SCOPED_BY_ZONE))
                    & Q(zone__isnull=False)
                    & Q(organisation__isnull=True)
                )
                | (
                    ~Q(role__in=sorted(SCOPED_BY_ORGANISATION | SCOPED_BY_ZONE))
                    & Q(organisation__isnull=True)
                    & Q(zone__isnull=True)
                ),
                name="role_scope_matches_role",
                violation_error_message=_(
                    "Il referente di un partner e il membro di un organismo richiedono "
                    "un'organizzazione; il coordinatore di zona una zona; "
                    "gli altri ruoli nessuna delle due."
                ),
            ),
        ]

    def __str__(self):
        scope = self.organisation or self.zone
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")
