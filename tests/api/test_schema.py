"""The published OpenAPI schema tells the truth: schemathesis calls every operation with generated input, as a real
signed-in user, and checks that nothing answers 5xx and that every documented response matches its schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from accounts.models import Role
from contracts.services.clauses import clause_create
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create
from tests.factories import ObligationFactory, UserFactory, VendorFactory

# Loaded over WSGI from the running app, exactly as clients get it (serving the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


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
    """A manager with a real token, and a little data for the generated ids to land on."""
    manager = UserFactory(username="manager", role=Role.PROCUREMENT_MANAGER)
    buyer = UserFactory(username="buyer1", role=Role.PROCUREMENT_STAFF)
    contract = contract_create(by=buyer, title="呼叫中心外包服务合同", vendor=VendorFactory())
    contract_share(contract=contract, by=buyer, user=manager, permission="change")
    clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="接通率不低于95%。")
    ObligationFactory(contract=contract)
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
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_without_5xx_and_as_documented(case, manager_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {manager_token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
