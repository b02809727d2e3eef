"""Clauses that follow the terms, and a clause library written with placeholders bound to them.

The library's wording named fixed numbers (three months' notice, a 5% cap, seven working days, 99.9%), so a contract
with a 3% cap printed a clause that still said 5%. Each number that is a term is now a placeholder filled from the
contract (contracts.services.placeholders). A template an administrator has already reworded is left as it is: only
the wording this library shipped is replaced.
"""

from django.db import migrations, models

# code -> [(old, new)] in the Chinese and the English text.
PLACEHOLDERS = {
    "scope-services-channels-hours": [],
    "sla-availability-software": [
        (
            "不低于99.9%（即每月累计不可用时间不超过约43分钟，经甲方书面同意的计划维护除外）",
            "不低于{sla_availability}%（经甲方书面同意的计划维护除外）",
        ),
        (
            "at least 99.9% (no more than about 43 minutes of downtime a month, excluding maintenance",
            "at least {sla_availability}% (excluding maintenance",
        ),
        ("须在2小时内响应、24小时内修复", "须在{sla_response_time}小时内响应、{sla_fix_time}小时内修复"),
        ("一般问题4小时内答复", "一般问题当日答复"),
        (
            "answered within 2 hours and fixed within 24 hours; ordinary questions are answered within 4 hours",
            "answered within {sla_response_time} hours and fixed within {sla_fix_time} hours; ordinary questions are "
            "answered the same day",
        ),
    ],
    "sla-contact-center-kpis": [
        (
            "接通率不低于95%；20秒内接通率不低于80%；放弃率不高于3%；一次解决率不低于85%；质检平均得分不低于90分",
            "接通率不低于{sla_answer_rate}%；平均应答时长不超过{sla_asa}秒；放弃率不高于{sla_abandonment}%；"
            "一次解决率不低于{sla_fcr}%；质检平均得分不低于{sla_qa_score}分",
        ),
        (
            "answer rate at least 95%; at least 80% of calls answered within 20 seconds; abandonment rate at most 3%; "
            "first-contact resolution at least 85%; average quality score at least 90 points",
            "answer rate at least {sla_answer_rate}%; average speed of answer at most {sla_asa} seconds; abandonment "
            "rate at most {sla_abandonment}%; first-contact resolution at least {sla_fcr}%; average quality score at "
            "least {sla_qa_score} points",
        ),
        ("客户投诉须在24小时内首次回复", "客户投诉须在{sla_response_time}小时内首次回复"),
        ("complaint within 24 hours", "complaint within {sla_response_time} hours"),
        ("同一指标连续三个月未达标的", "同一指标连续{sla_exit_consecutive_misses}个月未达标的"),
        ("missed three months in a row", "missed {sla_exit_consecutive_misses} months in a row"),
    ],
    "staffing-stability-backup": [
        ("坐席月流失率不超过15%", "坐席月流失率不超过{sla_staff_turnover}%"),
        ("不少于在岗坐席人数20%的备岗人员", "不少于在岗坐席人数{sla_backup_pool}%的备岗人员"),
        ("attrition at or below 15%", "attrition at or below {sla_staff_turnover}%"),
        ("a backup pool of at least 20%", "a backup pool of at least {sla_backup_pool}%"),
    ],
    "price-adjustment-notice-cap-exit": [
        ("至少提前三个月书面通知甲方", "至少提前{price_change_notice_days}日书面通知甲方"),
        ("累计涨幅不得超过5%", "累计涨幅不得超过{price_increase_cap_pct}%"),
        ("at least three months' written notice", "at least {price_change_notice_days} days' written notice"),
        ("may not exceed 5% in total", "may not exceed {price_increase_cap_pct}% in total"),
    ],
    "data-security-confidentiality-breach": [
        ("继续有效三年", "继续有效{confidentiality_years_after_end}年"),
        ("for three years", "for {confidentiality_years_after_end} years"),
    ],
    "term-fixed-term-written-renewal": [
        (
            "自生效日起十二个月有效。期满前九十日内，双方可协商续约",
            "自生效日起{initial_term_months}个月有效。期满前，双方可协商续约",
        ),
        (
            "runs for twelve months from its effective date. Within the ninety days before it ends the parties",
            "runs for {initial_term_months} months from its effective date. Before it ends the parties",
        ),
    ],
    "term-auto-renewal-with-opt-out": [
        ("自动续展十二个月", "自动续展{renewal_term_months}个月"),
        ("至少三十日书面通知对方不再续约", "至少{non_renewal_notice_days}日书面通知对方不再续约"),
        (
            "乙方应在当期期满前不少于六十日书面提醒甲方续约事宜及续约后的价格；乙方未提醒的，甲方可在续展后任何时间提前三十日书面通知解除本合同而不承担责任",
            "乙方应在不续约通知期限开始前书面提醒甲方续约事宜及续约后的价格；乙方未提醒的，甲方可在续展后任何时间书面通知解除本合同而不承担责任",
        ),
        ("successive twelve-month terms", "successive terms of {renewal_term_months} months"),
        (
            "at least thirty days before the current term ends",
            "at least {non_renewal_notice_days} days before the current term ends",
        ),
        (
            "At least sixty days before each term ends the Vendor reminds the Customer in writing of the coming "
            "renewal and its prices; if it does not, the Customer may terminate at any time after the renewal on "
            "thirty days' written notice without liability.",
            "Before the period for notice of non-renewal begins, the Vendor reminds the Customer in writing of the "
            "coming renewal and its prices; if it does not, the Customer may terminate at any time after the renewal "
            "by written notice without liability.",
        ),
    ],
    "termination-for-convenience-notice": [
        ("任何一方均可提前三十日书面通知", "任何一方均可提前{termination_notice_days}日书面通知"),
        ("either party may terminate on thirty days'", "either party may terminate on {termination_notice_days} days'"),
    ],
    "data-handover-seven-working-days": [
        ("乙方须在七个工作日内", "乙方须在{data_handover_business_days}个工作日内"),
        ("Within seven working days after", "Within {data_handover_business_days} working days after"),
    ],
    "compliance-licences-and-law": [
        ("资质到期前三十日内应向甲方提供续期证明", "资质到期前应向甲方提供续期证明"),
        (
            "provides proof of renewal at least thirty days before any of them expires",
            "provides proof of renewal before any of them expires",
        ),
    ],
}


def _apply(apps, pairs_of):
    ClauseTemplate = apps.get_model("contracts", "ClauseTemplate")
    for template in ClauseTemplate.objects.filter(code__in=list(PLACEHOLDERS)):
        changed = False
        for old, new in pairs_of(template.code):
            for field in ("text_zh", "text_en"):
                text = getattr(template, field)
                if old in text:
                    setattr(template, field, text.replace(old, new))
                    changed = True
        if changed:
            template.save(update_fields=["text_zh", "text_en"])


def use_placeholders(apps, schema_editor):
    _apply(apps, lambda code: PLACEHOLDERS[code])


def use_fixed_numbers(apps, schema_editor):
    _apply(apps, lambda code: [(new, old) for old, new in PLACEHOLDERS[code]])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0010_history_of_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="clause",
            name="follows_terms",
            field=models.BooleanField(default=False, verbose_name="follows the terms"),
        ),
        migrations.AddField(
            model_name="clause",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="historicalclause",
            name="follows_terms",
            field=models.BooleanField(default=False, verbose_name="follows the terms"),
        ),
        migrations.AddField(
            model_name="historicalclause",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.RunPython(use_placeholders, use_fixed_numbers),
    ]
