"""A small plan with its DUP, one linked agreement and its monitoring data, whose figures are
worked out by hand below; and a way to make the plan bigger (for the constant-query tests).

As of 31/12/2025 the linked agreement's commitments are:
  C1 weight 2, due 31/12/2025, 100 % on 01/11/2025        -> done
  C2 weight 1, due 30/06/2025,  40 % on 01/05/2025        -> late (milestone of 31/03 missed)
  C3 weight 1, due 31/12/2026, no accepted report         -> missing data
  C4 weight 1, due 31/03/2026,  10 % on 01/07/2025        -> at risk (forecast far past due)
Plan: weight 5, with data 4, sum of weight x percent 200 + 40 + 10 = 250 -> progress 62.5 %,
coverage 80 %; judged weight 4, late 1 (not > 25 %), late + at risk 2 (> 25 %) -> at risk.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from intese.agreements import services as agreements
from intese.plans import dup
from intese.plans import services as plans
from intese.plans.models import BudgetProgramme, Plan
from intese.territory.models import Area
from intese.testing import monitoring as build
from intese.testing.agreements import approving_act

D = datetime.date
YEAR = 2025
MOTIVATION = "Attua la voce del piano sulle piste ciclabili."


@dataclass
class Dataset:
    plan: object
    document: object
    agreement: object
    items: dict
    commitments: dict
    indicators: dict
    other: object


def small(people) -> Dataset:
    plan = Plan.objects.create(
        code="piano-relazioni",
        title="Piano strategico di prova per le relazioni",
        period_start=D(2025, 1, 1),
        period_end=D(2027, 12, 31),
        level_names=["Missione", "Obiettivo"],
    )
    m1 = plans.item_add(plan=plan, by=None, code="M1", title="Mobilità sostenibile")
    m11 = plans.item_add(plan=plan, by=None, parent=m1, code="M1.1", title="Piste ciclabili")
    m2 = plans.item_add(plan=plan, by=None, code="M2", title="Scuole sicure")
    document = dup.document_create(
        by=None,
        code="dup-relazioni",
        title="DUP 2025-2027 di prova",
        first_year=2025,
        last_year=2027,
        plan=plan,
    )
    dup.operational_objective_add(
        document=document,
        by=None,
        code="OO1",
        title="Rete ciclabile metropolitana",
        year=YEAR,
        programme=BudgetProgramme.objects.get(code="1005"),
        plan_items=[m1],
    )
    agreement = build.agreement_with(
        build.sesto(),
        effective_from=D(2025, 1, 1),
        areas=[Area.objects.get(kind="municipality", code="015209")],
    )
    agreements.plan_link_add(agreement=agreement, by=None, plan_item=m11, motivation=MOTIVATION)
    sesto, editor, partner = build.sesto(), people.plan_editor, people.partner_sesto
    c1 = build.commitment(
        agreement, sesto, title="Progettazione della rete", weight=2, due_on=D(2025, 12, 31)
    )
    c2 = build.commitment(agreement, sesto, title="Gara per i lavori", due_on=D(2025, 6, 30))
    c3 = build.commitment(agreement, sesto, title="Collaudo", due_on=D(2026, 12, 31))
    c4 = build.commitment(
        agreement,
        sesto,
        title="Posa della segnaletica",
        starts_on=D(2025, 1, 1),
        due_on=D(2026, 3, 31),
    )
    build.report(c1, 100, D(2025, 11, 1), by=partner, accepted_by=editor)
    build.report(c2, 40, D(2025, 5, 1), by=partner, accepted_by=editor)
    build.report(c4, 10, D(2025, 7, 1), by=partner, accepted_by=editor)
    agreements.milestone_add(
        commitment=c2, by=None, title="Progetto esecutivo", due_on=D(2025, 3, 31)
    )
    agreements.milestone_add(
        commitment=c1,
        by=None,
        title="Studio di fattibilità",
        due_on=D(2025, 9, 30),
        reached_on=D(2025, 9, 15),
    )
    agreements.funding_add(
        agreement=agreement, by=None, source="pnrr", pnrr_mission="M5", amount=Decimal("100000.00")
    )
    agreements.funding_add(
        agreement=agreement, by=None, source="own_budget", amount=Decimal("50000.00")
    )
    approving_act(agreement, on=D(2025, 3, 1))
    km = build.indicator(
        m1, sesto, code="IND-KM", name="Chilometri di piste ciclabili", unit="km", baseline="10"
    )
    from intese.monitoring import services as monitoring

    monitoring.target_set(km, due_on=D(2025, 12, 31), value=Decimal(20))
    monitoring.target_set(km, due_on=D(2027, 12, 31), value=Decimal(40))
    build.measure(km, Decimal(25), D(2025, 11, 30), by=partner, accepted_by=editor)
    users = build.indicator(
        agreement, sesto, code="IND-USO", name="Utenti giornalieri", unit="persone", baseline="0"
    )
    other = build.agreement_with(build.sesto(), effective_from=D(2025, 1, 1))
    agreements.funding_add(agreement=other, by=None, source="regional", amount=Decimal("999.00"))
    build.commitment(other, sesto, title="Impegno di un'intesa non collegata", due_on=D(2025, 2, 1))
    return Dataset(
        plan=plan,
        document=document,
        agreement=agreement,
        items={"M1": m1, "M1.1": m11, "M2": m2},
        commitments={"C1": c1, "C2": c2, "C3": c3, "C4": c4},
        indicators={"km": km, "users": users},
        other=other,
    )


def grow(data: Dataset, people, count: int) -> None:
    """`count` more items, each with a linked agreement, commitments, reports, indicators,
    funding, milestones and acts: everything a page could read row by row."""
    sesto = build.sesto()
    for n in range(count):
        item = plans.item_add(
            plan=data.plan, by=None, parent=data.items["M2"], code=f"M2.{n}", title=f"Voce {n}"
        )
        agreement = build.agreement_with(sesto, effective_from=D(2025, 1, 1))
        agreements.plan_link_add(
            agreement=agreement, by=None, plan_item=item, motivation=MOTIVATION
        )
        commitment = build.commitment(agreement, sesto, due_on=D(2025, 3, 1))
        build.report(
            commitment, 50, D(2025, 2, 1), by=people.partner_sesto, accepted_by=people.plan_editor
        )
        agreements.milestone_add(
            commitment=commitment, by=None, title=f"Traguardo {n}", due_on=D(2025, 2, 15)
        )
        agreements.funding_add(agreement=agreement, by=None, source="fesr", amount=Decimal("10.00"))
        approving_act(agreement, on=D(2025, 4, 1))
        build.indicator(item, sesto, code=f"IND-G{n}", baseline="1")
