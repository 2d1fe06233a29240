"""The privacy notice tells the truth about the cookies and names who to write to; so does the
accessibility page."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from intese.portal.tests.test_pages import PUBLIC_PAGES
from intese.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def cookie_rows(html: str) -> dict[str, str]:
    """The cookies listed in the privacy notice, each with where it is set."""
    rows = re.findall(r"<tr><th scope=\"row\"><code>([^<]+)</code></th><td>([^<]+)</td>", html)
    return dict(rows)


def privacy_page() -> str:
    return Client().get(reverse("portal:privacy")).content.decode()


def cookies_set_by_anonymous_pages() -> set[str]:
    names = set()
    for name, args in PUBLIC_PAGES:
        response = Client().get(reverse(name, args=args))  # a new visitor: no cookies yet
        names |= set(response.cookies)
    return names


def test_the_notice_lists_every_cookie_an_anonymous_visitor_receives_as_set_on_every_page():
    listed = cookie_rows(privacy_page())
    received = cookies_set_by_anonymous_pages()
    assert received, "the public pages set no cookie: the notice should say so"
    for name in received:
        assert listed.get(name) == "tutte le pagine", name


def test_every_cookie_the_notice_lists_is_really_set(people):
    listed = set(cookie_rows(privacy_page()))
    set_somewhere = cookies_set_by_anonymous_pages()
    visitor = Client()
    set_somewhere |= set(
        visitor.post(reverse("set_language"), {"language": "en", "next": "/"}).cookies
    )
    worker = Client()
    set_somewhere |= set(
        worker.post(reverse("login"), {"username": "ufficio.piano", "password": PASSWORD}).cookies
    )
    assert set_somewhere <= listed
    assert listed - set_somewhere <= {"messages"}  # set after an operation in the reserved area
    assert settings.CSRF_COOKIE_NAME in set_somewhere


def test_the_notice_does_not_claim_the_language_cookie_is_the_only_one():
    assert "unico cookie" not in privacy_page()


def test_the_notice_has_the_sections_the_gdpr_requires():
    html = privacy_page()
    for heading in [
        "Titolare del trattamento",
        "Responsabile della protezione dei dati",
        "Base giuridica",
        "Cookie",
        "Per quanto tempo",
        "I diritti dell'interessato",
    ]:
        assert f">{heading}</h2>" in html, heading
    assert "Città metropolitana di Milano, con sede in Via Vivaio 1, 20122 Milano" in html
    assert 'href="mailto:protocollo@pec.cittametropolitana.mi.it"' in html
    assert "art. 6, paragrafo 1, lettera e" in html
    assert "Garante per la protezione dei dati personali" in html


@override_settings(INTESE_DPO_CONTACT="rpd@ente.example.it", INTESE_BODY_PEC="ente@pec.example.it")
def test_the_contacts_of_the_notice_come_from_the_settings():
    html = privacy_page()
    assert 'href="mailto:rpd@ente.example.it"' in html
    assert 'href="mailto:ente@pec.example.it"' in html


def test_without_a_dpo_address_the_notice_points_to_the_body_website():
    html = privacy_page()
    assert f'href="{settings.INTESE_BODY_WEBSITE}"' in html


def test_the_accessibility_page_says_where_to_send_feedback(client):
    html = client.get(reverse("portal:accessibility")).content.decode()
    assert f'href="mailto:{settings.INTESE_ACCESSIBILITY_CONTACT}"' in html
    assert "Difensore civico per il digitale" in html


@override_settings(INTESE_ACCESSIBILITY_CONTACT="accessibilita@ente.example.it")
def test_the_accessibility_contact_is_configurable(client):
    html = client.get(reverse("portal:accessibility")).content.decode()
    assert 'href="mailto:accessibilita@ente.example.it"' in html
