"""Benchmarks: reference-data loads and public pages, with the real data and with 40x more.

Run with `make bench`. Uses its own SQLite file (var/bench.sqlite3) or DATABASE_URL if set.
Prints timings (median of repeated runs) and SQL query counts; nothing here is asserted:
targets are read by people, query-count contracts live in the test suite.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intese.settings")
os.environ.setdefault("INTESE_TESTING", "true")
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.common import timed  # noqa: E402

PAGES = [
    "/",
    "/territorio/",
    "/territorio/mappa.geojson",
    "/territorio/zone/adda-martesana/",
    "/territorio/comuni/015146/",
    "/soggetti/?q=comune",
    "/open-data/comuni.csv",
]


def measure_pages(client, repeat=15):
    for url in PAGES:
        durations, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                durations.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        print(f"  {url:<50} {statistics.median(durations):7.1f} ms  {queries:3d} queries")


def grow(municipalities, organisations):
    from intese.territory.models import Area
    from intese.testing.factories import (
        MunicipalityFactory,
        OrganisationFactory,
        ZoneMembershipFactory,
    )

    metro = Area.objects.get(kind="metropolitan_city", code="015")
    zone = Area.objects.get(kind="zone", code="adda-martesana")
    comuni = MunicipalityFactory.create_batch(municipalities, parent=metro)
    for comune in comuni:
        ZoneMembershipFactory(zone=zone, municipality=comune)
    OrganisationFactory.create_batch(organisations)


def measure_registry():
    """The registry's list and page with 10,000 agreements (two parties each), as an editor."""
    from intese.testing import agreements as build
    from intese.testing import personas

    people = personas.create_all()
    client = Client()
    client.force_login(people.plan_editor)
    timed("registry: +10,000 agreements with 2 parties each", build.bulk, 10_000)
    urls = [
        "/area-riservata/intese/",
        "/area-riservata/intese/?q=esempio&stato=proposed",
        "/area-riservata/intese/MASSA-000007/",
    ]
    for url in urls:
        durations, queries = [], 0
        for _ in range(15):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                durations.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        print(f"  {url:<50} {statistics.median(durations):7.1f} ms  {queries:3d} queries")


def main():
    setup_test_environment()
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    quiet = open(os.devnull, "w")  # noqa: SIM115
    print(f"database: {connection.vendor}")
    timed(
        "refdata load --province MI (133 Comuni)",
        call_command,
        "refdata",
        "load",
        "--province",
        "MI",
        stdout=quiet,
    )
    timed(
        "refdata load --province MI again (no change)",
        call_command,
        "refdata",
        "load",
        "--province",
        "MI",
        stdout=quiet,
    )
    timed(
        "refdata variations",
        call_command,
        "refdata",
        "variations",
        str(ROOT / "data/comuni_variazioni.csv"),
        stdout=quiet,
    )
    timed(
        "refdata zones (7 zones, 135 memberships)",
        call_command,
        "refdata",
        "zones",
        str(ROOT / "data/zone_omogenee.csv"),
        "--changes",
        str(ROOT / "data/zone_omogenee_changes.csv"),
        "--since",
        "2015-09-17",
        stdout=quiet,
    )
    call_command(
        "refdata", "organisations", str(ROOT / "data/organisations_reference.csv"), stdout=quiet
    )
    timed(
        "refdata load --province RM (121 Comuni)",
        call_command,
        "refdata",
        "load",
        "--province",
        "RM",
        stdout=quiet,
    )
    client = Client()
    print("public pages, real data (133 Comuni, ~260 organisations):")
    measure_pages(client)
    timed("grow: +5,000 Comuni in one zone, +10,000 organisations", grow, 5000, 10000)
    print("public pages, grown data (5,133 Comuni, ~10,260 organisations):")
    measure_pages(client)
    measure_registry()


if __name__ == "__main__":
    main()
