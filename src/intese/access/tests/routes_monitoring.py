"""Access policy of the plan office's monitoring pages: the plan office follows rounds, the
review queue and indicators; only its editors (and the administrators) run rounds, keep
indicators and review. A submission's evidence goes to the plan office and to the reporters of
the organisation that sent it: here Sesto San Giovanni, so Sesto's reporter downloads it while
Rho's reporter, Nord Milano's coordinator and Sesto's Forum member are refused."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from intese.access.tests.matrix import Route, only, reverse
from intese.testing.files import pdf_bytes

PLAN_OFFICE = only("administrator", "plan_editor", "plan_viewer")
EDITORS = only("administrator", "plan_editor")
EVIDENCE = only("administrator", "plan_editor", "plan_viewer", "partner_sesto")
CODE = "MATRICE-MONITORAGGIO"


def _sesto():
    from intese.testing import monitoring as build

    return build.sesto()


def agreement():
    """An agreement with one commitment and one indicator, both Sesto's to report."""
    from intese.agreements.models import Agreement
    from intese.testing import monitoring as build

    existing = Agreement.objects.filter(code=CODE).first()
    if existing:
        return existing
    found = build.agreement_with(_sesto(), code=CODE)
    build.commitment(found, _sesto(), due_on=datetime.date(2030, 12, 31), title="Pista ciclabile")
    build.indicator(found, _sesto(), code="MATRICE-IND", name="Km di piste ciclabili")
    return found


def draft_round():
    from intese.monitoring import rounds
    from intese.monitoring.models import Round

    existing = Round.objects.filter(title="Ciclo della matrice").first()
    if existing:
        return existing
    return rounds.round_create(
        by=None,
        title="Ciclo della matrice",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        opens_on=datetime.date(2025, 7, 1),
        closes_on=datetime.date(2025, 7, 31),
        agreements=[agreement()],
    )


def open_round():
    from intese.monitoring import rounds

    found = draft_round()
    return found if found.is_open else rounds.round_open(found, by=None)


def submission():
    """A progress report of Sesto's reporter, with a PDF as evidence."""
    from intese.monitoring import services
    from intese.monitoring.models import ProgressReport

    existing = ProgressReport.objects.filter(commitment__agreement__code=CODE).first()
    if existing:
        return existing
    return services.progress_submit(
        commitment=agreement().commitments.get(),
        percent=30,
        self_assessment="on_track",
        narrative="Progetto esecutivo approvato.",
        reported_on=datetime.date(2025, 6, 30),
        by=get_user_model().objects.get(username="referente.sesto"),
        organisation=_sesto(),
        evidence=SimpleUploadedFile(
            "verbale.pdf", pdf_bytes("Verbale"), content_type="application/pdf"
        ),
    )


def indicator_pk():
    return agreement().indicators.get().pk


def on_round(name, round=draft_round):
    return lambda: reverse(f"backoffice:{name}", args=[round().pk])


def on_indicator(name):
    return lambda: reverse(f"backoffice:{name}", args=[indicator_pk()])


def with_data(name, make):
    """A list that needs something to show: `make` builds it first."""

    def url():
        make()
        return reverse(f"backoffice:{name}")

    return url


def on_submission(name):
    return lambda: reverse(f"backoffice:{name}", args=["progress", submission().pk])


ROUTES = {
    "backoffice:monitoring_rounds": Route(with_data("monitoring_rounds", draft_round), PLAN_OFFICE),
    "backoffice:monitoring_round_create": Route(
        lambda: reverse("backoffice:monitoring_round_create"), EDITORS
    ),
    "backoffice:monitoring_round": Route(on_round("monitoring_round"), PLAN_OFFICE),
    "backoffice:monitoring_round_edit": Route(on_round("monitoring_round_edit"), EDITORS),
    # GET asks for confirmation; the POST that opens or closes is tested in the backoffice.
    "backoffice:monitoring_round_open": Route(on_round("monitoring_round_open"), EDITORS),
    "backoffice:monitoring_round_close": Route(
        on_round("monitoring_round_close", open_round), EDITORS
    ),
    "backoffice:monitoring_review": Route(with_data("monitoring_review", submission), PLAN_OFFICE),
    "backoffice:monitoring_review_decide": Route(
        on_submission("monitoring_review_decide"),
        EDITORS,
        method="post",
        data={"decision": "accept"},
    ),
    "backoffice:monitoring_evidence": Route(on_submission("monitoring_evidence"), EVIDENCE),
    "backoffice:monitoring_indicators": Route(
        with_data("monitoring_indicators", agreement), PLAN_OFFICE
    ),
    "backoffice:monitoring_indicator_create": Route(
        lambda: reverse("backoffice:monitoring_indicator_create"), EDITORS
    ),
    "backoffice:monitoring_indicator": Route(on_indicator("monitoring_indicator"), PLAN_OFFICE),
    "backoffice:monitoring_indicator_edit": Route(
        on_indicator("monitoring_indicator_edit"), EDITORS
    ),
    "backoffice:monitoring_target_set": Route(on_indicator("monitoring_target_set"), EDITORS),
}
