"""From rows to a plan: one draft per agreement, its rows attached, checked and compared."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from intese.agreements.models import Agreement
from intese.agreements.spreadsheets.comparison import compare
from intese.agreements.spreadsheets.links import check_commitments, check_parents
from intese.agreements.spreadsheets.references import References
from intese.agreements.spreadsheets.registry import registered
from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.spreadsheets.rows import Row, read_rows
from intese.agreements.spreadsheets.sheetdata import SheetData
from intese.agreements.spreadsheets.sheets import AGREEMENTS, CHILD_SHEETS, PARTIES, SHEETS
from intese.agreements.spreadsheets.structure import check_structure


@dataclass
class Draft:
    """An agreement as the file describes it (`row` is None when only child rows name it)."""

    code: str
    row: Row | None = None
    existing: Agreement | None = None
    changes: dict = field(default_factory=dict)
    children: dict = field(default_factory=lambda: defaultdict(list))
    agreement: Agreement | None = None
    failed: bool = False

    @property
    def is_new(self) -> bool:
        return self.existing is None


class Plan:
    """Reads and validates every row, then compares the file with the registry.

    Structural problems (sheets, headers) stop here; otherwise every row is read, every cell
    problem noted, and the rows without problems are compared with what is registered, so one
    pass reports everything that is wrong.
    """

    def __init__(self, sheets: dict[str, SheetData], report: ImportReport):
        self.report = report
        self.sheets = check_structure(sheets, report)
        self.drafts: dict[str, Draft] = {}
        if not report.ok:
            return
        refs = References()
        self.rows = {s.name: read_rows(s, self.sheets.get(s.name), refs, report) for s in SHEETS}
        self.registered = registered(self._codes())
        self._agreements()
        self._children()
        check_parents(self.drafts, self.registered, report)
        compare(self.drafts, report)

    def _codes(self) -> set[str]:
        codes = set()
        for row in self.rows[AGREEMENTS.name]:
            codes |= {row.values.get("code"), row.values.get("parent")}
        for sheet in CHILD_SHEETS:
            codes |= {row.values.get("agreement") for row in self.rows[sheet.name]}
        return codes - {None, ""}

    def _agreements(self) -> None:
        """One draft per code of the sheet Intese."""
        for row in self.rows[AGREEMENTS.name]:
            code = row.values.get("code")
            if not code:
                continue
            if code in self.drafts:
                self.report.problem_in(
                    row,
                    "codice",
                    _("Codice ripetuto: «%(code)s» è già alla riga %(row)d.")
                    % {"code": code, "row": self.drafts[code].row.number},
                )
                continue
            self.drafts[code] = Draft(code, row=row, existing=self.registered.get(code))

    def _draft(self, row: Row) -> Draft | None:
        code = row.values.get("agreement")
        if not code:
            return None
        if code not in self.drafts:
            if code not in self.registered:
                self.report.problem_in(
                    row,
                    "codice_intesa",
                    _("Intesa «%(code)s» assente dal foglio Intese e dal registro.")
                    % {"code": code},
                )
                return None
            self.drafts[code] = Draft(code, existing=self.registered[code])
        return self.drafts[code]

    def _children(self) -> None:
        """Attach each row to its agreement, then check the references between rows (after
        every row has been read, so that a reference to an unreadable row stays silent)."""
        for sheet in CHILD_SHEETS:
            for row in self.rows[sheet.name]:
                draft = self._draft(row)
                if draft is not None:
                    draft.children[sheet.name].append(row)
        parties_readable = all(r.ok for r in self.rows[PARTIES.name])
        for draft in self.drafts.values():
            check_commitments(draft, parties_readable, self.report)
