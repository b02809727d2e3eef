"""A small world for API tests: one contract owned by a staff user, shared with a viewer and an editor, and one
user of every role."""

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.documents import document_upload
from contracts.models import Clause, Contract, Document
from contracts.services import clause_create, contract_create
from contracts.sharing import contract_share
from obligations.models import Obligation
from tests.factories import ObligationFactory, PriceChangeNoticeFactory, UserFactory, VendorFactory

ROLES = ("owner", "viewer", "editor", "other_staff", "manager", "legal", "auditor", "anonymous")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    contract: Contract | None = None
    clause: Clause | None = None
    obligation: Obligation | None = None
    document: Document | None = None
    vendor_without_contracts: object = None

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            token, _created = Token.objects.get_or_create(user=self.users[role])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing eight passwords per test with the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    w = World()
    for name, role in [
        ("owner", Role.PROCUREMENT_STAFF),
        ("viewer", Role.PROCUREMENT_STAFF),
        ("editor", Role.PROCUREMENT_STAFF),
        ("other_staff", Role.PROCUREMENT_STAFF),
        ("manager", Role.PROCUREMENT_MANAGER),
        ("legal", Role.LEGAL),
        ("auditor", Role.AUDITOR),
    ]:
        w.users[name] = UserFactory(username=name, role=role)
    owner = w.users["owner"]
    w.contract = contract_create(by=owner, title="呼叫中心外包服务合同", vendor=VendorFactory())
    contract_share(contract=w.contract, by=owner, user=w.users["viewer"], permission="view")
    contract_share(contract=w.contract, by=owner, user=w.users["editor"], permission="change")
    w.contract.refresh_from_db()
    w.clause = clause_create(contract=w.contract, by=owner, category="sla", title="服务水平", text="接通率不低于95%。")
    w.obligation = ObligationFactory(contract=w.contract)
    PriceChangeNoticeFactory(contract=w.contract)
    w.document = document_upload(
        contract=w.contract,
        by=owner,
        uploaded_file=SimpleUploadedFile("附件一.txt", "服务范围说明".encode()),
        kind=Document.Kind.ANNEX,
    )
    w.vendor_without_contracts = VendorFactory()
    return w
