"""The term values a free text states, for the check that a clause agrees with the structured terms."""

from decimal import Decimal

import pytest

from extraction import find_term_mentions


def mentioned(text: str) -> list[tuple]:
    return [(m.field, m.value) for m in find_term_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("如乙方调整价格，应提前三个月书面通知甲方。", [("price_change_notice_days", 90)]),
        ("任何一方可提前三十日书面通知对方解除本合同。", [("termination_notice_days", 30)]),
        ("合同期满前30日内任何一方未通知不续约的，本合同自动续期一年。", [("non_renewal_notice_days", 30)]),
        ("每年涨幅不超过5%。", [("price_increase_cap_pct", Decimal(5))]),
        ("合同终止后7个工作日内，乙方应将全部数据移交甲方。", [("data_handover_business_days", 7)]),
        ("系统可用性不低于99.9%，平均应答时长不超过20秒。",
         [("sla:availability", Decimal("99.9")), ("sla:asa", Decimal(20))]),
        ("Either party may terminate on sixty (60) days' prior written notice.", [("termination_notice_days", 60)]),
        ("Any fee increase is capped at 3% and requires ninety (90) days' written notice.",
         [("price_increase_cap_pct", Decimal(3)), ("price_change_notice_days", 90)]),
    ],
)  # fmt: skip
def test_each_term_a_clause_states(text, expected):
    assert mentioned(text) == expected


def test_a_mention_points_at_its_sentence_and_its_number():
    text = "第八条 解除。甲方可提前三十日书面通知乙方解除本合同。"

    (mention,) = find_term_mentions(text)

    assert text[mention.span[0] : mention.span[1]] == mention.sentence == "甲方可提前三十日书面通知乙方解除本合同。"
    assert text[mention.value_span[0] : mention.value_span[1]] == "三十日"


def test_an_sla_mention_carries_its_comparator_and_unit():
    (mention,) = find_term_mentions("首次响应时间不超过30秒。")

    assert (mention.field, mention.comparator, mention.value, mention.unit) == (
        "sla:response_time", "<=", Decimal(30), "seconds"
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "违约方在收到通知后十五日内仍未改正的，守约方有权解除本合同。",
        "乙方应按当月服务费的5%向甲方支付违约金。",
        "甲方应在收到发票后30日内付款。",
        "乙方应每月5个工作日内向甲方提供数据报表。",
        "双方应在30日内协商解决争议。",
        "乙方应配置不少于40名专职客服人员。",
        "合同总金额不超过人民币100万元。",
        "保密义务在合同终止后三年内有效。",
        "The Vendor shall cure a breach within twenty (20) days after receipt of notice.",
        "Late payments bear interest at 5% per year.",
    ],
)
def test_numbers_about_something_else_are_not_mentions(text):
    assert find_term_mentions(text) == []
