"""Optimistic concurrency: save a row only if nobody changed it since it was read."""

from django.db import models, transaction
from django.utils.translation import gettext as _

from intese.core.errors import DomainError


class StaleEdit(DomainError):
    """Somebody else saved the row after this form was opened."""


def save_if_unchanged(instance: models.Model, *, expected_version: int) -> None:
    """Save `instance` only if its stored version is still `expected_version`, else StaleEdit.

    The conditional UPDATE claims the row (and locks it on PostgreSQL) inside the caller's
    transaction; the ordinary save() that follows keeps the history records.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("save_if_unchanged must run inside a transaction")
    claimed = (
        type(instance)
        .objects.filter(pk=instance.pk, version=expected_version)
        .update(version=models.F("version") + 1)
    )
    if not claimed:
        raise StaleEdit(
            _(
                "Qualcun altro ha modificato questi dati mentre li stavi modificando. "
                "Ricarica la pagina per vedere la versione attuale e ripeti la modifica."
            )
        )
    instance.version = expected_version + 1
    instance.save()
