"""People and vendor pickers that search as one types: JSON endpoints behind the access gate, pages that never list
every user or vendor, and the register's owner filter by name."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from contracts.models import Contract, ContractUserObjectPermission
from tests.factories import ContractFactory, UserFactory, VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"
OWNERS = "/accounts/autocomplete/owners/"
USERS = "/accounts/autocomplete/users/"
VENDORS = "/vendors/autocomplete/"


@pytest.fixture
def li(db):
    user = UserFactory(
        username="lixm", first_name="晓敏", last_name="李", email="xiaomin.li@example.com", role="procurement_staff"
    )
    return user


def labels(response) -> list[str]:
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def values(response) -> list[str]:
    return [row["value"] for row in response.json()["results"]]


@pytest.mark.parametrize("url", [OWNERS, USERS, VENDORS])
def test_the_pickers_need_a_sign_in(client, url):
    response = client.get(url, {"q": "a"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("typed", ["李晓敏", "晓敏", "lixm", "LIXM", "xiaomin.li@", "李"])
def test_the_owner_picker_finds_a_person_by_name_username_or_email(client, people, li, typed):
    client.force_login(people["owner"])
    response = client.get(OWNERS, {"q": typed})
    assert "李晓敏 (lixm)" in labels(response)
    assert str(li.pk) in values(response)


def test_the_picker_labels_people_with_chinese_brackets_in_chinese(client, people, li, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(people["owner"])
    assert labels(client.get(OWNERS, {"q": "lixm"})) == ["李晓敏（lixm）"]


def test_the_owner_picker_offers_only_people_who_may_own_contracts(client, people):
    client.force_login(people["owner"])
    offered = values(client.get(OWNERS, {"q": ""}))
    assert str(people["manager"].pk) in offered and str(people["other_staff"].pk) in offered
    assert str(people["legal"].pk) not in offered
    assert str(people["auditor"].pk) not in offered


def test_the_share_picker_offers_active_users_by_user_name(client, people):
    UserFactory(username="legal_left", is_active=False, role="legal")
    client.force_login(people["owner"])
    offered = values(client.get(USERS, {"q": "legal"}))
    assert offered == ["legal"]


def test_a_picker_answers_at_most_twenty(client, people):
    staff = Group.objects.get(name=Role.PROCUREMENT_STAFF)
    for n in range(30):
        UserFactory(username=f"zhang{n:02d}", role=None).groups.add(staff)
        VendorFactory(name=f"张江客服外包{n:02d}")
    client.force_login(people["owner"])
    assert len(values(client.get(OWNERS, {"q": "zhang"}))) == 20
    assert len(values(client.get(USERS, {"q": "zhang"}))) == 20
    assert len(values(client.get(VENDORS, {"q": "张江"}))) == 20


def test_hostile_picker_input_is_no_error(client, people):
    client.force_login(people["owner"])
    for url in (OWNERS, USERS, VENDORS):
        assert client.get(url, {"q": "%' OR 1=1 --" * 40}).status_code == 200
        # A NUL character is refused before any view runs (core.middleware), never a 500.
        assert client.get(url, {"q": "%' OR 1=1 --\x00"}).status_code == 400


def test_the_vendor_picker_finds_by_name_and_leaves_out_blocked_ones_for_contracts(client, people):
    VendorFactory(name="上海云呼客服外包有限公司", short_name="云呼客服")
    VendorFactory(name="云呼数据（已封禁）", status=Vendor.Status.BLOCKED)
    client.force_login(people["owner"])
    assert sorted(labels(client.get(VENDORS, {"q": "云呼"}))) == ["上海云呼客服外包有限公司", "云呼数据（已封禁）"]
    assert labels(client.get(VENDORS, {"q": "云呼", "usable": "1"})) == ["上海云呼客服外包有限公司"]


def test_the_contract_form_lists_neither_every_user_nor_every_vendor(client, people, contract):
    staff = Group.objects.get(name=Role.PROCUREMENT_STAFF)
    for n in range(40):
        UserFactory(username=f"many{n:02d}", role=None).groups.add(staff)
        VendorFactory(name=f"众多供应商{n:02d}")
    client.force_login(people["owner"])

    new = client.get("/contracts/new/").content.decode()
    assert "many07" not in new and "众多供应商07" not in new
    assert 'data-autocomplete="/accounts/autocomplete/owners/"' in new
    assert 'data-autocomplete="/vendors/autocomplete/?usable=1"' in new
    assert "vendor/tom-select/tom-select.complete.min.js" in new

    edit = client.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert "many07" not in edit
    assert f'<option value="{people["owner"].pk}" selected>buyer1</option>' in edit
    assert f'<option value="{contract.vendor_id}" selected>上海云呼客服外包有限公司</option>' in edit


def test_the_owner_is_shown_by_name_and_a_picked_owner_is_saved(client, people, contract, li):
    client.force_login(people["manager"])
    response = client.get(f"/contracts/{contract.pk}/edit/")
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(owner=li.pk, effective_date="2026-01-01", end_date="2026-12-31")
    for prefix in ("sla", "fee"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    saved = client.post(f"/contracts/{contract.pk}/edit/", data)
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    assert Contract.objects.get(pk=contract.pk).owner == li
    page = client.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert f'<option value="{li.pk}" selected>李晓敏 (lixm)</option>' in page


def test_the_register_lists_no_vendor_options_beyond_the_chosen_one(client, people, contract):
    for n in range(30):
        VendorFactory(name=f"众多供应商{n:02d}")
    client.force_login(people["owner"])
    page = client.get("/contracts/", {"vendor": contract.vendor_id}).content.decode()
    assert "众多供应商07" not in page
    assert f'<option value="{contract.vendor_id}" selected>上海云呼客服外包有限公司</option>' in page
    assert [c.pk for c in client.get("/contracts/", {"vendor": contract.vendor_id}).context["contracts"]] == [
        contract.pk
    ]


@pytest.mark.parametrize("typed", ["李晓敏", "lixm", "晓敏"])
def test_the_register_filters_by_the_owners_name_or_user_name(client, people, li, typed):
    mine = ContractFactory(owner=li, title="李晓敏负责的合同")
    ContractFactory(owner=people["owner"], title="别人的合同")
    client.force_login(people["manager"])
    response = client.get("/contracts/", {"owner": typed})
    assert [c.pk for c in response.context["contracts"]] == [mine.pk]


def test_sharing_through_the_picker_names_the_user(client, people, contract):
    client.force_login(people["owner"])
    response = client.post(f"/contracts/{contract.pk}/share/", {"user": "buyer2", "permission": "view"})
    assert response.status_code == 302
    assert ContractUserObjectPermission.objects.filter(user=people["other_staff"], content_object=contract).exists()
    unknown = client.post(f"/contracts/{contract.pk}/share/", {"user": "nobody", "permission": "view"})
    assert unknown.status_code == 200
    assert unknown.context["form"].errors["user"]
    page = client.get(f"/contracts/{contract.pk}/share/").content.decode()
    assert 'data-autocomplete="/accounts/autocomplete/users/"' in page
    assert "buyer2</option>" not in page


@pytest.mark.parametrize(("language", "nothing"), [("zh-hans", "没有匹配的结果"), ("en", "No matches")])
def test_a_picker_says_in_the_readers_language_when_nothing_matches(client, people, language, nothing):
    client.cookies["django_language"] = language
    client.force_login(people["owner"])

    new = client.get("/contracts/new/").content.decode()

    assert new.count(f'data-no-results="{nothing}"') == 2  # the vendor and the owner pickers
