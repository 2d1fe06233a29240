"""Load the demo monitoring data from data/demo/monitoring.json, through the services.

Everything here is illustrative and marked so: an example agreement between the Città
metropolitana and the Comuni di Sesto San Giovanni and Rho (its title says «(Esempio)» and its
example_fields list what is invented), its commitments, indicators with their targets, progress
reports and measurements (accepted, awaiting review, one sent back), a closed round and an open
one in which the demo's partner reporters (referente.sesto, referente.rho) have something to
report. Runs after the demo agreements and plans; running it again changes nothing.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from intese.actors.models import Organisation
from intese.agreements import services as agreements
from intese.agreements.models import Agreement, Commitment, PlanLink
from intese.demo.agreements import _agreement
from intese.monitoring import rounds, services
from intese.monitoring.models import (
    Indicator,
    Measurement,
    ProgressReport,
    ReviewStatus,
    Round,
    RoundStatus,
    Target,
)
from intese.plans.models import PlanItem


@dataclass
class Loaded:
    agreements: list = field(default_factory=list)
    commitments: int = 0
    links: int = 0
    indicators: int = 0
    reports: int = 0
    measurements: int = 0
    rounds: list = field(default_factory=list)

    def __bool__(self):
        return any(
            (self.agreements, self.commitments, self.links, self.indicators, self.reports)
        ) or bool(self.measurements or self.rounds)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value):
    return None if value is None else Decimal(value)


def _moment(day: datetime.date, hour=10) -> datetime.datetime:
    """A plausible time of day for a date of the demo, never in the future."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, timezone.now())


def _organisation(ref: dict) -> Organisation:
    if "ipa_code" in ref:
        return Organisation.objects.get(ipa_code=ref["ipa_code"])
    return Organisation.objects.get(name=ref["name"])


def _plan_item(ref: dict) -> PlanItem:
    return PlanItem.objects.get(plan__code=ref["plan"], code=ref["item"])


class Loader:
    def __init__(self, data: dict, people):
        self.data = data
        self.people = people
        self.loaded = Loaded()
        self.today = timezone.localdate()

    # Registry: the example agreement, its commitments, its links to the plan

    def agreements(self):
        for row in self.data["agreements"]:
            if not Agreement.objects.filter(code=row["code"]).exists():
                _agreement(row, self.data["sources"], self.people.plan_editor, self.today)
                self.loaded.agreements.append(row["code"])
        for row in self.data["commitments"]:
            agreement = Agreement.objects.get(code=row["agreement"])
            if agreement.commitments.filter(title=row["title"]).exists():
                continue
            agreements.commitment_add(
                agreement=agreement,
                by=self.people.plan_editor,
                title=row["title"],
                description=row.get("description", ""),
                responsible=_organisation(row["responsible"]),
                starts_on=_date(row.get("starts_on")),
                due_on=_date(row.get("due_on")),
                weight=row.get("weight", 1),
                status=row.get("status", "planned"),
                is_example=True,
            )
            self.loaded.commitments += 1
        for row in self.data["links"]:
            agreement, item = Agreement.objects.get(code=row["agreement"]), _plan_item(row)
            if PlanLink.objects.filter(agreement=agreement, plan_item=item).exists():
                continue
            agreements.plan_link_add(
                agreement=agreement,
                by=self.people.plan_editor,
                plan_item=item,
                motivation=row["motivation"],
                is_example=True,
            )
            self.loaded.links += 1

    def commitment(self, key: str) -> Commitment:
        new = next((c for c in self.data["commitments"] if c["key"] == key), None)
        if new:
            return Commitment.objects.get(agreement__code=new["agreement"], title=new["title"])
        ref = self.data["existing_commitments"][key]
        return Commitment.objects.get(
            agreement__code=ref["agreement"], title__startswith=ref["title_starts"]
        )

    # Indicators and their targets

    def indicators(self):
        for row in self.data["indicators"]:
            if Indicator.objects.filter(code=row["code"]).exists():
                continue
            indicator = services.indicator_create(
                code=row["code"],
                name=row["name"],
                description=row.get("description", ""),
                unit=row["unit"],
                direction=row["direction"],
                baseline_value=Decimal(row["baseline_value"]),
                baseline_on=_date(row["baseline_on"]),
                minimum=_decimal(row.get("minimum")),
                maximum=_decimal(row.get("maximum")),
                source=row["source"],
                periodicity=row.get("periodicity", "yearly"),
                owner=_organisation(row["owner"]),
                weight=row.get("weight", 1),
                is_example=True,
                **self.subject(row["subject"]),
            )
            for target in row["targets"]:
                services.target_set(
                    indicator, due_on=_date(target["due_on"]), value=target["value"]
                )
            Target.objects.filter(indicator=indicator).update(is_example=True)
            self.loaded.indicators += 1

    def subject(self, ref: dict) -> dict:
        if "plan" in ref:
            return {"plan_item": _plan_item(ref)}
        if "agreement" in ref:
            return {"agreement": Agreement.objects.get(code=ref["agreement"])}
        return {"commitment": self.commitment(ref["commitment"])}

    # Submissions and their review

    def reviewer(self, submitter):
        """Nobody reviews their own submission: the administrator reviews the editor's."""
        editor = self.people.plan_editor
        return self.people.administrator if submitter == editor else editor

    def report(self, row: dict, round=None):
        commitment = self.commitment(row["commitment"])
        reported_on = _date(row["reported_on"])
        if ProgressReport.objects.filter(commitment=commitment, reported_on=reported_on).exists():
            return
        by = getattr(self.people, row["by"])
        report = services.progress_submit(
            commitment=commitment,
            percent=row["percent"],
            self_assessment=row["self_assessment"],
            narrative=row["narrative"],
            obstacles=row.get("obstacles", ""),
            explanation=row.get("explanation", ""),
            reported_on=reported_on,
            by=by,
            organisation=commitment.responsible,
            round=round,
        )
        self.review(report, row, by, reported_on)
        self.loaded.reports += 1

    def measurement(self, row: dict, round=None):
        indicator = Indicator.objects.get(code=row["indicator"])
        measured_on = _date(row["measured_on"])
        if Measurement.objects.filter(indicator=indicator, measured_on=measured_on).exists():
            return
        by = getattr(self.people, row["by"])
        measurement = services.measurement_submit(
            indicator=indicator,
            value=row["value"],
            measured_on=measured_on,
            by=by,
            organisation=indicator.owner,
            source=row.get("source", ""),
            note=row.get("note", ""),
            explanation=row.get("explanation", ""),
            round=round,
        )
        self.review(measurement, row, by, measured_on)
        self.loaded.measurements += 1

    def review(self, submission, row: dict, by, day: datetime.date):
        if row.get("review"):
            services.review(
                submission,
                by=self.reviewer(by),
                accept=row["review"] == ReviewStatus.ACCEPTED,
                reason=row.get("reason", ""),
            )
        # Plausible dates (sent a few days after the reference date, reviewed a few days
        # later) and the example flag, which the services do not set.
        submitted_at = _moment(day + datetime.timedelta(days=10))
        changes = {"is_example": True, "submitted_at": submitted_at}
        if row.get("review"):
            changes["reviewed_at"] = min(submitted_at + datetime.timedelta(days=4), timezone.now())
        type(submission).objects.filter(pk=submission.pk).update(**changes)

    # Rounds

    def rounds(self):
        for row in self.data["rounds"]:
            if Round.objects.filter(title=row["title"]).exists():
                continue
            round = rounds.round_create(
                by=self.people.plan_editor,
                title=row["title"],
                period_start=_date(row["period_start"]),
                period_end=_date(row["period_end"]),
                opens_on=_date(row["opens_on"]),
                closes_on=_date(row["closes_on"]),
                remind_days_before=row.get("remind_days_before", 7),
                agreements=Agreement.objects.filter(code__in=row["agreements"]),
                is_example=True,
            )
            round = rounds.round_open(round, by=self.people.plan_editor)
            for report in row.get("reports", []):
                self.report(report, round)
            for measurement in row.get("measurements", []):
                self.measurement(measurement, round)
            times = {"opened_at": _moment(round.opens_on, 9)}
            if row["status"] == RoundStatus.CLOSED:
                round = rounds.round_close(round, by=self.people.plan_editor)
                times["closed_at"] = _moment(round.closes_on, 18)
            Round.objects.filter(pk=round.pk).update(**times)
            self.loaded.rounds.append(row["title"])

    def run(self) -> Loaded:
        self.agreements()
        self.indicators()
        for row in self.data["reports"]:
            self.report(row)
        for row in self.data["measurements"]:
            self.measurement(row)
        self.rounds()
        return self.loaded


@transaction.atomic
def load_demo_monitoring(path: Path, *, people) -> Loaded:
    """Create what is missing of the demo monitoring data; returns what was created."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("is_example") is not True:
        raise ValueError("I dati di monitoraggio della demo devono dichiararsi di esempio.")
    return Loader(data, people).run()
