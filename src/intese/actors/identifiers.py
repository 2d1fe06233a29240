"""Validation of Italian identifiers: IPA code, codice fiscale, partita IVA."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

IPA_CODE = re.compile(r"[a-z0-9][a-z0-9_]{1,19}")


def normalise_ipa_code(value: str) -> str:
    return value.strip().lower()


def validate_ipa_code(value: str) -> None:
    """IndicePA codes are short lowercase identifiers, e.g. c_f205 (Comune di Milano), r_lombar."""
    if not IPA_CODE.fullmatch(value):
        raise ValidationError(
            _(
                "«%(value)s» non è un codice IPA: lettere minuscole, cifre e trattino basso, "
                "da 2 a 20 caratteri (es. c_f205)."
            ),
            params={"value": value},
            code="ipa_code",
        )


def validate_codice_fiscale(value: str) -> None:
    """11 digits for bodies and companies, 16 characters for people; the check digit must match."""
    try:
        codicefiscale.validate(value)
    except StdnumError:
        raise ValidationError(
            _(
                "«%(value)s» non è un codice fiscale valido (11 cifre per gli enti, 16 caratteri "
                "per le persone; controllare il carattere di controllo)."
            ),
            params={"value": value},
            code="codice_fiscale",
        ) from None


def validate_partita_iva(value: str) -> None:
    try:
        iva.validate(value)
    except StdnumError:
        raise ValidationError(
            _("«%(value)s» non è una partita IVA valida (11 cifre con cifra di controllo)."),
            params={"value": value},
            code="partita_iva",
        ) from None


def compact_codice_fiscale(value: str) -> str:
    return codicefiscale.compact(value) if value else ""


def compact_partita_iva(value: str) -> str:
    return iva.compact(value) if value else ""
