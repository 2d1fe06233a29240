"""The import report: what an import found and did, with the place of every problem."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.sheets import SHEET_ORDER, SHEETS
from intese.core.errors import DomainError


@dataclass
class Problem:
    """Something wrong in the file, where it is: sheet, row number and column header."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Change:
    """A value of the registry that the import changes."""

    sheet: str
    row: int
    code: str
    column: str
    before: str
    after: str


@dataclass
class Addition:
    """A row of the file that the import adds to the registry."""

    sheet: str
    row: int
    code: str
    description: str


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.additions or self.changes)

    @property
    def summary(self) -> str:
        if self.problems:
            return _(
                "Importazione non eseguita: %(n)d problemi da correggere. Non è stato salvato "
                "nulla."
            ) % {"n": len(self.problems)}
        if not self.has_changes:
            return _("Nessuna modifica: il file coincide con il registro.")
        counts = {"created": self.created, "changed": self.changed, "unchanged": self.unchanged}
        if self.dry_run:
            return (
                _(
                    "Verifica riuscita: %(created)d intese da creare, %(changed)d da modificare, "
                    "%(unchanged)d invariate. Non è stato salvato nulla."
                )
                % counts
            )
        return (
            _(
                "Importazione eseguita: %(created)d intese create, %(changed)d modificate, "
                "%(unchanged)d invariate."
            )
            % counts
        )

    def problem(self, sheet, row, column, message) -> None:
        self.problems.append(Problem(sheet, row, column, str(message)))

    def problem_in(self, row, column: str, message) -> None:
        """A problem in a row of the file (a rows.Row), which is marked as not good."""
        row.ok = False
        self.problem(row.sheet.name, row.number, column, message)

    def sort(self) -> None:
        def key(p):
            sheet = SHEETS[SHEET_ORDER[p.sheet]] if p.sheet in SHEET_ORDER else None
            column = sheet.headers.index(p.column) if sheet and p.column in sheet.headers else -1
            return (SHEET_ORDER.get(p.sheet, -1), p.row or 0, column)

        self.problems.sort(key=key)


def refusal_messages(error, sheet, column: str):
    """(column, message) pairs for a refusal of the services about a row of `sheet`: a field
    named by the error points at its column, otherwise the problem stays on `column`."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                yield sheet.column_for(name) or column, message
    elif isinstance(error, ValidationError):
        for message in error.messages:
            yield column, message
    elif isinstance(error, DomainError):
        yield (sheet.column_for(error.field) if error.field else "") or column, error.message
    else:
        yield column, _("Il database ha rifiutato la riga: %(error)s") % {"error": error}
