"""The published OpenAPI schema states what the API enforces: schemathesis calls every operation with generated input,
valid and invalid, as a real signed-in manager, and checks that nothing answers 5xx, that every answer's status code,
content type and body are documented, that invalid input is refused and that valid input is not refused as invalid."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from contracts.services.clauses import clause_create
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create
from tests.factories import ObligationFactory, UserFactory, VendorFactory
from tests.fixtures.api import make_extraction

# Loaded over WSGI from the running app, exactly as clients get it (serving the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# The coverage phase walks every boundary of every field without a bound (about 6,000 requests, 12 minutes on two
# cores); the examples and the fuzzing phase, bounded by MAX_EXAMPLES per operation, keep the test at a minute or two.
schema.config.phases.coverage.enabled = False
MAX_EXAMPLES = 25

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]

# Valid input the API refuses for a documented reason, per operation. Each entry names the one check it turns off.
# Generated user and group names, vendor ids and contract ids in a body almost never exist: the API answers 400 with a
# field error ("no such user"), which is right, and which positive_data_acceptance would count as refusing valid data.
_NAMES_THAT_DO_NOT_EXIST = (positive_data_acceptance,)
# What an object's current status allows is no part of a request's shape: a draft cannot be signed, a clause of a
# signed contract cannot change, an obligation done cannot be waived, a vendor with contracts cannot be deleted.
# Those answer 400 with the reason whatever the body; with an id that lands on a fixture object, valid input would
# count as refused.
_STATE_DEPENDENT = (
    "POST /api/v1/contracts/{id}/start-negotiation/",
    "POST /api/v1/contracts/{id}/sign/",
    "POST /api/v1/contracts/{id}/activate/",
    "POST /api/v1/contracts/{id}/non-renewal-notice/",
    "POST /api/v1/contracts/{id}/renew/",
    "POST /api/v1/contracts/{id}/terminate/",
    "DELETE /api/v1/contracts/{id}/",
    "POST /api/v1/contracts/{contract_pk}/clauses/",
    "POST /api/v1/contracts/{contract_pk}/price-change-notices/",
    # Only a rule the contract has an open finding of can be accepted.
    "POST /api/v1/contracts/{contract_pk}/review/accept/",
    "PATCH /api/v1/clauses/{id}/",
    "POST /api/v1/clauses/{clause_pk}/revisions/",
    "POST /api/v1/obligations/{id}/complete/",
    "POST /api/v1/obligations/{id}/reopen/",
    "POST /api/v1/obligations/{id}/waive/",
    "DELETE /api/v1/vendors/{id}/",
    "POST /api/v1/imports/{id}/confirm/",
)
EXCLUDED_CHECKS = {
    "POST /api/v1/contracts/": _NAMES_THAT_DO_NOT_EXIST,  # vendor id, owner user name
    "PUT /api/v1/contracts/{id}/": _NAMES_THAT_DO_NOT_EXIST,  # vendor id, owner user name
    "PATCH /api/v1/contracts/{id}/": _NAMES_THAT_DO_NOT_EXIST,  # vendor id, owner user name
    "POST /api/v1/contracts/{contract_pk}/share/": _NAMES_THAT_DO_NOT_EXIST,  # user or group name
    "PATCH /api/v1/obligations/{id}/": _NAMES_THAT_DO_NOT_EXIST,  # owner user name
    "POST /api/v1/exports/": _NAMES_THAT_DO_NOT_EXIST,  # contract ids
    "GET /api/v1/contracts/": _NAMES_THAT_DO_NOT_EXIST,  # the vendor filter takes only a vendor that exists
    # The vendor filter takes only a vendor that exists.
    **{
        f"GET /api/v1/reports/{kind}/": _NAMES_THAT_DO_NOT_EXIST
        for kind in ("renewals", "spend", "obligations", "sla", "findings")
    },
    # A saved view's name is unique per user and not blank once trimmed: a generated name may be refused with 400.
    "POST /api/v1/saved-views/": _NAMES_THAT_DO_NOT_EXIST,
    "PATCH /api/v1/saved-views/{id}/": _NAMES_THAT_DO_NOT_EXIST,
    # A wrong user name or password is a 400 by design: the schema cannot say which credentials exist.
    "POST /api/v1/auth/token/": _NAMES_THAT_DO_NOT_EXIST,
    **dict.fromkeys(_STATE_DEPENDENT, (positive_data_acceptance,)),
    # An upload is checked for what it is (type, size) before it is kept: generated bytes are refused with 400.
    "POST /api/v1/contracts/{contract_pk}/documents/": (positive_data_acceptance,),
    # A spreadsheet is read before the import is kept: generated bytes are no XLSX or CSV of contracts, so 400.
    "POST /api/v1/imports/": (positive_data_acceptance,),
    # A credit code ends in a check character computed from the other 17 (GB 32100), which no JSON Schema can state,
    # and it is unique: generated codes are refused with 400, rightly.
    "POST /api/v1/vendors/": (positive_data_acceptance,),
    "PUT /api/v1/vendors/{id}/": (positive_data_acceptance,),
    "PATCH /api/v1/vendors/{id}/": (positive_data_acceptance,),
    # A contract file is read for what it is: generated bytes are no DOCX, PDF or text contract, rightly a 400.
    "POST /api/v1/extractions/": (positive_data_acceptance,),
    # Vendor ids and owner names that do not exist, and a file already made into a contract (once per file).
    "POST /api/v1/extractions/{id}/create-contract/": _NAMES_THAT_DO_NOT_EXIST,
    # A robot URL must be https on a public internet address (the SSRF guard, outbound.guard), which no JSON Schema
    # can state: generated strings are refused with 400, rightly.
    "PATCH /api/v1/me/": (positive_data_acceptance,),
    "PUT /api/v1/contracts/{contract_pk}/chat-channel/": (positive_data_acceptance,),
}


@pytest.fixture
def _keep_the_test_connection(settings):
    """Like Django's test client: a finished request must not close the connection the test's transaction lives on."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(db, _keep_the_test_connection):
    """A manager with a real token, and a couple of contracts for the generated ids to land on."""
    manager = UserFactory(username="manager", role=Role.PROCUREMENT_MANAGER)
    buyer = UserFactory(username="buyer1", role=Role.PROCUREMENT_STAFF)
    contract = contract_create(by=buyer, title="呼叫中心外包服务合同", vendor=VendorFactory())
    contract_share(contract=contract, by=buyer, user=manager, permission="change")
    clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="接通率不低于95%。")
    ObligationFactory(contract=contract)
    contract_create(by=manager, title="在线客服外包合同", vendor=VendorFactory(), auto_renew=True)
    make_extraction(manager, contract.vendor.credit_code)
    return Token.objects.create(user=manager).key


def test_the_schema_is_served_and_the_docs_load_from_local_files(client):
    schema_response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema_response.status_code == 200
    assert schema_response.json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, manager_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {manager_token}"},
        checks=CHECKS,
        excluded_checks=list(EXCLUDED_CHECKS.get(case.operation.label, ())),
    )
