"""A new password revokes the API token obtained with the old one, whichever page sets it; the settings page shows
the token's expiry and revokes it on request."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import api_token_obtain, password_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "pw-for-tests-2026"
NEW = "Unguessable-2027-xyz"


@pytest.fixture(autouse=True)
def _fast_and_english(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def buyer():
    return UserFactory(username="buyer1", role="procurement_staff")


@pytest.fixture
def token(buyer):
    return Token.objects.create(user=buyer)


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/contracts/").status_code


def password_is(user, password: str) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


def test_changing_the_password_on_the_settings_page_revokes_the_token_and_keeps_the_session(client, buyer, token):
    client.force_login(buyer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert password_is(buyer, NEW)
    assert api_status(token.key) == 401
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, buyer, token):
    client.force_login(buyer)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 400
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert password_is(buyer, OLD)
    assert api_status(token.key) == 200


def test_djangos_own_password_change_page_revokes_the_token_too(client, buyer, token):
    client.force_login(buyer)

    response = client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 302
    assert password_is(buyer, NEW)
    assert api_status(token.key) == 401


def test_a_password_reset_revokes_the_token(client, buyer, token):
    uid = urlsafe_base64_encode(force_bytes(buyer.pk))
    link = client.get(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(buyer)]))
    assert link.status_code == 302

    response = client.post(link["Location"], {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert password_is(buyer, NEW)
    assert api_status(token.key) == 401


@pytest.fixture
def admin_client_(client):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


def test_an_admin_setting_a_users_password_revokes_their_token(admin_client_, buyer, token):
    client, _admin = admin_client_

    response = client.post(
        reverse("admin:auth_user_password_change", args=[buyer.pk]),
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )

    assert response.status_code == 302
    assert password_is(buyer, NEW)
    assert api_status(token.key) == 401


def test_an_admin_disabling_a_users_password_revokes_their_token(admin_client_, buyer, token):
    client, _admin = admin_client_

    response = client.post(
        reverse("admin:auth_user_password_change", args=[buyer.pk]), {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    buyer.refresh_from_db()
    assert not buyer.has_usable_password()
    assert not Token.objects.filter(pk=token.pk).exists()


def test_the_admins_own_password_change_revokes_their_token(admin_client_):
    client, admin = admin_client_
    admin_token = Token.objects.create(user=admin)

    response = client.post(
        reverse("admin:password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 302
    assert password_is(admin, NEW)
    assert api_status(admin_token.key) == 401


def test_the_settings_page_shows_when_the_token_expires_and_revokes_it(client, buyer, token, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    client.force_login(buyer)

    page = client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:api_token_revoke") in page
    assert "Your API token works until" in page

    response = client.post(reverse("accounts:api_token_revoke"), follow=True)

    assert response.status_code == 200
    assert "no longer works" in response.content.decode()
    assert api_status(token.key) == 401
    assert "You have no API token" in response.content.decode()


def test_revoking_on_the_settings_page_needs_a_post(client, buyer, token):
    client.force_login(buyer)

    assert client.get(reverse("accounts:api_token_revoke")).status_code == 405
    assert Token.objects.filter(pk=token.pk).exists()


def test_obtaining_keeps_a_valid_token_and_replaces_an_expired_one(buyer, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    first = api_token_obtain(user=buyer)
    assert api_token_obtain(user=buyer).key == first.key

    Token.objects.filter(pk=first.pk).update(created=timezone.now() - timedelta(days=31))
    second = api_token_obtain(user=buyer)

    assert second.key != first.key
    assert list(Token.objects.filter(user=buyer).values_list("key", flat=True)) == [second.key]


def test_setting_a_password_revokes_the_token(buyer, token):
    password_set(user=buyer, password=NEW)

    assert password_is(buyer, NEW)
    assert not Token.objects.filter(user=buyer).exists()


def test_the_token_lifetime_is_read_from_the_environment(settings):
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.API_TOKEN_TTL_DAYS)"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clm.settings", "API_TOKEN_TTL_DAYS": "7"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == "7", result.stderr
