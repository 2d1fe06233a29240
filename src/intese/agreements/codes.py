"""Validation of the CUP (Codice Unico di Progetto) of public investment projects."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 15 characters: the issuing body's letter, two digits of the year, the sector letter, 11 digits.
CUP = re.compile(r"[A-Z][0-9]{2}[A-Z][0-9]{11}")


def validate_cup(value: str) -> None:
    if not CUP.fullmatch(value):
        raise ValidationError(
            _(
                "«%(value)s» non è un CUP: 15 caratteri, lettera, 2 cifre, lettera, 11 cifre "
                "(es. J41B21000000001)."
            ),
            params={"value": value},
            code="cup",
        )
