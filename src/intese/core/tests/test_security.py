"""Security defaults that every response and every login carries."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import reverse

from intese.testing.personas import PASSWORD


@pytest.mark.django_db
def test_public_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("portal:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_never_cached(client, people):
    client.force_login(people.plan_editor)
    response = client.get(reverse("backoffice:home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_with_the_right_password_opens_the_reserved_area(client, people):
    response = client.post(reverse("login"), {"username": "ufficio.piano", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_an_italian_message(client, people):
    response = client.post(reverse("login"), {"username": "ufficio.piano", "password": "sbagliata"})
    assert response.status_code == 200
    assert "e password corretti" in response.content.decode()


@pytest.mark.django_db
def test_password_guessing_locks_the_account_for_that_address(client, people):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "ufficio.piano", "password": "sbagliata"})
    response = client.post(reverse("login"), {"username": "ufficio.piano", "password": PASSWORD})
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()


WRONG = "sbagliata"


def _guess(client, password=WRONG, **headers):
    return client.post(
        reverse("login"), {"username": "ufficio.piano", "password": password}, **headers
    )


@pytest.mark.django_db
def test_without_a_proxy_a_forged_forwarded_header_does_not_dodge_the_lock(client, people):
    for attempt in range(5):
        _guess(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = _guess(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(
    AXES_IPWARE_PROXY_COUNT=1,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)
def test_behind_a_proxy_one_client_guessing_does_not_lock_out_the_others(client, people):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _attempt in range(5):
        _guess(client, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1", **proxy)
    guesser = _guess(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1", **proxy)
    colleague = _guess(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.1", **proxy)
    assert guesser.status_code == 429
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_a_denied_request_is_logged_with_user_and_permission(client, people, caplog):
    client.force_login(people.partner_rho)
    sesto = people.partner_sesto.role_assignments.get().organisation
    with caplog.at_level("WARNING", logger="intese.security"):
        response = client.get(reverse("backoffice:organisation_contacts", args=[sesto.pk]))
    assert response.status_code == 403
    assert f"user={people.partner_rho.pk}" in caplog.text
    assert "actors.change_organisation_contacts" in caplog.text


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "INTESE_TESTING")}
    env.update(DEBUG="false", INTESE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "intese", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
