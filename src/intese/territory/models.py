"""Areas of the territory and the zones they belong to over time."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intese.core.models import Validity, ValidityQuerySet, WebAddressField


class AreaKind(models.TextChoices):
    REGION = "region", _("Regione")
    PROVINCE = "province", _("Provincia")
    METROPOLITAN_CITY = "metropolitan_city", _("Città metropolitana")
    ZONE = "zone", _("Zona omogenea")
    MUNICIPALITY = "municipality", _("Comune")


ISTAT_CODE_PATTERNS = {
    AreaKind.REGION: r"^[0-9]{2}\Z",
    AreaKind.PROVINCE: r"^[0-9]{3}\Z",
    AreaKind.METROPOLITAN_CITY: r"^[0-9]{3}\Z",
    AreaKind.MUNICIPALITY: r"^[0-9]{6}\Z",
    AreaKind.ZONE: r"^[a-z0-9-]+\Z",
}

istat_municipality_code = RegexValidator(
    ISTAT_CODE_PATTERNS[AreaKind.MUNICIPALITY],
    _("Il codice ISTAT di un Comune è di 6 cifre (3 della provincia, 3 del Comune)."),
)


def today() -> datetime.date:
    return timezone.localdate()


class AreaQuerySet(ValidityQuerySet):
    def municipalities(self):
        return self.filter(kind=AreaKind.MUNICIPALITY)

    def zones(self):
        return self.filter(kind=AreaKind.ZONE)

    def with_current_members(self, on: datetime.date | None = None):
        """Zones annotated with the number and population of the Comuni they hold on a day."""
        on = on or today()
        current = Q(memberships__valid_from__isnull=True) | Q(memberships__valid_from__lte=on)
        current &= Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gt=on)
        return self.annotate(
            member_count=Count("memberships", filter=current),
            member_population=Sum("memberships__municipality__population", filter=current),
        )


class Area(Validity):
    """A piece of the territory: a region, a province or metropolitan city, a zone, a Comune.

    `code` is the ISTAT code for administrative areas (2 digits for a region, 3 for a province
    or metropolitan city, 6 for a Comune) and a slug for zones, which ISTAT does not number.
    Comuni hang from their province through `parent`; their zone changes over time and lives
    in ZoneMembership.
    """

    kind = models.CharField(_("tipo"), max_length=20, choices=AreaKind.choices)
    code = models.CharField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=200)
    short_code = models.CharField(
        _("sigla o codice catastale"),
        max_length=4,
        blank=True,
        help_text=_("Sigla della provincia (es. MI) o codice catastale del Comune (es. F205)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("area superiore"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("popolazione"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("anno della popolazione"),
        null=True,
        blank=True,
        help_text=_("Popolazione residente al 1° gennaio di quest'anno."),
    )
    boundary = models.JSONField(
        _("confine (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Geometria semplificata per il web, in WGS 84 (EPSG:4326)."),
    )
    source = models.CharField(_("fonte"), max_length=300, blank=True)
    evidence = models.CharField(_("attendibilità"), max_length=40, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("aree")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="area_code_unique_per_kind",
                violation_error_message=_("Esiste già un'area di questo tipo con questo codice."),
            ),
            Validity.period_constraint("area_valid_period"),
        ]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        """The name with its kind, as people say it: "Città metropolitana di Milano"."""
        pattern = {
            AreaKind.REGION: _("Regione %(name)s"),
            AreaKind.PROVINCE: _("Provincia di %(name)s"),
            AreaKind.METROPOLITAN_CITY: _("Città metropolitana di %(name)s"),
            AreaKind.ZONE: _("Zona omogenea %(name)s"),
            AreaKind.MUNICIPALITY: _("Comune di %(name)s"),
        }[self.kind]
        return pattern % {"name": self.name}

    def get_absolute_url(self):
        if self.kind == AreaKind.ZONE:
            return reverse("portal:zone", args=[self.code])
        if self.kind == AreaKind.MUNICIPALITY:
            return reverse("portal:municipality", args=[self.code])
        return reverse("portal:territory")


class ZoneMembershipQuerySet(ValidityQuerySet):
    pass


class ZoneMembership(Validity):
    """A Comune belongs to a zona omogenea over a period; `evidence` says how we know it."""

    zone = models.ForeignKey(
        Area,
        verbose_name=_("zona omogenea"),
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind": AreaKind.ZONE},
    )
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="zone_memberships",
        limit_choices_to={"kind": AreaKind.MUNICIPALITY},
    )
    evidence = models.CharField(_("attendibilità"), max_length=40, blank=True)
    source_url = WebAddressField(_("indirizzo della fonte"), max_length=500, blank=True)
    note = models.TextField(_("nota"), blank=True)

    objects = ZoneMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appartenenza a una zona")
        verbose_name_plural = _("appartenenze alle zone")
        ordering = ["municipality__name", "valid_from"]
        constraints = [
            Validity.period_constraint("zone_membership_valid_period"),
            models.UniqueConstraint(
                fields=["municipality", "valid_from"],
                name="one_zone_membership_per_start",
                violation_error_message=_(
                    "Il Comune ha già un'appartenenza che inizia in questa data."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} → {self.zone}"
