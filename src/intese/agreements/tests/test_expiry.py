"""`intese agreements_expire`: the scheduler records, on its own, that an agreement past its
expiry date has expired: through the lifecycle, dated the day after the expiry date, without a
user or an act, once."""

import datetime
import io

import pytest
from django.core.management import call_command

from intese.agreements import lifecycle, services
from intese.agreements.models import Agreement, Status
from intese.testing import agreements as build

D = datetime.date
TODAY = D(2025, 6, 10)


def expire(*args) -> str:
    out = io.StringIO()
    call_command("agreements_expire", "--date", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def status(agreement) -> str:
    return Agreement.objects.get(pk=agreement.pk).status


@pytest.fixture
def in_progress():
    """Signed on 20 March 2024, in progress since 1 April 2024, valid through 31 May 2025."""
    agreement = build.signed(expires_on=D(2025, 5, 31))
    services.agreement_transition(agreement=agreement, action="start", on=D(2024, 4, 1), by=None)
    return agreement


def test_expiry_needs_no_act_nor_note_and_starts_from_signed_in_progress_or_suspended():
    step = lifecycle.ACTIONS["expire"]
    assert not step.needs_act and not step.needs_note
    assert step.sources == {Status.SIGNED, Status.IN_PROGRESS, Status.SUSPENDED}


@pytest.mark.django_db
def test_an_agreement_past_its_expiry_date_becomes_expired_the_day_after(in_progress):
    output = expire()
    assert status(in_progress) == Status.EXPIRED
    change = in_progress.status_changes.get(action="expire")
    assert (change.from_status, change.to_status) == (Status.IN_PROGRESS, Status.EXPIRED)
    assert change.on == D(2025, 6, 1)
    assert change.by is None and change.act is None
    assert change.note == "scadenza automatica"
    assert "1 intese registrate come scadute" in output
    assert f"{in_progress.code}: In attuazione → Scaduta dal 01/06/2025" in output
    assert Agreement.history.filter(id=in_progress.pk).latest().history_user is None


@pytest.mark.django_db
def test_running_it_again_changes_nothing(in_progress):
    expire()
    assert "nessuna intesa da registrare" in expire()
    assert in_progress.status_changes.filter(action="expire").count() == 1


@pytest.mark.django_db
def test_a_dry_run_shows_what_would_change_and_writes_nothing(in_progress):
    output = expire("--dry-run")
    assert "[prova]" in output and "1 intese da registrare come scadute" in output
    assert in_progress.code in output
    assert status(in_progress) == Status.IN_PROGRESS
    assert not in_progress.status_changes.filter(action="expire").exists()


@pytest.mark.django_db
def test_an_agreement_valid_through_today_or_later_is_left_alone():
    today = build.signed(expires_on=TODAY)
    later = build.signed(expires_on=D(2026, 1, 1))
    without = build.signed()
    expire()
    assert [status(a) for a in (today, later, without)] == [Status.SIGNED] * 3


@pytest.mark.django_db
def test_signed_and_suspended_agreements_expire_too(in_progress):
    signed = build.signed(expires_on=D(2025, 1, 31))
    services.agreement_transition(
        agreement=in_progress, action="suspend", on=D(2024, 5, 2), by=None, note="Verifica"
    )
    expire()
    assert status(signed) == status(in_progress) == Status.EXPIRED
    assert signed.status_changes.get(action="expire").on == D(2025, 2, 1)


@pytest.mark.django_db
def test_statuses_that_cannot_expire_are_not_touched():
    """A proposal, an approved text not yet signed, a concluded or a revoked agreement."""
    proposal = build.proposal(expires_on=D(2025, 1, 1))
    approved = build.approved(expires_on=D(2025, 1, 1))
    concluded = build.signed(expires_on=D(2025, 1, 1))
    services.agreement_transition(agreement=concluded, action="start", on=D(2024, 4, 1), by=None)
    services.agreement_transition(
        agreement=concluded, action="conclude", on=D(2024, 12, 1), by=None
    )
    expire()
    assert [status(a) for a in (proposal, approved, concluded)] == [
        Status.PROPOSED,
        Status.APPROVED,
        Status.CONCLUDED,
    ]


@pytest.mark.django_db
def test_a_step_recorded_after_the_expiry_date_dates_the_expiry(in_progress):
    """A suspension recorded on 5 June, after the expiry: the expiry cannot precede it."""
    services.agreement_transition(
        agreement=in_progress, action="suspend", on=D(2025, 6, 5), by=None, note="Verifica"
    )
    expire()
    assert in_progress.status_changes.get(action="expire").on == D(2025, 6, 5)


@pytest.mark.django_db
def test_a_tacitly_renewed_agreement_is_reported_not_expired():
    tacit = build.signed(expires_on=D(2025, 1, 31), renewal="tacit")
    output = expire()
    assert status(tacit) == Status.SIGNED
    assert f"{tacit.code}: lasciata com'è, rinnovo tacito" in output
    assert "0 intese registrate come scadute" in output


@pytest.mark.django_db
def test_a_refusal_is_reported_and_the_others_still_expire(in_progress, monkeypatch):
    other = build.signed(expires_on=D(2025, 2, 28))
    real = services.agreement_transition

    def stale_for_other(*, agreement, **kwargs):
        if agreement.pk == other.pk:
            raise services.AgreementError("Qualcun altro ha modificato questi dati.")
        return real(agreement=agreement, **kwargs)

    monkeypatch.setattr(services, "agreement_transition", stale_for_other)
    output = expire()
    assert status(in_progress) == Status.EXPIRED and status(other) == Status.SIGNED
    assert f"{other.code}: Sottoscritta → Scaduta dal 01/03/2025" in output
    assert "RIFIUTATO, Qualcun altro ha modificato questi dati." in output


@pytest.mark.django_db
def test_an_expired_agreement_can_still_be_renewed(in_progress, people):
    expire()
    in_progress.refresh_from_db()
    act = services.act_add(
        agreement=in_progress, by=None, kind="atto_rinnovo", number="7", date=D(2025, 6, 5)
    )
    services.agreement_transition(
        agreement=in_progress,
        action="renew",
        on=D(2025, 6, 6),
        by=people.plan_editor,
        act=act,
        new_expires_on=D(2027, 5, 31),
        today=TODAY,
    )
    assert status(in_progress) == Status.IN_PROGRESS
