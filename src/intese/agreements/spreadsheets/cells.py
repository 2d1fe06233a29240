"""Cells as they travel: text made safe from formulas and back, and references written by code."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from intese.actors.models import Organisation
from intese.agreements.spreadsheets.format import NO, YES
from intese.core.spreadsheets import FORMULA_STARTS, neutralise
from intese.territory.models import Area

QUOTE_AGAIN = (*FORMULA_STARTS, "'")


def protect(value):
    """Neutralise a text cell; a text that itself starts with a quote keeps it on import."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("'") and value[1:].startswith(QUOTE_AGAIN):
            value = "'" + value
    return value


def unprotect(value):
    """Remove the quote that export added in front of a formula-looking text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(QUOTE_AGAIN):
        return value[1:]
    return value


def cells(values: list) -> list:
    return neutralise([protect(v) for v in values])


def yes_no(value: bool) -> str:
    return YES if value else NO


def organisation_ref(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.ipa_code or organisation.codice_fiscale or organisation.name


def area_ref(area: Area) -> str:
    return f"{area.kind}:{area.code}"
