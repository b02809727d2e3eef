"""`manage.py seed_demo`: demo users, vendors and contracts that show every part of clm (the README lists the logins).

Everything is created through the same services the app uses, so the demo has real history rows, versions and
derived obligations. Dates are placed relative to today, so there is always a renewal window coming up, a
data handover due, a trial to review, an expiring certificate and an overdue item.

Idempotent: users are keyed on their user name, vendors on their credit code, contracts on their number. Anything
that already exists is left exactly as it is, so a second run changes nothing. Then the amendments app's
`seed_demo_amendments` adds an amendment in force and a draft one (called by name: contracts does not import it).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_sign,
    contract_start_negotiation,
    contract_terminate,
    price_change_notice_record,
)
from contracts.lifecycle.roll import roll_contracts
from contracts.models import Clause, ClauseRevision, ClauseTemplate, Contract
from contracts.services.clauses import clause_add_revision, clause_update
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create
from obligations.actions import obligation_create_custom
from obligations.models import Obligation
from rules.credit_code import credit_code_check_char
from rules.sla import period_of
from rules.terms import add_months
from sla.services import MeasurementInput, sla_period_save
from vendors.models import Certification, Vendor, VendorContact

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password, refused outside DEBUG

Status = Contract.Status
Category = Contract.Category
Side = ClauseRevision.Side


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    role: str | None
    language: str = User.Language.ZH_HANS
    is_staff: bool = False
    is_superuser: bool = False


USERS = (
    DemoUser("manager", "王", "建华", Role.PROCUREMENT_MANAGER, is_staff=True),
    DemoUser("buyer1", "李", "晓敏", Role.PROCUREMENT_STAFF),
    DemoUser("buyer2", "Chen", "Grace", Role.PROCUREMENT_STAFF, language=User.Language.EN),
    DemoUser("legal", "赵", "律", Role.LEGAL),
    DemoUser("auditor", "孙", "审", Role.AUDITOR),
    DemoUser("admin", "", "", None, is_staff=True, is_superuser=True),
)


def credit_code(first17: str) -> str:
    """A unified social credit code with its GB 32100-2015 check character."""
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class DemoVendor:
    key: str
    name: str
    short_name: str
    code_body: str
    legal_representative: str
    registered_address: str
    phone: str
    contacts: tuple[tuple[str, str, str, str], ...]
    # (kind, number, issued days ago, expires in days)
    certifications: tuple[tuple[str, str, int, int], ...] = field(default_factory=tuple)


VENDORS = (
    DemoVendor(
        "yunqi",
        "上海云启智联信息技术有限公司",
        "云启智联",
        "91310115MA1K4L8Q2",
        "周立群",
        "上海市浦东新区张江路188号5幢301室",
        "021-5080 1234",
        (
            ("陈嘉", "客户经理", "chenjia@yunqi.example.com", "138 1700 2301"),
            ("吴涛", "技术支持主管", "wutao@yunqi.example.com", ""),
        ),
        (
            (Certification.Kind.ISO27001, "ISMS-2024-03117", 600, 430),
            (Certification.Kind.VATS_LICENCE, "B2-20210457", 1800, 25),
        ),
    ),
    DemoVendor(
        "huisheng",
        "江苏汇声客户服务外包有限公司",
        "汇声外包",
        "91320506MA20F3R7X",
        "钱志远",
        "江苏省苏州市吴中区东吴北路99号",
        "0512-6688 7001",
        (
            ("刘倩", "项目经理", "liuqian@huisheng.example.com", "139 1500 6688"),
            ("高伟", "运营总监", "gaowei@huisheng.example.com", ""),
        ),
        (
            (Certification.Kind.ISO9001, "QMS-2023-11820", 700, 395),
            (Certification.Kind.MLPS, "32050613005-24001", 400, 330),
        ),
    ),
    DemoVendor(
        "jincheng",
        "杭州锦程在线客服科技有限公司",
        "锦程在线",
        "91330106MA2H9KT5L",
        "沈一帆",
        "浙江省杭州市西湖区文三路478号8楼",
        "0571-8776 5500",
        (("郑琳", "商务经理", "zhenglin@jincheng.example.com", "137 5800 1122"),),
        ((Certification.Kind.ISO27001, "ISMS-2023-08852", 1040, 55),),
    ),
    DemoVendor(
        "rongxin",
        "成都蓉信呼叫中心服务有限公司",
        "蓉信呼叫",
        "91510107MA6C2DP8N",
        "何建国",
        "四川省成都市武侯区天府大道中段666号",
        "028-8555 3300",
        (("冯雪", "客户成功经理", "fengxue@rongxin.example.com", "135 5100 7788"),),
        ((Certification.Kind.ISO9001, "QMS-2022-40218", 900, 280),),
    ),
)

# metric, kind, comparator, target, unit, period, service credit (% of the monthly fee, "" for none), critical
CALL_CENTER_SLA = (
    ("接通率", "answer_rate", ">=", "95", "%", "月", "3", False),
    ("平均应答时长", "asa", "<=", "20", "秒", "月", "2", False),
    ("放弃率", "abandonment", "<=", "3", "%", "月", "2", False),
    ("一次解决率", "fcr", ">=", "85", "%", "月", "", False),
    ("质检平均得分", "qa_score", ">=", "90", "分", "月", "", False),
    ("坐席月流失率", "staff_turnover", "<=", "15", "%", "月", "", False),
    ("备岗人员比例", "backup_pool", ">=", "20", "%", "月", "", False),
)
SOFTWARE_SLA = (
    ("系统可用性", "availability", ">=", "99.9", "%", "月", "5", True),
    ("语音延迟", "other", "<=", "100", "ms", "月", "", False),
    ("核心故障响应时间", "response_time", "<=", "2", "小时", "单次", "1", False),
    ("核心故障修复时间", "fix_time", "<=", "24", "小时", "单次", "2", False),
)
CHAT_SLA = (
    ("首次响应时间", "response_time", "<=", "30", "秒", "月", "2", False),
    ("客户满意度", "csat", ">=", "92", "%", "月", "", False),
    ("差评率", "complaint_rate", "<=", "1.5", "%", "月", "", False),
    ("坐席月流失率", "staff_turnover", "<=", "15", "%", "月", "", False),
    ("备岗人员比例", "backup_pool", ">=", "20", "%", "月", "", False),
)

# Six recorded months (oldest first) of two running contracts, by metric. The software platform's availability, a
# critical target, was missed in each of the last three months: the buyer now holds an exit right.
SLA_MONTHS = {
    "CLM-2026-0001": (
        "31000.00",
        {
            "系统可用性": ("99.95", "99.92", "99.97", "99.62", "99.41", "99.75"),
            "语音延迟": ("82", "88", "79", "95", "120", "91"),
            "核心故障响应时间": ("1.5", "1", "2", "3.5", "2", "1.5"),
            "核心故障修复时间": ("12", "20", "18", "30", "26", "22"),
        },
    ),
    "CLM-2026-0006": (
        "73333.33",
        {
            "接通率": ("96.2", "95.8", "93.1", "95.4", "96.0", "97.1"),
            "平均应答时长": ("18", "19", "24", "20", "17", "16"),
            "放弃率": ("2.1", "2.6", "4.2", "2.9", "2.4", "1.8"),
        },
    ),
}


def sla_rows(rows) -> list[dict]:
    return [
        {
            "metric": m,
            "kind": kind,
            "comparator": c,
            "target": Decimal(t),
            "unit": u,
            "period": p,
            "credit_pct": Decimal(credit) if credit else None,
            "critical": critical,
            "order": i,
        }
        for i, (m, kind, c, t, u, p, credit, critical) in enumerate(rows)
    ]


def fee_rows(rows) -> list[dict]:
    return [
        {"kind": k, "unit_price": Decimal(price), "unit": unit, "quantity": Decimal(qty), "order": i}
        for i, (k, price, unit, qty) in enumerate(rows)
    ]


def first_of_month(d: date) -> date:
    return d.replace(day=1)


class Command(BaseCommand):
    help = "Create the demo users, vendors, contracts, clauses and obligations (idempotent; DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a published password; it runs only with DJANGO_DEBUG=1 (or --force)."
            )
        self.today = timezone.localdate()
        self.created: list[str] = []
        with transaction.atomic():
            self.users = {demo.username: self._user(demo) for demo in USERS}
            self.vendors = {demo.key: self._vendor(demo) for demo in VENDORS}
            self._contracts()
            self._sla_months()
            # The amendments app adds its demo amendments; by name, as contracts does not import amendments.
            call_command("seed_demo_amendments", stdout=self.stdout)
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {', '.join(self.created)}."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")

    # Users and vendors ----------------------------------------------------------------------------------------

    def _user(self, demo: DemoUser) -> User:
        user = User.objects.filter(username=demo.username).first()
        if user is not None:
            return user
        user = User(
            username=demo.username,
            email=f"{demo.username}@example.com",
            first_name=demo.first_name,
            last_name=demo.last_name,
            language=demo.language,
            is_staff=demo.is_staff,
            is_superuser=demo.is_superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if demo.role:
            user.groups.add(Group.objects.get(name=demo.role))
        self.created.append(f"user {demo.username}")
        return user

    def _vendor(self, demo: DemoVendor) -> Vendor:
        code = credit_code(demo.code_body)
        vendor = Vendor.objects.filter(credit_code=code).first()
        if vendor is not None:
            return vendor
        vendor = Vendor(
            name=demo.name,
            short_name=demo.short_name,
            credit_code=code,
            legal_representative=demo.legal_representative,
            registered_address=demo.registered_address,
            phone=demo.phone,
        )
        vendor.full_clean()
        vendor._history_user = self.users["manager"]
        vendor.save()
        for i, (name, role, email, phone) in enumerate(demo.contacts):
            VendorContact.objects.create(
                vendor=vendor, name=name, role=role, email=email, phone=phone, is_primary=i == 0
            )
        for kind, number, issued_days_ago, expires_in_days in demo.certifications:
            certification = Certification(
                vendor=vendor,
                kind=kind,
                number=number,
                issued_on=self.today - timedelta(days=issued_days_ago),
                expires_on=self.today + timedelta(days=expires_in_days),
            )
            certification.full_clean()
            certification._history_user = self.users["manager"]
            certification.save()
        self.created.append(f"vendor {demo.short_name}")
        return vendor

    # Contracts ------------------------------------------------------------------------------------------------

    def _new(self, number: str, *, by: User, templates: tuple[str, ...] = (), **terms) -> Contract | None:
        """Create a demo contract through the service, or None when it exists already (then it is left alone)."""
        if Contract.objects.filter(number=number).exists():
            return None
        found = {t.code: t for t in ClauseTemplate.objects.filter(code__in=templates)}
        missing = [code for code in templates if code not in found]
        if missing:
            raise CommandError(f"Clause templates missing (run migrate first): {', '.join(missing)}")
        contract = contract_create(by=by, number=number, clause_templates=[found[c] for c in templates], **terms)
        self.created.append(number)
        return contract

    def _agree_all(self, contract: Contract, by: User) -> None:
        for clause in contract.clauses.exclude(status__in=[Clause.Status.AGREED, Clause.Status.WAIVED]):
            clause_update(clause=clause, by=by, version=clause.version, status=Clause.Status.AGREED)

    def _negotiate(self, clause: Clause, *, vendor_text: str, our_text: str, by: User, agree: bool) -> None:
        """A round of negotiation: the vendor counters, we answer (and agree, if the round is over)."""
        clause_add_revision(
            clause=clause, by=by, text=vendor_text, side=Side.VENDOR, comment="供应商反馈修改意见（邮件转录）"
        )
        clause_add_revision(
            clause=clause,
            by=by,
            text=our_text,
            side=Side.OURS,
            comment="按谈判结果调整" if agree else "我方回复，待供应商确认",
            status=Clause.Status.AGREED if agree else None,
        )

    def _sign_and_activate(
        self, contract: Contract, by: User, *, signed_on: date, active_on: date | None, accept_findings: str = ""
    ) -> None:
        """Agree the clauses and sign; `accept_findings` is the reason a manager accepts the open high findings."""
        self._agree_all(contract, by)
        contract_start_negotiation(contract=contract, by=by)
        contract_sign(
            contract=contract, by=by, date=signed_on, accept_findings=bool(accept_findings), reason=accept_findings
        )
        if active_on is not None:
            contract_activate(contract=contract, by=by, date=active_on, today=self.today)

    def _sla_months(self) -> None:
        """The last six months of results of two running contracts, recorded once (a contract that already has
        months is left alone)."""
        month = first_of_month(self.today)
        periods = [period_of(add_months(month, -k)) for k in range(6, 0, -1)]
        for number, (fee, results) in SLA_MONTHS.items():
            contract = Contract.objects.filter(number=number).first()
            if contract is None or contract.sla_periods.exists():
                continue
            targets = {t.metric: t for t in contract.sla_targets.all()}
            if not all(metric in targets for metric in results):
                continue  # targets edited since: leave the contract as it is
            for i, period in enumerate(periods):
                sla_period_save(
                    contract=contract,
                    by=contract.owner,
                    period=period,
                    fee_amount=Decimal(fee),
                    measurements=[
                        MeasurementInput(targets[metric].pk, Decimal(values[i])) for metric, values in results.items()
                    ],
                    today=self.today,
                )
            self.created.append(f"SLA months of {number}")

    def _contracts(self) -> None:
        u, v, today = self.users, self.vendors, self.today
        month = first_of_month(today)

        # 1. Software subscription that renews by itself; its renewal window is coming up, and the vendor sent a
        #    price rise that breaks both the 90-day notice and the 5% cap.
        effective = add_months(month, -22)
        contract = self._new(
            "CLM-2026-0001",
            by=u["buyer1"],
            title="智能呼叫中心云平台订阅合同",
            vendor=v["yunqi"],
            category=Category.CALL_CENTER_SOFTWARE,
            effective_date=effective,
            initial_term_months=12,
            auto_renew=True,
            renewal_term_months=12,
            non_renewal_notice_days=30,
            price_change_notice_days=90,
            price_increase_cap_pct=Decimal("5"),
            fee_model=Contract.FeeModel.MIXED,
            contract_value=Decimal("372000"),
            payment_cycle=Contract.PaymentCycle.QUARTERLY,
            data_storage_location="阿里云华东2（上海）地域",
            sla_targets=sla_rows(SOFTWARE_SLA),
            fee_items=fee_rows((("坐席订阅费", "300", "席/月", "50"), ("通话费", "0.08", "分钟", "200000"))),
            templates=(
                "sla-availability-software",
                "data-security-ownership-location",
                "price-adjustment-notice-cap-exit",
                "term-auto-renewal-with-opt-out",
                "data-handover-seven-working-days",
                "dispute-negotiation-then-court",
            ),
        )
        if contract:
            sla = contract.clauses.get(template__code="sla-availability-software")
            self._negotiate(
                sla,
                vendor_text=sla.text.replace("每月5日前", "每月15日前"),
                our_text=sla.text.replace("每月5日前", "每月10日前"),
                by=u["buyer1"],
                agree=True,
            )
            self._sign_and_activate(
                contract, u["buyer1"], signed_on=effective - timedelta(days=12), active_on=effective
            )
            price_change_notice_record(
                contract=contract,
                by=u["buyer1"],
                received_on=today - timedelta(days=5),
                effective_on=today + timedelta(days=40),
                increase_pct=Decimal("8"),
                note="供应商邮件通知：因线路成本上涨，坐席订阅费上调8%。",
            )
            contract_share(contract=contract, by=u["buyer1"], user=u["buyer2"], permission="view")

        # 2. Phone customer-service outsourcing, fixed term, clauses negotiated by both sides; an overdue review. The
        #    review finds nothing: every checklist item is negotiated.
        effective = add_months(month, -5)
        contract = self._new(
            "CLM-2026-0002",
            by=u["buyer1"],
            title="电话客服外包服务合同（华东区域）",
            vendor=v["huisheng"],
            category=Category.CS_OUTSOURCING,
            effective_date=effective,
            initial_term_months=12,
            termination_notice_days=60,  # shortened to 30 days by the amendment seed_demo_amendments adds
            trial_period_months=1,
            price_increase_cap_pct=Decimal("3"),
            fee_model=Contract.FeeModel.PER_SEAT,
            contract_value=Decimal("3120000"),
            data_storage_location="甲方自有私有云（苏州）",
            sla_targets=sla_rows(CALL_CENTER_SLA),
            fee_items=fee_rows((("坐席服务费", "6500", "席/月", "40"), ("大促加班费", "45", "小时", "600"))),
            templates=(
                "scope-services-channels-hours",
                "sla-contact-center-kpis",
                "staffing-stability-backup",
                "data-security-confidentiality-breach",
                "fees-complete-price-list",
                "price-adjustment-notice-cap-exit",
                "term-fixed-term-written-renewal",
                "termination-for-cause-without-liability",
                "data-handover-deletion-certificate",
                "liability-service-credits-and-damages",
                "dispute-negotiation-then-court",
            ),
        )
        if contract:
            kpis = contract.clauses.get(template__code="sla-contact-center-kpis")
            self._negotiate(
                kpis,
                vendor_text=kpis.text.replace("接通率不低于95%", "接通率不低于92%"),
                our_text=kpis.text.replace("客户投诉须在", "客户投诉（含电话与在线渠道）须在"),
                by=u["buyer1"],
                agree=True,
            )
            staffing = contract.clauses.get(template__code="staffing-stability-backup")
            self._negotiate(
                staffing,
                vendor_text=staffing.text.replace("24小时内", "48小时内"),
                our_text=staffing.text,
                by=u["legal"],
                agree=True,
            )
            self._sign_and_activate(contract, u["buyer1"], signed_on=effective - timedelta(days=7), active_on=effective)
            obligation_create_custom(
                contract=contract,
                by=u["buyer1"],
                title="季度服务质量评审会",
                description="与供应商复盘上季度接通率、放弃率与质检得分，形成整改清单。",
                due_date=today - timedelta(days=3),
                starts_on=today - timedelta(days=14),
                owner=u["buyer1"],
                recurrence=Obligation.Recurrence.QUARTERLY,
                recurs_until=add_months(today, 12),
            )

        # 3. Online chat outsourcing for the shopping festivals: signed, starts soon, with a two-month trial.
        effective = today + timedelta(days=6)
        contract = self._new(
            "CLM-2026-0003",
            by=u["buyer2"],
            title="在线客服外包服务合同（电商旗舰店）",
            vendor=v["jincheng"],
            category=Category.CHAT_OUTSOURCING,
            effective_date=effective,
            initial_term_months=12,
            trial_period_months=2,
            price_increase_cap_pct=Decimal("5"),
            fee_model=Contract.FeeModel.PER_TICKET,
            contract_value=Decimal("540000"),
            data_storage_location="中国境内",
            sla_targets=sla_rows(CHAT_SLA),
            fee_items=fee_rows((("会话处理费", "2.50", "单", "180000"), ("培训费", "3000", "次", "2"))),
            templates=(
                "scope-services-channels-hours",
                "staffing-stability-backup",
                "termination-for-convenience-notice",
                "data-security-ownership-location",
            ),
        )
        if contract:
            # Signed, and put into force on its effective date: it stays signed until the daily roll activates it.
            self._sign_and_activate(contract, u["buyer2"], signed_on=today - timedelta(days=9), active_on=effective)

        # 4. Customer-satisfaction survey service, still being negotiated: one clause countered by the vendor.
        contract = self._new(
            "CLM-2026-0004",
            by=u["buyer2"],
            title="客户回访与满意度调研服务合同",
            vendor=v["rongxin"],
            category=Category.OTHER,
            effective_date=add_months(month, 1),
            initial_term_months=6,
            fee_model=Contract.FeeModel.PER_TICKET,
            contract_value=Decimal("96000"),
            fee_items=fee_rows((("有效回访", "8", "通", "12000"),)),
            templates=(
                "scope-volume-and-change-control",
                "price-adjustment-fixed-first-year",
                "data-security-confidentiality-breach",
                "liability-service-credits-and-damages",
            ),
        )
        if contract:
            contract_start_negotiation(contract=contract, by=u["buyer2"])
            liability = contract.clauses.get(template__code="liability-service-credits-and-damages")
            clause_add_revision(
                clause=liability,
                by=u["buyer2"],
                text=liability.text.replace("合同总额20%", "合同总额10%"),
                side=Side.VENDOR,
                comment="供应商认为20%违约金过高，提出降至10%。",
            )
            scope = contract.clauses.get(template__code="scope-volume-and-change-control")
            clause_update(clause=scope, by=u["buyer2"], version=scope.version, status=Clause.Status.PROPOSED)

        # 5. A draft started from the clause library, with the vendor's standard 30-day price notice: the review has an
        #    open high finding, so it cannot be signed as it stands.
        self._new(
            "CLM-2026-0005",
            by=u["buyer1"],
            title="全渠道客服系统采购合同（草稿）",
            vendor=v["yunqi"],
            category=Category.CALL_CENTER_SOFTWARE,
            effective_date=add_months(month, 2),
            initial_term_months=36,
            fee_model=Contract.FeeModel.PER_SEAT,
            price_increase_cap_pct=Decimal("5"),
            price_change_notice_days=30,
            fee_items=fee_rows((("坐席订阅费", "280", "席/月", "80"),)),
            sla_targets=sla_rows(SOFTWARE_SLA[:2]),
            templates=(
                "sla-availability-software",
                "price-adjustment-notice-cap-exit",
                "term-fixed-term-written-renewal",
                "compliance-licences-and-law",
                "force-majeure-notice-and-continuity",
                "other-notices-and-subcontracting",
            ),
        )

        # 6. Auto-renewing outsourcing contract for which we already gave notice: it ends with the current term. It has
        #    no price cap: the manager signed it accepting that finding, with the reason.
        effective = add_months(month, -9)
        contract = self._new(
            "CLM-2026-0006",
            by=u["manager"],
            title="售后热线外包服务合同（西南区域）",
            vendor=v["rongxin"],
            category=Category.CS_OUTSOURCING,
            effective_date=effective,
            initial_term_months=12,
            auto_renew=True,
            non_renewal_notice_days=60,
            fee_model=Contract.FeeModel.PER_MINUTE,
            contract_value=Decimal("880000"),
            sla_targets=sla_rows(CALL_CENTER_SLA[:3]),
            fee_items=fee_rows((("话务处理费", "1.10", "分钟", "800000"),)),
            templates=("sla-contact-center-kpis", "term-auto-renewal-with-opt-out", "data-handover-seven-working-days"),
        )
        if contract:
            self._sign_and_activate(
                contract,
                u["manager"],
                signed_on=effective - timedelta(days=5),
                active_on=effective,
                accept_findings="一年期过渡合同，价格按分钟计费且已锁定；到期不再续约，无需涨价上限。",
            )
            contract_record_non_renewal_notice(contract=contract, by=u["manager"], date=today - timedelta(days=20))

        # 7. Chat outsourcing that reached its end a few days ago without renewal: the data handover is due.
        end = today - timedelta(days=4)
        effective = add_months(end + timedelta(days=1), -12)
        contract = self._new(
            "CLM-2026-0007",
            by=u["buyer2"],
            title="在线客服外包服务合同（2025年度）",
            vendor=v["jincheng"],
            category=Category.CHAT_OUTSOURCING,
            effective_date=effective,
            initial_term_months=12,
            price_increase_cap_pct=Decimal("5"),
            fee_model=Contract.FeeModel.FIXED_MONTHLY,
            contract_value=Decimal("420000"),
            sla_targets=sla_rows(CHAT_SLA),
            fee_items=fee_rows((("月度服务费", "35000", "月", "12"),)),
            templates=("data-handover-seven-working-days", "data-handover-deletion-certificate"),
        )
        if contract:
            self._sign_and_activate(contract, u["buyer2"], signed_on=effective - timedelta(days=3), active_on=effective)
            roll_contracts(today=today, contract_ids=[contract.pk])

        # 8. Software contract terminated for repeated SLA failures: the vendor must hand the data back.
        effective = add_months(month, -8)
        contract = self._new(
            "CLM-2026-0008",
            by=u["manager"],
            title="呼叫中心录音质检系统服务合同",
            vendor=v["yunqi"],
            category=Category.CALL_CENTER_SOFTWARE,
            effective_date=effective,
            initial_term_months=24,
            price_increase_cap_pct=Decimal("5"),
            fee_model=Contract.FeeModel.FIXED_MONTHLY,
            contract_value=Decimal("288000"),
            sla_targets=sla_rows(SOFTWARE_SLA),
            fee_items=fee_rows((("质检系统服务费", "12000", "月", "24"),)),
            templates=(
                "sla-availability-software",
                "termination-for-cause-without-liability",
                "data-handover-seven-working-days",
            ),
        )
        if contract:
            self._sign_and_activate(
                contract, u["manager"], signed_on=effective - timedelta(days=10), active_on=effective
            )
            contract_terminate(
                contract=contract,
                by=u["manager"],
                date=today - timedelta(days=2),
                reason="系统可用性连续三个月低于99.9%，依据无责解除条款解除合同。",
            )
