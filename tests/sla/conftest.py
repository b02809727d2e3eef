"""A running contract with three SLA targets, as the seeds describe them: availability (critical), answer rate and
speed of answer, each with a service credit; the contract caps the credit at 15% of the month's fee."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from contracts.models import Contract, SLATarget
from tests.factories import ContractFactory, SLATargetFactory, UserFactory


@dataclass
class SlaWorld:
    contract: Contract
    availability: SLATarget
    answer_rate: SLATarget
    asa: SLATarget
    owner: object


@pytest.fixture
def sla_world(db) -> SlaWorld:
    owner = UserFactory(username="sla-owner", role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(
        owner=owner,
        status=Contract.Status.ACTIVE,
        effective_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        initial_term_months=24,
        sla_credit_cap_pct=Decimal("15"),
        sla_exit_consecutive_misses=3,
        sla_exit_decision_days=30,
        # The three targets below are the contract's only ones (no default target from the factory).
        service_level=False,
    )
    availability = SLATargetFactory(
        contract=contract,
        metric="系统可用率",
        kind="availability",
        comparator=">=",
        target=Decimal("99.9"),
        credit_pct=Decimal("5"),
        critical=True,
        order=0,
    )
    answer_rate = SLATargetFactory(
        contract=contract,
        metric="接通率",
        kind="answer_rate",
        comparator=">=",
        target=Decimal("90"),
        credit_pct=Decimal("10"),
        order=1,
    )
    asa = SLATargetFactory(
        contract=contract,
        metric="平均应答时长",
        kind="asa",
        comparator="<=",
        target=Decimal("20"),
        unit="秒",
        credit_pct=Decimal("4"),
        order=2,
    )
    return SlaWorld(contract, availability, answer_rate, asa, owner)
