"""`intese agreements_expire [--date YYYY-MM-DD] [--dry-run]`: record the agreements that expired.

Meant to run every day (cron, systemd timer): every agreement whose expiry date has passed and
whose status allows "expire" (sottoscritta, in attuazione, sospesa) becomes "scaduta" through
the lifecycle service, dated the day after its expiry date, without a user and with the note
"scadenza automatica". Agreements renewed tacitly are only reported. Running it twice changes
nothing the second time; `--dry-run` shows what would change and writes nothing.
"""

from django.core.management.base import BaseCommand

from intese.agreements.models import Status
from intese.agreements.services import agreements_expire
from intese.monitoring.management.commands.monitoring_reminders import parse_day


class Command(BaseCommand):
    help = "Registra come scadute le intese la cui data di scadenza è passata."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="giorno di riferimento, AAAA-MM-GG (oggi se assente)")
        parser.add_argument(
            "--dry-run", action="store_true", help="mostra cosa cambierebbe senza registrarlo"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        day = parse_day(date)
        results = agreements_expire(today=day, dry_run=dry_run)
        expired = [r for r in results if r.expired]
        prefix = "[prova] " if dry_run else ""
        verb = "da registrare come scadute" if dry_run else "registrate come scadute"
        if not results:
            self.stdout.write(f"{prefix}{day:%d/%m/%Y}: nessuna intesa da registrare come scaduta.")
            return
        self.stdout.write(f"{prefix}{day:%d/%m/%Y}: {len(expired)} intese {verb}.")
        for result in results:
            agreement = result.agreement
            line = (
                f"  {agreement.code}: {Status(result.from_status).label} → {Status.EXPIRED.label} "
                f"dal {result.on:%d/%m/%Y} (scadenza {agreement.expires_on:%d/%m/%Y})"
            )
            if result.skipped:
                line = f"  {agreement.code}: lasciata com'è, {result.skipped}"
            elif result.refused:
                line += f": RIFIUTATO, {result.refused}"
            self.stdout.write(line)
