"""Who may do what on the web pages: every URL pattern x every role, with the answer each role must get.

The table below lists every pattern of the URL conf outside the admin, the API (tests/api/test_permissions.py) and the
debug-only media route; a pattern added without a row fails `test_every_web_url_is_in_the_matrix`. Expected answers:
anonymous -> sent to the login page (public pages answer as usual); an object the user may not see -> 404; one they
may see but not use as asked -> 403; allowed -> 200 or a redirect. Every refused POST also proves that nothing in the
database changed.

One world of data is built once for the module inside a transaction rolled back at the end; each test runs in a
savepoint of its own, so an allowed POST never leaks into the next cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from guardian.models import GroupObjectPermission, UserObjectPermission

from accounts.models import Role
from amendments.forms import AmendedTermsForm
from amendments.models import Amendment
from contracts.forms import ContractForm
from contracts.models import (
    Clause,
    ClauseRevision,
    Contract,
    ContractGroupObjectPermission,
    ContractUserObjectPermission,
    Document,
    ExportJob,
    PriceChangeNotice,
    SLATarget,
)
from contracts.services.clauses import clause_create
from contracts.services.documents import document_upload
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create
from imports.extraction_forms import ExtractionContractForm
from imports.extraction_views import review_initial
from imports.models import Extraction, ImportJob
from notifications.models import ChatChannel
from obligations.models import Obligation
from reports.models import SavedView
from review.models import Finding
from sla.models import SlaMeasurement, SlaPeriod
from tests.factories import ObligationFactory, UserFactory, VendorFactory, make_credit_code
from tests.fixtures.api import make_extraction
from vendors.models import Certification, Vendor, VendorContact

ROLES = ("owner", "shared_view", "shared_change", "other_staff", "manager", "legal", "auditor", "anonymous")
AUTHENTICATED = frozenset(ROLES) - {"anonymous"}
VIEWERS = frozenset({"owner", "shared_view", "shared_change", "manager", "legal", "auditor"})
CHANGERS = frozenset({"owner", "shared_change", "manager"})
CLAUSE_EDITORS = CHANGERS | {"legal"}
SHARERS = frozenset({"owner", "manager"})
ACCEPTERS = frozenset({"manager", "legal"})
CREATORS = frozenset({"owner", "shared_view", "shared_change", "other_staff", "manager"})

# Route prefixes outside this matrix: the admin, the API (its own matrix) and the debug-only media route.
SKIPPED_PREFIXES = ("admin/", "api/", "^media/", "^static/", "__debug__/")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    contract: Contract | None = None
    clause: Clause | None = None
    obligation: Obligation | None = None
    assigned_obligation: Obligation | None = None
    document: Document | None = None
    auditor_contract: Contract | None = None
    job: ExportJob | None = None
    import_job: ImportJob | None = None
    amendment: Amendment | None = None
    extraction: Extraction | None = None
    media: str = ""
    sla_target: SLATarget | None = None
    sla_period: SlaPeriod | None = None
    chat_channel: ChatChannel | None = None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build(media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build(media) -> World:
    w = World(media=str(media))
    for name, role in [
        ("owner", Role.PROCUREMENT_STAFF),
        ("shared_view", Role.PROCUREMENT_STAFF),
        ("shared_change", Role.PROCUREMENT_STAFF),
        ("other_staff", Role.PROCUREMENT_STAFF),
        ("manager", Role.PROCUREMENT_MANAGER),
        ("legal", Role.LEGAL),
        ("auditor", Role.AUDITOR),
    ]:
        w.users[name] = UserFactory(username=f"m_{name}", role=role)
    owner = w.users["owner"]
    w.contract = contract_create(
        by=owner,
        title="呼叫中心外包服务合同",
        vendor=VendorFactory(),
        effective_date=date(2035, 1, 1),
        initial_term_months=12,
    )
    contract_share(contract=w.contract, by=owner, user=w.users["shared_view"], permission="view")
    contract_share(contract=w.contract, by=owner, user=w.users["shared_change"], permission="change")
    w.contract.refresh_from_db()
    w.clause = clause_create(contract=w.contract, by=owner, category="sla", title="服务水平", text="接通率不低于95%。")
    w.obligation = ObligationFactory(contract=w.contract, title="季度服务评审", due_date=date(2035, 3, 1))
    w.assigned_obligation = ObligationFactory(
        contract=w.contract, title="核对交接清单", due_date=date(2035, 4, 1), owner=w.users["shared_view"]
    )
    w.document = document_upload(
        contract=w.contract,
        by=owner,
        uploaded_file=SimpleUploadedFile("附件一.txt", "服务范围说明".encode()),
        kind=Document.Kind.ANNEX,
    )
    # A contract an auditor came to own (e.g. handed over): owning it must not let a read-only role write.
    w.auditor_contract = contract_create(by=w.users["manager"], title="审计持有的合同", vendor=w.contract.vendor)
    Contract.objects.filter(pk=w.auditor_contract.pk).update(owner=w.users["auditor"])
    w.auditor_contract.refresh_from_db()
    w.job = ExportJob.objects.create(requested_by=owner, language="zh-hans", contract_ids=[w.contract.pk])
    w.import_job = ImportJob.objects.create(
        owner=owner,
        original_name="contracts.csv",
        file="imports/contracts.csv",
        status=ImportJob.Status.READY,
        total=1,
        counts={"create": 1},
    )
    # A draft amendment for a far-off day (stored as is: the world contract is a draft until a case makes it active).
    w.amendment = Amendment.objects.create(
        contract=w.contract,
        sequence=1,
        number=f"{w.contract.number}-A1",
        title="调整终止通知期",
        effective_on=date(2036, 6, 1),
        changes={"termination_notice_days": 60},
        created_by=owner,
    )
    w.sla_target = SLATarget.objects.create(contract=w.contract, metric="接通率", kind="answer_rate", target=90)
    # Stored directly: the world contract takes effect in 2035, and a month is recorded only once it has begun.
    w.sla_period = SlaPeriod.objects.create(contract=w.contract, period="2035-01")
    SlaMeasurement.objects.create(sla_period=w.sla_period, target=w.sla_target, value=91, met=True)
    w.extraction = make_extraction(owner, w.contract.vendor.credit_code)
    w.chat_channel = ChatChannel.objects.create(
        user=owner, kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=own"
    )
    return w


@pytest.fixture(autouse=True)
def _world_media(request, settings):
    """Uploads of a test that uses the world go to the world's media folder. A test that does not (the URL-conf
    check) builds no world: it needs no database, so it also runs on its own."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """The matrix is about who gets the PDF, not about rendering it (tests/pdf do that)."""
    monkeypatch.setattr("pdf.views.render_contract_pdf", lambda contract, language: b"%PDF-1.7 matrix")
    monkeypatch.setattr("pdf.views.render_amendment_pdf", lambda amendment, language: b"%PDF-1.7 matrix")
    monkeypatch.setattr("sla.scorecard_views.render_sla_report_pdf", lambda sla_period, language: b"%PDF-1.7 matrix")


def _record_sla_month(w: World) -> None:
    SlaPeriod.objects.get_or_create(contract=w.contract, period="2035-01")


def _saved_view(w: World) -> None:
    SavedView.objects.get_or_create(user=w.users["owner"], name="进行中的外包合同", query="status=active")


def saved_view_url(w: World, name: str = "reports:saved_view") -> str:
    return reverse(name, args=[SavedView.objects.get(user=w.users["owner"], name="进行中的外包合同").pk])


def edit_body(w: World, contract: Contract | None = None, **overrides) -> dict:
    contract = contract or w.contract
    contract.refresh_from_db()
    form = ContractForm(instance=contract)
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("end_date",)}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "version": contract.version,
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
        }
    )
    data.update(overrides)
    return data


def create_body(w: World) -> dict:
    """The world contract's terms as a new contract's form (no number: one is generated)."""
    data = edit_body(w, title="新合同", clause_language="zh-hans")
    for name in ("number", "version", "owner"):
        data.pop(name, None)
    return data


def amendment_body(w: World) -> dict:
    """A new amendment's form as the page offers it (the terms in force), with one term changed."""
    contract = Contract.objects.get(pk=w.contract.pk)
    form = AmendedTermsForm(instance=contract, prefix="terms")
    data = {f"terms-{k}": v for k, v in form.initial.items() if v is not None}
    data["terms-auto_renew"] = "on" if contract.auto_renew else ""
    data.update(
        {
            "title": "调整终止通知期",
            "effective_on": "2036-06-01",
            "terms-termination_notice_days": 45,
            "terms-vendor": contract.vendor_id,
        }
    )
    for prefix in ("sla", "fee", "clause"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return {k: v for k, v in data.items() if v != ""}


def a(w: World, name: str, *args) -> str:
    return reverse(f"amendments:{name}", args=[w.amendment.pk, *args])


def extraction_body(w: World) -> dict:
    """The review page's form as it is shown for the world's file read: create the draft as proposed."""
    form = ExtractionContractForm(initial=review_initial(w.extraction))
    shown = {name: form[name].value() for name in form.fields if name not in ("vendor", "owner")}
    data = {name: value for name, value in shown.items() if value is not None and value is not False}
    data.update({"sla-TOTAL_FORMS": 0, "sla-INITIAL_FORMS": 0, "fee-TOTAL_FORMS": 0, "fee-INITIAL_FORMS": 0})
    return data


def vendor_body(w: World) -> dict:
    vendor = w.contract.vendor
    return {
        "name": vendor.name,
        "credit_code": vendor.credit_code,
        "status": "active",
        "legal_representative": "王五",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certs-TOTAL_FORMS": 0,
        "certs-INITIAL_FORMS": 0,
    }


def _in_force_since_2026(w: World) -> None:
    """Months can be recorded once they have begun and the contract is in force: move its start to 2026."""
    Contract.objects.filter(pk=w.contract.pk).update(effective_date=date(2026, 1, 1))


def _month_in_2026(w: World) -> None:
    _in_force_since_2026(w)
    SlaPeriod.objects.filter(pk=w.sla_period.pk).update(period="2026-03")


def sla(w: World, name: str, *args) -> str:
    return reverse(f"sla:{name}", args=[w.contract.pk, *args])


def _set_status(status: str) -> Callable[[World], None]:
    def setup(w: World) -> None:
        Contract.objects.filter(pk=w.contract.pk).update(status=status)

    return setup


@dataclass(frozen=True)
class Case:
    """One URL pattern (by its name) called one way, and who may do it."""

    route: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset
    ok: tuple[int, ...] = (200,)
    body: Callable[[World], dict] | None = None
    # "scoped": the URL names something of the contract (404 for whoever cannot see it); "login": any signed-in user
    # may ask, the role decides (403); "requester": only the user who made it learns it exists (404); "public".
    scope: str = "scoped"
    setup: Callable[[World], None] | None = None
    label: str = ""
    # Roles whose POST goes through (ok) with the forbidden part of it ignored; `kept(world)` reads that part, which
    # must be the same after the call (a field the page does not offer them, forged into the form).
    ignored_for: frozenset = frozenset()
    kept: Callable[[World], object] | None = None
    # Who can see the object the URL names (the others get 404).
    viewers: frozenset = VIEWERS
    # A refusal this page documents besides 403: a form error (200) that saves nothing.
    refusal: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.route}{' ' + self.label if self.label else ''}"

    def expected(self, role: str) -> str | int:
        """'ok', 'login', or the refusal status."""
        if role == "anonymous":
            return "ok" if self.scope == "public" else "login"
        if role in self.allowed or role in self.ignored_for or self.scope == "public":
            return "ok"
        if self.scope == "requester" or (self.scope == "scoped" and role not in self.viewers):
            return 404
        return 403


def c(w: World, name: str, *args) -> str:
    return reverse(f"contracts:{name}", args=[w.contract.pk, *args])


def o(w: World, action: str, obligation: str = "obligation") -> str:
    return reverse("obligations:action", args=[getattr(w, obligation).pk, action])


CONTRACT_ACTIONS = [
    ("start_negotiation", Contract.Status.DRAFT, {}),
    ("sign", Contract.Status.NEGOTIATING, {"date": "2035-01-01"}),
    ("activate", Contract.Status.SIGNED, {"date": "2035-01-01"}),
    ("non_renewal_notice", Contract.Status.ACTIVE, {"date": "2035-02-01"}),
    ("renew", Contract.Status.ACTIVE, {"months": 12}),
    ("terminate", Contract.Status.ACTIVE, {"date": "2035-02-01", "reason": "服务不达标"}),
]


def _action_case(action: str, status: str, data: dict) -> Case:
    return Case(
        "contracts:action",
        "post",
        lambda w: c(w, "action", action),
        CHANGERS,
        (302,),
        lambda w: data,
        setup=_set_status(status),
        label=action,
    )


CASES = [
    # Public pages: the language switch, sign-in and password reset.
    Case(
        "set_language",
        "post",
        lambda w: reverse("set_language"),
        AUTHENTICATED,
        (302,),
        lambda w: {"language": "en"},
        "public",
    ),
    Case("login", "get", lambda w: reverse("login"), AUTHENTICATED, scope="public"),
    Case("logout", "post", lambda w: reverse("logout"), AUTHENTICATED, (200, 302), scope="public"),
    Case("password_change", "get", lambda w: reverse("password_change"), AUTHENTICATED, scope="login"),
    Case(
        "password_change", "post", lambda w: reverse("password_change"), AUTHENTICATED, body=lambda w: {}, scope="login"
    ),
    Case("password_change_done", "get", lambda w: reverse("password_change_done"), AUTHENTICATED, scope="login"),
    Case("password_reset", "get", lambda w: reverse("password_reset"), AUTHENTICATED, scope="public"),
    Case(
        "password_reset",
        "post",
        lambda w: reverse("password_reset"),
        AUTHENTICATED,
        (302,),
        lambda w: {"email": "nobody@example.com"},
        "public",
    ),
    Case("password_reset_done", "get", lambda w: reverse("password_reset_done"), AUTHENTICATED, scope="public"),
    Case(
        "password_reset_confirm",
        "get",
        lambda w: reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        AUTHENTICATED,
        scope="public",
    ),
    Case("password_reset_complete", "get", lambda w: reverse("password_reset_complete"), AUTHENTICATED, scope="public"),
    # The user's own settings.
    Case(
        "accounts:set_language",
        "post",
        lambda w: reverse("accounts:set_language"),
        AUTHENTICATED,
        (302,),
        lambda w: {"language": "en"},
        "public",
    ),
    Case("accounts:settings", "get", lambda w: reverse("accounts:settings"), AUTHENTICATED, scope="login"),
    Case(
        "accounts:settings",
        "post",
        lambda w: reverse("accounts:settings"),
        AUTHENTICATED,
        (302,),
        lambda w: {"language": "en", "email_mode": "digest"},
        "login",
    ),
    # Without the old password the change is refused (400): the page answers every signed-in user, nobody else.
    Case(
        "accounts:password_change",
        "post",
        lambda w: reverse("accounts:password_change"),
        AUTHENTICATED,
        (400,),
        lambda w: {"old_password": "not-the-password", "new_password1": "x", "new_password2": "y"},
        scope="login",
    ),
    Case(
        "accounts:api_token_revoke",
        "post",
        lambda w: reverse("accounts:api_token_revoke"),
        AUTHENTICATED,
        (302,),
        scope="login",
    ),
    # The people and vendor pickers: any signed-in user may search; what each lists is filtered by the gate.
    Case(
        "accounts:owner_autocomplete",
        "get",
        lambda w: reverse("accounts:owner_autocomplete"),
        AUTHENTICATED,
        scope="login",
    ),
    Case(
        "accounts:user_autocomplete",
        "get",
        lambda w: reverse("accounts:user_autocomplete"),
        AUTHENTICATED,
        scope="login",
    ),
    Case("vendors:autocomplete", "get", lambda w: reverse("vendors:autocomplete"), AUTHENTICATED, scope="login"),
    Case(
        "accounts:calendar_reset",
        "post",
        lambda w: reverse("accounts:calendar_reset"),
        AUTHENTICATED,
        (302,),
        scope="login",
    ),
    # The calendar feed answers to its secret token, never to a session.
    Case(
        "obligation_feed",
        "get",
        lambda w: reverse("obligation_feed", args=[w.users["owner"].calendar_token]),
        AUTHENTICATED,
        scope="public",
    ),
    # Dashboard, register, exports.
    Case("dashboard", "get", lambda w: reverse("dashboard"), AUTHENTICATED, scope="login"),
    Case("contracts:list", "get", lambda w: reverse("contracts:list"), AUTHENTICATED, scope="login"),
    Case("contracts:export", "get", lambda w: reverse("contracts:export", args=["csv"]), AUTHENTICATED, scope="login"),
    Case("exports:list", "get", lambda w: reverse("exports:list"), AUTHENTICATED, scope="login"),
    Case(
        "exports:create",
        "post",
        lambda w: reverse("exports:create"),
        AUTHENTICATED,
        (302,),
        lambda w: {"lang": "zh-hans"},
        "login",
    ),
    Case(
        "exports:detail",
        "get",
        lambda w: reverse("exports:detail", args=[w.job.pk]),
        frozenset({"owner"}),
        scope="requester",
    ),
    Case(
        "exports:progress",
        "get",
        lambda w: reverse("exports:progress", args=[w.job.pk]),
        frozenset({"owner"}),
        (302,),
        scope="requester",
    ),
    Case(
        "exports:download",
        "get",
        lambda w: reverse("exports:download", args=[w.job.pk]),
        frozenset({"owner"}),
        (302,),
        scope="requester",
    ),
    # Reading a signed contract: for those who may create contracts; a file read is its uploader's alone.
    Case("extractions:upload", "get", lambda w: reverse("extractions:upload"), CREATORS, scope="login"),
    Case(
        "extractions:upload",
        "post",
        lambda w: reverse("extractions:upload"),
        CREATORS,
        (302,),
        lambda w: {"file": SimpleUploadedFile("合同.txt", "客服外包服务合同\n第一条 服务内容\n热线服务。".encode())},
        "login",
    ),
    Case(
        "extractions:review",
        "get",
        lambda w: reverse("extractions:review", args=[w.extraction.pk]),
        frozenset({"owner"}),
        scope="requester",
    ),
    Case(
        "extractions:review",
        "post",
        lambda w: reverse("extractions:review", args=[w.extraction.pk]),
        frozenset({"owner"}),
        (302,),
        extraction_body,
        scope="requester",
    ),
    # Spreadsheet imports: who may write contracts may import them; an import is its owner's alone.
    Case("imports:list", "get", lambda w: reverse("imports:list"), CREATORS, scope="login"),
    Case(
        "imports:list",
        "post",
        lambda w: reverse("imports:list"),
        CREATORS,
        (302,),
        lambda w: {
            "file": SimpleUploadedFile(
                "c.csv", f"合同编号,统一社会信用代码\nHT-M-1,{w.contract.vendor.credit_code}\n".encode()
            )
        },
        "login",
    ),
    Case("imports:template", "get", lambda w: reverse("imports:template"), CREATORS, scope="login"),
    Case(
        "imports:detail",
        "get",
        lambda w: reverse("imports:detail", args=[w.import_job.pk]),
        frozenset({"owner"}),
        scope="requester",
    ),
    Case(
        "imports:progress",
        "get",
        lambda w: reverse("imports:progress", args=[w.import_job.pk]),
        frozenset({"owner"}),
        (302,),
        scope="requester",
    ),
    Case(
        "imports:confirm",
        "post",
        lambda w: reverse("imports:confirm", args=[w.import_job.pk]),
        frozenset({"owner"}),
        (302,),
        scope="requester",
    ),
    # One contract.
    Case("contracts:create", "get", lambda w: reverse("contracts:create"), CREATORS, scope="login"),
    Case("contracts:create", "post", lambda w: reverse("contracts:create"), CREATORS, (302,), create_body, "login"),
    Case("contracts:detail", "get", lambda w: c(w, "detail"), VIEWERS),
    Case("contracts:detail", "get", lambda w: c(w, "detail") + "?tab=history", VIEWERS, label="history"),
    Case("contracts:detail", "get", lambda w: c(w, "detail") + "?tab=history&page=9", VIEWERS, label="history page 9"),
    Case("contracts:detail", "get", lambda w: c(w, "detail") + "?tab=review", VIEWERS, label="review tab"),
    # The review: managers and legal accept a finding with a reason; whoever edits clauses adds a suggested one.
    Case(
        "review:accept",
        "post",
        lambda w: reverse("review:accept", args=[w.contract.pk]),
        ACCEPTERS,
        (302,),
        lambda w: {"rule": "price_cap_missing", "reason": "框架协议已锁定价格"},
    ),
    Case(
        "review:add_clause",
        "post",
        lambda w: reverse("review:add_clause", args=[w.contract.pk]),
        CLAUSE_EDITORS,
        (302,),
        lambda w: {"template": "price-adjustment-notice-cap-exit"},
    ),
    Case("contracts:edit", "get", lambda w: c(w, "edit"), CHANGERS),
    Case(
        "contracts:edit", "post", lambda w: c(w, "edit"), CHANGERS, (302,), lambda w: edit_body(w, title="改过的标题")
    ),
    Case(
        "contracts:edit",
        "post",
        lambda w: c(w, "edit"),
        SHARERS,
        (302,),
        lambda w: edit_body(w, owner=w.users["shared_change"].pk),
        label="(hand the contract to another owner)",
        refusal=(200,),
        ignored_for=frozenset({"shared_change"}),
        kept=lambda w: Contract.objects.get(pk=w.contract.pk).owner_id,
    ),
    Case(
        "contracts:edit",
        "post",
        lambda w: reverse("contracts:edit", args=[w.auditor_contract.pk]),
        frozenset({"manager"}),
        (302,),
        lambda w: edit_body(w, w.auditor_contract, title="审计改的标题"),
        label="(of a contract an auditor owns)",
        viewers=frozenset({"manager", "legal", "auditor"}),
    ),
    *[_action_case(action, status, data) for action, status, data in CONTRACT_ACTIONS],
    Case(
        "contracts:price_change_notice",
        "post",
        lambda w: c(w, "price_change_notice"),
        CHANGERS,
        (302,),
        lambda w: {"received_on": "2035-02-01", "effective_on": "2035-06-01", "increase_pct": "5"},
        setup=_set_status(Contract.Status.ACTIVE),
    ),
    # Chat robots: a person's own (any signed-in user, only their own), a contract's team robot (viewers read it,
    # changers set or remove it).
    Case(
        "notifications:my_chat_channels",
        "get",
        lambda w: reverse("notifications:my_chat_channels"),
        AUTHENTICATED,
        scope="login",
    ),
    Case(
        "notifications:my_chat_channels",
        "post",
        lambda w: reverse("notifications:my_chat_channels"),
        AUTHENTICATED,
        (302,),
        lambda w: {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": ""},
        "login",
    ),
    Case(
        "notifications:my_chat_channel_delete",
        "post",
        lambda w: reverse("notifications:my_chat_channel_delete", args=[w.chat_channel.pk]),
        AUTHENTICATED,
        (302,),
        lambda w: {},
        "login",
    ),
    Case(
        "notifications:contract_chat_channel",
        "get",
        lambda w: reverse("notifications:contract_chat_channel", args=[w.contract.pk]),
        VIEWERS,
    ),
    Case(
        "notifications:contract_chat_channel",
        "post",
        lambda w: reverse("notifications:contract_chat_channel", args=[w.contract.pk]),
        CHANGERS,
        (302,),
        lambda w: {
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "s",
            "language": "en",
        },
    ),
    Case(
        "notifications:contract_chat_channel_delete",
        "post",
        lambda w: reverse("notifications:contract_chat_channel_delete", args=[w.contract.pk]),
        CHANGERS,
        (302,),
        lambda w: {},
    ),
    Case("contracts:share", "get", lambda w: c(w, "share"), SHARERS),
    Case(
        "contracts:share",
        "post",
        lambda w: c(w, "share"),
        SHARERS,
        (302,),
        lambda w: {"user": "m_other_staff", "permission": "view"},
    ),
    Case(
        "contracts:document_upload",
        "post",
        lambda w: c(w, "document_upload"),
        CHANGERS,
        (302,),
        lambda w: {"kind": "amendment", "file": SimpleUploadedFile("补充协议.txt", "补充条款".encode())},
    ),
    Case(
        "contracts:document_download",
        "get",
        lambda w: reverse("contracts:document_download", args=[w.document.pk]),
        VIEWERS,
    ),
    Case(
        "contracts:clause_create",
        "post",
        lambda w: c(w, "clause_create"),
        CLAUSE_EDITORS,
        (302,),
        lambda w: {"category": "data_handover", "title": "数据交接", "text": "终止后七个工作日内交还全部数据。"},
    ),
    Case(
        "contracts:clauses_agree",
        "post",
        lambda w: c(w, "clauses_agree"),
        CLAUSE_EDITORS,
        (302,),
        lambda w: {"clause": f"{w.clause.pk}:{Clause.objects.get(pk=w.clause.pk).version}"},
    ),
    Case("contracts:clause", "get", lambda w: c(w, "clause", w.clause.pk), VIEWERS),
    Case(
        "contracts:clause",
        "post",
        lambda w: c(w, "clause", w.clause.pk),
        CLAUSE_EDITORS,
        (302,),
        lambda w: {
            "text": "接通率不低于90%。",
            "side": "vendor",
            "comment": "供应商反提案",
            "version": w.clause.version,
        },
    ),
    Case("contract_pdf", "get", lambda w: reverse("contract_pdf", args=[w.contract.pk]), VIEWERS),
    # Amendments of a signed contract.
    Case(
        "amendments:create",
        "get",
        lambda w: reverse("amendments:create", args=[w.contract.pk]),
        CHANGERS,
        setup=_set_status(Contract.Status.ACTIVE),
    ),
    Case(
        "amendments:create",
        "post",
        lambda w: reverse("amendments:create", args=[w.contract.pk]),
        CHANGERS,
        (302,),
        amendment_body,
        setup=_set_status(Contract.Status.ACTIVE),
    ),
    Case("amendments:detail", "get", lambda w: a(w, "detail"), VIEWERS),
    Case("amendments:edit", "get", lambda w: a(w, "edit"), CHANGERS, setup=_set_status(Contract.Status.ACTIVE)),
    Case(
        "amendments:edit",
        "post",
        lambda w: a(w, "edit"),
        CHANGERS,
        (302,),
        lambda w: {**amendment_body(w), "version": w.amendment.version},
        setup=_set_status(Contract.Status.ACTIVE),
    ),
    Case(
        "amendments:action",
        "post",
        lambda w: a(w, "action", "approve"),
        frozenset({"manager"}),
        (302,),
        lambda w: {"version": 1},
        setup=_set_status(Contract.Status.ACTIVE),
        label="approve",
    ),
    Case(
        "amendments:action",
        "post",
        lambda w: a(w, "action", "reject"),
        frozenset({"manager"}),
        (302,),
        lambda w: {"version": 1, "reason": "不接受"},
        setup=_set_status(Contract.Status.ACTIVE),
        label="reject",
    ),
    Case(
        "amendments:action",
        "post",
        lambda w: a(w, "action", "withdraw"),
        CHANGERS,
        (302,),
        lambda w: {"version": 1},
        setup=_set_status(Contract.Status.ACTIVE),
        label="withdraw",
    ),
    Case("amendment_pdf", "get", lambda w: reverse("amendment_pdf", args=[w.amendment.pk]), VIEWERS),
    Case(
        "sla_report_pdf",
        "get",
        lambda w: reverse("sla_report_pdf", args=[w.contract.pk, "2035-01"]),
        VIEWERS,
        setup=_record_sla_month,
    ),
    # Obligations.
    Case("obligations:list", "get", lambda w: reverse("obligations:list"), AUTHENTICATED, scope="login"),
    Case("obligations:calendar", "get", lambda w: reverse("obligations:calendar"), AUTHENTICATED, scope="login"),
    Case("obligations:detail", "get", lambda w: reverse("obligations:detail", args=[w.obligation.pk]), VIEWERS),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "complete"),
        CHANGERS,
        (302,),
        lambda w: {"note": "已书面通知供应商"},
        label="complete",
    ),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "waive"),
        CHANGERS,
        (302,),
        lambda w: {"reason": "已并入年度评审"},
        label="waive",
    ),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "reopen"),
        CHANGERS,
        (302,),
        setup=lambda w: Obligation.objects.filter(pk=w.obligation.pk).update(status=Obligation.Status.DONE),
        label="reopen",
    ),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "reassign"),
        CHANGERS,
        (302,),
        lambda w: {"owner": w.users["manager"].pk},
        label="reassign",
    ),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "move"),
        CHANGERS,
        (302,),
        lambda w: {"due_date": "2035-03-15"},
        label="move",
    ),
    Case(
        "obligations:action",
        "post",
        lambda w: o(w, "complete", "assigned_obligation"),
        CHANGERS,
        (302,),
        lambda w: {"note": "已书面通知供应商"},
        label="complete (assigned to a reader of the contract)",
    ),
    Case("obligations:create", "get", lambda w: reverse("obligations:create", args=[w.contract.pk]), CHANGERS),
    Case(
        "obligations:create",
        "post",
        lambda w: reverse("obligations:create", args=[w.contract.pk]),
        CHANGERS,
        (302,),
        lambda w: {"title": "季度评审", "due_date": "2035-04-01", "responsible": "us"},
    ),
    # SLA months of the contract: those who change the contract record, edit, delete and upload them.
    Case("sla:period_new", "get", lambda w: sla(w, "period_new"), CHANGERS),
    Case(
        "sla:period_new",
        "post",
        lambda w: sla(w, "period_new"),
        CHANGERS,
        (302,),
        lambda w: {"period": "2026-04", "fee_amount": "1000.00", f"target_{w.sla_target.pk}": "88"},
        setup=_in_force_since_2026,
    ),
    Case("sla:period_edit", "get", lambda w: sla(w, "period_edit", w.sla_period.period), CHANGERS),
    Case(
        "sla:period_edit",
        "post",
        lambda w: sla(w, "period_edit", "2026-03"),
        CHANGERS,
        (302,),
        lambda w: {"fee_amount": "2000.00", f"target_{w.sla_target.pk}": "89"},
        setup=_month_in_2026,
    ),
    Case("sla:period_delete", "post", lambda w: sla(w, "period_delete", w.sla_period.period), CHANGERS, (302,)),
    Case(
        "sla:import",
        "post",
        lambda w: sla(w, "import"),
        CHANGERS,
        (302,),
        lambda w: {"file": SimpleUploadedFile("report.csv", "period,metric,value\n2026-05,接通率,91\n".encode())},
        setup=_in_force_since_2026,
    ),
    # Vendors: every signed-in user sees them; staff and managers add and change them.
    Case("vendors:list", "get", lambda w: reverse("vendors:list"), AUTHENTICATED, scope="login"),
    Case("vendors:create", "get", lambda w: reverse("vendors:create"), CREATORS, scope="login"),
    Case(
        "vendors:create",
        "post",
        lambda w: reverse("vendors:create"),
        CREATORS,
        (302,),
        lambda w: {**vendor_body(w), "name": "北京示例科技有限公司", "credit_code": make_credit_code(987654)},
        "login",
    ),
    Case(
        "vendors:detail",
        "get",
        lambda w: reverse("vendors:detail", args=[w.contract.vendor_id]),
        AUTHENTICATED,
        scope="login",
    ),
    Case(
        "vendors:detail",
        "get",
        lambda w: reverse("vendors:detail", args=[w.contract.vendor_id]) + "?page=2",
        AUTHENTICATED,
        scope="login",
        label="history page 2",
    ),
    Case(
        "vendor_scorecard",
        "get",
        lambda w: reverse("vendor_scorecard", args=[w.contract.vendor_id]),
        AUTHENTICATED,
        scope="login",
    ),
    Case(
        "vendors:edit", "get", lambda w: reverse("vendors:edit", args=[w.contract.vendor_id]), CREATORS, scope="login"
    ),
    Case(
        "vendors:edit",
        "post",
        lambda w: reverse("vendors:edit", args=[w.contract.vendor_id]),
        CREATORS,
        (302,),
        vendor_body,
        "login",
    ),
    # Reports: every signed-in user, over what they may see. Saved views: only the user who saved one learns it exists.
    Case("reports:index", "get", lambda w: reverse("reports:index"), AUTHENTICATED, scope="login"),
    Case(
        "reports:csv", "get", lambda w: reverse("reports:csv", args=["spend", "vendors"]), AUTHENTICATED, scope="login"
    ),
    Case("reports:saved_views", "get", lambda w: reverse("reports:saved_views"), AUTHENTICATED, scope="login"),
    Case(
        "reports:saved_views",
        "post",
        lambda w: reverse("reports:saved_views"),
        AUTHENTICATED,
        (302,),
        lambda w: {"name": "我的视图", "query": "status=active&page=3"},
        "login",
    ),
    Case(
        "reports:saved_view", "get", saved_view_url, frozenset({"owner"}), (302,), scope="requester", setup=_saved_view
    ),
    Case(
        "reports:saved_view",
        "post",
        saved_view_url,
        frozenset({"owner"}),
        (302,),
        lambda w: {"name": "改过的名字"},
        "requester",
        setup=_saved_view,
    ),
    Case(
        "reports:saved_view_delete",
        "post",
        lambda w: saved_view_url(w, "reports:saved_view_delete"),
        frozenset({"owner"}),
        (302,),
        scope="requester",
        setup=_saved_view,
    ),
]


def _patterns(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def test_every_web_url_is_in_the_matrix():
    """A page added to the URL conf without a row here fails: nobody forgets to decide who may use it."""
    web = {}
    for route, name in _patterns(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        web[route] = name
    unnamed = sorted(route for route, name in web.items() if name is None)
    assert not unnamed, f"name these URL patterns so the matrix can list them: {unnamed}"
    listed = {case.route for case in CASES}
    missing = sorted(f"{route} ({name})" for route, name in web.items() if name not in listed)
    assert not missing, f"add these URL patterns to CASES in {__name__}: {missing}"
    assert listed <= set(web.values()), sorted(listed - set(web.values()))


def snapshot() -> dict:
    """Everything a page could write."""
    history = {
        model.__name__: model.history.count()
        for model in (Contract, Clause, Obligation, Document, PriceChangeNotice, Vendor, Certification)
        if hasattr(model, "history")
    }
    return {
        "history": history,
        "contracts": list(Contract.objects.order_by("pk").values()),
        "clauses": list(Clause.objects.order_by("pk").values()),
        "revisions": list(ClauseRevision.objects.order_by("pk").values_list("pk", "text")),
        "documents": list(Document.objects.order_by("pk").values_list("pk", "sha256")),
        "notices": list(PriceChangeNotice.objects.order_by("pk").values()),
        "obligations": list(Obligation.objects.order_by("pk").values()),
        "contract_grants": sorted(ContractUserObjectPermission.objects.values_list("user_id", "permission_id")),
        "group_grants": sorted(ContractGroupObjectPermission.objects.values_list("group_id", "permission_id")),
        "guardian": (UserObjectPermission.objects.count(), GroupObjectPermission.objects.count()),
        "vendors": list(Vendor.objects.order_by("pk").values()),
        "contacts": VendorContact.objects.count(),
        "certifications": Certification.objects.count(),
        "jobs": list(ExportJob.objects.order_by("pk").values_list("pk", "status")),
        "imports": list(ImportJob.objects.order_by("pk").values_list("pk", "status")),
        "amendments": list(Amendment.objects.order_by("pk").values()),
        "sla_periods": list(SlaPeriod.objects.order_by("pk").values()),
        "sla_measurements": list(SlaMeasurement.objects.order_by("pk").values()),
        "extractions": list(Extraction.objects.order_by("pk").values_list("pk", "contract_id")),
        "findings": list(Finding.objects.order_by("pk").values()),
        "saved_views": list(SavedView.objects.order_by("pk").values("pk", "user_id", "name", "query")),
        "chat_channels": list(ChatChannel.objects.order_by("pk").values()),
        "users": list(
            get_user_model().objects.order_by("pk").values("pk", "language", "email_mode", "calendar_token", "password")
        ),
    }


def _cells():
    for case in CASES:
        for role in ROLES:
            yield pytest.param(case, role, id=f"{case.name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), list(_cells()))
def test_each_role_gets_the_expected_answer_and_a_refused_post_changes_nothing(world, client, case, role):
    # Given the world in the state the call needs and, before a POST to be refused, a snapshot of everything
    if case.setup:
        case.setup(world)
    if role != "anonymous":
        client.force_login(world.users[role])
    expected = case.expected(role)
    before = snapshot() if case.method == "post" and expected != "ok" else None
    kept_before = case.kept(world) if case.kept and role in case.ignored_for else None

    # When the role calls the page
    url = case.url(world)
    body = case.body(world) if case.body else {}
    response = client.post(url, body) if case.method == "post" else client.get(url, body)

    # Then it gets the answer its role allows
    status = response.status_code
    if expected == "login":
        assert status == 302 and response["Location"].startswith(reverse("login")), (case.name, role, status)
    elif expected == "ok":
        assert status in case.ok, (case.name, role, status)
        if status == 302 and case.scope != "public":
            assert not response["Location"].startswith(reverse("login")), (case.name, role)
    else:
        assert status == expected or (expected == 403 and status in case.refusal), (case.name, role, status)
    # And a refused POST changed nothing at all
    if before is not None:
        assert snapshot() == before, (case.name, role)
    # And a forged part the page does not offer this role was ignored
    if kept_before is not None:
        assert case.kept(world) == kept_before, (case.name, role)
