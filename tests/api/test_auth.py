"""Signing in to the API: tokens, their expiry and revocation, sessions, and the lockout against password guessing."""

import logging
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
REVOKE_URL = "/api/v1/auth/token/revoke/"


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


def sign_in(client=None):
    return (client or APIClient()).post(
        TOKEN_URL, {"username": "buyer1", "password": "pw-for-tests-2026"}, format="json"
    )


def calls_with(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/contracts/")


def test_sign_in_answers_the_token_and_when_it_expires(buyer, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    before = timezone.now()

    response = sign_in()

    assert response.status_code == 200
    assert set(response.data) == {"token", "expires"}
    expires = datetime.fromisoformat(response.data["expires"])
    assert before + timedelta(days=30) <= expires <= timezone.now() + timedelta(days=30)


def test_signing_in_again_returns_the_same_token_while_it_is_valid(buyer):
    assert sign_in().data["token"] == sign_in().data["token"]


def test_an_expired_token_answers_401_and_says_so(buyer, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=buyer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=30, seconds=1))

    response = calls_with(token.key)

    assert response.status_code == 401
    assert "已过期" in response.data["detail"]  # the reader's language: Chinese by default


def test_the_lifetime_is_the_setting(buyer, settings):
    settings.API_TOKEN_TTL_DAYS = 2
    token = Token.objects.create(user=buyer)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=1))
    assert calls_with(token.key).status_code == 200

    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=2, seconds=1))
    assert calls_with(token.key).status_code == 401


def test_signing_in_after_expiry_gives_a_new_token_and_the_old_one_stays_refused(buyer):
    old = sign_in().data["token"]
    Token.objects.filter(pk=old).update(created=timezone.now() - timedelta(days=365))

    new = sign_in().data["token"]

    assert new != old
    assert calls_with(new).status_code == 200
    assert calls_with(old).status_code == 401


def test_a_user_revokes_their_token_and_it_stops_working_at_once(buyer):
    key = sign_in().data["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post(REVOKE_URL)

    assert response.status_code == 204
    assert calls_with(key).status_code == 401
    assert not Token.objects.filter(user=buyer).exists()
    assert sign_in().data["token"] != key


def test_revoking_from_a_browser_session_works_too(buyer):
    Token.objects.create(user=buyer)
    client = APIClient()
    client.force_login(buyer)

    assert client.post(REVOKE_URL).status_code == 204
    assert not Token.objects.filter(user=buyer).exists()


def test_revoking_needs_a_signed_in_user(buyer):
    token = Token.objects.create(user=buyer)

    assert APIClient().post(REVOKE_URL).status_code == 401
    assert Token.objects.filter(pk=token.pk).exists()
