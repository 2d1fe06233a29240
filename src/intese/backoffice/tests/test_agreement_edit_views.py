"""The plan office corrects what it registered, from the agreement's page: HTMX subforms that
carry the row's version, refusals shown on their field, removals confirmed first."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from intese.agreements import services
from intese.agreements.models import Agreement, AgreementKind, Document, FundingLine, Status
from intese.testing import agreements as build

HTMX = {"hx-request": "true"}


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


@pytest.fixture
def commitment():
    agreement = build.signed()
    return services.commitment_add(
        agreement=agreement,
        by=None,
        title="Cabina di regia",
        responsible=build.milano(),
        milestones=[{"title": "Prima riunione", "due_on": datetime.date(2024, 9, 1)}],
    )


def url(name, agreement, *args):
    return reverse(f"backoffice:{name}", args=[agreement.code, *args])


def commitment_data(commitment, **changes):
    data = {
        "title": commitment.title,
        "description": "",
        "responsible": commitment.responsible_id,
        "starts_on": "",
        "due_on": "2025-06-30",
        "weight": 1,
        "status": commitment.status,
        "version": commitment.version,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_the_page_offers_edits_to_an_editor_and_not_to_a_viewer(client, people, commitment):
    agreement = commitment.agreement
    client.force_login(people.plan_editor)
    html = client.get(agreement.get_absolute_url()).content.decode()
    for name, pk in [
        ("commitment_edit", commitment.pk),
        ("milestone_reached", commitment.milestones.get().pk),
        ("act_edit", agreement.acts.get().pk),
    ]:
        assert url(name, agreement, pk) in html
    client.force_login(people.plan_viewer)
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert url("commitment_edit", agreement, commitment.pk) not in html


@pytest.mark.django_db
def test_a_closed_agreement_offers_no_new_commitments_milestones_or_funding(editor, commitment):
    agreement = commitment.agreement
    adds = [
        url("commitment_add", agreement),
        url("milestone_add", agreement, commitment.pk),
        url("funding_add", agreement),
    ]
    html = editor.get(agreement.get_absolute_url()).content.decode()
    assert all(add in html for add in adds)
    Agreement.objects.filter(pk=agreement.pk).update(status=Status.REVOKED)
    html = editor.get(agreement.get_absolute_url()).content.decode()
    assert not any(add in html for add in adds)
    assert url("commitment_edit", agreement, commitment.pk) in html


@pytest.mark.django_db
def test_an_editor_changes_a_commitments_status_through_htmx(editor, commitment):
    agreement = commitment.agreement
    edit = url("commitment_edit", agreement, commitment.pk)
    fragment = editor.get(edit, headers=HTMX).content.decode()
    assert "<html" not in fragment and f'value="{commitment.version}"' in fragment
    response = editor.post(edit, commitment_data(commitment, status="in_progress"), headers=HTMX)
    assert response["HX-Redirect"] == agreement.get_absolute_url()
    commitment.refresh_from_db()
    assert commitment.status == "in_progress" and commitment.version == 2


@pytest.mark.django_db
def test_a_stale_commitment_form_says_so_and_keeps_the_other_change(editor, commitment):
    edit = url("commitment_edit", commitment.agreement, commitment.pk)
    stale = commitment_data(commitment)
    editor.post(edit, {**stale, "status": "in_progress"})
    response = editor.post(edit, {**stale, "status": "cancelled"})
    assert "Qualcun altro ha modificato" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


@pytest.mark.django_db
def test_a_milestone_is_marked_reached_from_the_page(editor, commitment):
    milestone = commitment.milestones.get()
    response = editor.post(
        url("milestone_reached", commitment.agreement, milestone.pk),
        {"reached_on": "2024-09-02", "version": milestone.version},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached_on == datetime.date(2024, 9, 2)


@pytest.mark.django_db
def test_a_future_reached_date_is_shown_on_its_field(editor, commitment):
    milestone = commitment.milestones.get()
    response = editor.post(
        url("milestone_edit", commitment.agreement, milestone.pk),
        {
            "title": milestone.title,
            "due_on": "2024-09-01",
            "reached_on": "2999-01-01",
            "version": milestone.version,
        },
    )
    assert response.context["form"].errors == {
        "reached_on": ["Un traguardo non si segna raggiunto in una data futura."]
    }


@pytest.mark.django_db
def test_an_act_is_corrected_from_the_page(editor):
    agreement = build.approved()
    act = agreement.acts.get()
    response = editor.post(
        url("act_edit", agreement, act.pk),
        {
            "kind": act.kind,
            "number": "46/2024",
            "date": "2024-03-01",
            "issuer": act.issuer_id,
            "title": "",
            "approves": "on",
            "version": act.version,
        },
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.number == "46/2024"


@pytest.mark.django_db
def test_a_funding_line_is_edited_with_shares_in_euro_and_in_percent(editor):
    agreement = build.signed()
    cmm_party, milano_party = agreement.parties.order_by("role")
    line = services.funding_add(
        agreement=agreement, by=None, source="regional", amount=Decimal("1000.00")
    )
    form = editor.get(url("funding_edit", agreement, line.pk)).content.decode()
    assert f'name="share_{cmm_party.pk}"' in form and f'name="percent_{milano_party.pk}"' in form
    response = editor.post(
        url("funding_edit", agreement, line.pk),
        {
            "source": "regional",
            "description": "",
            "amount": "2000.00",
            "cup": "",
            f"share_{cmm_party.pk}": "500.00",
            f"percent_{milano_party.pk}": "25",
            "version": line.version,
        },
    )
    assert response.status_code == 302
    shares = {s.party_id: s.amount for s in FundingLine.objects.get(pk=line.pk).shares.all()}
    assert shares == {cmm_party.pk: Decimal("500.00"), milano_party.pk: Decimal("500.00")}


@pytest.mark.django_db
def test_shares_beyond_the_amount_are_explained_and_nothing_changes(editor):
    agreement = build.signed()
    cmm_party = agreement.parties.get(role="promoter")
    response = editor.post(
        url("funding_add", agreement),
        {"source": "regional", "amount": "100.00", f"share_{cmm_party.pk}": "150.00"},
    )
    assert "superano l&#x27;importo" in response.content.decode()
    assert not agreement.funding_lines.exists()


@pytest.mark.django_db
def test_a_bad_cup_lands_on_its_field_without_the_field_name(editor):
    agreement = build.signed()
    response = editor.post(
        url("funding_add", agreement), {"source": "regional", "amount": "10", "cup": "ABC"}
    )
    form = response.context["form"]
    assert "cup" in form.errors and not form.non_field_errors()
    assert "cup:" not in response.content.decode()


@pytest.mark.django_db
def test_a_service_refusal_with_a_field_lands_on_that_field(editor):
    """The code's uniqueness is checked by the service: the message sits on the code field,
    not above the form prefixed with the attribute's name."""
    build.proposal(code="DOPPIA")
    response = editor.post(
        reverse("backoffice:agreement_create"),
        {
            "code": "DOPPIA",
            "title": "Altra",
            "kind": AgreementKind.objects.get(code="accordo_pa_art15").pk,
            "renewal": "none",
        },
    )
    form = response.context["form"]
    assert "code" in form.errors and not form.non_field_errors()
    assert "code:" not in response.content.decode()


@pytest.mark.django_db
def test_a_lifecycle_refusal_names_its_field(editor):
    agreement = build.signed()
    services.agreement_transition(
        agreement=agreement, action="start", on=datetime.date(2024, 4, 1), by=None
    )
    response = editor.post(
        url("agreement_transition", agreement, "amend"),
        {"on": "2024-05-01", "act": agreement.acts.get().pk, "version": agreement.version},
    )
    # The approving decree is not an atto aggiuntivo: not even offered in the list.
    assert "act" in response.context["form"].errors
    assert Agreement.objects.get(pk=agreement.pk).status_changes.count() == 4


@pytest.mark.django_db
def test_the_stipulation_form_shows_the_derived_date_and_asks_none(editor):
    agreement = build.proposal()
    services.agreement_transition(
        agreement=agreement, action="start_review", on=datetime.date(2024, 2, 1), by=None
    )
    act = build.approving_act(agreement)
    for party in agreement.parties.all():
        services.party_sign(party=party, signed_on=datetime.date(2024, 3, 12), by=None)
    services.agreement_transition(
        agreement=agreement, action="approve", on=act.date, by=None, act=act
    )
    agreement.refresh_from_db()
    sign = url("agreement_transition", agreement, "sign")
    html = editor.get(sign).content.decode()
    assert "12 marzo 2024" in html.lower() and 'name="on"' not in html
    editor.post(sign, {"version": agreement.version})
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    assert agreement.status_changes.get(action="sign").on == datetime.date(2024, 3, 12)


@pytest.mark.django_db
def test_a_party_is_taken_off_after_confirmation(editor):
    agreement = build.proposal()
    party = agreement.parties.get(role="signatory")
    remove = url("party_remove", agreement, party.pk)
    confirm = editor.get(remove, headers=HTMX).content.decode()
    assert "Togli la parte" in confirm and agreement.parties.count() == 2
    response = editor.post(remove, headers=HTMX)
    assert response["HX-Redirect"] == agreement.get_absolute_url()
    assert agreement.parties.count() == 1


@pytest.mark.django_db
def test_a_party_that_signed_stays_and_the_page_says_why(editor):
    agreement = build.proposal()
    party = agreement.parties.get(role="signatory")
    services.party_sign(party=party, signed_on=datetime.date(2024, 2, 1), by=None)
    response = editor.post(url("party_remove", agreement, party.pk), headers=HTMX)
    assert "una parte che ha firmato non si toglie" in response.content.decode()
    assert agreement.parties.count() == 2


@pytest.mark.django_db
def test_a_document_is_taken_off_by_an_editor_only(client, people):
    agreement = build.proposal()
    document = Document.objects.create(
        agreement=agreement,
        title="Testo",
        file="agreements/x/abc",
        original_name="testo.pdf",
        content_type="application/pdf",
        size=10,
        sha256="b" * 64,
    )
    remove = url("document_remove", agreement, document.pk)
    client.force_login(people.plan_viewer)
    assert client.post(remove).status_code == 403
    assert agreement.documents.exists()
    client.force_login(people.plan_editor)
    assert client.post(remove).status_code == 302
    assert not agreement.documents.exists()
    assert Document.history.filter(history_type="-", history_user=people.plan_editor).exists()


@pytest.mark.django_db
def test_a_viewer_cannot_edit_a_commitment(client, people, commitment):
    client.force_login(people.plan_viewer)
    response = client.post(
        url("commitment_edit", commitment.agreement, commitment.pk),
        commitment_data(commitment, status="done"),
    )
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.status == "planned"


# --- The framework agreement, by code ---------------------------------------------------------


def agreement_data(**changes):
    data = {
        "code": "NUOVA-1",
        "title": "Intesa attuativa",
        "kind": AgreementKind.objects.get(code="accordo_pa_art15").pk,
        "renewal": "none",
        "version": "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_the_framework_agreement_is_named_by_its_code(editor):
    framework = build.proposal(code="QUADRO")
    response = editor.post(reverse("backoffice:agreement_create"), agreement_data(parent="QUADRO"))
    assert response.status_code == 302
    assert Agreement.objects.get(code="NUOVA-1").parent == framework
    edit = editor.get(reverse("backoffice:agreement_edit", args=["NUOVA-1"])).content.decode()
    assert 'value="QUADRO"' in edit and "<option" not in edit.split('name="parent"')[1][:200]


@pytest.mark.django_db
def test_an_unknown_framework_code_is_refused_on_its_field(editor):
    response = editor.post(reverse("backoffice:agreement_create"), agreement_data(parent="NESSUNA"))
    assert response.context["form"].errors["parent"] == ["Nessuna intesa ha il codice «NESSUNA»."]
    assert not Agreement.objects.filter(code="NUOVA-1").exists()


@pytest.mark.django_db
def test_a_framework_code_making_a_cycle_is_refused_on_its_field(editor):
    framework = build.proposal(code="QUADRO")
    build.proposal(code="ATTUATIVA", parent=framework)
    response = editor.post(
        reverse("backoffice:agreement_edit", args=["QUADRO"]),
        agreement_data(code="QUADRO", parent="ATTUATIVA", version=framework.version),
    )
    assert "intesa attuativa" in " ".join(response.context["form"].errors["parent"])
    framework.refresh_from_db()
    assert framework.parent is None
    response = editor.post(
        reverse("backoffice:agreement_edit", args=["QUADRO"]),
        agreement_data(code="QUADRO", parent="QUADRO", version=framework.version),
    )
    assert response.context["form"].errors["parent"] == [
        "Un'intesa non può essere quadro di se stessa."
    ]
