"""The admin covers every model of the project, in Italian, and never bypasses the services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from intese.core.admin_site import ReadOnlyAdmin
from intese.testing.agreements import proposal


def project_models():
    for model in apps.get_models():
        if model.__module__.startswith("intese.") and not model.__name__.startswith("Historical"):
            yield model


def models_in_admin():
    shown = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        shown.update(inline.model for inline in model_admin.inlines)
    return shown


def test_every_model_of_the_project_is_in_the_admin():
    missing = [model._meta.label for model in project_models() if model not in models_in_admin()]
    assert missing == []


@pytest.mark.django_db
def test_records_written_by_the_back_office_are_only_shown_in_the_admin(client, people):
    agreement = proposal(code="ADMIN-1")
    client.force_login(people.administrator)
    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert page.status_code == 200
    assert agreement.code in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    edit = client.post(
        reverse("admin:agreements_agreement_change", args=[agreement.pk]), {"title": "Altro"}
    )
    assert edit.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title != "Altro"
    assert client.get(reverse("admin:agreements_agreement_add")).status_code == 403


def test_read_only_admins_cover_the_registry_and_monitoring():
    read_only = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdmin)
    }
    assert {
        "agreements.Agreement",
        "agreements.Commitment",
        "agreements.FundingLine",
        "agreements.Document",
        "agreements.PlanLink",
        "monitoring.Indicator",
        "monitoring.Round",
        "monitoring.Measurement",
        "monitoring.ProgressReport",
        "reports.ReportRun",
    } <= read_only


@pytest.mark.django_db
def test_the_admin_speaks_italian(client, people):
    client.force_login(people.administrator)
    page = client.get(reverse("admin:index"), headers={"accept-language": "it"})
    assert "Intese — amministrazione" in page.content.decode()
    assert "Intese" in page.content.decode() and "Monitoraggio" in page.content.decode()


@pytest.mark.django_db
def test_the_admin_finds_organisations_without_accents(client, people):
    from intese.actors.models import Organisation, OrganisationKind

    Organisation.objects.create(name="Città metropolitana di Prova", kind=OrganisationKind.OTHER)
    client.force_login(people.administrator)
    page = client.get(reverse("admin:actors_organisation_changelist"), {"q": "CITTA METROPOLITANA"})
    assert "Città metropolitana di Prova" in page.content.decode()
