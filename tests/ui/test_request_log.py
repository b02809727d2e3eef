"""The web log records a refused request once, as one line naming the user and the path, without a traceback."""

import logging

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.request_log import RefusedRequestFilter

pytestmark = pytest.mark.django_db


def logged_once(caplog, path: str) -> logging.LogRecord:
    records = [r for r in caplog.records if r.name.startswith("django") and path in r.getMessage()]
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    assert "Traceback" not in caplog.text
    return record


def test_a_hidden_contract_is_one_404_line_with_the_user(client, people, contract, caplog):
    client.force_login(people["other_staff"])
    path = reverse("contracts:edit", args=[contract.pk])

    with caplog.at_level(logging.INFO):
        assert client.get(path).status_code == 404

    assert logged_once(caplog, path).getMessage() == f"404 Not Found: GET {path} (user buyer2)"


def test_a_visible_contract_the_user_may_not_change_is_one_403_line(client, people, contract, caplog):
    client.force_login(people["auditor"])
    path = reverse("contracts:edit", args=[contract.pk])

    with caplog.at_level(logging.INFO):
        assert client.get(path).status_code == 403

    assert logged_once(caplog, path).getMessage() == f"403 Forbidden (Permission denied): GET {path} (user auditor)"


def test_the_apis_401_and_403_are_one_line_each(client, people, contract, caplog):
    path = f"/api/v1/contracts/{contract.pk}/"
    token = Token.objects.create(user=people["auditor"])

    with caplog.at_level(logging.INFO):
        assert client.get(path).status_code == 401
    assert logged_once(caplog, path).getMessage() == f"401 Unauthorized: GET {path} (user anonymous)"
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.patch(
            path, {"title": "x"}, content_type="application/json", headers={"authorization": f"Token {token.key}"}
        )
        assert response.status_code == 403
    assert logged_once(caplog, path).getMessage() == f"403 Forbidden: PATCH {path} (user auditor)"


def test_a_second_filter_from_logging_configured_twice_does_not_rewrite_the_line_again(rf):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/",), None)
    record.status_code, record.request = 404, rf.get("/x/")

    RefusedRequestFilter().filter(record)
    RefusedRequestFilter().filter(record)

    assert record.getMessage() == "404 Not Found: GET /x/ (user anonymous)"
