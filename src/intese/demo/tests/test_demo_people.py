"""The demo's people: the true, sourced posts of data/demo/people.json."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from intese.actors.models import Post, PostRole
from intese.demo.people import load_demo_people

PEOPLE = Path(settings.PROJECT_DIR) / "data" / "demo" / "people.json"

pytestmark = pytest.mark.django_db


def test_giuseppe_sala_is_mayor_of_milano_since_2016_with_a_source():
    load_demo_people(PEOPLE)

    post = Post.objects.current().get(organisation__ipa_code="c_f205", role=PostRole.MAYOR)
    assert str(post.person) == "Giuseppe Sala"
    assert post.valid_from == datetime.date(2016, 6, 21)
    assert post.valid_to is None
    assert "2021" in post.note
    assert post.source_url.startswith("https://")


def test_the_mayor_of_milano_is_by_law_the_metropolitan_mayor():
    load_demo_people(PEOPLE)

    mayor = Post.objects.current().get(organisation__ipa_code="c_f205", role=PostRole.MAYOR)
    metropolitan = Post.objects.current().get(
        organisation__ipa_code="cmmi", role=PostRole.METROPOLITAN_MAYOR
    )
    assert metropolitan.person == mayor.person
    assert metropolitan.valid_from == mayor.valid_from
    assert metropolitan.evidence == "by_law"
    assert "56/2014" in metropolitan.note and "normattiva.it" in metropolitan.source_url


def test_loading_the_people_again_changes_nothing():
    assert load_demo_people(PEOPLE) == {"created": 2}
    assert load_demo_people(PEOPLE) == {"unchanged": 2}
    assert Post.objects.count() == 2
    assert Post.history.count() == 2


def test_the_organisation_page_of_milano_shows_its_mayor_and_the_source(client):
    load_demo_people(PEOPLE)
    post = Post.objects.get(role=PostRole.MAYOR, organisation__ipa_code="c_f205")

    html = client.get(reverse("portal:organisation", args=[post.organisation_id])).content.decode()

    assert "Sindaco: Giuseppe Sala (dal 21 giugno 2016)" in html
    assert f'href="{post.source_url}"' in html


@override_settings(DEBUG=True)
def test_the_demo_command_records_the_posts():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Incarichi: 2 creati, 0 aggiornati" in out.getvalue()
    assert Post.objects.current().filter(person__family_name="Sala").count() == 2
