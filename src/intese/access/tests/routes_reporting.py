"""Access policy of partners' reporting ("Rendiconta"): partner reporters for their own
organisation, and the plan office's editors (and administrators) for any organisation.
Everyone else is refused; a partner of another organisation gets 403 on the items, the file
and the upload of Sesto San Giovanni."""

import datetime

from django.utils import timezone

from intese.access.tests.matrix import Route, only, reverse, sesto_pk

REPORTERS = only("administrator", "plan_editor", "partner_sesto", "partner_rho")
FOR_SESTO = only("administrator", "plan_editor", "partner_sesto")
TITLE = "Monitoraggio (matrice degli accessi)"


def open_round():
    """An open round asking Sesto San Giovanni for a progress report and a measurement."""
    from intese.monitoring import rounds
    from intese.monitoring.models import Round
    from intese.testing import monitoring as build

    existing = Round.objects.filter(title=TITLE).first()
    if existing:
        return existing
    agreement = build.agreement_with(build.sesto())
    build.commitment(agreement, build.sesto(), title="Pista ciclabile")
    build.indicator(agreement, build.sesto(), code="IND-MATRICE", unit="km")
    today = timezone.localdate()
    round = rounds.round_create(
        by=None,
        title=TITLE,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        agreements=[agreement],
    )
    return rounds.round_open(round, by=None)


def on_item(name, kind):
    """The page of Sesto's commitment (kind 0) or indicator (kind 1) in the open round."""

    def url():
        from intese.monitoring import rounds
        from intese.testing import monitoring as build

        round = open_round()
        item = rounds.due_for(round, build.sesto())[kind].get()
        return reverse(f"backoffice:{name}", args=[round.pk, item.pk])

    return url


def home():
    open_round()  # so that the page has items to show
    return reverse("backoffice:reporting_home")


def for_sesto(name):
    return lambda: reverse(f"backoffice:{name}", args=[open_round().pk, sesto_pk()])


ROUTES = {
    "backoffice:reporting_home": Route(home, REPORTERS),
    "backoffice:reporting_progress": Route(on_item("reporting_progress", 0), FOR_SESTO),
    "backoffice:reporting_measurement": Route(on_item("reporting_measurement", 1), FOR_SESTO),
    "backoffice:reporting_template": Route(for_sesto("reporting_template"), FOR_SESTO),
    "backoffice:reporting_import": Route(for_sesto("reporting_import"), FOR_SESTO),
}
