"""`intese monitoring_reminders [--date YYYY-MM-DD]`: remind partners of the open rounds.

Meant to run every day (cron, systemd timer): each organisation that still owes something gets
one reminder in the days before a round closes, then one a week after the closing date until
the round is closed. Running it twice on a day sends nothing more.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from intese.monitoring import rounds


def parse_day(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Data non valida: «{value}» (usare AAAA-MM-GG).") from None


class Command(BaseCommand):
    help = "Invia i promemoria dei cicli di monitoraggio aperti a chi deve ancora rendicontare."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="giorno di riferimento, AAAA-MM-GG (oggi se assente)")

    def handle(self, *args, date=None, **options):
        day = parse_day(date)
        sent = rounds.send_reminders(day)
        if not sent:
            self.stdout.write(f"{day:%d/%m/%Y}: nessun promemoria da inviare.")
            return
        self.stdout.write(f"{day:%d/%m/%Y}: {len(sent)} promemoria inviati.")
        for reminder in sent:
            self.stdout.write(
                f"  {reminder.round.title} → {reminder.organisation.name}: "
                f"{reminder.missing} voci mancanti, {reminder.recipients} destinatari "
                f"({reminder.get_kind_display()})"
            )
