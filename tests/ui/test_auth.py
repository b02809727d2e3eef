"""Sign-in, sign-out, the login rate limit and the language switch."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"


def test_anonymous_visitor_of_the_home_page_is_sent_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_has_the_form_and_a_language_switch(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert reverse("accounts:set_language") in html


def test_user_signs_in_and_lands_on_the_dashboard(client):
    UserFactory(username="buyer")

    response = client.post(reverse("login"), {"username": "buyer", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"].username == "buyer"


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_repeated_wrong_passwords_lock_the_login_with_a_clear_message(client, settings):
    UserFactory(username="buyer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "buyer", "password": "wrong"})
        assert response.status_code == 200

    response = client.post(reverse("login"), {"username": "buyer", "password": "wrong"})

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    again = client.post(reverse("login"), {"username": "buyer", "password": PASSWORD})
    assert again.status_code == 429


def test_language_switch_sets_the_cookie_and_saves_the_users_language(client, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    user = UserFactory(language="zh-hans")
    client.force_login(user)

    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_works_before_signing_in(client, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="zh-hans">' in client.get(reverse("login")).content.decode()

    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("login")})

    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
