"""Working pages for the plan office and the partners (login required)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intese.access.roles import roles_of
from intese.access.scopes import organisations_editable_by
from intese.actors.models import Organisation
from intese.actors.services import CONTACT_FIELDS, organisation_update_contacts
from intese.backoffice.forms import OrganisationContactsForm
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires
from intese.monitoring import alerts, rollup


@requires("intese.use_backoffice")
def home(request):
    roles = roles_of(request.user)
    today = timezone.localdate()
    follows = request.user.has_perm("monitoring.follow")
    return render(
        request,
        "backoffice/home.html",
        {
            "assignments": request.user.role_assignments.select_related("organisation", "zone"),
            "editable": organisations_editable_by(request.user).select_related("area")[:20],
            "is_plan_office": request.user.has_perm("intese.view_plan_office"),
            "roles": roles,
            "today": today,
            "follows_monitoring": follows,
            "alerts": alerts.all_alerts(today) if follows else [],
            "alert_days": alerts.DEFAULT_DAYS,
            "overall": rollup.overall(today) if follows else None,
            "owed": alerts.owed_by(roles.reporting_for, today),
        },
    )


@requires("intese.use_backoffice")
def organisation_contacts(request, pk):
    organisation = get_object_or_404(Organisation.objects.select_related("area"), pk=pk)
    authorize(request, "actors.change_organisation_contacts", organisation)
    form = OrganisationContactsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update_contacts(
                organisation=Organisation.objects.get(pk=pk),
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **{name: form.cleaned_data[name] for name in CONTACT_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dati di %(name)s salvati.") % {"name": organisation.name})
            return redirect("backoffice:home")
    return render(
        request,
        "backoffice/organisation_contacts.html",
        {"organisation": organisation, "form": form},
    )
