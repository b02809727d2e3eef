"""Signing in to the API: tokens, sessions, and the lockout that stops password guessing."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def buyer(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(username="buyer1", role="procurement_staff")


def test_a_user_exchanges_name_and_password_for_a_token_that_works(buyer):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "buyer1", "password": "pw-for-tests-2026"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get("/api/v1/contracts/").status_code == 200


def test_a_wrong_password_gets_400_and_no_token(buyer):
    response = APIClient().post(TOKEN_URL, {"username": "buyer1", "password": "guess"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.data


def test_an_anonymous_call_gets_401_with_the_scheme_to_use(db):
    response = APIClient().get("/api/v1/contracts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_browser_session_works_too(buyer):
    client = APIClient()
    client.force_login(buyer)
    assert client.get("/api/v1/contracts/").status_code == 200


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_guessing_locks_the_account_out_even_for_the_right_password_and_is_logged(buyer, caplog):
    client = APIClient()
    # Given three wrong guesses from one address
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            client.post(TOKEN_URL, {"username": "buyer1", "password": "guess"}, format="json")

        # When the right password comes next
        response = client.post(TOKEN_URL, {"username": "buyer1", "password": "pw-for-tests-2026"}, format="json")

    # Then it is refused with 429 and a clear reason, the attempts are on record, and the lockout was logged
    assert response.status_code == 429
    assert response.data["code"] == "locked_out"
    assert "token" not in response.data
    assert AccessAttempt.objects.get(username="buyer1").failures_since_start >= 3
    assert any("locked out" in record.getMessage().lower() for record in caplog.records)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_resets_the_count(buyer):
    client = APIClient()
    for _ in range(2):
        client.post(TOKEN_URL, {"username": "buyer1", "password": "guess"}, format="json")
    assert client.post(TOKEN_URL, {"username": "buyer1", "password": "pw-for-tests-2026"}).status_code == 200
    for _ in range(2):
        client.post(TOKEN_URL, {"username": "buyer1", "password": "guess"}, format="json")
    assert client.post(TOKEN_URL, {"username": "buyer1", "password": "pw-for-tests-2026"}).status_code == 200
