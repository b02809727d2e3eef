"""Proposing the structured terms: each rule, its source sentence, and what happens when nothing states a term."""

from datetime import date
from decimal import Decimal

import pytest

from extraction import FIELDS, extract_terms, read_document, segment


def propose(text: str):
    document = read_document(text.encode(), "c.txt")
    return extract_terms(document, segment(document)), document


def value(text: str, field: str):
    return propose(text)[0].value(field)


PARTIES = """呼叫中心服务合同
甲方（委托方）：杭州青禾电子商务有限公司
统一社会信用代码：91330106MA2H7YB4N1
乙方（服务方）：上海声联智能科技有限公司
统一社会信用代码：91310115MA1K4PQ3XD
第一条 服务内容
乙方提供热线服务。
"""


def test_both_parties_with_names_and_checked_credit_codes():
    proposal, _ = propose(PARTIES)

    assert proposal.value("customer_name") == "杭州青禾电子商务有限公司"
    assert proposal.value("customer_credit_code") == "91330106MA2H7YB4N1"
    assert proposal.value("vendor_name") == "上海声联智能科技有限公司"
    assert proposal.value("vendor_credit_code") == "91310115MA1K4PQ3XD"
    assert proposal.fields["vendor_credit_code"].note is None


def test_a_credit_code_with_a_wrong_check_digit_is_proposed_with_a_warning():
    proposal, _ = propose(PARTIES.replace("91310115MA1K4PQ3XD", "91310115MA1K4PQ3XE"))

    assert proposal.value("vendor_credit_code") == "91310115MA1K4PQ3XE"
    assert proposal.fields["vendor_credit_code"].note == "check_digit"


@pytest.mark.parametrize(
    "label", ["乙方", "受托方", "服务方", "乙方（服务商）", "供应商", "Service Provider", "Vendor", "Supplier"]
)
def test_every_vendor_label_names_the_vendor(label):
    proposal, _ = propose(f"合同\n甲方：某甲有限公司\n{label}：某乙有限公司\n第一条 服务内容\n文字。\n")

    assert proposal.value("vendor_name") == "某乙有限公司"


def test_an_explicit_role_word_wins_over_jia_and_yi():
    proposal, _ = propose(
        "合同\n甲方（服务方）：某服务有限公司\n乙方（委托方）：某客户有限公司\n第一条 服务内容\n文字。\n"
    )

    assert proposal.value("vendor_name") == "某服务有限公司"
    assert proposal.value("customer_name") == "某客户有限公司"


def test_parties_named_in_an_english_recital():
    proposal, _ = propose(
        "AGREEMENT\nThis Agreement is made between Alpha Trading Co., Ltd. (USCC: 91330106MA2H7YB4N1) (the "
        '"Customer") and Beta Contact Center Ltd., a company incorporated in China ("Service Provider").\n'
        "1. Services\nText.\n"
    )

    assert proposal.value("customer_name") == "Alpha Trading Co., Ltd."
    assert proposal.value("customer_credit_code") == "91330106MA2H7YB4N1"
    assert proposal.value("vendor_name") == "Beta Contact Center Ltd."


def test_each_value_carries_its_sentence_and_the_span_of_that_sentence():
    proposal, document = propose(PARTIES + "第二条 期限\n本合同期限自2026年3月1日起至2027年2月28日止。\n")

    for name in ("vendor_name", "effective_date", "end_date"):
        found = proposal.fields[name]
        assert document.text[found.span[0] : found.span[1]] == found.sentence
    assert proposal.fields["end_date"].sentence == "本合同期限自2026年3月1日起至2027年2月28日止。"


def test_dates_of_a_range_and_the_term_from_them():
    proposal, _ = propose("第一条 期限\n服务期限为2026-03-01至2027-02-28。\n")

    assert proposal.value("effective_date") == date(2026, 3, 1)
    assert proposal.value("end_date") == date(2027, 2, 28)
    assert proposal.value("initial_term_months") == 12
    assert proposal.fields["initial_term_months"].note == "from_dates"


def test_a_range_that_is_not_whole_months_gives_no_term():
    proposal, _ = propose("第一条 期限\n服务期限为2026年3月1日至2027年3月15日。\n")

    assert proposal.value("initial_term_months") is None
    assert "initial_term_months" in proposal.not_found


@pytest.mark.parametrize(
    ("sentence", "months", "end"),
    [
        ("本合同自2026年1月31日起生效，有效期一个月。", 1, date(2026, 2, 27)),
        ("本合同期限为两年，自2026年3月1日起计算。", 24, date(2028, 2, 29)),
        ("本合同有效期十八个月，自二〇二六年七月一日起算。", 18, date(2027, 12, 31)),
        ("This Agreement commences on January 15, 2026 for an initial term of two (2) years.", 24, date(2028, 1, 14)),
    ],
)
def test_the_end_date_is_computed_from_the_start_and_the_term(sentence, months, end):
    proposal, _ = propose(f"第一条 期限\n{sentence}\n")

    assert proposal.value("initial_term_months") == months
    assert proposal.value("end_date") == end
    assert proposal.fields["end_date"].note == "computed"


def test_a_contract_effective_on_signature_takes_its_signing_date():
    proposal, _ = propose("第一条 其他\n本合同自双方签字盖章之日起生效。\n甲方（盖章）：\n签订日期：2026年2月20日\n")

    assert proposal.value("effective_date") == date(2026, 2, 20)
    assert proposal.fields["effective_date"].note == "signing_date"


@pytest.mark.parametrize(
    ("sentence", "auto", "renewal", "notice"),
    [
        ("合同期满前30日内，任何一方未书面通知对方不再续约的，本合同自动续期一年。", True, 12, 30),
        ("期满时任何一方未在期满前叁拾日书面通知对方的，本合同按原条件自动顺延壹年。", True, 12, 30),
        ("除任一方於屆滿前九十日以書面表示不續約外，本合約自動延續一年。", True, 12, 90),
        (
            "This Agreement will renew automatically for successive terms of twelve (12) months unless either party "
            "gives written notice of non-renewal at least sixty (60) days before the end of the then-current term.",
            True,
            12,
            60,
        ),
        ("本合同到期后不自动续约。", False, None, None),
        ("This Agreement shall not renew automatically.", False, None, None),
    ],
)
def test_auto_renewal_as_stated(sentence, auto, renewal, notice):
    proposal, _ = propose(f"第一条 期限\n{sentence}\n")

    assert proposal.value("auto_renew") is auto
    assert proposal.value("renewal_term_months") == renewal
    assert proposal.value("non_renewal_notice_days") == notice
    assert proposal.fields["auto_renew"].note is None


@pytest.mark.parametrize(
    "sentence",
    [
        "合同期满后如需继续合作，双方应另行签订新的合同。",
        "本合同期满即终止，如需延长合作期限，应由双方重新协商。",
        "Any extension of the term requires a new written agreement signed by both parties.",
    ],
)
def test_auto_renewal_clearly_excluded_is_false_with_its_sentence(sentence):
    proposal, _ = propose(f"第一条 期限\n{sentence}\n")

    assert proposal.value("auto_renew") is False
    assert proposal.fields["auto_renew"].sentence == sentence
    assert proposal.fields["auto_renew"].note == "new_agreement"


def test_auto_renewal_not_mentioned_is_not_found():
    proposal, _ = propose("第一条 期限\n本合同期限为一年。\n")

    assert proposal.value("auto_renew") is None
    assert "auto_renew" in proposal.not_found


def test_a_renewal_term_equal_to_the_initial_term():
    proposal, _ = propose(
        "Section 1. Term\nThe Initial Term is eighteen (18) months. The Agreement shall automatically renew for a "
        "further term equal to the Initial Term.\n"
    )

    assert proposal.value("renewal_term_months") == 18
    assert proposal.fields["renewal_term_months"].note == "same_as_initial"


@pytest.mark.parametrize(
    ("sentence", "field", "days"),
    [
        ("如乙方需调整服务价格，应提前三个月书面通知甲方。", "price_change_notice_days", 90),
        ("乙方调价须提前一个月书面告知甲方。", "price_change_notice_days", 30),
        ("乙方应於調價生效前六十日以書面通知甲方。", "price_change_notice_days", 60),
        ("The Provider shall give at least ninety (90) days' prior written notice of any fee increase.",
         "price_change_notice_days", 90),
        ("任何一方可提前三十日书面通知对方解除本合同。", "termination_notice_days", 30),
        ("甲方有权提前15天书面通知乙方解除本合同。", "termination_notice_days", 15),
        ("任一方得於三十日前以書面通知他方終止本協議。", "termination_notice_days", 30),
        ("Either party may terminate this Agreement on forty-five (45) days' written notice.",
         "termination_notice_days", 45),
        ("期满前两个月任何一方可书面通知对方不再续约。", "non_renewal_notice_days", 60),
    ],
)  # fmt: skip
def test_notice_periods_in_days_with_months_as_thirty_days(sentence, field, days):
    assert value(f"第一条 其他\n{sentence}\n", field) == days


def test_a_cure_period_is_not_a_termination_notice():
    proposal, _ = propose("第一条 解除\n违约方在收到书面通知后十五日内仍未改正的，守约方有权解除本合同。\n")

    assert proposal.value("termination_notice_days") is None


def test_our_termination_notice_is_proposed_when_each_side_has_its_own():
    proposal, _ = propose("第一条 解除\n乙方需终止合作的，应提前60天通知甲方；甲方可提前15天通知乙方终止本协议。\n")

    assert proposal.value("termination_notice_days") == 15


def test_a_trial_periods_way_out_is_not_the_termination_notice():
    proposal, _ = propose(
        "1. Term\nThe first three (3) months are a pilot period during which the Client may end the Agreement on "
        "seven (7) days' notice.\n2. Termination\nThe Client may terminate on thirty (30) days' written notice.\n"
    )

    assert proposal.value("termination_notice_days") == 30
    assert proposal.value("trial_period_months") == 3


@pytest.mark.parametrize(
    ("sentence", "cap"),
    [
        ("每次上调幅度不得超过上一年度单价的5%。", "5"),
        ("年度涨幅不超过百分之三。", "3"),
        ("且年度調價幅度以５％為上限。", "5"),
        ("any such increase shall not exceed four percent (4%) of the fees then in effect.", "4"),
        ("Rate increases shall be capped at the lesser of 5% or CPI.", "5"),
    ],
)
def test_the_price_increase_cap(sentence, cap):
    assert value(f"第一条 价格调整\n乙方调整价格的，{sentence}\n", "price_increase_cap_pct") == Decimal(cap)


def test_a_penalty_percentage_is_not_a_price_cap():
    assert value("第一条 违约\n乙方应按当月服务费的5%向甲方支付违约金。\n", "price_increase_cap_pct") is None


def test_data_handover_in_working_days_and_in_calendar_days():
    proposal, _ = propose("第一条 数据交接\n合同终止后7个工作日内，乙方应将全部数据移交甲方。\n")
    calendar, _ = propose("第一条 数据交接\n本协议终止后七日内，乙方应将全部录音交还甲方。\n")

    assert proposal.value("data_handover_business_days") == 7
    assert proposal.fields["data_handover_business_days"].note is None
    assert calendar.value("data_handover_business_days") == 7
    assert calendar.fields["data_handover_business_days"].note == "calendar_days"


@pytest.mark.parametrize(
    ("sentence", "location"),
    [
        ("全部业务数据应存储于中华人民共和国境内的服务器上。", "中华人民共和国境内"),
        ("甲方之客戶資料應存放於中國境內之伺服器。", "中國境內"),
        ("All Customer Data shall be stored exclusively in data centers located in mainland China.", "mainland China"),
        ("All Buyer Data shall reside on servers located in Shenzhen, PRC.", "Shenzhen, PRC"),
    ],
)
def test_the_data_storage_location(sentence, location):
    assert value(f"第一条 数据\n{sentence}\n", "data_storage_location") == location


def test_a_place_data_must_not_go_is_not_its_storage_location():
    assert value("第一条 数据\n乙方不得将数据存储于境外服务器。\n", "data_storage_location") is None


@pytest.mark.parametrize(
    ("sentence", "years"),
    [
        ("双方的保密义务在本合同终止后三年内持续有效。", 3),
        ("保密期限为本合同终止后一年。", 1),
        ("The confidentiality obligations continue for five (5) years after the expiry of this Agreement.", 5),
        ("保密义务于合同终止后二十四个月内有效。", 2),
    ],
)
def test_confidentiality_years_after_the_end(sentence, years):
    assert value(f"第一条 保密\n{sentence}\n", "confidentiality_years_after_end") == years


@pytest.mark.parametrize(
    ("sentence", "months"),
    [
        ("合同生效后的前两个月为试运行期。", 2),
        ("协议生效后首一个月为试用期。", 1),
        ("The first three (3) months of the term are a pilot period.", 3),
        ("试运行期为90天。", 3),
    ],
)
def test_the_trial_period_in_months(sentence, months):
    assert value(f"第一条 期限\n{sentence}\n", "trial_period_months") == months


def test_a_staff_probation_is_not_a_trial_period():
    assert value("第一条 人员\n新入职客服人员的试用期为三个月。\n", "trial_period_months") is None


@pytest.mark.parametrize(
    ("sentence", "amount", "currency"),
    [
        ("本合同总金额为人民币360,000.00元（大写：叁拾陆万元整）。", "360000.00", "CNY"),
        ("本合同总价款为人民币贰佰肆拾万元整。", "2400000.00", "CNY"),
        ("合同金额预计为人民币18万元。", "180000.00", "CNY"),
        ("The total contract value is USD 147,840.00.", "147840.00", "USD"),
    ],
)
def test_the_contract_value_and_currency(sentence, amount, currency):
    proposal, _ = propose(f"第一条 费用\n{sentence}\n")

    assert proposal.value("contract_value") == Decimal(amount)
    assert proposal.value("currency") == currency


def test_figures_that_disagree_with_the_capital_amount_propose_the_capital_one():
    proposal, _ = propose("第一条 费用\n合同总金额为人民币360,000.00元（大写：叁拾伍万元整）。\n")

    assert proposal.value("contract_value") == Decimal("350000.00")
    assert proposal.fields["contract_value"].note == "amounts_disagree"


def test_a_liability_cap_is_not_the_contract_value():
    assert value("第一条 违约\n乙方累计赔偿总金额不超过人民币10万元。\n", "contract_value") is None


def test_fee_items_from_a_table():
    proposal, _ = propose(
        "第一条 费用\n费用项目\t单价（元）\t计费单位\t数量\n坐席费\t500\t坐席/月\t50\n"
        "线路费\t0.06\t分钟\t100000\n合计\t\t\t360000\n"
    )

    assert [(f.kind, f.unit_price, f.unit, f.quantity, f.currency) for f in proposal.fee_items] == [
        ("坐席费", Decimal("500"), "坐席/月", Decimal("50"), "CNY"),
        ("线路费", Decimal("0.06"), "分钟", Decimal("100000"), "CNY"),
    ]


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        ("人工坐席服务费按每席每月5,000元计收，共40席。", ("人工坐席服务费", "5000", "席/月", "40")),
        ("通话服务费为每分钟1.2元。", ("通话服务费", "1.2", "分钟", None)),
        ("Chat seat fee: CNY 3,500 per seat per month, for 20 seats.", ("Chat seat fee", "3500", "seat/month", "20")),
        ("The Client shall pay a fee of RMB 7,800 per agent per month for 25 agents.",
         ("fee", "7800", "agent/month", "25")),
    ],
)  # fmt: skip
def test_fee_items_from_the_text(sentence, item):
    proposal, _ = propose(f"第一条 费用\n{sentence}\n")

    (fee,) = proposal.fee_items
    kind, price, unit, quantity = item
    assert (fee.kind, fee.unit_price, fee.unit) == (kind, Decimal(price), unit)
    assert fee.quantity == (None if quantity is None else Decimal(quantity))


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("系统月度可用性应不低于99.9%。", ("availability", ">=", "99.9", "%", "month")),
        ("可用率≥99.95%。", ("availability", ">=", "99.95", "%", "")),
        ("月度可用率不低于百分之九十九点九。", ("availability", ">=", "99.9", "%", "month")),
        ("20秒接通率不低于85%。", ("answer_rate", ">=", "85", "%", "")),
        ("平均应答时长不超过20秒。", ("asa", "<=", "20", "seconds", "")),
        ("平均通话时长≤240秒。", ("aht", "<=", "240", "seconds", "")),
        ("呼损率不高于5%。", ("abandonment", "<=", "5", "%", "")),
        ("首次解决率不低于80%。", ("fcr", ">=", "80", "%", "")),
        ("质检得分不低于90分。", ("qa_score", ">=", "90", "points", "")),
        ("客户满意度达到90%以上。", ("csat", ">=", "90", "%", "")),
        ("有效投诉率不超过0.5%。", ("complaint_rate", "<=", "0.5", "%", "")),
        ("乙方应在30分钟内响应。", ("response_time", "<=", "30", "minutes", "")),
        ("重大故障应在4小时内修复。", ("fix_time", "<=", "4", "hours", "")),
        ("月度人员流失率不得超过10%。", ("staff_turnover", "<=", "10", "%", "month")),
        ("备用人员不低于在岗人数的15%。", ("backup_pool", ">=", "15", "%", "")),
        ("Platform availability shall be at least 99.95% per month.", ("availability", ">=", "99.95", "%", "month")),
        ("Average speed of answer shall not exceed 20 seconds.", ("asa", "<=", "20", "seconds", "")),
        ("First call resolution of no less than 80%.", ("fcr", ">=", "80", "%", "")),
        ("At least 80% of calls shall be answered within 20 seconds.", ("answer_rate", ">=", "80", "%", "")),
        ("The abandonment rate shall be no more than 4%.", ("abandonment", "<=", "4", "%", "")),
        ("Monthly agent turnover shall be kept below 6%.", ("staff_turnover", "<", "6", "%", "month")),
        ("若月度首次解决率低于80%，甲方有权扣减当月服务费的2%。", ("fcr", ">=", "80", "%", "month")),
    ],
)
def test_sla_targets_with_kind_comparator_target_unit_and_period(sentence, target):
    proposal, _ = propose(f"第一条 服务水平\n{sentence}\n")

    (found,) = proposal.sla_targets
    kind, comparator, number, unit, period = target
    assert (found.kind, found.comparator, found.target, found.unit, found.period) == (
        kind, comparator, Decimal(number), unit, period
    )  # fmt: skip
    assert found.sentence == sentence


def test_sla_targets_from_a_table_take_the_kinds_direction_and_the_credit():
    proposal, _ = propose(
        "第一条 服务水平\n考核指标\t目标值\t服务抵扣\n系统可用性\t99.9%\t当月服务费的5%\n平均应答时长\t20秒\t无\n"
    )

    assert [(t.kind, t.comparator, t.target, t.unit, t.credit_pct) for t in proposal.sla_targets] == [
        ("availability", ">=", Decimal("99.9"), "%", Decimal(5)),
        ("asa", "<=", Decimal(20), "seconds", None),
    ]


def test_numbers_about_money_or_payment_are_not_sla_targets():
    proposal, _ = propose("第一条 费用\n甲方在收到发票后30日内付款，逾期按日万分之五支付违约金。\n")

    assert proposal.sla_targets == []


def test_nothing_stated_means_every_field_is_none_and_listed_as_not_found():
    proposal, _ = propose("第一条 其他\n双方友好合作。\n")

    assert all(proposal.fields[name] is None for name in FIELDS)
    assert proposal.not_found == [*FIELDS, "fee_items", "sla_targets"]


def test_party_lines_that_name_the_field():
    proposal, _ = propose("合同\n甲方名称：某甲有限公司\n乙方名称：某乙有限公司\n第一条 服务内容\n文字。\n")

    assert (proposal.value("customer_name"), proposal.value("vendor_name")) == ("某甲有限公司", "某乙有限公司")


def test_a_range_written_with_start_and_end_words():
    proposal, _ = propose("第一条 期限\n服务期自2026年1月1日开始，至2026年12月31日结束。\n")

    assert (proposal.value("effective_date"), proposal.value("end_date")) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_fee_tables_unit_written_once_in_the_header():
    proposal, _ = propose("第一条 费用\n项目\t单价（元/坐席/月）\t数量\n坐席费\t500\t20\n")

    assert [(f.kind, f.unit_price, f.unit, f.quantity) for f in proposal.fee_items] == [
        ("坐席费", Decimal(500), "坐席/月", Decimal(20))
    ]
