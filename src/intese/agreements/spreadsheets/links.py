"""References between rows: commitment numbers, responsibles, milestones, framework agreements.

A reference is checked only when the rows it could point to were all readable: one wrong cell
gives one problem, not a cascade of them.
"""

from django.utils.translation import gettext as _

from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.spreadsheets.sheets import COMMITMENTS, MILESTONES, PARTIES


def check_commitments(draft, parties_readable: bool, report: ImportReport) -> None:
    """Commitment numbers follow the registered ones without gaps; references hold."""
    registered = len(draft.existing.commitments.all()) if draft.existing else 0
    rows = draft.children[COMMITMENTS.name]
    numbers = _check_numbers(rows, registered, report)
    if parties_readable:
        _check_responsibles(draft, rows, report)
    if all(r.ok for r in rows):
        known = set(numbers) | set(range(1, registered + 1))
        for row in draft.children[MILESTONES.name]:
            n = row.values.get("commitment")
            if n is not None and n not in known:
                report.problem_in(
                    row,
                    "numero_impegno",
                    _("L'intesa «%(code)s» non ha l'impegno numero %(n)d.")
                    % {"code": draft.code, "n": n},
                )


def _check_numbers(rows, registered: int, report: ImportReport) -> dict:
    """The commitment rows by number: no number twice, new ones right after the registered."""
    numbers = {}
    for row in rows:
        n = row.values.get("position")
        if n in numbers:
            report.problem_in(
                row,
                "numero",
                _("Numero di impegno ripetuto: %(n)d è già alla riga %(row)d.")
                % {"n": n, "row": numbers[n].number},
            )
        elif n is not None:
            numbers[n] = row
    expected = registered + 1
    for n in sorted(k for k in numbers if k > registered):
        if n != expected:
            report.problem_in(
                numbers[n],
                "numero",
                _("Numero di impegno non consecutivo: il prossimo è %(next)d.")
                % {"next": expected},
            )
            break
        expected += 1
    return numbers


def _check_responsibles(draft, rows, report: ImportReport) -> None:
    members = {r.values["organisation"].pk for r in draft.children[PARTIES.name]}
    if draft.existing:
        members |= {p.organisation_id for p in draft.existing.parties.all()}
    for row in rows:
        responsible = row.values.get("responsible")
        if responsible is not None and responsible.pk not in members:
            report.problem_in(
                row,
                "responsabile",
                _("%(name)s non è parte dell'intesa: il responsabile di un impegno deve esserlo.")
                % {"name": responsible.name},
            )


def check_parents(drafts: dict, registered: dict, report: ImportReport) -> None:
    """Framework agreements are in the file or in the registry, and form no cycle."""
    parent_of = {code: a.parent.code for code, a in registered.items() if a.parent}
    described = [d for d in drafts.values() if d.row is not None]
    for draft in described:
        parent_of[draft.code] = draft.row.values.get("parent") or None
    for draft in described:
        parent = parent_of[draft.code]
        if not parent:
            continue
        if parent == draft.code:
            message = _("Un'intesa non può essere quadro di se stessa.")
        elif parent not in drafts and parent not in registered:
            message = _(
                "Intesa quadro sconosciuta: «%(code)s» (assente dal foglio Intese e dal registro)."
            ) % {"code": parent}
        elif _climbs_back(draft.code, parent_of):
            message = _("%(code)s non può avere come intesa quadro una sua intesa attuativa.") % {
                "code": draft.code
            }
        else:
            continue
        report.problem_in(draft.row, "intesa_quadro", message)


def _climbs_back(code: str, parent_of: dict) -> bool:
    """Whether following the parents from `code` comes back to it."""
    seen, current = set(), parent_of.get(code)
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False
