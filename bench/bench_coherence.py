"""Benchmark: the coherence matrix and the gap reports with 5,000 plan items and 10,000
agreements (each linked to one item, one in four also through a commitment).

Run with `.venv/bin/python bench/bench_coherence.py [items] [agreements]`. Uses its own SQLite
file (var/bench-coherence.sqlite3) or DATABASE_URL if set. Prints the median time and the
SQL queries of each selector and page; nothing is asserted here (the query-count contracts
live in plans/tests/test_coherence.py and backoffice/tests/test_coherence_views.py).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-coherence.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intese.settings")
os.environ.setdefault("INTESE_TESTING", "true")
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.common import fresh_database, timed  # noqa: E402


def build(items: int, agreements: int):
    """The plan, the registry and a DUP of 300 operational objectives, a third with no item."""
    from intese.plans import dup
    from intese.plans.models import BudgetProgramme, OperationalObjective
    from intese.testing.plans import grow, make_plan

    plan = make_plan("bench")
    grow(plan, items=items, agreements=agreements, prefix="BENCH")
    document = dup.document_create(
        by=None, code="dup-bench", title="DUP", first_year=2025, last_year=2027, plan=plan
    )
    programmes = list(BudgetProgramme.objects.all())
    objectives = OperationalObjective.objects.bulk_create(
        OperationalObjective(
            document=document,
            year=2025 + n % 3,
            code=f"OO{n}",
            title=f"Obiettivo {n}",
            programme=programmes[n % len(programmes)],
        )
        for n in range(300)
    )
    leaves = list(plan.items.filter(depth=2).values_list("pk", flat=True)[:300])
    Implements = OperationalObjective.plan_items.through
    Implements.objects.bulk_create(
        Implements(operationalobjective=o, planitem_id=leaves[n])
        for n, o in enumerate(objectives)
        if n % 3
    )
    return plan, document


def measure(label, function, repeat=5):
    durations, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            durations.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    print(f"  {label:<62} {statistics.median(durations):8.1f} ms {queries:3d} queries", flush=True)


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    agreements = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    setup_test_environment()
    from intese.actors.models import Organisation
    from intese.agreements.models import Agreement, PlanLink, Theme
    from intese.plans import coherence
    from intese.territory.models import Area
    from intese.testing import personas

    print(f"database: {connection.vendor}, {os.cpu_count()} CPU")
    timed("fresh database with the reference data of Milan", fresh_database)
    plan, document = timed(
        f"build: {items:,} plan items, {agreements:,} agreements, links, DUP",
        build,
        items,
        agreements,
    )
    print(
        f"  items {plan.items.count():,}, agreements {Agreement.objects.count():,}, "
        f"links {PlanLink.objects.count():,}"
    )
    metro = Area.objects.get(kind="metropolitan_city", code="015")
    filters = {
        "theme": Theme.objects.get(code="mobilita"),
        "zone": Area.objects.get(kind="zone", code="nord-milano"),
        "party": Organisation.objects.get(ipa_code="c_f205"),
    }
    print("selectors (median of 5):")
    measure("coherence_matrix(plan)", lambda: coherence.coherence_matrix(plan))
    measure(
        "coherence_matrix(plan, theme, zone, party)",
        lambda: coherence.coherence_matrix(plan, **filters),
    )
    measure("items_without_agreements(plan)", lambda: coherence.items_without_agreements(plan))
    measure(
        "agreements_without_plan_items(plan)",
        lambda: list(coherence.agreements_without_plan_items(plan)),
    )
    measure(
        "agreements_without_plan_items() (any plan)",
        lambda: list(coherence.agreements_without_plan_items()),
    )
    measure("zones_without_theme(area)", lambda: coherence.zones_without_theme(metro))
    measure(
        "operational_objectives_without_plan_items(document)",
        lambda: list(coherence.operational_objectives_without_plan_items(document)),
    )

    people = personas.create_all()
    client = Client()
    client.force_login(people.plan_editor)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    base = "/area-riservata/dup/coerenza/"
    print("pages and downloads, as a plan-office editor (median of 5):")
    for url in [
        f"{base}?piano=bench",
        f"{base}?piano=bench&tema=mobilita&zona=nord-milano",
        f"{base}?piano=bench&righe=50&colonne=500",
        f"{base}matrice.csv?piano=bench",
        f"{base}lacune/?piano=bench&dup=dup-bench",
        f"{base}lacune/voci-senza-intese.csv?piano=bench",
        f"{base}lacune/intese-senza-voci.csv?piano=bench",
        f"{base}lacune/zone-senza-temi.csv",
        f"{base}lacune/obiettivi-senza-voci.csv?dup=dup-bench",
        "/area-riservata/dup/documenti/dup-bench/",
    ]:
        measure(url.removeprefix("/area-riservata"), lambda url=url: get(url))


if __name__ == "__main__":
    main()
