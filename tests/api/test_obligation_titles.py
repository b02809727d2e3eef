from datetime import date

import pytest

from obligations.models import Obligation
from tests.factories import ContractFactory, ObligationFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Verify the vendor's data handover and deletion"), ("zh-hans", "核实供应商的数据交接与删除")],
)
def test_derived_obligation_titles_come_in_the_callers_language(client, language, expected):
    manager = UserFactory(role="procurement_manager")
    obligation = ObligationFactory(
        contract=ContractFactory(),
        kind=Obligation.Kind.DATA_HANDOVER,
        source=Obligation.Source.DERIVED,
        key="end:2026-12-31",
        title="Verify the vendor's data handover and deletion",
        due_date=date(2027, 1, 12),
    )
    client.force_login(manager)

    body = client.get(f"/api/v1/obligations/{obligation.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()

    assert body["title"] == expected
