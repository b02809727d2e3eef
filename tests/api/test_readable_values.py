"""The API reads codes the way the forms do and answers duplicates and grantees in words people read."""

import pytest

from tests.factories import ContractFactory, VendorFactory, make_credit_code
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def vendor_payload(**fields) -> dict:
    return {"name": "深圳新客服有限公司", "status": "active", **fields}


def test_a_credit_code_sent_with_spaces_and_full_width_characters_is_stored_normalised(world):
    code = make_credit_code(5150)
    pasted = " " + "".join(chr(ord(ch) + 0xFEE0) for ch in code[:6]) + " " + code[6:].lower() + "　"

    response = world.client("manager").post("/api/v1/vendors/", vendor_payload(credit_code=pasted), format="json")

    assert response.status_code == 201, response.data
    assert response.data["credit_code"] == code
    assert Vendor.objects.filter(credit_code=code).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_duplicate_credit_code_answers_400_naming_the_vendor_using_it(world, language):
    existing = VendorFactory(name="上海云启客服外包有限公司")
    before = Vendor.objects.count()

    response = world.client("manager").post(
        "/api/v1/vendors/",
        vendor_payload(credit_code=f" {existing.credit_code.lower()}"),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    [message] = response.data["credit_code"]
    assert "上海云启客服外包有限公司" in message
    if language == "en":
        assert message == "This unified social credit code is already used by vendor “上海云启客服外包有限公司”."
    assert Vendor.objects.count() == before


def test_a_contract_number_is_normalised_and_a_duplicate_names_the_contract(world):
    ContractFactory(owner=world.users["owner"], number="CLM-2025-0901", title="呼叫中心软件许可合同")
    url = f"/api/v1/contracts/{world.contract.pk}/"

    taken = world.client("owner").patch(
        url, {"number": " clm-2025-0901 ", "version": world.contract.version}, format="json"
    )
    saved = world.client("owner").patch(
        url, {"number": " ｃｌｍ-2025-0999 ", "version": world.contract.version}, format="json"
    )

    assert taken.status_code == 400
    assert taken.data["number"] == ["合同编号 CLM-2025-0901 已被合同“呼叫中心软件许可合同”使用。"]
    assert saved.status_code == 200, saved.data
    assert saved.data["number"] == "CLM-2025-0999"


def test_a_duplicate_number_of_a_hidden_contract_does_not_reveal_its_title(world):
    ContractFactory(owner=world.users["manager"], number="CLM-2025-0902", title="保密合同")

    response = world.client("owner").patch(
        f"/api/v1/contracts/{world.contract.pk}/",
        {"number": "CLM-2025-0902", "version": world.contract.version},
        format="json",
    )

    assert response.status_code == 400
    assert response.data["number"] == ["合同编号 CLM-2025-0902 已被另一份合同使用。"]
    assert "保密合同" not in str(response.data)


def test_the_shares_name_people_and_roles_for_people_to_read(world):
    viewer = world.users["viewer"]
    viewer.first_name, viewer.last_name = "伟", "王"
    viewer.save()

    response = world.client("owner").post(
        f"/api/v1/contracts/{world.contract.pk}/share/",
        {"group": "procurement_manager", "permission": "view"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert {"group": "procurement_manager", "label": "采购经理", "permission": "view"} in response.data["groups"]
    assert {"user": "viewer", "label": "王伟（viewer）", "permission": "view"} in response.data["users"]
