"""factory_boy factories shared by the whole suite."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from contracts.models import Clause, ClauseRevision, Contract, FeeItem, PriceChangeNotice, SLATarget
from contracts.search import search_text_refresh
from obligations.models import Obligation
from rules.credit_code import CREDIT_CODE_CHARSET, credit_code_check_char
from vendors.models import Certification, Vendor, VendorContact


def make_credit_code(n: int) -> str:
    """A valid unified social credit code, distinct for each n."""
    body = "91310000"
    digits = ""
    k = n
    for _ in range(9):
        digits = CREDIT_CODE_CHARSET[k % 10] + digits
        k //= 10
    first17 = body + digits
    return first17 + credit_code_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-2026")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"上海示例客服外包有限公司{n}")
    credit_code = factory.Sequence(make_credit_code)
    legal_representative = "张三"
    registered_address = "上海市浦东新区示例路1号"


class VendorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorContact

    vendor = factory.SubFactory(VendorFactory)
    name = "李四"
    email = "lisi@vendor.example.com"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    vendor = factory.SubFactory(VendorFactory)
    kind = Certification.Kind.ISO27001
    number = factory.Sequence(lambda n: f"ISMS-{n:05d}")
    issued_on = date(2024, 3, 1)
    expires_on = date(2027, 2, 28)


# Terms under which the contract review finds nothing high (a price cap, a service level with a credit): what a test
# contract made through contracts.services needs before it can be signed without accepting findings.
SIGNABLE_TERMS = {
    "price_increase_cap_pct": Decimal("5"),
    "sla_targets": [{"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": 80, "credit_pct": 3}],
}


class ContractFactory(factory.django.DjangoModelFactory):
    """A bare contract row. Tests of behaviour should go through contracts.services instead."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"CLM-2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"呼叫中心外包服务合同 {n}")
    vendor = factory.SubFactory(VendorFactory)
    # Only a role that may change contracts may own one (accounts.roles).
    owner = factory.SubFactory(UserFactory, role="procurement_staff")
    created_by = factory.SelfAttribute("owner")
    category = Contract.Category.CS_OUTSOURCING
    effective_date = date(2026, 1, 1)
    end_date = date(2026, 12, 31)
    initial_term_months = 12
    # A cap and a service level: without them the review has high findings, and a contract is not signed past those.
    price_increase_cap_pct = Decimal("5")

    @factory.post_generation
    def service_level(self, create, extracted, **kwargs):
        """One SLA target of the kind the review asks for (availability for software); `service_level=False` none."""
        if not create or extracted is False:
            return
        if self.category == Contract.Category.CALL_CENTER_SOFTWARE:
            fields = {"metric": "系统可用性", "kind": "availability", "target": Decimal("99.9")}
        else:
            fields = {"metric": "接通率", "kind": "answer_rate", "target": Decimal("80")}
        SLATarget.objects.create(contract=self, comparator=">=", unit="%", period="月", credit_pct=3, order=0, **fields)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        # The services keep each contract's search text; a row made here gets one as if a service had saved it.
        if create:
            search_text_refresh([instance.pk])


class SLATargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLATarget

    contract = factory.SubFactory(ContractFactory)
    metric = "接通率"
    comparator = ">="
    target = 95
    unit = "%"
    period = "月"


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    contract = factory.SubFactory(ContractFactory)
    kind = "坐席服务费"
    unit_price = 6500
    unit = "席/月"
    quantity = 20


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause

    contract = factory.SubFactory(ContractFactory)
    category = "sla"
    title = "服务水平"
    text = "乙方保证系统月度可用性不低于99.9%。"
    order = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            search_text_refresh([instance.contract_id])


class ClauseRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClauseRevision

    clause = factory.SubFactory(ClauseFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.SelfAttribute("clause.text")
    author = factory.SelfAttribute("clause.contract.owner")


class PriceChangeNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceChangeNotice

    contract = factory.SubFactory(ContractFactory)
    received_on = date(2026, 11, 22)
    effective_on = date(2027, 1, 1)
    increase_pct = 5


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    contract = factory.SubFactory(ContractFactory)
    kind = Obligation.Kind.CUSTOM
    source = Obligation.Source.MANUAL
    title = "季度服务评审"
    due_date = date(2026, 12, 15)


def amend_now(contract: Contract, **changes) -> Contract:
    """Change a signed contract's terms the one way there is: an amendment, approved by a manager and in force today."""
    from django.utils import timezone

    from accounts.models import Role
    from amendments.services import amendment_approve, amendment_create

    manager = UserFactory(role=Role.PROCUREMENT_MANAGER)
    today = timezone.localdate()
    amendment = amendment_create(contract=contract, by=manager, title="补充协议", effective_on=today, changes=changes)
    amendment_approve(amendment=amendment, by=manager, today=today)
    contract.refresh_from_db()
    return contract
