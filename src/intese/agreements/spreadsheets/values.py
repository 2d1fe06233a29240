"""Cell readers: from what a spreadsheet holds to the value a model field takes."""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.cells import yes_no
from intese.agreements.spreadsheets.format import Column, Formula
from intese.agreements.spreadsheets.sheetdata import is_empty


class Bad(Exception):
    """One cell cannot be read."""


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def as_text(value) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


TRUE = {"sì", "si", "s", "yes", "y", "vero", "true", "1", "x"}
FALSE = {"no", "n", "falso", "false", "0"}


def read_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Bad(_("«%(value)s» non è sì o no.") % {"value": value})


def read_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = as_text(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    raise Bad(
        _("«%(value)s» non è una data: scrivere AAAA-MM-GG (es. 2025-03-31).") % {"value": value}
    )


def read_int(value) -> int:
    text = as_text(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise Bad(_("«%(value)s» non è un numero intero positivo.") % {"value": value})
    return int(text)


def read_decimal(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = as_text(value).strip().replace(" ", "").replace("€", "")
        if "," in text and "." in text:  # the last separator marks the decimals
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        raise Bad(_("«%(value)s» non è un importo in euro (es. 1250000,50).") % {"value": value})
    if amount < 0:
        raise Bad(_("L'importo non può essere negativo."))
    return amount


def read_choice(value, choices) -> str:
    text = as_text(value).strip()
    if text in _values(choices):
        return text
    for choice in choices:
        if text == choice.value or text.lower() == str(choice.label).lower():
            return choice.value
    raise Bad(
        _("«%(value)s» non è un valore ammesso: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(choices.values)}
    )


@functools.cache
def _values(choices) -> frozenset:
    return frozenset(choices.values)  # Django builds the list anew at each access


def read_cell(column: Column, value, refs):
    """The value of a cell of `column`; codes are looked up in `refs` (a References)."""
    if isinstance(value, Formula):
        raise Bad(
            _("La cella contiene una formula o un errore («%(formula)s»): scrivere il valore.")
            % {"formula": value.text}
        )
    if is_empty(value):
        if column.required:
            raise Bad(_("Valore obbligatorio."))
        if column.kind in ("themes", "areas", "list"):
            return []
        return "" if column.kind in ("text", "code", "upper") else column.default
    if column.kind == "text":
        return as_text(value)
    return READERS[column.kind](value, as_text(value).strip(), column, refs)


# How each kind of column reads a non-empty cell: (value, its text stripped, column, refs).
READERS = {
    "code": lambda value, text, column, refs: text,
    "upper": lambda value, text, column, refs: text.upper(),  # as the model stores it
    "agreement": lambda value, text, column, refs: text,
    "date": lambda value, text, column, refs: read_date(value),
    "bool": lambda value, text, column, refs: read_bool(value),
    "int": lambda value, text, column, refs: read_int(value),
    "decimal": lambda value, text, column, refs: read_decimal(value),
    "choice": lambda value, text, column, refs: read_choice(value, column.choices),
    "list": lambda value, text, column, refs: split(text),
    "themes": lambda value, text, column, refs: refs.theme_list(text),
    "areas": lambda value, text, column, refs: refs.area_list(text),
    "org": lambda value, text, column, refs: refs.organisation(text),
    "kind": lambda value, text, column, refs: refs.kind(text),
}
