"""Benchmark: import 10,000 agreements (2 parties each) from an XLSX on a fresh database.

Run with `.venv/bin/python bench/bench_import.py [agreements]`. Uses its own SQLite file
(var/bench-import.sqlite3) or DATABASE_URL if set. Prints timings; asserts only that the
import succeeded and that importing the same file again changes nothing.
"""

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intese.settings")
os.environ.setdefault("INTESE_TESTING", "true")
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.common import fresh_database, timed  # noqa: E402

KINDS = ["accordo_pa_art15", "convenzione_art30", "protocollo_intesa", "patto", "progetto_iti"]


def workbook(agreements: int) -> io.BytesIO:
    """A file as an office would fill it: the import format, written with openpyxl."""
    from intese.actors.models import Organisation
    from intese.agreements.models import Theme
    from intese.agreements.spreadsheets import AGREEMENTS, PARTIES
    from intese.territory.models import Area

    for code in ("mobilita", "ambiente", "lavoro"):
        Theme.objects.get_or_create(code=code, defaults={"name": code.title()})
    comuni = list(
        Organisation.objects.filter(kind="municipality", area__valid_to__isnull=True)
        .select_related("area")
        .order_by("name")
    )
    zones = list(Area.objects.zones().values_list("code", flat=True))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(AGREEMENTS.name)
    sheet.append(AGREEMENTS.headers)
    for i in range(agreements):
        comune = comuni[i % len(comuni)]
        # every tenth agreement is framed by one further down the file
        parent = f"B-{i + 5:05d}" if i % 10 == 0 and i + 5 < agreements else ""
        sheet.append(
            [
                f"B-{i:05d}",
                f"Intesa di prova {i} con il {comune.name}",
                f"Sintesi dell'intesa {i}: obiettivi, azioni e risorse.",
                KINDS[i % len(KINDS)],
                "art. 15 L. 241/1990",
                parent,
                "under_review" if i % 5 == 0 else "proposed",
                "mobilita; ambiente" if i % 2 else "lavoro",
                f"municipality:{comune.area.code}; zone:{zones[i % len(zones)]}",
                "Coerente con il piano strategico metropolitano.",
                "sì",
                "2025-01-01",
                "2027-12-31",
                "none",
                "",
                "Dati generati per la misura dei tempi.",
            ]
        )
    sheet = book.create_sheet(PARTIES.name)
    sheet.append(PARTIES.headers)
    for i in range(agreements):
        sheet.append([f"B-{i:05d}", "cmmi", "promoter", "sì", "", "no"])
        sheet.append([f"B-{i:05d}", comuni[i % len(comuni)].name, "signatory", "sì", "", "no"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def main():
    agreements = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    setup_test_environment()
    from django.contrib.auth import get_user_model

    from intese.agreements.models import Agreement, Party
    from intese.agreements.spreadsheets import import_agreements, read_workbook

    print(f"database: {connection.vendor}, {os.cpu_count()} CPU")
    timed("fresh database with the reference data of Milan", fresh_database)
    user = get_user_model().objects.create(username="bench")
    data = timed(
        f"build the XLSX ({agreements:,} agreements, 2 parties each)", workbook, agreements
    )
    print(f"  file size: {len(data.getvalue()) / 2**20:.1f} MB")
    timed("read the file only (archive check + openpyxl read-only)", read_workbook, data)
    report = timed(
        "dry run (validate, write, roll back)", import_agreements, data, by=user, dry_run=True
    )
    assert report.ok, report.problems[:5]
    assert Agreement.objects.count() == 0
    report = timed("IMPORT into the empty registry", import_agreements, data, by=user)
    assert report.ok, report.problems[:5]
    print(f"  {report.summary}")
    print(f"  agreements: {Agreement.objects.count():,}, parties: {Party.objects.count():,}")
    report = timed(
        "import the same file again (nothing to change)", import_agreements, data, by=user
    )
    assert report.ok and not report.has_changes, report.summary
    print(f"  {report.summary}")


if __name__ == "__main__":
    main()
