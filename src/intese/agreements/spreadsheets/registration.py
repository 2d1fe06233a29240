"""New agreements of the file, registered in bulk through `services.agreements_register`.

Each agreement goes as a NewAgreement with everything the file gives it; a refusal comes back
with the path of the part it concerns, which leads to the row and column of the file.
"""

from collections import defaultdict

from django.db import IntegrityError
from django.utils.translation import gettext as _

from intese.agreements import services
from intese.agreements.models import Status
from intese.agreements.spreadsheets.report import ImportReport, refusal_messages
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
)


def register(drafts: list, plan, *, by, today, report: ImportReport) -> None:
    """Register the new drafts, or report every refusal against its row of the file."""
    if not drafts:
        return
    rows, places = zip(*(new_agreement(d, plan) for d in drafts), strict=True)
    try:
        agreements = services.agreements_register(
            rows=list(rows),
            by=by,
            today=today,
            note=_("Stato registrato dall'importazione di un foglio di calcolo."),
        )
    except services.RegistrationRefused as refused:
        for refusal in refused.refusals:
            drafts[refusal.row].failed = True
            item = refusal.item  # a share is the file's funding line ("funding", n, ...)
            row, column = places[refusal.row].get(item) or places[refusal.row][item[:2]]
            for header, message in refusal_messages(refusal.error, row.sheet, column):
                report.problem(row.sheet.name, row.number, header, message)
        return
    except IntegrityError as error:  # e.g. a code registered by someone else meanwhile
        for header, message in refusal_messages(error, AGREEMENTS, ""):
            report.problem(AGREEMENTS.name, None, header, message)
        return
    for draft, agreement in zip(drafts, agreements, strict=True):
        draft.agreement = agreement


def new_agreement(draft, plan) -> tuple[services.NewAgreement, dict]:
    """The NewAgreement of a draft, and where each of its parts is in the file."""
    values, children = draft.row.values, draft.children
    fields = {n: values[n] for n in services.AGREEMENT_FIELDS if n != "parent"}
    fields["parent"] = _parent(values["parent"], plan)
    places = {(): (draft.row, ""), ("status",): (draft.row, "stato")}
    new = services.NewAgreement(
        fields,
        themes=values["themes"],
        areas=values["areas"],
        status=values.get("status") or Status.PROPOSED,
    )
    for name, sheet, items in (
        ("parties", PARTIES, new.parties),
        ("acts", ACTS, new.acts),
        ("funding", FUNDING, new.funding),
    ):
        for n, row in enumerate(children[sheet.name]):
            items.append(row.service_fields())
            places[(name, n)] = (row, "")
    milestones = defaultdict(list)
    for row in children[MILESTONES.name]:
        milestones[row.values["commitment"]].append(row)
    commitments = sorted(children[COMMITMENTS.name], key=lambda r: r.values["position"])
    for n, row in enumerate(commitments):
        steps = milestones[row.values["position"]]
        new.commitments.append(
            {**row.service_fields(), "milestones": [r.service_fields() for r in steps]}
        )
        places[("commitments", n)] = (row, "")
        for m, step in enumerate(steps):
            places[("commitments", n, "milestones", m)] = (step, "")
    return new, places


def _parent(code: str, plan):
    """A framework agreement new in the file goes by its code, a registered one as itself."""
    if not code:
        return None
    draft = plan.drafts.get(code)
    return code if draft is not None and draft.is_new else plan.registered[code]
