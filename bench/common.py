"""What every benchmark shares: timing a step and starting from a fresh database that holds
the reference data of Milan (the same commands as the tests' conftest)."""

import os
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from conftest import REFDATA_COMMANDS

ROOT = Path(__file__).resolve().parent.parent


def timed(label, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<64} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def fresh_database():
    """An empty database (the SQLite file removed, PostgreSQL flushed), migrated, with the
    default agreement kinds and the reference data."""
    from intese.agreements.kinds import ensure_default_kinds
    from intese.agreements.models import AgreementKind

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    ensure_default_kinds(AgreementKind)  # rows of data migrations do not survive a flush
    with open(os.devnull, "w") as quiet:
        for arguments in REFDATA_COMMANDS:
            paths = [str(ROOT / a) if a.startswith("data/") else a for a in arguments]
            call_command("refdata", *paths, stdout=quiet)
