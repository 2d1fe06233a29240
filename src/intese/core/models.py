"""Building blocks shared by every app's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A row edited by people: its version number guards against lost updates.

    A form carries the version it was rendered with; the service that saves it refuses the
    change when the row has moved on since (see `core.concurrency.save_if_unchanged`).
    """

    version = models.PositiveIntegerField(_("versione"), default=1, editable=False)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        abstract = True


class ValidityQuerySet(models.QuerySet):
    """Rows that hold over a period: valid_from inclusive, valid_to exclusive, both optional."""

    def valid_on(self, day):
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day),
        )


class Validity(models.Model):
    """Dates between which a fact held. An empty start means "since before our records"."""

    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(
        _("valido fino al"),
        null=True,
        blank=True,
        help_text=_("Escluso: il primo giorno in cui non vale più."),
    )

    class Meta:
        abstract = True

    @classmethod
    def period_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(valid_from__isnull=True)
            | models.Q(valid_to__isnull=True)
            | models.Q(valid_to__gt=models.F("valid_from")),
            name=name,
            violation_error_message=_("La data di fine deve seguire la data di inizio."),
        )


class WebAddressField(models.URLField):
    """A web address; forms assume https when the scheme is left out (Django 6 default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
