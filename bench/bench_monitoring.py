"""Benchmark: the monitoring roll-ups and the plan office's alerts at the scale of a decade.

Run with `DATABASE_URL=postgres://… .venv/bin/python bench/bench_monitoring.py [repeat]`
(PostgreSQL is the target; the database is FLUSHED first, so give it a scratch one). Without
DATABASE_URL it uses its own SQLite file (var/bench-monitoring.sqlite3), slowly.

Builds, in bulk (COPY on PostgreSQL):
  10,000 agreements (testing.agreements.bulk), with themes and Comuni or zones;
  100,000 commitments (10 per agreement, weights 1-3, due dates 2024-2028);
  300,000 progress reports (3 per commitment, 90 % accepted);
  20,000 indicators with 2 targets each, 1,000,000 measurements (50 per indicator);
  a plan of 1,010 items on three levels, 10,000 agreement links and 10,000 commitment links;
  one open round over the whole plan, closing in a week.
Then prints the median time of `repeat` runs (3 by default) of each roll-up and alert, and of
the reserved area's home page for the plan office. Target: under 1 s for each roll-up.
"""

import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-monitoring.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intese.settings")
os.environ.setdefault("INTESE_TESTING", "true")
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import fresh_database, timed  # noqa: E402

AS_OF = datetime.date(2026, 11, 28)
SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.01 for a quick trial run
AGREEMENTS = int(10_000 * SCALE)
COMMITMENTS_PER_AGREEMENT = 10
REPORT_DAYS = [datetime.date(2024, 12, 31), datetime.date(2025, 6, 30), datetime.date(2025, 12, 31)]
INDICATORS_PER_AGREEMENT = 2
MEASUREMENTS_PER_INDICATOR = 50
random_ = random.Random(2026)  # noqa: S311 (reproducible data, not secrets)


# Bulk writing: COPY on PostgreSQL, bulk_create elsewhere; omitted fields take their defaults.


def _defaults(model):
    now = timezone.now()
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values[f.attname] = now
        else:
            values[f.attname] = f.get_default()
    return values


def write(model, rows) -> int:
    """Write rows (dicts by attname) into the model's table; returns how many."""
    defaults = _defaults(model)
    names = list(defaults)
    count = 0
    if connection.vendor == "postgresql":
        column = {f.attname: f.column for f in model._meta.concrete_fields}
        columns = ", ".join(column[n] for n in names)
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(n, defaults[n]) for n in names])
                count += 1
        return count
    batch = []
    for row in rows:
        batch.append(model(**{**defaults, **row}))
        if len(batch) == 5000:
            count += len(model.objects.bulk_create(batch))
            batch = []
    return count + len(model.objects.bulk_create(batch))


# The data


def build_agreements():
    from intese.agreements.models import Agreement, Theme
    from intese.territory.models import Area
    from intese.testing import agreements as build

    build.bulk(AGREEMENTS, prefix="MONIT")
    ids = list(Agreement.objects.filter(code__startswith="MONIT").values_list("pk", flat=True))
    lifecycle = {"revoked": [], "in_progress": [], "signed": [], "proposed": []}
    for pk in ids:  # statuses spread over the registry
        status = (
            "revoked"
            if pk % 50 == 0
            else "in_progress"
            if pk % 10 < 7
            else "signed"
            if pk % 10 < 9
            else "proposed"
        )
        lifecycle[status].append(pk)
    for status, pks in lifecycle.items():
        Agreement.objects.filter(pk__in=pks).update(
            status=status, effective_from=datetime.date(2024, 1, 1)
        )
    themes = [
        Theme.objects.get_or_create(code=f"tema-{n}", defaults={"name": f"Tema {n}"})[0]
        for n in range(30)
    ]
    through = Agreement.themes.through
    write(
        through,
        (
            {"agreement_id": pk, "theme_id": themes[(pk + k * 7) % 30].pk}
            for pk in ids
            for k in range(1 + pk % 2)
        ),
    )
    municipalities = list(Area.objects.filter(kind="municipality").values_list("pk", flat=True))
    zones = list(Area.objects.filter(kind="zone").values_list("pk", flat=True))
    areas = Agreement.areas.through

    def scope(pk):
        if pk % 5 == 0:
            return {zones[pk % len(zones)]}
        return {municipalities[(pk * k) % len(municipalities)] for k in (1, 3, 7)[: 1 + pk % 3]}

    write(areas, ({"agreement_id": pk, "area_id": a} for pk in ids for a in scope(pk)))
    return ids


def build_commitments(agreement_ids, organisations):
    from intese.agreements.models import Commitment

    def rows():
        for pk in agreement_ids:
            for k in range(COMMITMENTS_PER_AGREEMENT):
                r = random_.random()
                status = (
                    "done"
                    if r < 0.05
                    else "cancelled"
                    if r < 0.07
                    else "in_progress"
                    if r < 0.7
                    else "planned"
                )
                yield {
                    "agreement_id": pk,
                    "title": f"Impegno {pk}-{k}",
                    "responsible_id": organisations[(pk * 11 + k) % len(organisations)],
                    "starts_on": datetime.date(2024, 1, 1) if k % 2 else None,
                    "due_on": datetime.date(2024, 6, 30)
                    + datetime.timedelta(days=random_.randrange(1500)),
                    "weight": 1 + k % 3,
                    "status": status,
                }

    write(Commitment, rows())
    return list(
        Commitment.objects.filter(agreement__code__startswith="MONIT").values_list(
            "pk", "responsible_id"
        )
    )


def _review():
    r = random_.random()
    return "accepted" if r < 0.9 else "submitted" if r < 0.97 else "sent_back"


def build_reports(commitments, user_id, reviewer_id):
    from intese.monitoring.models import ProgressReport

    now = timezone.now()

    def rows():
        for pk, responsible in commitments:
            percent = 0
            for day in REPORT_DAYS:
                percent = min(100, percent + random_.randrange(0, 45))
                review = _review()
                assessment = (
                    "done"
                    if percent == 100
                    else "at_risk"
                    if random_.random() < 0.1
                    else "on_track"
                )
                yield {
                    "commitment_id": pk,
                    "organisation_id": responsible,
                    "reported_on": day,
                    "percent": percent,
                    "self_assessment": assessment,
                    "narrative": "Avanzamento secondo il cronoprogramma.",
                    "submitted_by_id": user_id,
                    "submitted_at": now,
                    "review_status": review,
                    "reviewed_by_id": reviewer_id if review != "submitted" else None,
                    "reviewed_at": now if review != "submitted" else None,
                }

    return write(ProgressReport, rows())


def build_indicators(agreement_ids, commitments, organisations):
    from intese.monitoring.models import Indicator, Target

    def rows():
        for n, pk in enumerate(agreement_ids):
            for k in range(INDICATORS_PER_AGREEMENT):
                subject = (
                    {"agreement_id": pk}
                    if k == 0
                    else {"commitment_id": commitments[n * COMMITMENTS_PER_AGREEMENT][0]}
                )
                yield {
                    "code": f"MI-{n:05d}-{k}",
                    "name": f"Indicatore {n}-{k}",
                    "unit": "%",
                    "direction": "increase",
                    "baseline_value": Decimal(0),
                    "baseline_on": datetime.date(2024, 1, 1),
                    "tolerance": Decimal(0),
                    "source": "Rilevazione del partner",
                    "periodicity": "monthly",
                    "owner_id": organisations[(n + k) % len(organisations)],
                    "weight": 1,
                    **subject,
                }

    write(Indicator, rows())
    ids = list(Indicator.objects.filter(code__startswith="MI-").values_list("pk", flat=True))
    write(
        Target,
        (
            {"indicator_id": pk, "due_on": day, "value": Decimal(value)}
            for pk in ids
            for day, value in (
                (datetime.date(2025, 12, 31), 50),
                (datetime.date(2027, 12, 31), 100),
            )
        ),
    )
    return list(Indicator.objects.filter(pk__in=ids).values_list("pk", "owner_id"))


def build_measurements(indicators, user_id, reviewer_id):
    from intese.monitoring.models import Measurement

    now = timezone.now()
    start = datetime.date(2024, 1, 15)

    def rows():
        for pk, owner in indicators:
            pace = random_.uniform(0.6, 1.3)  # some ahead, some behind the straight line
            for k in range(MEASUREMENTS_PER_INDICATOR):
                day = start + datetime.timedelta(days=20 * k)
                review = _review()
                value = min(100, round((day - datetime.date(2024, 1, 1)).days / 1461 * 100 * pace))
                yield {
                    "indicator_id": pk,
                    "organisation_id": owner,
                    "measured_on": day,
                    "value": Decimal(value),
                    "submitted_by_id": user_id,
                    "submitted_at": now,
                    "review_status": review,
                    "reviewed_by_id": reviewer_id if review != "submitted" else None,
                    "reviewed_at": now if review != "submitted" else None,
                }

    return write(Measurement, rows())


def build_plan(agreement_ids, commitments):
    from intese.agreements.models import PlanLink
    from intese.testing.plans import bulk_tree, scale_plan

    plan = scale_plan("PIANO-MONITORAGGIO")
    leaves = bulk_tree(plan, items=1010, tops=10)
    middle = list(plan.items.filter(depth=1).order_by("path"))
    links = [
        {"agreement_id": pk, "plan_item_id": leaves[n % len(leaves)].pk, "motivation": "Coerente."}
        for n, pk in enumerate(agreement_ids)
    ]
    links += [  # one commitment in ten linked on its own, to an objective
        {
            "agreement_id": agreement_ids[n // COMMITMENTS_PER_AGREEMENT],
            "commitment_id": pk,
            "plan_item_id": middle[n % len(middle)].pk,
            "motivation": "Coerente.",
        }
        for n, (pk, _r) in enumerate(commitments)
        if n % 10 == 3
    ]
    write(PlanLink, links)
    return plan, plan.items.count(), len(links)


def open_round(plan, by):
    from intese.monitoring import rounds

    round = rounds.round_create(
        by=by,
        title="Ciclo di misura",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        opens_on=datetime.date(2026, 11, 1),
        closes_on=AS_OF + datetime.timedelta(days=7),
        plan=plan,
    )
    return rounds.round_open(round, by=by)


# The measures


def median_time(function, repeat):
    durations, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations), result


def size(result):
    if isinstance(result, dict):
        return f"{len(result)} groups"
    if hasattr(result, "count") and hasattr(result, "items"):
        return f"{result.count} alerts"
    if isinstance(result, list):
        return f"{sum(a.count for a in result)} alerts"
    return f"{getattr(result, 'count', '')} commitments"


def measure(plan, repeat):
    from intese.monitoring import alerts, rollup

    cases = [
        ("rollup.overall", lambda: rollup.overall(AS_OF)),
        ("rollup.by_agreement", lambda: rollup.by_agreement(AS_OF)),
        ("rollup.by_plan_item", lambda: rollup.by_plan_item(plan, AS_OF)),
        ("rollup.by_zone", lambda: rollup.by_zone(AS_OF)),
        ("rollup.by_theme", lambda: rollup.by_theme(AS_OF)),
        ("rollup.by_party", lambda: rollup.by_party(AS_OF)),
        ("alerts.overdue_commitments", lambda: alerts.overdue_commitments(AS_OF)),
        ("alerts.expiring_agreements", lambda: alerts.expiring_agreements(AS_OF)),
        ("alerts.rounds_closing (1 open round, whole plan)", lambda: alerts.rounds_closing(AS_OF)),
        ("alerts.indicators_off_target", lambda: alerts.indicators_off_target(AS_OF)),
        ("alerts.all_alerts", lambda: alerts.all_alerts(AS_OF)),
    ]
    print(f"\n{'query':<52} {'median':>10}  result")
    for label, function in cases:
        seconds, result = median_time(function, repeat)
        flag = "" if seconds < 1 else "  > 1 s"
        print(f"{label:<52} {seconds * 1000:8.0f} ms  {size(result)}{flag}", flush=True)


def measure_home(user, repeat):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    durations, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(reverse("backoffice:home"))
            durations.append(time.perf_counter() - start)
        assert response.status_code == 200
        queries = len(captured)
    print(
        f"{'page: reserved area home (plan editor)':<52} "
        f"{statistics.median(durations) * 1000:8.0f} ms  {queries} queries"
    )


def build(people):
    from intese.actors.models import Organisation

    organisations = (
        list(Organisation.objects.filter(kind="municipality").values_list("pk", flat=True))[:120]
        + list(Organisation.objects.exclude(kind="municipality").values_list("pk", flat=True))[:80]
    )
    agreements = timed(f"{AGREEMENTS:,} agreements, themes, areas", build_agreements)
    commitments = timed(
        f"{len(agreements) * COMMITMENTS_PER_AGREEMENT:,} commitments",
        build_commitments,
        agreements,
        organisations,
    )
    timed(
        "progress reports",
        build_reports,
        commitments,
        people.partner_sesto.pk,
        people.plan_editor.pk,
    )
    indicators = timed(
        "indicators and targets", build_indicators, agreements, commitments, organisations
    )
    timed(
        "measurements",
        build_measurements,
        indicators,
        people.partner_sesto.pk,
        people.plan_editor.pk,
    )
    plan, _items, _links = timed("plan, items and links", build_plan, agreements, commitments)
    timed("one open round over the plan", open_round, plan, people.plan_editor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            timed("ANALYZE", cursor.execute, "ANALYZE")
    return plan


def sizes():
    from intese.agreements.models import Agreement, Commitment, PlanLink
    from intese.monitoring.models import Indicator, Measurement, ProgressReport, Target
    from intese.plans.models import PlanItem

    counted = [
        (Agreement, "agreements"),
        (Commitment, "commitments"),
        (ProgressReport, "progress reports"),
        (Indicator, "indicators"),
        (Target, "targets"),
        (Measurement, "measurements"),
        (PlanItem, "plan items"),
        (PlanLink, "plan links"),
    ]
    print("sizes: " + ", ".join(f"{m.objects.count():,} {label}" for m, label in counted))


def main():
    """`bench_monitoring.py [repeat] [--reuse]`: --reuse measures the data already built (after
    applying any new migration)."""
    from intese.plans.models import Plan
    from intese.testing import personas

    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeat = int(arguments[0]) if arguments else 3
    print(f"database: {connection.vendor}, {os.cpu_count()} CPU, median of {repeat} runs")
    if "--reuse" in sys.argv:
        call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        people = personas.create_all()
        plan = Plan.objects.get(code="PIANO-MONITORAGGIO")
    else:
        timed("fresh database with the reference data of Milan", fresh_database)
        people = personas.create_all()
        plan = build(people)
    sizes()
    measure(plan, repeat)
    measure_home(people.plan_editor, repeat)


if __name__ == "__main__":
    main()
