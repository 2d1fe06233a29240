"""Import: read, validate and compare every row, then write all of it or nothing."""

from django.db import transaction

from intese.agreements.spreadsheets.archive import ImportRefused
from intese.agreements.spreadsheets.plan import Plan
from intese.agreements.spreadsheets.reading import read_workbook
from intese.agreements.spreadsheets.report import ImportReport
from intese.agreements.spreadsheets.writing import Writer


def import_agreements(file, *, by, dry_run: bool = False) -> ImportReport:
    """Import agreements from an XLSX, ODS or ZIP of CSVs: all or nothing.

    Every row is validated first (types, choices, references by code) and every problem is
    reported; only a file without problems is written, in one transaction, through the
    services. A service refusing a row (a lifecycle check, a stale version) rolls everything
    back and is reported with its row. A dry run does the same and always rolls back.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheets = read_workbook(file)
    except ImportRefused as refusal:
        report.problem("", None, "", refusal)
        return report
    plan = Plan(sheets, report)
    if report.ok and report.has_changes:
        with transaction.atomic():
            Writer(plan, by).run()
            if dry_run or not report.ok:
                transaction.set_rollback(True)
    report.sort()
    return report
