"""Benchmark: the plan explorer and the tree editor with 5,000 items and 10,000 agreements.

Run with `.venv/bin/python bench/bench_plans.py [repeat]`. Uses its own SQLite file
(var/bench-plans.sqlite3) or DATABASE_URL if set. Builds a three-level plan of 5,000 items,
10,000 agreements (one in five private, two parties each) and 20,000 links to the plan, then
prints the median time and the SQL queries of each page and the time of the tree selector
(`plans.selectors.plan_tree`) alone.

Pages are rendered without Django's test instrumentation (which copies the context of every
rendered template), as in production.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-plans.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intese.settings")
os.environ.setdefault("INTESE_TESTING", "true")
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import fresh_database, timed  # noqa: E402


def measure(client, label, url, repeat):
    durations, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    size = len(response.content) / 1024
    print(
        f"  {label:<28} {statistics.median(durations):9.1f} ms  {queries:3d} queries"
        f"  {size:7.0f} KiB  {url}",
        flush=True,
    )


def time_selector(plan, repeat):
    from intese.plans import selectors

    for public_only in (True, False):
        durations = []
        for _ in range(repeat):
            start = time.perf_counter()
            list(selectors.plan_tree(plan, public_only=public_only))
            durations.append(time.perf_counter() - start)
        print(
            f"  plan_tree public_only={public_only!s:<5} "
            f"{statistics.median(durations) * 1000:9.1f} ms",
            flush=True,
        )


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from intese.plans.models import PlanItem
    from intese.testing import personas
    from intese.testing.plans import grow_plan, scale_plan

    print(f"database: {connection.vendor}, {os.cpu_count()} CPU, median of {repeat} runs")
    timed("fresh database with the reference data of Milan", fresh_database)
    plan = scale_plan()
    timed("5,000 items, 10,000 agreements, 20,000 links (bulk)", grow_plan, plan)
    item = PlanItem.objects.get(plan=plan, code="M1.1")
    anonymous, editor = Client(), Client()
    editor.force_login(personas.create_all().plan_editor)
    explorer = plan.get_absolute_url()
    print("public pages:")
    measure(anonymous, "explorer", explorer, repeat)
    measure(anonymous, "explorer, one tag", explorer + "?etichetta=sdg:sdg-1", repeat)
    measure(
        anonymous,
        "item (an objective)",
        reverse("portal:plan_item", args=[plan.code, item.pk]),
        repeat,
    )
    measure(anonymous, "plans", reverse("portal:plans"), repeat)
    print("reserved area (plan editor):")
    measure(editor, "tree editor", reverse("backoffice:plan", args=[plan.code]), repeat)
    print("tree selector alone:")
    time_selector(plan, repeat)


if __name__ == "__main__":
    main()
