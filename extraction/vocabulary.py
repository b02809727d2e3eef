"""The words contracts use, per clause category, SLA kind and party role.

Chinese keywords are written in simplified characters only: traditional text is matched through text.normalize.
English keywords are lower case and matched on lower-cased text.
"""

from __future__ import annotations

import re

CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "scope": (
        "服务内容",
        "服务范围",
        "服务事项",
        "合作内容",
        "项目内容",
        "工作内容",
        "委托事项",
        "系统功能",
        "功能模块",
        "交付内容",
        "服务项目",
        "外包内容",
        "租用内容",
        "租赁内容",
        "采购内容",
        "标的",
        "scope",
        "services",
        "service description",
        "deliverables",
        "statement of work",
        "功能",
        "范围",
        "合作范围",
        "业务范围",
        "工作范围",
    ),
    "sla": (
        "服务水平",
        "服务标准",
        "服务质量",
        "sla",
        "考核",
        "绩效",
        "kpi",
        "质量指标",
        "服务指标",
        "可用性",
        "接通率",
        "服务等级",
        "服务水准",
        "服务要求",
        "质量要求",
        "service level",
        "performance standard",
        "key performance",
        "uptime",
        "可用率",
        "准确率",
        "接通",
        "故障",
        "响应时间",
        "恢复服务",
        "在线率",
        "满意度",
        "质检",
    ),
    "staffing": (
        "人员配置",
        "人员管理",
        "人员要求",
        "坐席人员",
        "客服人员",
        "团队",
        "排班",
        "驻场",
        "流失率",
        "备用人员",
        "人员",
        "personnel",
        "staffing",
        "staff",
        "agents",
        "team",
        "turnover",
        "attrition",
    ),
    "data_security": (
        "保密",
        "数据安全",
        "信息安全",
        "个人信息",
        "隐私",
        "数据保护",
        "confidential",
        "data protection",
        "资料安全",
        "资料保护",
        "data security",
        "information security",
        "privacy",
        "personal information",
        "personal data",
        "数据存储",
        "存储",
        "数据保存",
        "保存在",
        "保存于",
        "存放",
        "customer data",
        "client data",
        "buyer data",
    ),
    "fees": (
        "费用",
        "价款",
        "付款",
        "支付",
        "结算",
        "发票",
        "价格",
        "收费",
        "报酬",
        "合同金额",
        "租金",
        "fees",
        "fee",
        "payment",
        "invoice",
        "pricing",
        "price",
        "charges",
        "总额",
        "合同总额",
        "金额",
        "rates",
    ),
    "price_adjustment": (
        "价格调整",
        "调价",
        "涨价",
        "费用调整",
        "价格变更",
        "价格变动",
        "收费标准调整",
        "上调",
        "price adjustment",
        "price change",
        "price increase",
        "adjustment of fees",
        "fee adjustment",
        "changes to fees",
        "fee changes",
        "fee change",
        "price changes",
        "涨幅",
        "价格保持不变",
        "价格不变",
        "rate increase",
    ),
    "term_renewal": (
        "合同期限",
        "期限",
        "有效期",
        "续约",
        "续期",
        "续签",
        "续展",
        "合同期",
        "服务期",
        "协议期",
        "合约期",
        "term",
        "renewal",
        "duration",
    ),
    "termination": ("终止", "解除", "termination", "terminate", "cancellation"),
    "data_handover": (
        "数据交接",
        "数据移交",
        "数据返还",
        "数据迁移",
        "数据导出",
        "资料移交",
        "资料返还",
        "资料移转",
        "数据移转",
        "移转",
        "交接",
        "移交",
        "handover",
        "hand over",
        "hand-over",
        "transition",
        "return of data",
        "exit assistance",
        "data export",
        "migration",
    ),
    "liability": (
        "违约",
        "赔偿",
        "责任限制",
        "损失",
        "罚则",
        "liability",
        "breach",
        "indemn",
        "damages",
        "penalt",
    ),
    "dispute": (
        "争议",
        "仲裁",
        "诉讼",
        "管辖",
        "法律适用",
        "适用法律",
        "dispute",
        "arbitration",
        "governing law",
        "jurisdiction",
    ),
    "compliance": (
        "合规",
        "资质",
        "许可证",
        "法律法规",
        "反贿赂",
        "反商业贿赂",
        "认证",
        "iso",
        "compliance",
        "licence",
        "license",
        "certification",
        "anti-bribery",
        "anti-corruption",
    ),
    "force_majeure": ("不可抗力", "force majeure"),
}

# A title that names one of these is about none of the categories ("定义", "Notices"): its text must not decide.
OTHER_TITLE_WORDS = re.compile(
    r"定义|释义|通知|送达|附则|总则|其他|其它|一般条款|知识产权|生效|definitions?|interpretation|notices?|general|"
    r"miscellaneous|intellectual\s+property|entire\s+agreement",
    re.I,
)

CATEGORY_PATTERNS = {
    category: re.compile(
        "|".join(
            re.escape(word) if not word.isascii() else rf"\b{re.escape(word)}"
            for word in sorted(words, key=len, reverse=True)
        )
    )
    for category, words in CATEGORY_KEYWORDS.items()
}

# SLA kinds (code names of the product's SLA targets), most specific first: "首次响应时间" is a response time even
# though it mentions nothing else, "质检合格率" is a QA score and not a satisfaction rate.
SLA_KINDS: list[tuple[str, str]] = [
    ("staff_turnover", r"流失率|离职率|流动率|人员流失|人员流动|turnover|attrition"),
    ("backup_pool", r"备用人员|后备人员|储备人员|备岗|备用坐席|后备坐席|backup|standby|bench|reserve pool"),
    ("abandonment", r"放弃率|呼损率|弃呼率|挂断率|abandon"),
    (
        "fcr",
        r"首次解决率|一次解决率|首问解决率|一次性解决率|首次问题解决率|fcr|first[- ](?:call|contact)[- ]resolution",
    ),
    ("qa_score", r"质检|质量评分|质量得分|服务质量分|qa\b|quality (?:assurance )?score|quality audit"),
    ("csat", r"满意度|满意率|csat|satisfaction"),
    ("complaint_rate", r"投诉率|有效投诉|投诉|complaint"),
    (
        "asa",
        r"平均应答时|平均接通时|平均等待时|平均应答速度|平均接起时|asa\b|"
        r"average speed (?:of|to) answer|speed of answer",
    ),
    ("aht", r"平均处理时|平均通话时|平均服务时|aht\b|average handl(?:e|ing) time"),
    ("answer_rate", r"接通率|应答率|接听率|接起率|服务水平|answer(?:ed)? rate|answer|service level|\basr\b"),
    ("fix_time", r"修复|解决时|恢复|故障处理|排除|fix|resolution|resolve|restor"),
    ("response_time", r"响应|回应|回复时|答复时|首响|response|respond"),
    ("availability", r"可用性|可用率|在线率|稳定性|正常运行|可用时间|uptime|availability|available"),
]
SLA_KIND_PATTERNS = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in SLA_KINDS]


def sla_kind(metric: str) -> str:
    """The SLA kind code name of a metric's name (any language), "other" when no kind's words are in it."""
    for kind, pattern in SLA_KIND_PATTERNS:
        if pattern.search(metric):
            return kind
    return "other"


# Party roles. Which side a word names does not depend on 甲/乙 alone: "甲方（服务方）" is the vendor.
VENDOR_ROLES = (
    r"乙方|受托方|受托人|服务方|服务商|服务提供方|服务提供商|供应商|承包方|承接方|外包方|卖方|"
    r"service provider|provider|vendor|supplier|contractor|party b"
)
CUSTOMER_ROLES = r"甲方|委托方|委托人|客户方|客户|采购方|需求方|发包方|买方|customer|client|purchaser|buyer|party a"
