"""The format: containers, sheets and columns, and the words cells are written with."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "application/zip",
}
FILE_EXTENSIONS = {"xlsx": "xlsx", "ods": "ods", "csv": "zip"}
INSTRUCTIONS = "Istruzioni"
LIST_SEPARATOR = "; "
YES, NO = "sì", "no"


@dataclass(frozen=True)
class Column:
    """A column: its header, the model field it fills, how its cells read, and its help text."""

    header: str
    field: str
    kind: str  # text, code, date, bool, int, decimal, choice, list, areas, org, agreement, ...
    help: str
    required: bool = False
    choices: type[models.TextChoices] | None = None
    default: object = None


@dataclass(frozen=True)
class Sheet:
    """A sheet of the format: its name, what one of its rows holds, and its columns."""

    name: str
    help: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column_for(self, field_name: str) -> str:
        return next((c.header for c in self.columns if c.field == field_name), "")


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula or an error instead of a value."""

    text: str


def agreement_column() -> Column:
    return Column(
        "codice_intesa",
        "agreement",
        "agreement",
        gettext_lazy("Codice dell'intesa, nel foglio Intese o già nel registro."),
        required=True,
    )


def example_column() -> Column:
    return Column(
        "esempio",
        "is_example",
        "bool",
        gettext_lazy("sì se la riga è un dato illustrativo (demo), non un fatto."),
        default=False,
    )


ORGANISATION_HELP = gettext_lazy(
    "Organizzazione: codice IPA, altrimenti codice fiscale, altrimenti denominazione esatta."
)
DATE_HELP = gettext_lazy("Data AAAA-MM-GG (anche GG/MM/AAAA).")
