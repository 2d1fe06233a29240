"""Access policy of the reports: the plan office (`monitoring.follow`) reads the yearly
monitoring report, asks for its files and downloads them, and reads the zone sheets (they roll
up private agreements too). The agreement sheet follows the agreement's visibility
(`agreements.open`): on the registry's private agreement, the plan office only."""

import datetime

from django.core.files.base import ContentFile

from intese.access.tests.matrix import Route, only, reverse
from intese.access.tests.routes_agreements import agreement_code
from intese.access.tests.routes_dup import document

PLAN_OFFICE = only("administrator", "plan_editor", "plan_viewer")
REPORT = {"piano": "piano-matrice", "dup": "dup-matrice", "anno": "2025"}


def with_plan(name):
    def url():
        document()  # the plan "piano-matrice" and its DUP
        return reverse(f"reports:{name}")

    return url


def run_pk(done=False):
    from django.contrib.auth import get_user_model

    from intese.reports.models import ReportRun, RunStatus

    def pk():
        plan = document().plan
        run = ReportRun.objects.create(
            requested_by=get_user_model().objects.get(username="ufficio.piano"),
            plan=plan,
            year=2025,
            as_of=datetime.date(2025, 12, 31),
            format="ods",
        )
        if done:
            run.file.save(run.filename, ContentFile(b"ods"), save=False)
            run.status = RunStatus.DONE
            run.save()
        return run.pk

    return pk


def on_run(name, done=False):
    return lambda: reverse(f"reports:{name}", args=[run_pk(done)()])


ROUTES = {
    "reports:index": Route(lambda: reverse("reports:index"), PLAN_OFFICE),
    "reports:yearly": Route(with_plan("yearly"), PLAN_OFFICE, data=REPORT),
    "reports:request": Route(
        with_plan("request"), PLAN_OFFICE, method="post", data={**REPORT, "formato": "ods"}
    ),
    "reports:run": Route(on_run("run"), PLAN_OFFICE),
    "reports:run_download": Route(on_run("run_download", done=True), PLAN_OFFICE),
    "reports:agreement_sheet": Route(
        lambda: reverse("reports:agreement_sheet", args=[agreement_code()]), PLAN_OFFICE
    ),
    "reports:agreement_sheet_pdf": Route(
        lambda: reverse("reports:agreement_sheet_pdf", args=[agreement_code()]), PLAN_OFFICE
    ),
    "reports:zone_sheet": Route(
        lambda: reverse("reports:zone_sheet", args=["nord-milano"]), PLAN_OFFICE
    ),
    "reports:zone_sheet_pdf": Route(
        lambda: reverse("reports:zone_sheet_pdf", args=["nord-milano"]), PLAN_OFFICE
    ),
}
