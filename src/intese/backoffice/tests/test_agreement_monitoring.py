"""The agreement's page in the register tells how far each commitment has got."""

import datetime

import pytest
from django.urls import reverse

from intese.testing import monitoring as build

pytestmark = pytest.mark.django_db


def test_each_commitment_shows_its_status_progress_and_forecast(client, people):
    agreement = build.agreement_with(build.sesto(), effective_from=datetime.date(2024, 1, 1))
    slow = build.commitment(
        agreement, build.sesto(), title="Rete ciclabile", due_on=datetime.date(2025, 1, 1)
    )
    build.commitment(agreement, build.sesto(), title="Parcheggi di interscambio")
    build.report(
        slow,
        20,
        datetime.date(2024, 7, 1),
        by=people.partner_sesto,
        accepted_by=people.plan_editor,
        assessment="at_risk",
        obstacles="Ritardi negli espropri.",
    )
    client.force_login(people.plan_viewer)

    page = client.get(reverse("backoffice:agreement", args=[agreement.code])).content.decode()

    assert "Rete ciclabile" in page
    assert "20% al 1 luglio 2024" in page
    assert "(oltre la scadenza)" in page  # 182 days for 20 %: done only in 2026
    assert "Dati mancanti" in page  # the other commitment has no accepted report
