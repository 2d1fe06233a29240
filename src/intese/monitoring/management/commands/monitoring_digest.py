"""`intese monitoring_digest [--date YYYY-MM-DD] [--days N]`: e-mail the alerts to the plan
office (overdue commitments, expiring agreements, rounds closing with missing reports,
indicators off target). Sends nothing when there is nothing to say.
"""

from django.core.management.base import BaseCommand, CommandError

from intese.monitoring import alerts
from intese.monitoring.management.commands.monitoring_reminders import parse_day


class Command(BaseCommand):
    help = "Invia all'Ufficio di Piano il riepilogo delle segnalazioni del monitoraggio."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="giorno di riferimento, AAAA-MM-GG (oggi se assente)")
        parser.add_argument(
            "--days",
            type=int,
            default=alerts.DEFAULT_DAYS,
            help=f"orizzonte delle scadenze in giorni (predefinito {alerts.DEFAULT_DAYS})",
        )

    def handle(self, *args, date=None, days=alerts.DEFAULT_DAYS, **options):
        if days < 0:
            raise CommandError("Il numero di giorni non può essere negativo.")
        day = parse_day(date)
        digest = alerts.send_digest(day, days)
        for alert in digest.lists:
            self.stdout.write(f"  {alert.title}: {alert.count}")
        if not digest.total:
            self.stdout.write(f"{day:%d/%m/%Y}: nessuna segnalazione, nessun messaggio inviato.")
        elif not digest.recipients:
            self.stdout.write(
                f"{day:%d/%m/%Y}: {digest.total} segnalazioni, ma nessun utente dell'Ufficio "
                "di Piano ha un indirizzo e-mail: nessun messaggio inviato."
            )
        else:
            self.stdout.write(
                f"{day:%d/%m/%Y}: {digest.total} segnalazioni inviate a {digest.sent} destinatari."
            )
