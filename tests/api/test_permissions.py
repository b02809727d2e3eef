"""Who may do what over the API: every endpoint x method x role, with the status each role must get.

A hidden object answers 404 (the caller never learns it exists), a visible one that the caller may not change answers
403, anonymous calls 401. Every denied write also proves that nothing in the database changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from amendments.models import Amendment
from contracts.models import (
    Clause,
    ClauseRevision,
    Contract,
    ContractGroupObjectPermission,
    ContractUserObjectPermission,
    Document,
    PriceChangeNotice,
)
from imports.models import Extraction, ImportJob
from notifications.models import ChatChannel
from obligations.models import Obligation
from reports.models import SavedView
from review.models import Finding
from sla.models import SlaMeasurement, SlaPeriod
from tests.factories import make_credit_code
from tests.fixtures.api import ROLES, World
from vendors.models import Vendor

AUTHENTICATED = frozenset(ROLES) - {"anonymous"}
VIEWERS = frozenset({"owner", "viewer", "editor", "manager", "legal", "auditor"})
CHANGERS = frozenset({"owner", "editor", "manager"})
CLAUSE_EDITORS = CHANGERS | {"legal"}
SHARERS = frozenset({"owner", "manager"})
ACCEPTERS = frozenset({"manager", "legal"})
CREATORS = frozenset({"owner", "viewer", "editor", "other_staff", "manager"})


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset
    success: int = 200
    body: Callable[[World], dict] | None = None
    multipart: bool = False
    scoped: bool = True  # the URL names one contract (or something of it): hidden from those who cannot see it
    private: bool = False  # the URL names something only its maker sees (an uploaded file read): 404 for the others
    contract_status: str = Contract.Status.DRAFT
    private: bool = False  # the URL names something of one user's own (an import, a saved view): 404 for others

    def expected(self, role: str) -> int:
        if role == "anonymous":
            return 401
        if role in self.allowed:
            return self.success
        if self.private:
            return 404
        if self.scoped and role not in VIEWERS:
            return 404
        return 403


def c(w):
    return f"/api/v1/contracts/{w.contract.pk}/"


def import_job(w) -> ImportJob:
    """The owner's spreadsheet import, its dry run ready, made on first use."""
    if not hasattr(w, "import_job"):
        w.import_job = ImportJob.objects.create(
            owner=w.users["owner"],
            original_name="contracts.csv",
            file="imports/contracts.csv",
            status=ImportJob.Status.READY,
            total=1,
            counts={"create": 1},
        )
    return w.import_job


def import_csv(w) -> dict:
    data = f"合同编号,合同名称,统一社会信用代码\nHT-PERM-1,导入的合同,{w.contract.vendor.credit_code}\n".encode()
    return {"file": SimpleUploadedFile("contracts.csv", data), "dry_run": "true"}


def saved_view(w):
    """The owner's saved register view."""
    view = SavedView.objects.get_or_create(user=w.users["owner"], name="进行中的外包合同", query="status=active")[0]
    return f"/api/v1/saved-views/{view.pk}/"


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """This matrix is about who gets a PDF, not about rendering it (tests/sla/test_report.py does that)."""
    monkeypatch.setattr("sla.scorecard_api.render_sla_report_pdf", lambda sla_period, language: b"%PDF-1.7 matrix")


CASES = [
    Case("contract-list", "get", lambda w: "/api/v1/contracts/", AUTHENTICATED, scoped=False),
    Case(
        "contract-create",
        "post",
        lambda w: "/api/v1/contracts/",
        CREATORS,
        201,
        body=lambda w: {"title": "新合同", "vendor": w.contract.vendor_id},
        scoped=False,
    ),
    Case("contract-detail", "get", c, VIEWERS),
    Case("contract-patch", "patch", c, CHANGERS, body=lambda w: {"title": "改过的标题", "version": w.contract.version}),
    Case("contract-delete", "delete", c, CHANGERS, 204),
    Case("contract-start-negotiation", "post", lambda w: c(w) + "start-negotiation/", CHANGERS),
    Case("clause-list", "get", lambda w: c(w) + "clauses/", VIEWERS),
    Case(
        "clause-create",
        "post",
        lambda w: c(w) + "clauses/",
        CLAUSE_EDITORS,
        201,
        body=lambda w: {"category": "data_handover", "title": "数据交接", "text": "终止后七个工作日内交还全部数据。"},
    ),
    Case("clause-detail", "get", lambda w: f"/api/v1/clauses/{w.clause.pk}/", VIEWERS),
    Case(
        "clause-patch",
        "patch",
        lambda w: f"/api/v1/clauses/{w.clause.pk}/",
        CLAUSE_EDITORS,
        body=lambda w: {"status": "agreed", "version": w.clause.version},
    ),
    Case("revision-list", "get", lambda w: f"/api/v1/clauses/{w.clause.pk}/revisions/", VIEWERS),
    Case(
        "revision-create",
        "post",
        lambda w: f"/api/v1/clauses/{w.clause.pk}/revisions/",
        CLAUSE_EDITORS,
        201,
        body=lambda w: {"text": "接通率不低于90%。", "side": "vendor", "comment": "供应商反提案"},
    ),
    Case("review-get", "get", lambda w: c(w) + "review/", VIEWERS),
    Case(
        "review-accept",
        "post",
        lambda w: c(w) + "review/accept/",
        ACCEPTERS,
        body=lambda w: {"rule": "price_cap_missing", "reason": "框架协议已锁定价格"},
    ),
    Case("me-get", "get", lambda w: "/api/v1/me/", AUTHENTICATED, scoped=False),
    Case(
        "me-patch", "patch", lambda w: "/api/v1/me/", AUTHENTICATED, body=lambda w: {"chat_channels": []}, scoped=False
    ),
    Case("chat-channel-get", "get", lambda w: c(w) + "chat-channel/", VIEWERS),
    Case(
        "chat-channel-put",
        "put",
        lambda w: c(w) + "chat-channel/",
        CHANGERS,
        body=lambda w: {
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "language": "en",
        },
    ),
    Case("chat-channel-delete", "delete", lambda w: c(w) + "chat-channel/", CHANGERS, 204),
    Case("share-get", "get", lambda w: c(w) + "share/", VIEWERS),
    Case(
        "share-post",
        "post",
        lambda w: c(w) + "share/",
        SHARERS,
        body=lambda w: {"user": "other_staff", "permission": "view"},
    ),
    Case("price-notice-list", "get", lambda w: c(w) + "price-change-notices/", VIEWERS),
    Case("contract-history", "get", lambda w: c(w) + "history/", VIEWERS),
    Case(
        "price-notice-create",
        "post",
        lambda w: c(w) + "price-change-notices/",
        CHANGERS,
        201,
        # Not the world's own notice: the same notice recorded again is refused as a duplicate.
        body=lambda w: {"received_on": "2026-11-25", "effective_on": "2027-01-01", "increase_pct": "5.00"},
        contract_status=Contract.Status.ACTIVE,
    ),
    Case("document-list", "get", lambda w: c(w) + "documents/", VIEWERS),
    Case(
        "document-upload",
        "post",
        lambda w: c(w) + "documents/",
        CHANGERS,
        201,
        body=lambda w: {"file": SimpleUploadedFile("补充协议.txt", "补充条款".encode()), "kind": "amendment"},
        multipart=True,
    ),
    Case("document-detail", "get", lambda w: f"/api/v1/documents/{w.document.pk}/", VIEWERS),
    Case("document-download", "get", lambda w: f"/api/v1/documents/{w.document.pk}/download/", VIEWERS),
    Case("sla-period-list", "get", lambda w: c(w) + "sla-periods/", VIEWERS),
    Case(
        "sla-period-create",
        "post",
        lambda w: c(w) + "sla-periods/",
        CHANGERS,
        201,
        body=lambda w: {
            "period": "2026-04",
            "fee_amount": "1000.00",
            "measurements": [{"target": w.sla_target.pk, "value": "88.5"}],
        },
    ),
    Case("sla-period-detail", "get", lambda w: f"/api/v1/sla-periods/{w.sla_period.pk}/", VIEWERS),
    Case(
        "sla-period-put",
        "put",
        lambda w: f"/api/v1/sla-periods/{w.sla_period.pk}/",
        CHANGERS,
        body=lambda w: {"period": "2026-03", "measurements": [{"target": w.sla_target.pk, "value": "85"}]},
    ),
    Case("sla-period-delete", "delete", lambda w: f"/api/v1/sla-periods/{w.sla_period.pk}/", CHANGERS, 204),
    Case(
        "sla-import",
        "post",
        lambda w: c(w) + "sla-periods/import/",
        CHANGERS,
        201,
        body=lambda w: {"file": SimpleUploadedFile("report.csv", "period,metric,value\n2026-05,接通率,91\n".encode())},
        multipart=True,
    ),
    Case("obligation-list", "get", lambda w: "/api/v1/obligations/", AUTHENTICATED, scoped=False),
    Case("obligation-detail", "get", lambda w: f"/api/v1/obligations/{w.obligation.pk}/", VIEWERS),
    Case(
        "obligation-patch",
        "patch",
        lambda w: f"/api/v1/obligations/{w.obligation.pk}/",
        CHANGERS,
        body=lambda w: {"due_date": "2026-12-20"},
    ),
    Case(
        "contract-obligation-create",
        "post",
        lambda w: c(w) + "obligations/",
        CHANGERS,
        201,
        body=lambda w: {
            "title": "月度服务报告审核",
            "due_date": "2026-01-31",
            "recurrence": "monthly",
            "recurs_until": "2026-03-31",
        },
    ),
    Case(
        "obligation-complete",
        "post",
        lambda w: f"/api/v1/obligations/{w.obligation.pk}/complete/",
        CHANGERS,
        body=lambda w: {"note": "已书面通知供应商"},
    ),
    Case(
        "obligation-waive",
        "post",
        lambda w: f"/api/v1/obligations/{w.obligation.pk}/waive/",
        CHANGERS,
        body=lambda w: {"reason": "已并入年度评审"},
    ),
    Case("vendor-list", "get", lambda w: "/api/v1/vendors/", AUTHENTICATED, scoped=False),
    Case(
        "vendor-detail",
        "get",
        lambda w: f"/api/v1/vendors/{w.contract.vendor_id}/",
        AUTHENTICATED,
        scoped=False,
    ),
    Case(
        "vendor-create",
        "post",
        lambda w: "/api/v1/vendors/",
        CREATORS,
        201,
        body=lambda w: {"name": "北京示例科技有限公司", "credit_code": make_credit_code(987654)},
        scoped=False,
    ),
    Case(
        "vendor-patch",
        "patch",
        lambda w: f"/api/v1/vendors/{w.contract.vendor_id}/",
        CREATORS,
        body=lambda w: {"legal_representative": "王五"},
        scoped=False,
    ),
    Case(
        "vendor-history",
        "get",
        lambda w: f"/api/v1/vendors/{w.contract.vendor_id}/history/",
        AUTHENTICATED,
        scoped=False,
    ),
    Case(
        "extraction-create",
        "post",
        lambda w: "/api/v1/extractions/",
        CREATORS,
        201,
        body=lambda w: {"file": SimpleUploadedFile("合同.txt", "客服外包服务合同\n第一条 服务内容\n热线。".encode())},
        multipart=True,
        scoped=False,
    ),
    Case(
        "extraction-detail",
        "get",
        lambda w: f"/api/v1/extractions/{w.extraction.pk}/",
        frozenset({"owner"}),
        private=True,
    ),
    Case(
        "extraction-create-contract",
        "post",
        lambda w: f"/api/v1/extractions/{w.extraction.pk}/create-contract/",
        frozenset({"owner"}),
        201,
        body=lambda w: {},
        private=True,
    ),
    Case(
        "vendor-scorecard",
        "get",
        lambda w: f"/api/v1/vendors/{w.contract.vendor_id}/scorecard/",
        AUTHENTICATED,
        scoped=False,
    ),
    Case("sla-period-pdf", "get", lambda w: f"/api/v1/sla-periods/{w.sla_period.pk}/pdf/", VIEWERS),
    Case("amendment-list", "get", lambda w: c(w) + "amendments/", VIEWERS),
    Case(
        "amendment-create",
        "post",
        lambda w: c(w) + "amendments/",
        CHANGERS,
        201,
        body=lambda w: {
            "title": "延长服务期",
            "effective_on": "2035-06-01",
            "changes": {"termination_notice_days": 45},
        },
        contract_status=Contract.Status.ACTIVE,
    ),
    Case("amendment-detail", "get", lambda w: f"/api/v1/amendments/{w.amendment.pk}/", VIEWERS),
    Case(
        "amendment-patch",
        "patch",
        lambda w: f"/api/v1/amendments/{w.amendment.pk}/",
        CHANGERS,
        body=lambda w: {"title": "调整终止通知期（修订）", "version": 1},
        contract_status=Contract.Status.ACTIVE,
    ),
    Case(
        "amendment-approve",
        "post",
        lambda w: f"/api/v1/amendments/{w.amendment.pk}/approve/",
        frozenset({"manager"}),
        contract_status=Contract.Status.ACTIVE,
    ),
    Case(
        "amendment-reject",
        "post",
        lambda w: f"/api/v1/amendments/{w.amendment.pk}/reject/",
        frozenset({"manager"}),
        body=lambda w: {"reason": "不接受"},
        contract_status=Contract.Status.ACTIVE,
    ),
    Case(
        "amendment-withdraw",
        "post",
        lambda w: f"/api/v1/amendments/{w.amendment.pk}/withdraw/",
        CHANGERS,
        contract_status=Contract.Status.ACTIVE,
    ),
    Case("amendment-pdf", "get", lambda w: f"/api/v1/amendments/{w.amendment.pk}/pdf/", VIEWERS),
    *[
        Case(f"report-{kind}", "get", lambda w, kind=kind: f"/api/v1/reports/{kind}/", AUTHENTICATED, scoped=False)
        for kind in ("renewals", "spend", "obligations", "sla", "findings")
    ],
    Case("saved-view-list", "get", lambda w: "/api/v1/saved-views/", AUTHENTICATED, scoped=False),
    Case(
        "saved-view-create",
        "post",
        lambda w: "/api/v1/saved-views/",
        AUTHENTICATED,
        201,
        body=lambda w: {"name": "我的视图", "query": "status=active"},
        scoped=False,
    ),
    Case("saved-view-detail", "get", saved_view, frozenset({"owner"}), private=True),
    Case(
        "saved-view-rename",
        "patch",
        saved_view,
        frozenset({"owner"}),
        body=lambda w: {"name": "改过的名字"},
        private=True,
    ),
    Case("saved-view-delete", "delete", saved_view, frozenset({"owner"}), 204, private=True),
    Case("token-revoke", "post", lambda w: "/api/v1/auth/token/revoke/", AUTHENTICATED, 204, scoped=False),
    Case(
        "vendor-delete",
        "delete",
        lambda w: f"/api/v1/vendors/{w.vendor_without_contracts.pk}/",
        frozenset({"manager"}),
        204,
        scoped=False,
    ),
    # Spreadsheet imports: who may write contracts may import them; an import is its owner's alone.
    Case("import-create", "post", lambda w: "/api/v1/imports/", CREATORS, 201, import_csv, True, False),
    Case("import-template", "get", lambda w: "/api/v1/imports/template/", CREATORS, scoped=False),
    Case("import-detail", "get", lambda w: f"/api/v1/imports/{import_job(w).pk}/", frozenset({"owner"}), private=True),
    Case(
        "import-confirm",
        "post",
        lambda w: f"/api/v1/imports/{import_job(w).pk}/confirm/",
        frozenset({"owner"}),
        202,
        private=True,
    ),
]


def snapshot() -> dict:
    """Everything a write through the API could touch."""
    return {
        "contracts": list(Contract.objects.order_by("pk").values()),
        "clauses": list(Clause.objects.order_by("pk").values()),
        "revisions": list(ClauseRevision.objects.order_by("pk").values_list("pk", "text")),
        "documents": list(Document.objects.order_by("pk").values_list("pk", "sha256")),
        "notices": list(PriceChangeNotice.objects.order_by("pk").values()),
        "obligations": list(Obligation.objects.order_by("pk").values()),
        "user_grants": sorted(ContractUserObjectPermission.objects.values_list("user_id", "permission_id")),
        "group_grants": sorted(ContractGroupObjectPermission.objects.values_list("group_id", "permission_id")),
        "vendors": list(Vendor.objects.order_by("pk").values()),
        "tokens": list(Token.objects.order_by("pk").values()),
        "imports": list(ImportJob.objects.order_by("pk").values_list("pk", "status")),
        "amendments": list(Amendment.objects.order_by("pk").values()),
        "sla_periods": list(SlaPeriod.objects.order_by("pk").values()),
        "sla_measurements": list(SlaMeasurement.objects.order_by("pk").values()),
        "extractions": list(Extraction.objects.order_by("pk").values_list("pk", "contract_id")),
        "findings": list(Finding.objects.order_by("pk").values()),
        "saved_views": list(SavedView.objects.order_by("pk").values("pk", "user_id", "name", "query")),
        "chat_channels": list(ChatChannel.objects.order_by("pk").values()),
    }


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """The matrix is about who gets the PDF, not about rendering it (tests/amendments and tests/pdf do that)."""
    monkeypatch.setattr("pdf.api.render_amendment_pdf", lambda amendment, language: b"%PDF-1.7 matrix")


def _call(world: World, case: Case, client):
    body = case.body(world) if case.body else None
    kwargs = {"format": "multipart" if case.multipart else "json"} if body is not None else {}
    return getattr(client, case.method)(case.url(world), body, **kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_role_gets_the_expected_answer_and_a_denied_write_changes_nothing(world, case, role):
    # Given the world of one shared contract in the state the action needs, and a snapshot of everything
    Contract.objects.filter(pk=world.contract.pk).update(status=case.contract_status)
    case.url(world)  # what the URL names (an import) exists before the snapshot
    client = world.client(role)
    case.url(world)  # what the URL names exists before the snapshot (a saved view is made on first use)
    before = snapshot()

    # When the role calls the endpoint
    response = _call(world, case, client)

    # Then it gets the status its role allows
    expected = case.expected(role)
    assert response.status_code == expected, (case.name, role, getattr(response, "data", None))
    # And a refused call changed nothing at all
    if expected >= 400:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_for_a_token_and_no_password_gets_none(world, role):
    # The token endpoint needs no authentication: the user name and password are the credentials.
    body = {"username": role, "password": "pw-for-tests-2026"} if role != "anonymous" else {}
    tokens_before = list(Token.objects.order_by("pk").values())

    response = APIClient().post("/api/v1/auth/token/", body, format="json")

    if role == "anonymous":
        assert response.status_code == 400
        assert list(Token.objects.order_by("pk").values()) == tokens_before
    else:
        assert response.status_code == 200
        assert set(response.data) == {"token", "expires"}
        assert Token.objects.get(user=world.users[role]).key == response.data["token"]


def test_the_contract_list_shows_a_staff_user_only_what_they_own_or_was_shared(world):
    # Given a second contract that only the manager's team knows about
    from contracts.services.terms import contract_create

    contract_create(by=world.users["manager"], title="保密项目", vendor=world.contract.vendor)

    def numbers(role):
        response = world.client(role).get("/api/v1/contracts/")
        return {row["id"] for row in response.data["results"]}

    # Then owner, viewer and editor see the shared contract only; other staff sees nothing; the manager sees both
    assert numbers("owner") == numbers("viewer") == numbers("editor") == {world.contract.pk}
    assert numbers("other_staff") == set()
    assert len(numbers("manager")) == len(numbers("auditor")) == len(numbers("legal")) == 2


def test_obligations_of_a_hidden_contract_are_not_listed(world):
    response = world.client("other_staff").get("/api/v1/obligations/", {"contract": world.contract.pk})
    assert response.status_code == 200
    assert response.data["count"] == 0
    assert world.client("viewer").get("/api/v1/obligations/", {"contract": world.contract.pk}).data["count"] == 1


def test_revoking_a_share_hides_the_contract_again(world):
    owner = world.client("owner")
    response = owner.post(f"/api/v1/contracts/{world.contract.pk}/share/", {"user": "viewer", "permission": "none"})
    assert response.status_code == 200
    assert {"user": "viewer", "permission": "view"} not in response.data["users"]
    assert world.client("viewer").get(f"/api/v1/contracts/{world.contract.pk}/").status_code == 404


def test_sharing_with_a_group_lets_its_members_see_the_contract(world):
    from django.contrib.auth.models import Group

    team = Group.objects.create(name="华东采购组")
    world.users["other_staff"].groups.add(team)
    response = world.client("owner").post(
        f"/api/v1/contracts/{world.contract.pk}/share/", {"group": team.name, "permission": "change"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["groups"] == [{"group": team.name, "label": team.name, "permission": "change"}]
    patch = world.client("other_staff").patch(
        f"/api/v1/contracts/{world.contract.pk}/", {"notes": "组内可改", "version": world.contract.version}
    )
    assert patch.status_code == 200
    assert patch.data["notes"] == "组内可改"


def test_an_auditor_cannot_be_given_change_rights(world):
    response = world.client("owner").post(
        f"/api/v1/contracts/{world.contract.pk}/share/", {"user": "auditor", "permission": "change"}
    )
    assert response.status_code == 400
    assert "user" in response.data


def test_sharing_is_recorded_in_the_contract_history(world):
    world.client("manager").post(
        f"/api/v1/contracts/{world.contract.pk}/share/", {"user": "other_staff", "permission": "change"}
    )
    latest = world.contract.history.first()
    assert latest.history_change_reason == "share user other_staff: change"
    assert latest.history_user == world.users["manager"]


def test_a_signed_on_date_cannot_be_sent_as_a_term(world):
    """Lifecycle dates change only through actions: writing them as terms is ignored by the contract, not stored."""
    response = world.client("owner").patch(
        f"/api/v1/contracts/{world.contract.pk}/",
        {"signed_on": str(date(2026, 1, 1)), "version": world.contract.version},
    )
    assert response.status_code == 200
    assert response.data["signed_on"] is None
