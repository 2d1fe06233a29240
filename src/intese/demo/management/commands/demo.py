"""`intese demo`: the example accounts of the demo, one per role. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from intese.demo.agreements import load_demo_agreements
from intese.demo.dup import load_demo_dup
from intese.demo.monitoring import load_demo_monitoring
from intese.demo.people import load_demo_people
from intese.demo.plans import load_demo_plans
from intese.testing import personas

DEMO_AGREEMENTS = settings.PROJECT_DIR / "data" / "demo" / "agreements.json"
DEMO_PLANS = settings.PROJECT_DIR / "data" / "demo" / "plan.json"
DEMO_MONITORING = settings.PROJECT_DIR / "data" / "demo" / "monitoring.json"
DEMO_DUP = settings.PROJECT_DIR / "data" / "demo" / "dup.json"
DEMO_PEOPLE = settings.PROJECT_DIR / "data" / "demo" / "people.json"


class Command(BaseCommand):
    help = "Crea gli account di esempio della demo (uno per ruolo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="crea gli account anche con DEBUG spento (mai in produzione)",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("La demo crea account con una password nota: solo con DEBUG=true.")
        people = personas.create_all()
        posts = load_demo_people(DEMO_PEOPLE)
        self.stdout.write(f"Incarichi: {posts['created']} creati, {posts['changed']} aggiornati")
        created = load_demo_agreements(DEMO_AGREEMENTS, by=people.plan_editor)
        self.stdout.write(f"Intese dimostrative create: {len(created)}")
        plans = load_demo_plans(DEMO_PLANS, by=people.plan_editor)
        self.stdout.write(f"Piani dimostrativi creati: {len(plans)}")
        dup = load_demo_dup(DEMO_DUP, by=people.plan_editor)
        self.stdout.write(
            f"DUP dimostrativi creati: {', '.join(dup.documents) or 'nessuno'} "
            f"({dup.strategic} obiettivi SeS, {dup.operational} SeO, {dup.links} collegamenti)"
        )
        monitoring = load_demo_monitoring(DEMO_MONITORING, people=people)
        self.stdout.write(
            f"Monitoraggio di esempio: {monitoring.indicators} indicatori, "
            f"{monitoring.reports} stati di avanzamento, {monitoring.measurements} rilevazioni, "
            f"cicli creati: {', '.join(monitoring.rounds) or 'nessuno'}"
        )
        self.stdout.write(f"Account di esempio (password: {personas.PASSWORD}):")
        for name, user in people.by_name().items():
            roles = ", ".join(str(a) for a in user.role_assignments.all()) or "nessun ruolo"
            self.stdout.write(f"  {user.username:<26} {roles}  [{name}]")
