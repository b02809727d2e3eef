"""What the OpenAPI schema states, the API enforces, one promise at a time (test_schema.py checks them all with
generated input; these pin each one down with plain requests)."""

import pytest
from rest_framework.test import APIClient

from contracts.models import Contract
from contracts.services.terms import contract_create


@pytest.fixture
def openapi(db):
    return APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _request_schema(openapi, path: str, method: str) -> dict:
    ref = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]


# --- version on every update -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/contracts/{id}/", "put"), ("/api/v1/contracts/{id}/", "patch"), ("/api/v1/clauses/{id}/", "patch")],
)
def test_the_schema_requires_the_version_on_every_update(openapi, path, method):
    assert "version" in _request_schema(openapi, path, method)["required"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_contract_update_without_the_version_changes_nothing(world, method):
    before = Contract.objects.get(pk=world.contract.pk)

    response = getattr(world.client("owner"), method)(
        f"/api/v1/contracts/{world.contract.pk}/",
        {"title": "改过的标题", "vendor": world.contract.vendor_id},
        format="json",
    )

    assert response.status_code in (400, 409)
    assert Contract.objects.get(pk=world.contract.pk).title == before.title


# --- share with a user or a group ----------------------------------------------------------------------------------


def test_the_schema_states_a_share_names_a_user_or_a_group(openapi):
    share = _request_schema(openapi, "/api/v1/contracts/{contract_pk}/share/", "post")
    shapes = [openapi["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]] for option in share["oneOf"]]
    assert sorted(sorted(shape["required"]) for shape in shapes) == [["group", "permission"], ["permission", "user"]]


def test_a_share_with_both_a_user_and_a_group_is_refused(world):
    response = world.client("owner").post(
        f"/api/v1/contracts/{world.contract.pk}/share/",
        {"user": "other_staff", "group": "legal", "permission": "view"},
        format="json",
    )

    assert response.status_code == 400
    assert not world.users["other_staff"].has_perm("contracts.view_contract", world.contract)


# --- the error answers every operation documents --------------------------------------------------------------------


def test_every_signed_in_operation_documents_401_and_every_operation_on_an_object_404(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if path == "/api/v1/auth/token/":
                continue
            assert "401" in operation["responses"], (method, path)
            if "{" in path:
                assert {"403", "404"} <= operation["responses"].keys(), (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "403"} <= operation["responses"].keys(), (method, path)


def test_a_path_under_the_api_that_names_nothing_answers_404_as_json(world):
    client = world.client("owner")

    for path in ("/api/v1/contracts/abc/", "/api/v1/contracts/-1/clauses/", "/api/v1/clauses/1%0A2/", "/api/v1/x/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert "detail" in response.json()


def test_a_form_body_with_too_many_fields_answers_400_as_json(world, settings):
    body = "&".join(f"ids={number}" for number in range(1, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 2))

    response = world.client("owner").post("/api/v1/exports/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_path_under_the_api_without_its_slash_is_still_redirected(world):
    response = world.client("owner").get("/api/v1/contracts")

    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/contracts/")


# --- booleans are true or false -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "on", 1, "1"])
def test_auto_renew_that_is_not_a_boolean_is_refused_and_nothing_is_created(world, value):
    count = Contract.objects.count()

    response = world.client("owner").post(
        "/api/v1/contracts/",
        {"title": "在线客服外包", "vendor": world.contract.vendor_id, "auto_renew": value},
        format="json",
    )

    assert response.status_code == 400
    assert "auto_renew" in response.data
    assert Contract.objects.count() == count


def test_auto_renew_as_a_json_boolean_or_a_form_word_is_taken(world):
    client = world.client("owner")

    as_json = client.post(
        "/api/v1/contracts/", {"title": "甲", "vendor": world.contract.vendor_id, "auto_renew": True}, format="json"
    )
    as_form = client.post(
        "/api/v1/contracts/", {"title": "乙", "vendor": world.contract.vendor_id, "auto_renew": "true"}
    )

    assert (as_json.status_code, as_json.data["auto_renew"]) == (201, True)
    assert (as_form.status_code, as_form.data["auto_renew"]) == (201, True)


def test_a_critical_flag_that_is_not_a_boolean_is_refused(world):
    response = world.client("owner").post(
        "/api/v1/contracts/",
        {
            "title": "呼叫中心云平台",
            "vendor": world.contract.vendor_id,
            "sla_targets": [{"metric": "接通率", "comparator": ">=", "target": "90", "unit": "%", "critical": "yes"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "sla_targets" in response.data


def test_a_renewal_successor_flag_that_is_not_a_boolean_is_refused(world):
    response = world.client("owner").post(
        f"/api/v1/contracts/{world.contract.pk}/renew/", {"successor": "yes"}, format="json"
    )

    assert response.status_code == 400
    assert "successor" in response.data


def test_the_auto_renew_filter_takes_true_or_false_and_refuses_anything_else(world):
    contract_create(by=world.users["owner"], title="自动续约的合同", vendor=world.contract.vendor, auto_renew=True)
    client = world.client("owner")

    assert client.get("/api/v1/contracts/", {"auto_renew": "true"}).data["count"] == 1
    assert client.get("/api/v1/contracts/", {"auto_renew": "false"}).data["count"] == 1
    assert client.get("/api/v1/contracts/", {"auto_renew": ""}).data["count"] == 2
    refused = client.get("/api/v1/contracts/", {"auto_renew": "yes"})
    assert refused.status_code == 400
    assert refused.json().keys() == {"auto_renew"}


# --- page_size is a whole number --------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["abc", "0", "-5", "2.5", ""])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_refused(world, page_size):
    response = world.client("owner").get("/api/v1/contracts/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json().keys() == {"page_size"}


def test_a_page_size_from_1_sets_the_page_length(world):
    for title in ("甲", "乙", "丙"):
        contract_create(by=world.users["owner"], title=title, vendor=world.contract.vendor)

    response = world.client("owner").get("/api/v1/contracts/", {"page_size": "3"})

    assert response.status_code == 200
    assert (response.data["count"], len(response.data["results"])) == (4, 3)
