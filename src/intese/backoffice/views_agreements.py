"""The registry of agreements in the reserved area: list, page, forms and lifecycle actions."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intese.access.scopes import agreements_visible_to
from intese.agreements import lifecycle, selectors, services
from intese.agreements.models import (
    Act,
    Agreement,
    Commitment,
    Document,
    FundingLine,
    Milestone,
    Party,
)
from intese.backoffice import forms_agreements as forms
from intese.backoffice.responses import done, show_refusal
from intese.core.errors import DomainError
from intese.core.permissions import authorize, requires
from intese.monitoring.status import commitment_states

PAGE_SIZE = 50


def _agreement_for(request, code, permission="agreements.open") -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("kind", "parent"), code=code)
    authorize(request, permission, agreement)
    return agreement


def _refused(form, error):
    """A service's refusal on the form, each message on its field when the form has it."""
    for field, message in getattr(error, "problems", ()):
        form.add_error(field if field in form.fields else None, message)
    if not hasattr(error, "problems"):
        show_refusal(form, error)


@requires("agreements.browse")
def agreement_list(request):
    filters = forms.RegistryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    today = timezone.localdate()
    agreements = selectors.registry(
        agreements_visible_to(request.user),
        query=data.get("q") or "",
        kind=getattr(data.get("tipo"), "code", ""),
        status=data.get("stato") or "",
        theme=getattr(data.get("tema"), "code", ""),
        party=getattr(data.get("parte"), "pk", ""),
        zone=getattr(data.get("zona"), "code", ""),
        expiring_within=data.get("scadenza"),
        today=today,
    )
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [
        (a, selectors.is_expiring(a, today), selectors.is_stalled(a, today))
        for a in page.object_list
    ]
    template = (
        "backoffice/_agreement_rows.html" if request.htmx else "backoffice/agreement_list.html"
    )
    return render(
        request,
        template,
        {"filters": filters, "page": page, "rows": rows, "query_string": request.GET.urlencode()},
    )


@requires("agreements.manage")
def agreement_create(request):
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(by=request.user, **form.service_fields())
        except (ValidationError, DomainError) as error:
            _refused(form, error)
        else:
            return done(
                request,
                agreement.get_absolute_url(),
                _("Intesa %(code)s registrata.") % {"code": agreement.code},
            )
    return render(request, "backoffice/agreement_form.html", {"form": form, "agreement": None})


@requires("agreements.browse")
def agreement_detail(request, code):
    _agreement_for(request, code)
    try:
        agreement = selectors.agreement_detail(agreements_visible_to(request.user), code)
    except Agreement.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    _with_monitoring(agreement, today)
    return render(
        request,
        "backoffice/agreement_detail.html",
        {
            "agreement": agreement,
            "actions": lifecycle.available_actions(agreement.status),
            "can_manage": request.user.has_perm("agreements.manage"),
            # A concluded, expired or revoked agreement takes no new commitments, milestones
            # or funding (the services refuse them): the page does not offer them.
            "takes_new_parts": agreement.status not in lifecycle.CLOSED,
            "timeline": selectors.timeline(agreement),
            "expiring": selectors.is_expiring(agreement, today),
            "stalled": selectors.is_stalled(agreement, today),
        },
    )


def _with_monitoring(agreement, today):
    """Each commitment's status by the published rules, with its latest accepted progress and
    forecast: one query for all of them."""
    commitments = list(agreement.commitments.all())
    states = commitment_states([c.pk for c in commitments], today)
    for commitment in commitments:
        commitment.monitoring = states.get(commitment.pk)


@requires("agreements.manage")
def agreement_edit(request, code):
    agreement = _agreement_for(request, code)
    form = forms.AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                agreement=Agreement.objects.get(pk=agreement.pk),
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
                **form.service_fields(),
            )
        except (ValidationError, DomainError) as error:
            _refused(form, error)
        else:
            return done(request, agreement.get_absolute_url(), _("Modifiche salvate."))
    return render(request, "backoffice/agreement_form.html", {"form": form, "agreement": agreement})


@requires("agreements.manage")
def agreement_transition(request, code, action):
    agreement = _agreement_for(request, code)
    step = lifecycle.ACTIONS.get(action)
    if step is None:
        raise Http404
    form = forms.TransitionForm(
        request.POST or None, agreement=agreement, action=step, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_transition(
                agreement=agreement,
                action=action,
                on=data.get("on") or timezone.localdate(),  # "sign": the last signature's
                by=request.user,
                act=data.get("act"),
                note=data.get("note", ""),
                expected_version=data["version"],
                new_expires_on=data.get("new_expires_on"),
            )
        except DomainError as error:
            _refused(form, error)
        else:
            message = _("%(action)s: fatto.") % {"action": step.label}
            return done(request, agreement.get_absolute_url(), message)
    template = "backoffice/_transition_form.html" if request.htmx else "backoffice/transition.html"
    context = {"form": form, "agreement": agreement, "step": step}
    if action == "sign":
        context["stipulation_date"] = services.stipulation_date(agreement)
    return render(request, template, context)


def _subform(request, agreement, form, save, title, success):
    """A form that adds or changes something of an agreement through one service call;
    `save` gets the valid form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except (ValidationError, DomainError) as error:
            _refused(form, error)
        else:
            return done(request, agreement.get_absolute_url(), success)
    template = "backoffice/_subform.html" if request.htmx else "backoffice/subform.html"
    return render(
        request,
        template,
        {"form": form, "agreement": agreement, "title": title, "action_url": request.path},
    )


def _removal(request, agreement, remove, context):
    """Confirm, then remove something of an agreement through one service call."""
    error = None
    if request.method == "POST":
        try:
            remove()
        except DomainError as refusal:
            error = refusal.message
        else:
            return done(request, agreement.get_absolute_url(), context["success"])
    template = (
        "backoffice/_agreement_remove.html" if request.htmx else "backoffice/agreement_remove.html"
    )
    return render(
        request,
        template,
        {**context, "agreement": agreement, "error": error, "action_url": request.path},
    )


def _version(form) -> int:
    return form.cleaned_data["version"] or 0


@requires("agreements.manage")
def party_add(request, code):
    agreement = _agreement_for(request, code)
    return _subform(
        request,
        agreement,
        forms.PartyForm(request.POST or None),
        lambda form: services.party_add(agreement=agreement, by=request.user, **form.cleaned_data),
        _("Aggiungi una parte"),
        _("Parte aggiunta."),
    )


def _party_of(agreement, pk) -> Party:
    return get_object_or_404(
        Party.objects.select_related("organisation", "agreement"), pk=pk, agreement=agreement
    )


@requires("agreements.manage")
def party_sign(request, code, pk):
    agreement = _agreement_for(request, code)
    party = _party_of(agreement, pk)
    return _subform(
        request,
        agreement,
        forms.SignatureForm(request.POST or None),
        lambda form: services.party_sign(party=party, by=request.user, **form.cleaned_data),
        _("Firma di %(name)s") % {"name": party.organisation},
        _("Firma di %(name)s registrata.") % {"name": party.organisation},
    )


@requires("agreements.manage")
def party_signature_edit(request, code, pk):
    agreement = _agreement_for(request, code)
    party = _party_of(agreement, pk)
    if party.signed_on is None:
        raise Http404
    return _subform(
        request,
        agreement,
        forms.SignatureCorrectionForm(request.POST or None, instance=party),
        lambda form: services.party_signature_correct(
            party=Party.objects.select_related("organisation", "agreement").get(pk=party.pk),
            signed_on=form.cleaned_data["signed_on"],
            expected_version=_version(form),
            by=request.user,
        ),
        _("Correggi la data della firma di %(name)s") % {"name": party.organisation},
        _("Data della firma di %(name)s corretta.") % {"name": party.organisation},
    )


@requires("agreements.manage")
def party_remove(request, code, pk):
    agreement = _agreement_for(request, code)
    party = _party_of(agreement, pk)
    name = f"{party.organisation.name} ({party.get_role_display()})"
    return _removal(
        request,
        agreement,
        lambda: services.party_remove(party=party, by=request.user),
        {
            "title": _("Togli la parte %(name)s") % {"name": name},
            "explanation": _(
                "%(name)s non sarà più parte dell'intesa; la cronologia conserva la parte tolta. "
                "Si tolgono solo le parti di un'intesa non ancora approvata, che non hanno "
                "firmato, non hanno quote di finanziamento e non sono responsabili di impegni."
            )
            % {"name": name},
            "button": _("Togli la parte"),
            "success": _("%(name)s non è più parte dell'intesa.") % {"name": name},
        },
    )


@requires("agreements.manage")
def act_add(request, code):
    agreement = _agreement_for(request, code)
    return _subform(
        request,
        agreement,
        forms.ActForm(request.POST or None, agreement=agreement),
        lambda form: services.act_add(
            agreement=agreement, by=request.user, **form.service_fields()
        ),
        _("Aggiungi un atto"),
        _("Atto registrato."),
    )


@requires("agreements.manage")
def act_edit(request, code, pk):
    agreement = _agreement_for(request, code)
    act = get_object_or_404(Act, pk=pk, agreement=agreement)
    return _subform(
        request,
        agreement,
        forms.ActForm(request.POST or None, instance=act, agreement=agreement),
        lambda form: services.act_update(
            act=Act.objects.select_related("agreement").get(pk=act.pk),
            expected_version=_version(form),
            by=request.user,
            **form.service_fields(),
        ),
        _("Correggi l'atto «%(act)s»") % {"act": act},
        _("Atto corretto."),
    )


@requires("agreements.manage")
def commitment_add(request, code):
    agreement = _agreement_for(request, code)
    return _subform(
        request,
        agreement,
        forms.CommitmentForm(request.POST or None, agreement=agreement),
        lambda form: services.commitment_add(
            agreement=agreement, by=request.user, **form.service_fields()
        ),
        _("Aggiungi un impegno"),
        _("Impegno registrato."),
    )


@requires("agreements.manage")
def commitment_edit(request, code, pk):
    agreement = _agreement_for(request, code)
    commitment = get_object_or_404(Commitment, pk=pk, agreement=agreement)
    return _subform(
        request,
        agreement,
        forms.CommitmentForm(request.POST or None, instance=commitment, agreement=agreement),
        lambda form: services.commitment_update(
            commitment=Commitment.objects.select_related("agreement").get(pk=commitment.pk),
            expected_version=_version(form),
            by=request.user,
            **form.service_fields(),
        ),
        _("Modifica l'impegno «%(title)s»") % {"title": commitment.title},
        _("Impegno aggiornato."),
    )


@requires("agreements.manage")
def milestone_add(request, code, pk):
    agreement = _agreement_for(request, code)
    commitment = get_object_or_404(Commitment, pk=pk, agreement=agreement)
    return _subform(
        request,
        agreement,
        forms.MilestoneForm(request.POST or None),
        lambda form: services.milestone_add(
            commitment=commitment, by=request.user, **form.service_fields()
        ),
        _("Aggiungi un traguardo a «%(title)s»") % {"title": commitment.title},
        _("Traguardo registrato."),
    )


def _milestone_of(agreement, pk) -> Milestone:
    return get_object_or_404(Milestone, pk=pk, commitment__agreement=agreement)


def _save_milestone(request, milestone):
    return lambda form: services.milestone_update(
        milestone=Milestone.objects.get(pk=milestone.pk),
        expected_version=_version(form),
        by=request.user,
        **form.service_fields(),
    )


@requires("agreements.manage")
def milestone_edit(request, code, pk):
    agreement = _agreement_for(request, code)
    milestone = _milestone_of(agreement, pk)
    return _subform(
        request,
        agreement,
        forms.MilestoneForm(request.POST or None, instance=milestone),
        _save_milestone(request, milestone),
        _("Modifica il traguardo «%(title)s»") % {"title": milestone.title},
        _("Traguardo aggiornato."),
    )


@requires("agreements.manage")
def milestone_reached(request, code, pk):
    agreement = _agreement_for(request, code)
    milestone = _milestone_of(agreement, pk)
    return _subform(
        request,
        agreement,
        forms.MilestoneReachedForm(
            request.POST or None, instance=milestone, today=timezone.localdate()
        ),
        _save_milestone(request, milestone),
        _("Traguardo «%(title)s» raggiunto") % {"title": milestone.title},
        _("Traguardo segnato come raggiunto."),
    )


@requires("agreements.manage")
def funding_add(request, code):
    agreement = _agreement_for(request, code)
    return _subform(
        request,
        agreement,
        forms.FundingForm(request.POST or None, agreement=agreement),
        lambda form: services.funding_add(
            agreement=agreement, by=request.user, **form.service_fields()
        ),
        _("Aggiungi un finanziamento"),
        _("Finanziamento registrato."),
    )


@requires("agreements.manage")
def funding_edit(request, code, pk):
    agreement = _agreement_for(request, code)
    line = get_object_or_404(FundingLine, pk=pk, agreement=agreement)
    return _subform(
        request,
        agreement,
        forms.FundingForm(request.POST or None, instance=line, agreement=agreement),
        lambda form: services.funding_update(
            line=FundingLine.objects.get(pk=line.pk),
            expected_version=_version(form),
            by=request.user,
            **form.service_fields(),
        ),
        _("Modifica il finanziamento «%(line)s»") % {"line": line},
        _("Finanziamento aggiornato."),
    )


@requires("agreements.manage")
def document_remove(request, code, pk):
    agreement = _agreement_for(request, code)
    document = get_object_or_404(Document, pk=pk, agreement=agreement)
    return _removal(
        request,
        agreement,
        lambda: services.document_remove(document=document, by=request.user),
        {
            "title": _("Togli il documento «%(title)s»") % {"title": document.title},
            "explanation": _(
                "Il documento «%(title)s» (%(name)s) non sarà più allegato all'intesa; "
                "la cronologia conserva chi lo ha tolto e quando."
            )
            % {"title": document.title, "name": document.original_name},
            "button": _("Togli il documento"),
            "success": _("Documento «%(title)s» tolto.") % {"title": document.title},
        },
    )
