"""A contract's history answers who changed what, from what, to what: for the contract's terms and for everything that
hangs off it (SLA and fee rows, clauses and their revisions, price-change notices, shares, documents, obligations),
with labels and values in the reader's language, a page at a time, in a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.utils import translation

from contracts.history import contract_history_entries, contract_history_rows
from contracts.lifecycle.actions import price_change_notice_record
from contracts.models import Contract, Document
from contracts.services.clauses import clause_add_revision, clause_create
from contracts.services.documents import document_upload
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create, contract_update
from obligations.actions import obligation_complete
from obligations.models import Obligation
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

SLA = {"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": Decimal("90"), "unit": "%"}
FEE = {"kind": "坐席费", "unit_price": Decimal("4500"), "unit": "席/月", "quantity": Decimal("20")}


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff", first_name="晓敏", last_name="李")


@pytest.fixture
def contract(buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return contract_create(
        by=buyer,
        title="在线客服外包合同",
        vendor=VendorFactory(name="上海示例客服有限公司"),
        effective_date=date(2026, 1, 1),
        price_increase_cap_pct=Decimal("5"),
        price_change_notice_days=90,
        contract_value=Decimal("372000"),
        sla_targets=[SLA],
        fee_items=[FEE],
    )


def edit(contract, by, **fields):
    contract.refresh_from_db()
    return contract_update(contract=contract, by=by, version=contract.version, **fields)


def entries_of(contract, language="en", per_page=50, page=1):
    with translation.override(language):
        rows = Paginator(contract_history_rows(contract), per_page).get_page(page)
        return contract_history_entries(contract, rows.object_list)


def change(entry, field):
    return next(c for c in entry.changes if c.field == field)


def latest(contract, kind, language="en"):
    return next(e for e in entries_of(contract, language) if e.kind == kind)


def test_a_term_change_shows_who_and_the_old_and_new_values_in_english(contract, buyer):
    # When the buyer raises the cap from 5% to 10% and shortens the notice from 90 to 30 days
    edit(contract, buyer, price_increase_cap_pct=Decimal("10"), price_change_notice_days=30, auto_renew=True)

    # Then the newest entry of the contract says who, what and why, with each value as the reader reads it
    entry = latest(contract, "contract")
    assert (entry.user_name, entry.action, entry.reason_label) == ("李晓敏", "changed", "Terms edited")
    cap = change(entry, "price_increase_cap_pct")
    assert (cap.label, cap.old_display, cap.new_display) == ("Price increase cap (%)", "5%", "10%")
    assert (cap.old, cap.new) == ("5.00", "10.00")
    notice = change(entry, "price_change_notice_days")
    assert (notice.old_display, notice.new_display) == ("90", "30")
    renews = change(entry, "auto_renew")
    assert (renews.old_display, renews.new_display) == ("No", "Yes")
    assert {c.field for c in entry.changes} == {"price_increase_cap_pct", "price_change_notice_days", "auto_renew"}


def test_a_term_change_reads_in_chinese(contract, buyer):
    manager = UserFactory(username="boss", role="procurement_manager", first_name="Grace", last_name="Chen")
    edit(contract, buyer, end_date=date(2027, 6, 30), contract_value=Decimal("400000.5"), payment_cycle="quarterly")
    edit(contract, buyer, owner=manager)

    first, second = [e for e in entries_of(contract, "zh-hans") if e.kind == "contract"][1::-1]
    assert first.reason_label == "合同信息已修改"
    end = change(first, "end_date")
    assert (end.label, end.old_display, end.new_display) == ("约定到期日", "2026年12月31日", "2027年6月30日")
    value = change(first, "contract_value")
    assert (value.label, value.old_display, value.new_display) == ("合同金额", "¥372,000.00", "¥400,000.50")
    cycle = change(first, "payment_cycle")
    assert (cycle.old_display, cycle.new_display) == ("按月", "按季度")
    owner = change(second, "owner")
    assert (owner.label, owner.old_display, owner.new_display) == ("负责人", "李晓敏", "Grace Chen")
    assert owner.old == buyer.pk


def test_sla_and_fee_rows_show_additions_changes_and_removals(contract, buyer):
    # When the answer rate goes from 90% to 95%, a new row is added, and the fee row is removed
    asa = {"metric": "平均应答速度", "kind": "asa", "comparator": "<=", "target": Decimal("20"), "unit": "秒"}
    edit(contract, buyer, sla_targets=[{**SLA, "target": Decimal("95")}, asa], fee_items=[])

    entries = entries_of(contract)
    rows = [e for e in entries if e.kind in ("slatarget", "feeitem")][:3]
    by_label = {(e.kind, e.object_label): e for e in rows}
    changed = by_label["slatarget", "接通率"]
    assert (changed.action, changed.kind_label, changed.reason_label) == ("changed", "SLA target", "Terms edited")
    assert [(c.label, c.old_display, c.new_display) for c in changed.changes] == [("Target", "90", "95")]
    added = by_label["slatarget", "平均应答速度"]
    assert added.action == "created"
    assert ("Kind", "", "Average speed of answer") in [(c.label, c.old_display, c.new_display) for c in added.changes]
    assert ("Comparator", "", "≤") in [(c.label, c.old_display, c.new_display) for c in added.changes]
    removed = by_label["feeitem", "坐席费"]
    assert removed.action == "deleted"
    assert ("Unit price", "CNY 4,500.00", "") in [(c.label, c.old_display, c.new_display) for c in removed.changes]
    assert removed.user_name == "李晓敏"


def test_an_edit_that_keeps_a_row_as_it_was_records_nothing_for_it(contract, buyer):
    before = contract.sla_targets.get()

    edit(contract, buyer, title="新标题", sla_targets=[dict(SLA)], fee_items=[dict(FEE)])

    assert contract.sla_targets.get().pk == before.pk
    kinds = [e.kind for e in entries_of(contract)]
    assert kinds.count("slatarget") == kinds.count("feeitem") == 1  # only their creation


def test_a_fee_row_change_shows_money_in_chinese(contract, buyer):
    edit(contract, buyer, fee_items=[{**FEE, "unit_price": Decimal("4800"), "quantity": Decimal("25")}])

    entry = latest(contract, "feeitem", "zh-hans")
    assert entry.kind_label == "费用项目"
    shown = {c.field: (c.old_display, c.new_display) for c in entry.changes}
    assert shown == {"unit_price": ("¥4,500.00", "¥4,800.00"), "quantity": ("20", "25")}


def test_a_clause_revision_shows_the_old_and_new_text_and_the_side(contract, buyer):
    clause = clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="接通率不低于95%。")
    vendor_side = UserFactory(username="legal1", role="legal")
    clause_add_revision(clause=clause, by=vendor_side, text="接通率不低于90%。", side="vendor", comment="供应商反提案")

    revised, created = [e for e in entries_of(contract) if e.kind == "clause"][:2]
    assert (created.action, created.object_label, created.note) == ("created", "服务水平", "Revision 1 · Ours")
    assert revised.reason_label == "Clause revised"
    assert revised.note == "Revision 2 · Vendor's · 供应商反提案"
    text = change(revised, "text")
    assert (text.label, text.old_display, text.new_display) == ("Text", "接通率不低于95%。", "接通率不低于90%。")
    status = change(revised, "status")
    assert (status.old_display, status.new_display) == ("Draft", "Countered")


def test_a_price_change_notice_is_listed_with_its_values(contract, buyer):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    contract.refresh_from_db()
    price_change_notice_record(
        contract=contract, by=buyer, received_on=date(2026, 11, 1), effective_on=date(2027, 1, 1), increase_pct=8
    )

    entry = latest(contract, "pricechangenotice")
    assert entry.object_label == "8% from January 1, 2027"
    shown = {c.field: c.new_display for c in entry.changes}
    assert shown["increase_pct"] == "8%"
    assert shown["received_on"] == "November 1, 2026"
    assert shown["compliant"] == "No"


def test_sharing_shows_the_access_before_and_after(contract, buyer):
    colleague = UserFactory(username="colleague", role="procurement_staff", first_name="Wei", last_name="Zhang")
    contract_share(contract=contract, by=buyer, user=colleague, permission="view")
    contract_share(contract=contract, by=buyer, user=colleague, permission="change")
    contract_share(contract=contract, by=buyer, user=colleague, permission="none")

    revoked, widened, granted = [e for e in entries_of(contract) if e.kind == "share"]
    assert granted.object_label == "Wei Zhang"
    assert [(c.old_display, c.new_display) for c in granted.changes] == [("No access", "Can view")]
    assert [(c.old, c.new) for c in widened.changes] == [("view", "change")]
    assert revoked.reason_label == "Sharing with user colleague revoked"
    assert [(c.label, c.old_display, c.new_display) for c in revoked.changes] == [("Access", "Can edit", "No access")]
    in_chinese = latest(contract, "share", "zh-hans")
    assert [(c.label, c.old_display) for c in in_chinese.changes] == [("权限", "可编辑")]


def test_an_uploaded_document_is_listed_with_its_name_and_fingerprint(contract, buyer):
    document_upload(
        contract=contract, by=buyer, uploaded_file=SimpleUploadedFile("附件一.txt", "范围".encode()), kind="annex"
    )

    entry = latest(contract, "document")
    assert (entry.action, entry.object_label, entry.user_name) == ("created", "附件一.txt", "李晓敏")
    shown = {c.field: c.new_display for c in entry.changes}
    assert shown["kind"] == "Annex"
    assert shown["sha256"] == Document.objects.get().sha256
    assert "file" not in shown


def test_an_obligation_done_shows_its_status_and_who_did_it(contract, buyer):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    obligation = Obligation.objects.create(
        contract=contract, kind="custom", title="季度评审", due_date=date(2026, 3, 31), owner=buyer
    )
    obligation_complete(obligation=obligation, by=buyer, note="已完成评审")

    entry = latest(contract, "obligation", "zh-hans")
    assert (entry.object_label, entry.reason_label) == ("季度评审", "已标记为完成")
    shown = {c.field: (c.old_display, c.new_display) for c in entry.changes}
    assert shown["status"] == ("待办", "已完成")
    assert shown["completed_by"] == ("", "李晓敏")


def test_the_history_is_newest_first_and_paginated(contract, buyer):
    for title in ("一", "二", "三"):
        edit(contract, buyer, title=title)

    first_page = entries_of(contract, per_page=2)
    second_page = entries_of(contract, per_page=2, page=2)
    assert [change(e, "title").new for e in first_page] == ["三", "二"]
    assert change(second_page[0], "title").new == "一"
    assert change(second_page[0], "title").old == "在线客服外包合同"


def test_a_page_costs_the_same_queries_whatever_its_length(contract, buyer, django_assert_num_queries):
    clause = clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="一")
    contract_share(contract=contract, by=buyer, user=UserFactory(role="procurement_staff"), permission="view")
    for i in range(3):
        clause_add_revision(clause=clause, by=buyer, text=f"第{i}版", side="ours")
        edit(contract, buyer, title=f"标题{i}", sla_targets=[{**SLA, "target": Decimal(90 + i)}])

    def one_page(size):
        rows = Paginator(contract_history_rows(contract), size).get_page(1)
        return contract_history_entries(contract, rows.object_list)

    # count + page + 2 per model shown + users and vendors named + shares + revisions
    with django_assert_num_queries(14):
        small = one_page(12)
    with django_assert_num_queries(14):
        large = one_page(40)
    assert len(large) > len(small) == 12


def test_another_apps_model_joins_the_history_with_one_line(contract, buyer, monkeypatch):
    # Given the SLA months and measurements registered as the sla app would (register_contract_source in ready())
    from contracts import history
    from core.history import HistorySource
    from sla.models import SlaMeasurement, SlaPeriod

    monkeypatch.setattr(history, "CONTRACT_SOURCES", list(history.CONTRACT_SOURCES))
    history.register_contract_source(HistorySource(SlaPeriod, money=("fee_amount", "credit_amount")))
    history.register_contract_source(HistorySource(SlaMeasurement, parent="sla_period__contract", label_field="target"))
    month = SlaPeriod(contract=contract, period="2026-03", fee_amount=Decimal("90000"))
    month._history_user = buyer
    month.save()
    measurement = SlaMeasurement(sla_period=month, target=contract.sla_targets.get(), value=Decimal("88"), met=False)
    measurement._history_user = buyer
    measurement.save()
    measurement.value, measurement.met = Decimal("91"), True
    measurement.save()

    # Then their changes are in the contract's history like any other, old -> new
    remeasured, _measured, recorded = entries_of(contract)[:3]
    assert (remeasured.kind, remeasured.object_label) == ("slameasurement", str(contract.sla_targets.get()))
    assert [(c.label, c.old_display, c.new_display) for c in remeasured.changes] == [
        ("Value", "88", "91"),
        ("Met", "No", "Yes"),
    ]
    assert (recorded.kind, recorded.user_name) == ("slaperiod", "李晓敏")
    assert ("Fee billed for the month", "CNY 90,000.00") in [(c.label, c.new_display) for c in recorded.changes]


def test_rows_clauses_notices_and_documents_read_in_chinese(contract, buyer):
    # Given an SLA target raised, a clause countered by the vendor, a notice and a document
    edit(contract, buyer, sla_targets=[{**SLA, "target": Decimal("95")}])
    clause = clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="接通率不低于95%。")
    clause_add_revision(clause=clause, by=buyer, text="接通率不低于90%。", side="vendor")
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    contract.refresh_from_db()
    price_change_notice_record(
        contract=contract, by=buyer, received_on=date(2026, 11, 1), effective_on=date(2027, 1, 1), increase_pct=8
    )
    document_upload(
        contract=contract, by=buyer, uploaded_file=SimpleUploadedFile("附件一.txt", "范围".encode()), kind="annex"
    )

    # When a Chinese reader reads the history
    entries = entries_of(contract, "zh-hans")

    # Then kinds, labels and values are Chinese
    def first(kind):
        return next(e for e in entries if e.kind == kind)

    target = first("slatarget")
    assert (target.kind_label, [(c.label, c.old_display, c.new_display) for c in target.changes]) == (
        "SLA 指标",
        [("目标值", "90", "95")],
    )
    revised = first("clause")
    assert (revised.kind_label, revised.reason_label) == ("条款", "条款已修订")
    assert (change(revised, "text").label, change(revised, "status").new_display) == ("文本", "已还价")
    notice = first("pricechangenotice")
    shown = {c.label: c.new_display for c in notice.changes}
    assert (shown["涨幅（%）"], shown["收到日期"], shown["符合合同约定"]) == ("8%", "2026年11月1日", "否")
    document = first("document")
    assert (document.kind_label, change(document, "kind").new_display) == ("文件", "附件")
