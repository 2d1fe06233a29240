"""`intese monitoring_digest`: the alerts e-mailed to the plan office, in Italian; nothing when
there is nothing to say. And the commands' handling of their arguments."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from intese.monitoring import rounds
from intese.testing import agreements as agreements_build
from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db

D = datetime.date


def digest(*arguments) -> str:
    out = StringIO()
    call_command("monitoring_digest", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def troubles(people):
    agreement = build.agreement_with(build.sesto(), build.rho(), code="INTESA-DIGEST")
    build.commitment(agreement, build.sesto(), due_on=D(2026, 6, 30), title="Posa della fibra")
    build.commitment(agreement, build.rho(), due_on=D(2027, 6, 30), title="Wi-Fi in piazza")
    agreements_build.signed(expires_on=D(2026, 12, 31), code="SCADE-A-DICEMBRE")
    round = rounds.round_create(
        by=people.plan_editor,
        title="Monitoraggio 2026",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        opens_on=D(2026, 11, 2),
        closes_on=D(2026, 12, 4),
        agreements=[agreement],
    )
    return rounds.round_open(round, by=people.plan_editor)


def test_the_digest_goes_to_each_plan_office_user_with_an_address(troubles, people):
    people.plan_viewer.email = ""
    people.plan_viewer.save()

    output = digest("--date", "2026-11-28", "--days", "60")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "amministratore@example.org",
        "ufficio.piano@example.org",
    ]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    assert "inviate a 2 destinatari" in output
    assert "Impegni scaduti: 1" in output


def test_the_digest_says_what_is_wrong_in_italian_with_links(troubles):
    digest("--date", "2026-11-28")

    message = mail.outbox[0]
    assert message.subject == "Monitoraggio al 28/11/2026: 3 segnalazioni"
    body = message.body
    assert "IMPEGNI SCADUTI: 1" in body
    assert "- Posa della fibra (INTESA-DIGEST · Comune di Sesto San Giovanni), 30/06/2026" in body
    assert "/area-riservata/intese/INTESA-DIGEST/" in body
    assert "INTESE IN SCADENZA ENTRO 60 GIORNI: 1" in body and "SCADE-A-DICEMBRE" in body
    assert "Monitoraggio 2026" in body and "voci mancanti: 2; rinviate: 0; soggetti: 2" in body
    assert "INDICATORI FUORI OBIETTIVO: 0" in body and "Nessuna segnalazione." in body


def test_a_shorter_horizon_leaves_out_what_is_further_away(troubles):
    output = digest("--date", "2026-11-28", "--days", "3")

    assert "Intese in scadenza entro 3 giorni: 0" in output
    assert "Cicli di monitoraggio in chiusura con rendicontazioni mancanti: 0" in output
    assert mail.outbox[0].subject == "Monitoraggio al 28/11/2026: 1 segnalazioni"


def test_nothing_to_say_sends_nothing(people):
    output = digest("--date", "2026-11-28")

    assert mail.outbox == []
    assert "nessuna segnalazione, nessun messaggio inviato" in output


def test_without_plan_office_addresses_nothing_is_sent(troubles, people):
    for user in (people.administrator, people.plan_editor, people.plan_viewer):
        user.email = ""
        user.save()

    output = digest("--date", "2026-11-28")

    assert mail.outbox == []
    assert "nessun utente dell'Ufficio di Piano ha un indirizzo e-mail" in output


def test_a_bad_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="Data non valida: «28/11/2026»"):
        digest("--date", "28/11/2026")
    with pytest.raises(CommandError, match="Data non valida"):
        call_command("monitoring_reminders", "--date", "domani", stdout=StringIO())


def test_a_negative_horizon_is_refused():
    with pytest.raises(CommandError, match="negativo"):
        digest("--days", "-1")
