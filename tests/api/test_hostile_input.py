"""Hostile input never makes the API or a page answer 500: JSON nested absurdly deep, NUL characters in the token, in
the query string or in another header. Each gets a clear 4xx, and nothing is written."""

import json

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from contracts.models import Contract

TOKEN_URL = "/api/v1/auth/token/"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_raw(client: APIClient, url: str, body: str, method: str = "post"):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_json_nested_too_deep_is_refused_with_400_even_on_the_token_endpoint(db, depth):
    body = f'{{"username": "buyer1", "password": "guess", "deep": {nested(depth)}}}'

    response = post_raw(APIClient(), TOKEN_URL, body)

    assert response.status_code == 400
    assert "嵌套超过 64 层" in response.json()["detail"]


def test_json_nested_too_deep_on_a_write_endpoint_is_400_and_changes_nothing(world):
    contract = world.contract
    body = f'{{"title": "改过的标题", "version": {contract.version}, "notes": {nested(1000)}}}'

    response = post_raw(world.client("owner"), f"/api/v1/contracts/{contract.pk}/", body, method="patch")

    assert response.status_code == 400
    assert "嵌套超过 64 层" in response.json()["detail"]
    assert Contract.objects.get(pk=contract.pk).title == contract.title


def test_json_nested_within_the_bound_is_parsed_as_usual(world):
    contract = world.contract
    body = json.dumps({"title": "改过的标题", "version": contract.version, "ignored": json.loads(nested(60))})

    response = post_raw(world.client("owner"), f"/api/v1/contracts/{contract.pk}/", body, method="patch")

    assert response.status_code == 200
    assert response.data["title"] == "改过的标题"


def test_a_token_with_a_nul_byte_is_401_not_500(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token abc\x00def")

    response = client.get("/api/v1/contracts/")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/contracts/", {"q": "a\x00b"}),
        ("/api/v1/contracts/", {"owner": "\x00"}),
        ("/api/v1/contracts/", {"search": "a\x00b"}),
        ("/api/v1/obligations/", {"contract": "\x00"}),
        ("/api/v1/obligations/", {"owner": "x\x00"}),
        ("/api/v1/vendors/", {"q": "\x00"}),
        ("/api/v1/contracts/", {"\x00": "1"}),
    ],
)
def test_a_nul_byte_in_the_query_string_is_400(world, url, params):
    response = world.client("manager").get(url, params)

    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url, params",
    [
        ("/contracts/", {"q": "a\x00b"}),
        ("/vendors/", {"q": "\x00"}),
        ("/obligations/", {"owner": "\x00"}),
    ],
)
def test_a_nul_byte_in_a_pages_query_string_is_400(world, client, url, params):
    client.force_login(world.users["manager"])

    response = client.get(url, params)

    assert response.status_code == 400


def test_a_failed_sign_in_with_a_nul_byte_in_the_user_agent_is_400_and_records_nothing(db):
    response = APIClient().post(
        TOKEN_URL, {"username": "nobody", "password": "guess"}, format="json", HTTP_USER_AGENT="curl\x00"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "null_characters"
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/contracts/", "/contracts/"])
def test_a_session_cookie_with_a_nul_byte_is_400(db, client, url):
    response = client.get(url, HTTP_COOKIE="sessionid=abcdefghij\x00klmnop")

    assert response.status_code == 400
