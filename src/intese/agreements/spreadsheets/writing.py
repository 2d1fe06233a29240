"""Writing a plan in the caller's transaction: the new agreements in bulk, then the changes
to registered ones through the per-row services, each refusal reported against its row."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from intese.agreements import services
from intese.agreements.models import Agreement
from intese.agreements.spreadsheets.plan import Draft, Plan
from intese.agreements.spreadsheets.registration import register
from intese.agreements.spreadsheets.report import refusal_messages
from intese.agreements.spreadsheets.rows import Row
from intese.agreements.spreadsheets.sheets import (
    ACTS,
    AGREEMENTS,
    COMMITMENTS,
    FUNDING,
    MILESTONES,
    PARTIES,
)
from intese.core.errors import DomainError


class Failed(Exception):
    """A service refused a row; the problem is in the report and the agreement is abandoned."""


class Writer:
    """Writes what the plan found to add or change; the caller rolls back if the report has
    problems."""

    def __init__(self, plan: Plan, by):
        self.plan, self.by, self.report = plan, by, plan.report

    def run(self) -> None:
        drafts = list(self.plan.drafts.values())
        new = [d for d in drafts if d.is_new]
        register(new, self.plan, by=self.by, today=timezone.localdate(), report=self.report)
        for draft in drafts:
            if not draft.is_new:
                self._update_with_parent(draft)

    def _update_with_parent(self, draft: Draft) -> None:
        code = (draft.row.values.get("parent") if draft.row else "") or ""
        parent = self.plan.drafts.get(code)
        if parent is not None and parent.is_new and parent.agreement is None:
            draft.failed = True  # the new framework agreement was not registered
            if parent.failed:
                self.report.problem(
                    AGREEMENTS.name,
                    draft.row.number,
                    "intesa_quadro",
                    _("L'intesa quadro «%(code)s» non è stata registrata: vedere i suoi errori.")
                    % {"code": parent.code},
                )
            return
        try:
            self._update(draft)
        except Failed:
            draft.failed = True

    @contextmanager
    def _at(self, row: Row, column: str = ""):
        """Report a refusal of the services against the row that caused it."""
        try:
            yield
        except (DomainError, ValidationError, IntegrityError) as error:
            for header, message in refusal_messages(error, row.sheet, column):
                self.report.problem(row.sheet.name, row.number, header, message)
            raise Failed from error

    def _parent(self, code: str):
        if not code:
            return None
        draft = self.plan.drafts.get(code)
        if draft is not None and draft.agreement is not None:
            return draft.agreement
        return self.plan.registered[code]

    def _update(self, draft: Draft) -> None:
        agreement = draft.existing
        if draft.changes:
            changes = dict(draft.changes)
            if "parent" in changes:
                changes["parent"] = self._parent(changes["parent"])
            with self._at(draft.row):
                services.agreement_update(
                    agreement=agreement, expected_version=agreement.version, by=self.by, **changes
                )
        draft.agreement = agreement
        self._parties(draft, agreement)
        for row in draft.children[ACTS.name]:
            if row.match is None:
                with self._at(row):
                    services.act_add(agreement=agreement, by=self.by, **row.service_fields())
        self._commitments(draft, agreement)
        for row in draft.children[FUNDING.name]:
            if row.match is None:
                with self._at(row):
                    services.funding_add(agreement=agreement, by=self.by, **row.service_fields())

    def _parties(self, draft: Draft, agreement: Agreement) -> None:
        """New parties join; a new signature of a registered party is recorded as in the form."""
        for row in draft.children[PARTIES.name]:
            if row.match is None:
                with self._at(row):
                    services.party_add(agreement=agreement, by=self.by, **row.service_fields())
            elif row.updates:
                row.match.agreement = agreement
                with self._at(row, "firmata_il"):
                    services.party_sign(
                        party=row.match, signed_on=row.updates["signed_on"], by=self.by
                    )

    def _commitments(self, draft: Draft, agreement: Agreement) -> None:
        """New commitments follow the registered ones, which may change; then the milestones."""
        commitments = {}
        for row in sorted(draft.children[COMMITMENTS.name], key=lambda r: r.values["position"]):
            if row.match is None:
                with self._at(row):
                    row.created = services.commitment_add(
                        agreement=agreement, by=self.by, **row.service_fields()
                    )
            elif row.updates:
                with self._at(row):
                    services.commitment_update(
                        commitment=row.match,
                        expected_version=row.match.version,
                        by=self.by,
                        **row.updates,
                    )
            commitments[row.values["position"]] = row.created or row.match
        for position, commitment in enumerate(draft.existing.commitments.all(), start=1):
            commitments.setdefault(position, commitment)
        for row in draft.children[MILESTONES.name]:
            if row.match is None:
                with self._at(row):
                    services.milestone_add(
                        commitment=commitments[row.values["commitment"]],
                        by=self.by,
                        **row.service_fields(),
                    )
