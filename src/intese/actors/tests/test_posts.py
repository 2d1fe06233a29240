"""People, their posts and the memberships between organisations: periods, rules, pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from intese.actors.models import (
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    Person,
    Post,
    PostRole,
)
from intese.actors.services import post_record
from intese.territory.models import today

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def sesto():
    return Organisation.objects.get(name="Comune di Sesto San Giovanni")


def mayor(organisation, given, family, start, end=None, **extra):
    post, _outcome = post_record(
        organisation=organisation,
        role=PostRole.MAYOR,
        given_name=given,
        family_name=family,
        valid_from=start,
        valid_to=end,
        **extra,
    )
    return post


# --- Periods --------------------------------------------------------------------------------------


def test_a_post_is_valid_from_its_first_day_to_the_day_before_its_end(sesto):
    post = mayor(sesto, "Anna", "Prima", D(2017, 6, 27), D(2022, 6, 27))
    held = Post.objects.filter(pk=post.pk)
    assert not held.valid_on(D(2017, 6, 26)).exists()
    assert held.valid_on(D(2017, 6, 27)).exists()
    assert held.valid_on(D(2022, 6, 26)).exists()
    assert not held.valid_on(D(2022, 6, 27)).exists()


def test_current_posts_are_those_held_today(sesto):
    past = mayor(sesto, "Anna", "Prima", D(2012, 1, 1), D(2017, 1, 1))
    present = mayor(sesto, "Bruno", "Secondo", D(2017, 1, 1))
    assert list(Post.objects.filter(organisation=sesto).current()) == [present]
    assert past not in Post.objects.current()
    assert list(Post.objects.filter(organisation=sesto).valid_on(D(2016, 12, 31))) == [past]


def test_a_post_that_ends_before_it_starts_is_refused_with_an_italian_message(sesto):
    with pytest.raises(ValidationError, match="La data di fine deve seguire la data di inizio"):
        mayor(sesto, "Anna", "Prima", D(2020, 1, 1), D(2019, 1, 1))
    assert not Post.objects.filter(organisation=sesto).exists()


def test_the_database_refuses_a_post_that_ends_before_it_starts(sesto):
    person = Person.objects.create(given_name="Anna", family_name="Prima")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            person=person,
            organisation=sesto,
            role=PostRole.MAYOR,
            valid_from=D(2020, 1, 1),
            valid_to=D(2020, 1, 1),
        )


def test_the_same_post_cannot_be_stored_twice(sesto):
    person = Person.objects.create(given_name="Anna", family_name="Prima")
    fields = {"person": person, "organisation": sesto, "role": PostRole.MAYOR}
    Post.objects.create(**fields, valid_from=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(**fields, valid_from=D(2020, 1, 1))


# --- One mayor at a time -------------------------------------------------------------------------


def test_a_second_mayor_in_the_same_period_is_refused(sesto):
    mayor(sesto, "Anna", "Prima", D(2017, 6, 27))
    with pytest.raises(ValidationError, match="ha già un Sindaco in questo periodo: Anna Prima"):
        mayor(sesto, "Bruno", "Secondo", D(2022, 6, 27))
    assert Post.objects.filter(organisation=sesto).count() == 1


def test_a_new_mayor_follows_the_previous_one_on_the_day_the_term_ends(sesto):
    mayor(sesto, "Anna", "Prima", D(2017, 6, 27), D(2022, 6, 27))
    mayor(sesto, "Bruno", "Secondo", D(2022, 6, 27))
    on_the_day = Post.objects.filter(organisation=sesto).valid_on(D(2022, 6, 27))
    assert on_the_day.get().person.family_name == "Secondo"


def test_several_people_may_hold_a_role_that_is_not_single(sesto):
    for family in ("Prima", "Seconda"):
        post_record(
            organisation=sesto,
            role=PostRole.COUNCILLOR_DELEGATE,
            given_name="Carla",
            family_name=family,
            valid_from=D(2023, 1, 1),
        )
    assert Post.objects.filter(organisation=sesto).current().count() == 2


def test_recording_a_post_again_changes_nothing_and_a_new_end_updates_it(sesto):
    post = mayor(sesto, "Anna", "Prima", D(2017, 6, 27), source_url="https://example.org/a")
    again, outcome = post_record(
        organisation=sesto,
        role=PostRole.MAYOR,
        given_name="Anna",
        family_name="Prima",
        valid_from=D(2017, 6, 27),
        source_url="https://example.org/a",
    )
    assert (again.pk, outcome) == (post.pk, "unchanged")
    ended, outcome = post_record(
        organisation=sesto,
        role=PostRole.MAYOR,
        given_name="Anna",
        family_name="Prima",
        valid_from=D(2017, 6, 27),
        valid_to=D(2022, 6, 27),
        source_url="https://example.org/a",
    )
    assert (ended.pk, outcome, ended.valid_to) == (post.pk, "changed", D(2022, 6, 27))
    assert Person.objects.filter(family_name="Prima").count() == 1
    assert post.history.count() == 2


# --- Memberships between organisations ---------------------------------------------------------


def test_an_organisation_cannot_be_a_member_of_itself(sesto):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationMembership.objects.create(member=sesto, group=sesto)


def test_a_membership_holds_over_its_period():
    union = Organisation.objects.create(
        kind=OrganisationKind.UNION_OF_MUNICIPALITIES, name="Unione di prova"
    )
    member = Organisation.objects.get(name="Comune di Rho")
    membership = OrganisationMembership.objects.create(
        member=member, group=union, role=MembershipRole.MEMBER, valid_from=D(2020, 1, 1)
    )
    assert list(union.members.valid_on(today())) == [membership]
    assert not union.members.valid_on(D(2019, 12, 31)).exists()
    with pytest.raises(ValidationError, match="La data di fine deve seguire"):
        OrganisationMembership(
            member=member, group=union, valid_from=D(2020, 1, 1), valid_to=D(2019, 1, 1)
        ).full_clean()


# --- The organisation page -----------------------------------------------------------------------


def test_the_organisation_page_shows_the_current_mayor_and_not_a_past_one(client, sesto):
    mayor(sesto, "Anna", "Passata", D(2012, 6, 1), D(2017, 6, 27))
    mayor(
        sesto,
        "Bruno",
        "Attuale",
        D(2017, 6, 27),
        evidence="official_act",
        source_url="https://example.org/proclamazione",
    )

    html = client.get(reverse("portal:organisation", args=[sesto.pk])).content.decode()

    assert "Sindaco: Bruno Attuale (dal 27 giugno 2017)" in html
    assert 'href="https://example.org/proclamazione"' in html
    assert "Passata" not in html


def test_the_organisation_page_shows_no_posts_section_without_current_posts(client, sesto):
    mayor(sesto, "Anna", "Passata", D(2012, 6, 1), D(2017, 6, 27))
    html = client.get(reverse("portal:organisation", args=[sesto.pk])).content.decode()
    assert "Incarichi" not in html
