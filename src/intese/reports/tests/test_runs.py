"""Asking for the yearly report's file: the ReportRun row, the background task, its progress,
the page that follows it and the download."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from intese.reports import tasks, yearly
from intese.reports.models import ReportRun, RunStatus
from intese.reports.tests.dataset import YEAR

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def ask(client, data, fmt="pdf", **extra):
    fields = {"piano": data.plan.code, "dup": data.document.code, "anno": YEAR, "formato": fmt}
    return client.post(reverse("reports:request"), {**fields, **extra})


def run_the_worker_once():
    """What `intese db_worker` does with the next queued task (without its polling loop)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker.run_task(DBTaskResult.objects.ready().get())


def test_a_request_records_the_run_and_queues_its_task_in_the_database(client, people, data):
    client.force_login(people.plan_viewer)
    response = ask(client, data)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    assert (run.requested_by, run.plan, run.document, run.year) == (
        people.plan_viewer,
        data.plan,
        data.document,
        YEAR,
    )
    assert run.as_of.isoformat() == "2025-12-31"
    assert run.status == RunStatus.QUEUED and run.progress == 0
    task = DBTaskResult.objects.get()
    assert str(task.id) == run.task_id
    assert task.task_path == "intese.reports.tasks.generate_report"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}


def test_the_worker_makes_the_pdf_and_the_run_is_done_with_its_file(client, people, data):
    client.force_login(people.plan_editor)
    ask(client, data)
    run_the_worker_once()
    run = ReportRun.objects.get()
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    assert run.started_at and run.finished_at
    text = " ".join(page.extract_text() for page in PdfReader(run.file.open("rb")).pages)
    assert "Piano strategico di prova per le relazioni" in text
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_with_immediate_tasks_the_spreadsheet_is_ready_after_the_request(
    client, people, data, immediate_tasks
):
    client.force_login(people.plan_viewer)
    ask(client, data, fmt="xlsx")
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE
    response = client.get(reverse("reports:run_download", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="relazione-piano-relazioni-2025.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Risultati" in book.sheetnames


def test_the_task_tells_its_progress_section_by_section(data, people, monkeypatch):
    run = ReportRun.objects.create(
        requested_by=people.plan_editor,
        plan=data.plan,
        year=YEAR,
        as_of=yearly.as_of_for(YEAR),
        format="ods",
    )
    seen = []
    update = tasks._update

    def spy(run_id, **fields):
        if "progress" in fields:
            seen.append((fields["progress"], fields.get("step")))
        update(run_id, **fields)

    monkeypatch.setattr(tasks, "_update", spy)
    assert tasks.generate_report.call(run.pk) == RunStatus.DONE
    percents = [percent for percent, _step in seen]
    assert percents == sorted(percents) and percents[0] < 50 and percents[-1] == 100
    steps = [step for _percent, step in seen]
    assert "Aspetti economico-finanziari" in steps and "Indicatori" in steps


def test_a_failure_is_recorded_with_a_message_and_shown(client, people, data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(yearly, "build", broken)
    run = ReportRun.objects.create(
        requested_by=people.plan_editor,
        plan=data.plan,
        year=YEAR,
        as_of=yearly.as_of_for(YEAR),
        format="pdf",
    )
    assert tasks.generate_report.call(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not run.file
    assert "Errore imprevisto" in run.error and "RuntimeError" in run.error
    client.force_login(people.plan_viewer)
    page = client.get(reverse("reports:run", args=[run.pk]), headers=HTMX).content.decode()
    assert "La preparazione non è riuscita." in page and "hx-trigger" not in page
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


def test_the_progress_box_polls_every_two_seconds_until_the_file_is_ready(client, people, data):
    client.force_login(people.plan_viewer)
    ask(client, data, fmt="ods")
    run = ReportRun.objects.get()
    box = client.get(reverse("reports:run", args=[run.pk]), headers=HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in box and "In coda" in box
    assert reverse("reports:run_download", args=[run.pk]) not in box
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert 'id="run-progress"' in page and 'aria-valuenow="0"' in page
    run_the_worker_once()
    box = client.get(reverse("reports:run", args=[run.pk]), headers=HTMX).content.decode()
    assert "hx-trigger" not in box and 'aria-valuenow="100"' in box
    assert reverse("reports:run_download", args=[run.pk]) in box


def test_parameters_that_do_not_hold_together_are_refused_and_nothing_is_written(
    client, people, data
):
    client.force_login(people.plan_editor)
    response = ask(client, data, anno=2030)  # outside the DUP's years
    assert response.status_code == 200
    assert "fuori dal periodo del DUP" in response.content.decode()
    response = ask(client, data, al="2024-06-30")
    assert "La data dei dati non può precedere" in response.content.decode()
    response = ask(client, data, fmt="docx")
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
    assert not ReportRun.objects.exists() and not DBTaskResult.objects.exists()


def test_only_the_plan_office_asks_for_and_downloads_the_yearly_report(client, people, data):
    client.force_login(people.partner_sesto)
    assert ask(client, data).status_code == 403
    assert not ReportRun.objects.exists()
    client.force_login(people.plan_viewer)
    ask(client, data)
    run = ReportRun.objects.get()
    for role in ("partner_sesto", "zone_coordinator", "body_member", "no_role"):
        client.force_login(getattr(people, role))
        for name in ("run", "run_download"):
            assert client.get(reverse(f"reports:{name}", args=[run.pk])).status_code == 403
        assert client.get(reverse("reports:yearly"), {"piano": data.plan.code}).status_code == 403


def test_the_index_lists_the_runs_and_offers_the_report(client, people, data):
    client.force_login(people.plan_viewer)
    ask(client, data, fmt="ods")
    page = client.get(reverse("reports:index")).content.decode()
    assert "Piano strategico di prova per le relazioni — 2025" in page
    assert "In coda" in page
    assert 'action="/area-riservata/relazioni/annuale/"' in page
