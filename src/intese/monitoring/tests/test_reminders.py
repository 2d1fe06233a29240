"""Reminders to partners through `intese monitoring_reminders`: before the closing date once,
after it every week, never twice a day, only to whom still owes something and has an e-mail."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from intese.monitoring import rounds
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date
CLOSES = D(2026, 12, 4)


@pytest.fixture
def round(people):
    agreement = build.agreement_with(build.sesto(), build.rho())
    build.commitment(agreement, build.sesto(), due_on=D(2027, 6, 30), title="Fibra a Sesto")
    build.commitment(agreement, build.rho(), due_on=D(2027, 6, 30), title="Wi-Fi a Rho")
    round = rounds.round_create(
        by=people.plan_editor,
        title="Monitoraggio di prova",
        period_start=D(2026, 7, 1),
        period_end=D(2026, 12, 31),
        opens_on=D(2026, 11, 2),
        closes_on=CLOSES,
        remind_days_before=7,
        agreements=[agreement],
    )
    return rounds.round_open(round, by=people.plan_editor)


def remind(day: datetime.date) -> str:
    out = StringIO()
    call_command("monitoring_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_no_reminder_before_the_reminder_window(round):
    assert "nessun promemoria" in remind(D(2026, 11, 20))
    assert mail.outbox == []


def test_each_organisation_is_reminded_once_in_the_days_before_closing(round):
    output = remind(D(2026, 11, 28))

    assert recipients() == ["referente.rho@example.org", "referente.sesto@example.org"]
    assert "2 promemoria inviati" in output and "Comune di Sesto San Giovanni" in output
    message = next(m for m in mail.outbox if m.to == ["referente.sesto@example.org"])
    assert message.subject == "Monitoraggio «Monitoraggio di prova»: manca 1 rendicontazione"
    assert "si chiude il 04/12/2026" in message.body
    assert "Voci da rendicontare: 1. Ne manca ancora 1." in message.body


def test_running_twice_the_same_day_sends_nothing_more(round):
    remind(D(2026, 11, 28))
    mail.outbox.clear()

    assert "nessun promemoria" in remind(D(2026, 11, 28))
    assert mail.outbox == []


def test_the_before_reminder_is_sent_only_once_before_closing(round):
    remind(D(2026, 11, 28))
    mail.outbox.clear()

    remind(D(2026, 12, 1))

    assert mail.outbox == []


def test_after_the_closing_date_reminders_come_back_every_week(round):
    remind(D(2026, 11, 28))
    mail.outbox.clear()

    remind(D(2026, 12, 5))
    assert len(mail.outbox) == 2
    assert "doveva chiudersi il 04/12/2026" in mail.outbox[0].body
    mail.outbox.clear()

    for day in range(6, 12):  # the six days after: nothing
        remind(D(2026, 12, day))
    assert mail.outbox == []

    remind(D(2026, 12, 12))
    assert len(mail.outbox) == 2


def test_an_organisation_that_has_reported_everything_gets_nothing(round, people):
    commitment = round.agreements.get().commitments.get(responsible=build.sesto())
    build.report(commitment, 40, D(2026, 11, 20), by=people.partner_sesto, round=round)

    remind(D(2026, 11, 28))

    assert recipients() == ["referente.rho@example.org"]


def test_no_mail_to_an_organisation_whose_reporters_have_no_address(round, people):
    people.partner_rho.email = ""
    people.partner_rho.save()

    output = remind(D(2026, 11, 28))

    assert recipients() == ["referente.sesto@example.org"]
    assert "1 promemoria inviati" in output


def test_a_closed_round_reminds_nobody(round, people):
    rounds.round_close(round, by=people.plan_editor)

    remind(D(2026, 12, 5))

    assert mail.outbox == []
