"""How commitments roll up into the figures of a group (plan item, agreement, zone, theme, party),
as published in monitoring/status.py; and the public variants that count public agreements only.
"""

import datetime
from decimal import Decimal

import pytest

from intese.agreements.models import CommitmentStatus
from intese.monitoring import public, rollup
from intese.monitoring.status import COVERAGE_MINIMUM, TROUBLE_SHARE, Status
from intese.testing import monitoring as build
from intese.testing import rollup_data as data

pytestmark = pytest.mark.django_db

D = datetime.date
REPORTED = D(2024, 7, 1)
AS_OF = D(2024, 7, 2)
FAR = D(2026, 12, 31)


@pytest.fixture
def agreement():
    return build.agreement_with(build.sesto())


@pytest.fixture
def accept(people):
    """Report `percent` on a commitment of Sesto and have the plan office accept it."""

    def accepted(commitment, percent, on=REPORTED, **fields):
        return build.report(
            commitment,
            percent,
            on,
            by=people.partner_sesto,
            accepted_by=people.plan_editor,
            **fields,
        )

    return accepted


def figure_of(agreement, as_of=AS_OF):
    return rollup.by_agreement(as_of)[agreement.pk]


def sesto_commitment(agreement, *, weight=1, due_on=FAR, **fields):
    return build.commitment(agreement, build.sesto(), due_on=due_on, weight=weight, **fields)


# Progress and coverage


def test_progress_is_the_mean_of_the_percentages_weighted_by_commitment(agreement, accept):
    accept(sesto_commitment(agreement, weight=1), 20)
    accept(sesto_commitment(agreement, weight=3), 60)
    figure = figure_of(agreement)
    assert figure.weighted_percent == 1 * 20 + 3 * 60
    assert figure.weight_with_data == figure.total_weight == 4
    assert figure.progress == Decimal("50.0")  # not 40, the plain mean
    assert figure.coverage == Decimal("1.000")
    assert figure.status == Status.ON_TRACK


def test_missing_data_is_left_out_of_progress_and_lowers_coverage(agreement, accept):
    accept(sesto_commitment(agreement), 40)
    sesto_commitment(agreement)  # no report: missing, not zero
    figure = figure_of(agreement)
    assert figure.progress == Decimal("40.0")
    assert figure.coverage == Decimal("0.500")
    assert figure.counts == {Status.ON_TRACK: 1, Status.MISSING: 1}
    assert figure.status == Status.ON_TRACK  # half the weight is the minimum, still enough


def test_coverage_under_half_the_weight_makes_the_group_missing(agreement, accept):
    assert Decimal("0.5") == COVERAGE_MINIMUM
    accept(sesto_commitment(agreement), 40)
    sesto_commitment(agreement)
    sesto_commitment(agreement)
    figure = figure_of(agreement)
    assert figure.coverage == Decimal("0.333")
    assert figure.progress == Decimal("40.0")
    assert figure.status == Status.MISSING


def test_a_report_waiting_for_review_does_not_count(agreement, people):
    c = sesto_commitment(agreement)
    build.report(c, 80, REPORTED, by=people.partner_sesto)
    figure = figure_of(agreement)
    assert figure.progress is None
    assert figure.status == Status.MISSING


# Group status


def test_late_weight_over_a_quarter_of_the_judged_weight_makes_the_group_late(agreement, accept):
    assert Decimal("0.25") == TROUBLE_SHARE
    accept(sesto_commitment(agreement, weight=3), 50)
    sesto_commitment(agreement, weight=1, due_on=D(2024, 6, 30))  # late without any report
    figure = figure_of(agreement)
    assert figure.weights == {Status.ON_TRACK: 3, Status.LATE: 1}
    assert figure.status == Status.ON_TRACK  # 1 of 4 is exactly a quarter: not over it

    sesto_commitment(agreement, weight=1, due_on=D(2024, 6, 30))
    assert figure_of(agreement).status == Status.LATE  # 2 of 5


def test_late_and_at_risk_weight_over_a_quarter_makes_the_group_at_risk(agreement, accept):
    accept(sesto_commitment(agreement, weight=2), 50)
    accept(sesto_commitment(agreement, weight=1), 50, assessment="at_risk")
    figure = figure_of(agreement)
    assert figure.weights == {Status.ON_TRACK: 2, Status.AT_RISK: 1}
    assert figure.status == Status.AT_RISK  # 1 of 3 at risk, none late


def test_a_late_commitment_with_an_at_risk_one_adds_up_to_at_risk(agreement, accept):
    accept(sesto_commitment(agreement, weight=7), 50)
    accept(sesto_commitment(agreement, weight=1), 50, assessment="at_risk")
    sesto_commitment(agreement, weight=1, due_on=D(2024, 6, 30))
    figure = figure_of(agreement)
    assert figure.status == Status.ON_TRACK  # 2 of 9 late or at risk
    accept(sesto_commitment(agreement, weight=1), 50, assessment="at_risk")
    assert figure_of(agreement).status == Status.AT_RISK  # 3 of 10, only 1 of them late


def test_the_group_is_done_when_every_commitment_is_done(agreement, accept):
    accept(sesto_commitment(agreement), 100)
    completed = sesto_commitment(agreement, status=CommitmentStatus.DONE)  # marked by the office
    figure = figure_of(agreement)
    assert figure.counts == {Status.DONE: 2}
    assert figure.status == Status.DONE
    assert figure.progress == Decimal("100.0")  # the completed one has no report: no data
    assert completed.pk


def test_one_commitment_not_done_keeps_the_group_open(agreement, accept):
    accept(sesto_commitment(agreement), 100)
    accept(sesto_commitment(agreement), 90)
    assert figure_of(agreement).status == Status.ON_TRACK


def test_nothing_started_is_not_started(agreement, accept):
    accept(sesto_commitment(agreement), 0)
    accept(sesto_commitment(agreement, weight=2), 0)
    assert figure_of(agreement).status == Status.NOT_STARTED


def test_cancelled_commitments_weigh_nothing(agreement, accept):
    accept(sesto_commitment(agreement), 50)
    sesto_commitment(agreement, weight=9, status=CommitmentStatus.CANCELLED)
    assert figure_of(agreement).total_weight == 1


# As of a date


def test_figures_as_of_a_day_use_the_reports_accepted_for_then(agreement, accept):
    c = sesto_commitment(agreement, due_on=D(2025, 1, 1))
    accept(c, 30, on=D(2024, 3, 1))
    accept(c, 100, on=D(2024, 10, 1))
    assert rollup.overall(D(2024, 2, 1)).status == Status.MISSING
    assert rollup.overall(D(2024, 5, 1)).progress == Decimal("30.0")
    assert rollup.overall(D(2024, 10, 1)).status == Status.DONE


def test_overall_counts_every_agreement_once(agreement, accept):
    other = build.agreement_with(build.sesto())
    accept(sesto_commitment(agreement), 20)
    accept(sesto_commitment(other, weight=3), 60)
    figure = rollup.overall(AS_OF)
    assert (figure.count, figure.total_weight, figure.progress) == (2, 4, Decimal("50.0"))


# The plan tree


@pytest.fixture
def tree():
    return data.plan_tree()


def test_a_commitment_linked_to_two_children_counts_once_above_them(tree, agreement, accept):
    plan, items = tree
    c = sesto_commitment(agreement, weight=2)
    accept(c, 50)
    data.link(items["M1.1"], agreement, c)
    data.link(items["M1.2"], agreement, c)
    figures = rollup.by_plan_item(plan, AS_OF)
    for code in ("M1.1", "M1.2", "M1"):
        assert figures[items[code].path].count == 1, code
        assert figures[items[code].path].total_weight == 2, code
    assert figures[""].count == 1  # the whole plan


def test_an_agreement_link_counts_all_its_commitments(tree, agreement, accept):
    plan, items = tree
    accept(sesto_commitment(agreement), 40)
    accept(sesto_commitment(agreement, weight=3), 80)
    data.link(items["M1.2"], agreement)
    figures = rollup.by_plan_item(plan, AS_OF)
    assert figures[items["M1.2"].path].count == 2
    assert figures[items["M1.2"].path].progress == Decimal("70.0")  # (40 + 240) / 4
    assert items["M1.1"].path not in figures  # nothing below M1.1
    assert figures[items["M1"].path].count == 2


def test_an_agreement_link_and_a_commitment_link_add_up_without_doubles(tree, agreement, accept):
    plan, items = tree
    first = sesto_commitment(agreement)
    sesto_commitment(agreement)
    accept(first, 10)
    data.link(items["M1.1"], agreement, first)
    data.link(items["M1.2"], agreement)
    figures = rollup.by_plan_item(plan, AS_OF)
    assert figures[items["M1.1"].path].count == 1
    assert figures[items["M1.2"].path].count == 2
    assert figures[items["M1"].path].count == 2


def test_only_the_plans_own_links_count(tree, agreement, accept):
    plan, _items = tree
    other_plan, other_items = data.plan_tree()
    accept(sesto_commitment(agreement), 40)
    data.link(other_items["M1.1"], agreement)
    assert rollup.by_plan_item(plan, AS_OF) == {}
    assert rollup.by_plan_item(other_plan, AS_OF)[""].count == 1


# Zone, theme, party


COLOGNO = "015081"  # Cologno Monzese: Nord Milano until 2017-02-22, then Adda Martesana


def test_an_agreement_on_a_comune_counts_for_its_zone_on_the_day():
    agreement = build.agreement_with(
        build.sesto(), areas=[data.comune(COLOGNO)], effective_from=D(2016, 1, 1)
    )
    sesto_commitment(agreement)
    nord, adda = data.zone("nord-milano"), data.zone("adda-martesana")

    before = rollup.by_zone(D(2017, 2, 21))
    assert before[nord.pk].count == 1
    assert adda.pk not in before

    after = rollup.by_zone(D(2017, 2, 22))
    assert after[adda.pk].count == 1
    assert nord.pk not in after


def test_an_agreement_on_a_zone_counts_for_it_and_once_with_its_comuni(accept):
    adda = data.zone("adda-martesana")
    agreement = build.agreement_with(build.sesto(), areas=[adda, data.comune(COLOGNO)])
    accept(sesto_commitment(agreement, weight=2), 50)
    figures = rollup.by_zone(AS_OF)
    assert list(figures) == [adda.pk]
    assert (figures[adda.pk].count, figures[adda.pk].total_weight) == (1, 2)


def test_an_agreement_with_two_themes_counts_for_each(accept):
    mobility, environment, unused = data.theme(), data.theme(), data.theme()
    agreement = build.agreement_with(build.sesto(), themes=[mobility, environment])
    accept(sesto_commitment(agreement, weight=3), 40)
    figures = rollup.by_theme(AS_OF)
    assert set(figures) == {mobility.pk, environment.pk}
    assert figures[mobility.pk].progress == figures[environment.pk].progress == Decimal("40.0")
    assert unused.pk not in figures


def test_each_party_answers_for_its_own_commitments(people, accept):
    sesto, rho = build.sesto(), build.rho()
    agreement = build.agreement_with(sesto, rho)
    accept(sesto_commitment(agreement, weight=2), 50)
    rhos = build.commitment(agreement, rho, due_on=D(2024, 6, 30))
    figures = rollup.by_party(AS_OF)
    assert figures[sesto.pk].status == Status.ON_TRACK
    assert figures[sesto.pk].progress == Decimal("50.0")
    assert figures[rho.pk].counts == {Status.LATE: 1}
    assert figures[rho.pk].status == Status.MISSING  # no data at all for Rho
    assert rhos.pk


# Public figures: only public agreements


@pytest.fixture
def public_and_private(tree, accept):
    """The same data twice: in a public agreement and in one not public."""
    plan, items = tree
    mobility = data.theme()
    cologno = data.comune(COLOGNO)
    made = {}
    for is_public, percent in ((True, 20), (False, 80)):
        agreement = build.agreement_with(
            build.sesto(), themes=[mobility], areas=[cologno], is_public=is_public
        )
        accept(sesto_commitment(agreement), percent)
        data.link(items["M1.1"], agreement)
        made[is_public] = agreement
    return plan, items, mobility, made


def test_public_figures_leave_out_agreements_that_are_not_public(public_and_private):
    plan, items, mobility, made = public_and_private
    adda = data.zone("adda-martesana").pk
    assert rollup.overall(AS_OF).count == 2
    assert public.overall(AS_OF).count == 1
    assert public.overall(AS_OF).progress == Decimal("20.0")
    assert public.by_zone(AS_OF)[adda].count == 1
    assert public.by_theme(AS_OF)[mobility.pk].count == 1
    assert public.by_party(AS_OF)[build.sesto().pk].count == 1
    assert public.by_plan_item(plan, AS_OF)[items["M1"].path].count == 1
    assert public.by_plan(AS_OF)[plan.pk].count == 1
    assert set(public.by_agreement(AS_OF)) == {made[True].pk}


def test_public_figures_equal_the_full_ones_when_everything_is_public(tree, agreement, accept):
    plan, items = tree
    accept(sesto_commitment(agreement), 20)
    sesto_commitment(agreement, weight=2, due_on=D(2024, 6, 1))
    data.link(items["M1.2"], agreement)
    assert public.overall(AS_OF) == rollup.overall(AS_OF)
    assert public.by_plan_item(plan, AS_OF) == rollup.by_plan_item(plan, AS_OF)
    assert public.by_party(AS_OF) == rollup.by_party(AS_OF)


def test_the_figure_of_each_plan_is_its_whole_tree_figure(tree, agreement, accept):
    plan, items = tree
    other_plan, other_items = data.plan_tree()
    first, second = sesto_commitment(agreement), sesto_commitment(agreement, weight=3)
    accept(first, 40)
    data.link(items["M1.1"], agreement, first)
    data.link(items["M1.2"], agreement)  # first again, and second
    data.link(other_items["M1.1"], agreement, second)
    by_plan = public.by_plan(AS_OF)
    assert by_plan[plan.pk] == public.by_plan_item(plan, AS_OF)[""]
    assert by_plan[plan.pk].count == 2
    assert by_plan[other_plan.pk] == public.by_plan_item(other_plan, AS_OF)[""]
    assert by_plan[other_plan.pk].count == 1


def test_the_open_data_rows_list_public_commitments_with_their_status(public_and_private):
    _plan, _items, _theme, made = public_and_private
    rows = list(public.commitment_rows(AS_OF))
    assert len(rows) == 1
    commitment_id, code, responsible, weight, percent, reported_on, status, due_on = rows[0]
    assert code == made[True].code
    assert responsible == build.sesto().name
    assert (weight, percent, reported_on, status, due_on) == (1, 20, REPORTED, "on_track", FAR)
    assert commitment_id == made[True].commitments.get().pk
