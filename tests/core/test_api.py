"""The quick read path of the output serializers renders exactly what DRF's generic path renders: same keys, same
order, same types and string formats, in any active time zone, with or without prefetched rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from contracts.models import Contract
from contracts.serializers import ContractSerializer, SLATargetSerializer
from core.api import QuickReadSerializer, rows_prefetch
from tests.factories import ContractFactory, FeeItemFactory, SLATargetFactory, UserFactory


def _every_field_set() -> Contract:
    predecessor = ContractFactory()
    contract = ContractFactory(
        predecessor=predecessor,
        status=Contract.Status.TERMINATED,
        auto_renew=True,
        price_increase_cap_pct=Decimal("3.5"),
        contract_value=Decimal("1234567.8"),
        notes="续约前须复核坐席单价。",
        data_storage_location="上海",
        notice_given_on=date(2026, 9, 1),
        signed_on=date(2025, 12, 20),
        activated_on=date(2026, 1, 1),
        terminated_on=date(2026, 10, 31),
        termination_reason="供应商连续三个月未达标",
        expired_on=date(2026, 12, 31),
        service_level=False,  # the two SLA rows below are the only ones
    )
    for order in (0, 1):
        SLATargetFactory(contract=contract, order=order, target=Decimal("95.5") + order)
        FeeItemFactory(contract=contract, order=order, unit_price=Decimal("6500.25"), quantity=Decimal(20 + order))
    return contract


def _every_field_empty() -> Contract:
    return ContractFactory(
        owner=UserFactory(),
        effective_date=None,
        end_date=None,
        price_increase_cap_pct=None,
        contract_value=None,
        predecessor=None,
        service_level=False,  # no SLA rows either
    )


def _as_the_api_reads_it(contract: Contract) -> Contract:
    return (
        Contract.objects.select_related("owner", "vendor")
        .prefetch_related(rows_prefetch("sla_targets"), rows_prefetch("fee_items"))
        .get(pk=contract.pk)
    )


def _with_djangos_prefetch(contract: Contract) -> Contract:
    contracts = Contract.objects.select_related("owner", "vendor")
    return contracts.prefetch_related("sla_targets", "fee_items").get(pk=contract.pk)


def _without_prefetch(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


def _render(contract: Contract) -> bytes:
    return JSONRenderer().render(ContractSerializer(contract).data)


def _render_generic(contract: Contract, monkeypatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(QuickReadSerializer, "to_representation", serializers.ModelSerializer.to_representation)
        return _render(contract)


@pytest.mark.parametrize("make", [_every_field_set, _every_field_empty])
@pytest.mark.parametrize("read", [_as_the_api_reads_it, _with_djangos_prefetch, _without_prefetch])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_a_contract_renders_exactly_as_drf_renders_it(db, monkeypatch, make, read, zone):
    contract = read(make())

    with timezone.override(zone):
        quick, generic = _render(contract), _render_generic(contract, monkeypatch)

    assert quick == generic


def test_values_set_in_memory_render_as_drf_renders_them(db, monkeypatch):
    """Right after a service changed a contract, fields may hold enum members, ints and floats, not database types."""
    contract = _as_the_api_reads_it(_every_field_set())
    contract.status = Contract.Status.ACTIVE
    contract.contract_value = 1234567
    contract.price_increase_cap_pct = 2.25

    assert _render(contract) == _render_generic(contract, monkeypatch)


def test_a_page_renders_exactly_as_drf_renders_it(db, monkeypatch):
    for contract in (_every_field_set(), _every_field_empty()):
        SLATargetFactory(contract=contract)
    page = list(
        Contract.objects.select_related("owner", "vendor")
        .prefetch_related(rows_prefetch("sla_targets"), rows_prefetch("fee_items"))
        .order_by("id")
    )

    quick = JSONRenderer().render(ContractSerializer(page, many=True).data)
    with monkeypatch.context() as patch:
        patch.setattr(QuickReadSerializer, "to_representation", serializers.ModelSerializer.to_representation)
        generic = JSONRenderer().render(ContractSerializer(page, many=True).data)

    assert quick == generic
    assert len(page) == 3


@pytest.mark.parametrize("read", [_as_the_api_reads_it, _with_djangos_prefetch])
def test_the_quick_path_reads_prefetched_rows_without_a_query(db, django_assert_num_queries, read):
    contract = read(_every_field_set())

    with django_assert_num_queries(0):
        data = ContractSerializer(contract).data

    assert [row["order"] for row in data["sla_targets"]] == [0, 1]
    assert [row["quantity"] for row in data["fee_items"]] == ["20.00", "21.00"]


@pytest.mark.parametrize("names", [["number"], ["owner"], ["vendor", "sla_targets"], ["predecessor", "auto_renew"]])
def test_a_serializer_with_few_fields_renders_exactly_as_drf_renders_it(db, monkeypatch, names):
    """One column, none, or a relation only: the plan reads the columns in one call however many there are."""
    declared = {
        "owner": serializers.SlugRelatedField(slug_field="username", read_only=True),
        "sla_targets": SLATargetSerializer(many=True, read_only=True),
    }
    meta = type("Meta", (), {"model": Contract, "fields": names})
    Few = type("Few", (QuickReadSerializer,), {"Meta": meta, **{n: f for n, f in declared.items() if n in names}})
    contract = _as_the_api_reads_it(_every_field_set())

    quick = JSONRenderer().render(Few(contract).data)
    with monkeypatch.context() as patch:
        patch.setattr(QuickReadSerializer, "to_representation", serializers.ModelSerializer.to_representation)
        generic = JSONRenderer().render(Few(contract).data)

    assert quick == generic
    assert list(Few(contract).data) == names
