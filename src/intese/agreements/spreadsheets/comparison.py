"""The file compared with the registry: what the import would add and change, and what it
refuses to change."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intese.agreements import services
from intese.agreements.models import Status
from intese.agreements.spreadsheets.descriptions import describe, display
from intese.agreements.spreadsheets.format import Sheet
from intese.agreements.spreadsheets.matching import (
    comparable,
    differences,
    key,
    registered_value,
)
from intese.agreements.spreadsheets.registry import registered_children
from intese.agreements.spreadsheets.report import Addition, Change, ImportReport
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    CHILD_SHEETS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
)

AGREEMENT_COMPARED = (*services.AGREEMENT_FIELDS, "themes", "areas")
WHAT = {
    PARTIES.name: gettext_lazy("le parti"),
    ACTS.name: gettext_lazy("gli atti"),
    MILESTONES.name: gettext_lazy("i traguardi"),
    FUNDING.name: gettext_lazy("i finanziamenti"),
}


def compare(drafts: dict, report: ImportReport) -> None:
    """Note every addition and change in the report, and count the agreements."""
    for draft in drafts.values():
        before = (len(report.additions), len(report.changes))
        if draft.row is not None and draft.row.ok:
            if draft.is_new:
                report.additions.append(
                    Addition(
                        AGREEMENTS.name,
                        draft.row.number,
                        draft.code,
                        _("Nuova intesa: %(title)s") % {"title": draft.row.values["title"]},
                    )
                )
            else:
                _compare_agreement(draft, report)
        for sheet in CHILD_SHEETS:
            _compare_children(draft, sheet, report)
        if draft.is_new:
            report.created += 1
        elif before != (len(report.additions), len(report.changes)):
            report.changed += 1
        elif draft.row is not None:
            report.unchanged += 1


def _compare_agreement(draft, report: ImportReport) -> None:
    agreement, values = draft.existing, draft.row.values
    status = values.get("status")
    if status and status != agreement.status:
        report.problem_in(
            draft.row,
            "stato",
            _(
                "Lo stato di un'intesa registrata cambia solo con le azioni del suo ciclo "
                "di vita: nel registro è «%(before)s», nel file «%(after)s»."
            )
            % {"before": Status(agreement.status).label, "after": Status(status).label},
        )
    for name in AGREEMENT_COMPARED:
        new = values.get(name)
        if name == "parent":
            old = agreement.parent.code if agreement.parent else ""
        elif name in ("themes", "areas"):
            old = list(getattr(agreement, name).all())
        else:
            old = getattr(agreement, name)
        if comparable(old) != comparable(new):
            draft.changes[name] = new
            report.changes.append(
                Change(
                    AGREEMENTS.name,
                    draft.row.number,
                    draft.code,
                    AGREEMENTS.column_for(name),
                    display(old),
                    display(new),
                )
            )


def _compare_children(draft, sheet: Sheet, report: ImportReport) -> None:
    """Pair each row with a registered one: equal ones first, then same identity."""
    rows = [r for r in draft.children[sheet.name] if r.ok]
    pool = defaultdict(list)
    for item in registered_children(draft.existing, sheet):
        pool[key(item, sheet)].append(item)
    seen, pending = {}, []
    for row in rows:
        identity = key(row.values, sheet)
        if sheet is PARTIES and identity in seen:
            report.problem_in(
                row,
                "ruolo",
                _(
                    "Parte ripetuta: la stessa organizzazione con lo stesso ruolo è alla "
                    "riga %(row)d."
                )
                % {"row": seen[identity]},
            )
            continue
        seen[identity] = row.number
        same = next((m for m in pool[identity] if not differences(m, row.values, sheet)), None)
        if same is None:
            pending.append((identity, row))
        else:
            pool[identity].remove(same)
            row.match = same
    for identity, row in pending:
        if pool[identity]:
            row.match = pool[identity].pop(0)
            _differ(draft, row, differences(row.match, row.values, sheet), report)
        else:
            report.additions.append(
                Addition(sheet.name, row.number, draft.code, describe(sheet, row.values))
            )


def _differ(draft, row, names: list[str], report: ImportReport) -> None:
    """Commitments are updated, a new signature is registered; other differences are
    refused, as no service changes a registered act, milestone or funding line."""
    sheet = row.sheet
    signature = sheet is PARTIES and names == ["signed_on"] and not row.match.signed_on
    for name in names:
        old, new = registered_value(row.match, name), row.values.get(name)
        header = sheet.column_for(name)
        if sheet is COMMITMENTS or signature:
            row.updates[name] = new
            report.changes.append(
                Change(sheet.name, row.number, draft.code, header, display(old), display(new))
            )
        else:
            report.problem_in(
                row,
                header,
                _(
                    "Diverso dal registro («%(before)s» → «%(after)s»): l'importazione "
                    "aggiunge %(what)s ma non modifica quelli registrati."
                )
                % {"before": display(old), "after": display(new), "what": WHAT[sheet.name]},
            )
