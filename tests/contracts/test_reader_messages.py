"""Messages in Chinese read as Chinese: lists joined with 、, not an ASCII comma; dates in prose (2026年3月1日)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from contracts.lifecycle.actions import contract_record_non_renewal_notice, contract_sign
from contracts.models import Contract
from contracts.services.documents import document_upload
from core.exceptions import ActionNotAllowed
from exports.services import export_job_create
from tests.factories import ClauseFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="buyer1", role="procurement_staff")


def test_signing_with_open_clauses_lists_them_with_the_chinese_enumeration_comma(owner):
    contract = ContractFactory(owner=owner, status=Contract.Status.NEGOTIATING)
    ClauseFactory(contract=contract, title="服务水平", status="proposed")
    ClauseFactory(contract=contract, title="数据交接", status="countered")

    with translation.override("zh-hans"), pytest.raises(ActionNotAllowed) as refused:
        contract_sign(contract=contract, by=owner, date=date(2026, 1, 1))

    assert "服务水平、数据交接" in str(refused.value.message)
    assert "服务水平, 数据交接" not in str(refused.value.message)


def test_a_refused_file_type_lists_the_allowed_types_with_the_chinese_enumeration_comma(owner):
    contract = ContractFactory(owner=owner)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        document_upload(
            contract=contract, by=owner, uploaded_file=SimpleUploadedFile("宏.exe", b"MZ\x90\x00"), kind="annex"
        )

    [message] = refused.value.messages
    assert "、" in message and ", " not in message


def test_a_second_non_renewal_notice_names_the_first_ones_date_in_prose(owner):
    contract = ContractFactory(owner=owner, status=Contract.Status.ACTIVE, notice_given_on=date(2026, 3, 1))

    with translation.override("zh-hans"), pytest.raises(ActionNotAllowed) as refused:
        contract_record_non_renewal_notice(contract=contract, by=owner, date=date(2026, 3, 2))

    assert "2026年3月1日" in str(refused.value.message)


def test_an_export_of_unknown_contracts_lists_their_ids_with_the_chinese_enumeration_comma(owner):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        export_job_create(by=owner, contract_ids=[9901, 9902], language="zh-hans")

    [message] = refused.value.message_dict["ids"]
    assert "9901、9902" in message
