"""Seed the clause library (条款库): recommended wording for every clause category, in Chinese and English.

The wording protects the buyer (甲方, "the Customer") against the usual pains with outsourced customer-service and
call-center software vendors: vague scope, hidden fees, price rises at short notice, silent renewals, untracked
service levels and data kept after the end. Each template carries guidance on what to negotiate.

Templates are keyed by `code`; running the migration again updates them in place. Reversing removes only these.
"""

from django.db import migrations

TEMPLATES = [
    # ---- scope -------------------------------------------------------------------------------------------------
    {
        "category": "scope",
        "code": "scope-services-channels-hours",
        "title_zh": "服务范围、渠道与服务时段",
        "title_en": "Scope of services, channels and service hours",
        "text_zh": (
            "乙方为甲方提供附件一所列的客户服务，包括但不限于售前咨询、售后服务、投诉受理与回访。服务渠道为电话、"
            "在线聊天及电子邮件，服务语种为普通话及附件约定的其他语种。服务时段为每日8:00至22:00（含法定节假日），"
            "附件另有约定的从其约定。未在附件中列明的服务，乙方不得以“不属于服务范围”为由拒绝与约定服务直接相关的"
            "合理请求；新增服务须经双方书面确认范围与费用后方可实施。"
        ),
        "text_en": (
            "The Vendor shall provide the customer services listed in Annex 1, including pre-sales enquiries, "
            "after-sales service, complaint handling and follow-up calls. Services are delivered by telephone, online "
            "chat and e-mail, in Mandarin and any other language named in the annex, every day from 08:00 to 22:00 "
            "including public holidays unless the annex says otherwise. The Vendor may not refuse a reasonable request "
            "directly related to the agreed services on the ground that it is out of scope; any new service requires "
            "written agreement of both parties on its scope and price before it starts."
        ),
        "guidance_zh": (
            "范围写得越具体，日后推诿越少：逐项列出服务类型、渠道、时段、语种和服务对象；大促或高峰期的额外支持"
            "应单独约定。"
        ),
        "guidance_en": (
            "The more specific the scope, the fewer disputes later: list each service type, channel, time window, "
            "language and customer group; agree peak-season support separately."
        ),
        "order": 10,
    },
    {
        "category": "scope",
        "code": "scope-volume-and-change-control",
        "title_zh": "业务量预估与变更流程",
        "title_en": "Forecast volumes and change control",
        "text_zh": (
            "甲方按月向乙方提供业务量预估。实际业务量在预估的±20%以内的，乙方应以约定的服务水平承接，不另收费；"
            "超出该区间的，双方在五个工作日内协商人员与费用调整。任何服务范围的变更须以书面变更单形式提出，"
            "经双方授权代表签字后生效，变更单应写明变更内容、生效日期及费用影响。"
        ),
        "text_en": (
            "The Customer gives the Vendor a monthly volume forecast. Actual volumes within 20% above or below the "
            "forecast are handled at the agreed service levels at no extra charge; outside that band the parties "
            "agree staffing and price adjustments within five working days. Any change of scope is made by a written "
            "change order signed by both parties' authorised representatives, stating the change, its effective date "
            "and its effect on fees."
        ),
        "guidance_zh": "约定一个不加价的波动区间，并要求所有范围变更走书面变更单，避免口头承诺。",
        "guidance_en": "Agree a band of volume swings with no surcharge, and require a written change order for any "
        "change of scope instead of verbal promises.",
        "order": 20,
    },
    # ---- sla ---------------------------------------------------------------------------------------------------
    {
        "category": "sla",
        "code": "sla-availability-software",
        "title_zh": "系统可用性与故障响应",
        "title_en": "System availability and incident response",
        "text_zh": (
            "乙方保证系统月度可用性不低于99.9%（即每月累计不可用时间不超过约43分钟，经甲方书面同意的计划维护除外）。"
            "乙方提供7×24小时技术支持：核心功能故障须在2小时内响应、24小时内修复；一般问题4小时内答复，"
            "复杂问题48小时内给出解决方案。乙方每月5日前向甲方提交上月可用性与故障报告。"
        ),
        "text_en": (
            "The Vendor guarantees monthly system availability of at least 99.9% (no more than about 43 minutes of "
            "downtime a month, excluding maintenance the Customer approved in writing). The Vendor provides 24/7 "
            "technical support: a failure of a core function is answered within 2 hours and fixed within 24 hours; "
            "ordinary questions are answered within 4 hours and complex ones get a solution within 48 hours. By the "
            "5th of each month the Vendor reports the previous month's availability and incidents."
        ),
        "guidance_zh": "可用性应按月计量并写明计算口径；计划维护须事先获得甲方同意，否则计入不可用时间。",
        "guidance_en": "Measure availability monthly and define how it is computed; planned maintenance counts as "
        "downtime unless the Customer approved it in advance.",
        "order": 10,
    },
    {
        "category": "sla",
        "code": "sla-contact-center-kpis",
        "title_zh": "呼叫中心服务指标及未达标处理",
        "title_en": "Contact-center service levels and remedies",
        "text_zh": (
            "乙方按月达到以下服务指标：接通率不低于95%；20秒内接通率不低于80%；放弃率不高于3%；一次解决率不低于85%；"
            "质检平均得分不低于90分；客户投诉须在24小时内首次回复。任一指标当月未达标的，甲方有权按附件约定的比例"
            "扣减当月服务费；同一指标连续三个月未达标的，甲方有权无责解除本合同。"
        ),
        "text_en": (
            "Each month the Vendor meets these service levels: answer rate at least 95%; at least 80% of calls "
            "answered within 20 seconds; abandonment rate at most 3%; first-contact resolution at least 85%; average "
            "quality score at least 90 points; first reply to a customer complaint within 24 hours. For any month in "
            "which a level is missed the Customer may reduce that month's fee by the percentage set in the annex; if "
            "the same level is missed three months in a row the Customer may terminate this contract without "
            "liability."
        ),
        "guidance_zh": "每个指标都要有数值、计量周期和数据来源；未达标的后果（扣费、整改期、解约权）必须写清楚。",
        "guidance_en": "Give every metric a number, a measurement period and a data source, and spell out what "
        "happens when it is missed (fee reduction, cure period, right to terminate).",
        "order": 20,
    },
    # ---- staffing ----------------------------------------------------------------------------------------------
    {
        "category": "staffing",
        "code": "staffing-stability-backup",
        "title_zh": "人员配置、稳定性与备岗",
        "title_en": "Staffing, retention and backup pool",
        "text_zh": (
            "乙方按附件约定配备坐席、组长及质检人员，并保证坐席月流失率不超过15%，核心坐席在岗不少于六个月。"
            "乙方另行储备不少于在岗坐席人数20%的备岗人员；坐席离岗的，乙方须在24小时内安排经培训合格的人员补位。"
            "新上岗人员须完成甲方认可的业务培训并考核合格；甲方有权要求更换不称职的人员。"
        ),
        "text_en": (
            "The Vendor staffs agents, team leaders and quality analysts as set out in the annex, keeps monthly agent "
            "attrition at or below 15%, and keeps core agents in post for at least six months. The Vendor maintains "
            "a backup pool of at least 20% of the assigned agents and fills any vacancy within 24 hours with a "
            "trained and qualified person. New agents complete training approved by the Customer and pass its test "
            "before taking calls; the Customer may require an unsuitable person to be replaced."
        ),
        "guidance_zh": "客服行业流失率高：把流失率上限、备岗比例和补位时限写进合同，并保留对人员的否决权。",
        "guidance_en": "Attrition is high in this industry: write the attrition ceiling, the backup ratio and the "
        "replacement deadline into the contract, and keep a right to veto people.",
        "order": 10,
    },
    # ---- data_security -----------------------------------------------------------------------------------------
    {
        "category": "data_security",
        "code": "data-security-ownership-location",
        "title_zh": "数据归属、存储地点与安全措施",
        "title_en": "Data ownership, storage location and security measures",
        "text_zh": (
            "甲方的客户信息、通话录音、聊天记录、工单及由此产生的全部数据归甲方所有。乙方仅为履行本合同处理上述数据，"
            "数据仅存储于中华人民共和国境内的服务器，未经甲方书面同意不得转移、复制或用于其他目的。乙方应采用"
            "传输加密、AES-256存储加密、最小权限访问控制及操作日志，并每年至少进行一次安全审计，结果报甲方备案。"
            "甲方有权随时以通用格式导出全部数据。"
        ),
        "text_en": (
            "Customer information, call recordings, chat transcripts, tickets and all data derived from them belong "
            "to the Customer. The Vendor processes them only to perform this contract, stores them only on servers in "
            "mainland China, and may not move, copy or use them for any other purpose without the Customer's written "
            "consent. The Vendor encrypts data in transit and at rest (AES-256), grants least-privilege access, keeps "
            "access logs, and has a security audit at least once a year with the results filed with the Customer. "
            "The Customer may export all of its data at any time in a common format."
        ),
        "guidance_zh": "写明数据归属、存储地点和随时导出权；要求具体的技术措施而非“采取必要措施”之类的空话。",
        "guidance_en": "State who owns the data, where it is stored and the right to export it at any time; ask for "
        "concrete technical measures rather than 'necessary measures'.",
        "order": 10,
    },
    {
        "category": "data_security",
        "code": "data-security-confidentiality-breach",
        "title_zh": "保密义务与数据泄露责任",
        "title_en": "Confidentiality and data-breach liability",
        "text_zh": (
            "乙方及其人员对履约中知悉的甲方商业秘密和个人信息负有保密义务，该义务在本合同终止或到期后继续有效三年，"
            "个人信息的保密义务永久有效。乙方应与接触甲方数据的人员签订保密协议。发生或可能发生数据泄露的，乙方须在"
            "发现后24小时内书面通知甲方并采取补救措施；因乙方原因导致泄露的，乙方赔偿甲方由此遭受的全部损失，"
            "包括监管罚款、客户索赔及合理的公关和律师费用。"
        ),
        "text_en": (
            "The Vendor and its staff keep confidential the Customer's business secrets and personal information "
            "learned while performing this contract. The duty survives termination or expiry for three years, and "
            "for personal information without limit. The Vendor has every person with access to the Customer's data "
            "sign a confidentiality undertaking. The Vendor notifies the Customer in writing within 24 hours of "
            "discovering an actual or suspected data breach and takes remedial action; if the breach is the Vendor's "
            "fault, the Vendor compensates all resulting losses, including regulatory fines, customer claims and "
            "reasonable public-relations and legal costs."
        ),
        "guidance_zh": "保密期限应延续到合同结束之后；泄露通知时限和赔偿范围（含间接损失）要写明。",
        "guidance_en": "Confidentiality must outlive the contract; set a breach-notification deadline and the scope "
        "of compensation, indirect losses included.",
        "order": 20,
    },
    # ---- fees --------------------------------------------------------------------------------------------------
    {
        "category": "fees",
        "code": "fees-complete-price-list",
        "title_zh": "费用构成与结算",
        "title_en": "Fees and invoicing",
        "text_zh": (
            "本合同费用以附件二价目表为准，价目表列明全部收费项目、单价、计量单位及计量规则（包括线路费、扩容费、"
            "高级功能、培训及上门服务等）。价目表未列明的费用甲方不予承担。乙方每月5日前提交上月对账单及明细，"
            "甲方在收到合规发票后30日内付款。对账单有争议的部分可暂缓支付，无争议部分按期支付。"
        ),
        "text_en": (
            "Fees are those of the price list in Annex 2, which lists every chargeable item, its unit price, unit "
            "and how it is measured (including line charges, extra seats, premium features, training and on-site "
            "support). The Customer owes nothing that the price list does not name. By the 5th of each month the "
            "Vendor sends a statement with details for the previous month; the Customer pays within 30 days of "
            "receiving a valid invoice. Disputed items may be withheld while undisputed amounts are paid on time."
        ),
        "guidance_zh": "要求列出完整价目表并约定“未列明不收费”，防止隐形收费；按月对账便于核查计量。",
        "guidance_en": "Ask for a complete price list and agree that anything not on it is not charged; monthly "
        "statements make the metering checkable.",
        "order": 10,
    },
    # ---- price_adjustment --------------------------------------------------------------------------------------
    {
        "category": "price_adjustment",
        "code": "price-adjustment-notice-cap-exit",
        "title_zh": "价格调整：提前通知、涨幅上限与无责退出",
        "title_en": "Price changes: advance notice, cap and exit without liability",
        "text_zh": (
            "乙方不得单方调整价格。确需调价的，乙方须至少提前三个月书面通知甲方，写明调整项目、幅度、理由及生效日期；"
            "每个合同年度内累计涨幅不得超过5%。甲方不接受调价的，可在新价格生效前书面通知乙方解除本合同，"
            "甲方不承担任何违约责任，乙方应退还已预付但未履行期间的费用。未按本条通知的调价对甲方不发生效力。"
        ),
        "text_en": (
            "The Vendor may not change prices unilaterally. A price change requires at least three months' written "
            "notice to the Customer stating the items, the size of the change, the reason and the effective date; "
            "increases in one contract year may not exceed 5% in total. If the Customer does not accept a change, it "
            "may terminate this contract by written notice before the new prices take effect, without any liability, "
            "and the Vendor refunds fees prepaid for the unperformed period. A change not notified as this clause "
            "requires does not bind the Customer."
        ),
        "guidance_zh": "三要素缺一不可：通知期（建议三个月）、涨幅上限、不接受时的无责解约权。",
        "guidance_en": "All three elements matter: a notice period (three months is usual), a cap on the increase, "
        "and a right to leave without liability if the Customer does not accept.",
        "order": 10,
    },
    {
        "category": "price_adjustment",
        "code": "price-adjustment-fixed-first-year",
        "title_zh": "首年价格锁定",
        "title_en": "Prices fixed for the first year",
        "text_zh": (
            "自本合同生效之日起十二个月内价格保持不变。此后如需调价，仅可参照国家统计局公布的上一年度居民消费价格"
            "指数（CPI）涨幅调整，且须遵守本合同关于提前通知和涨幅上限的约定。"
        ),
        "text_en": (
            "Prices stay fixed for twelve months from the effective date. After that, any increase may not exceed "
            "the previous year's consumer price index change published by the National Bureau of Statistics, and "
            "remains subject to this contract's advance-notice and cap provisions."
        ),
        "guidance_zh": "适用于多年期合同：锁定首年价格，之后与公开指数挂钩，避免随意涨价。",
        "guidance_en": "For multi-year contracts: fix the first year's prices and tie later changes to a public "
        "index rather than the vendor's discretion.",
        "order": 20,
    },
    # ---- term_renewal ------------------------------------------------------------------------------------------
    {
        "category": "term_renewal",
        "code": "term-fixed-term-written-renewal",
        "title_zh": "合同期限与书面续约",
        "title_en": "Term and renewal in writing",
        "text_zh": (
            "本合同自生效日起十二个月有效。期满前九十日内，双方可协商续约；续约须签订书面补充协议，"
            "未签订的，本合同于期满日终止，不视为默示续约。"
        ),
        "text_en": (
            "This contract runs for twelve months from its effective date. Within the ninety days before it ends the "
            "parties may negotiate a renewal, which requires a signed written amendment; without one this contract "
            "ends on its end date and is not renewed by conduct."
        ),
        "guidance_zh": "最稳妥的方式：到期自然终止，续约必须书面确认，避免“沉默续约”。",
        "guidance_en": "The safest default: the contract ends at term unless renewed in writing, so it never renews "
        "silently.",
        "order": 10,
    },
    {
        "category": "term_renewal",
        "code": "term-auto-renewal-with-opt-out",
        "title_zh": "自动续约及不续约通知",
        "title_en": "Automatic renewal with notice of non-renewal",
        "text_zh": (
            "本合同期满后自动续展十二个月，续展次数不限，但任何一方可在当期期满前至少三十日书面通知对方不再续约。"
            "乙方应在当期期满前不少于六十日书面提醒甲方续约事宜及续约后的价格；乙方未提醒的，甲方可在续展后"
            "任何时间提前三十日书面通知解除本合同而不承担责任。续展期间价格不得高于上一期，另有书面约定的除外。"
        ),
        "text_en": (
            "This contract renews automatically for successive twelve-month terms unless either party gives written "
            "notice of non-renewal at least thirty days before the current term ends. At least sixty days before "
            "each term ends the Vendor reminds the Customer in writing of the coming renewal and its prices; if it "
            "does not, the Customer may terminate at any time after the renewal on thirty days' written notice "
            "without liability. Prices in a renewal term may not exceed those of the previous term unless agreed in "
            "writing."
        ),
        "guidance_zh": "如接受自动续约，务必约定不续约通知期并把提醒义务放在乙方；系统会在通知截止日前提醒您。",
        "guidance_en": "If you accept automatic renewal, agree the non-renewal notice period and put the duty to "
        "remind on the vendor; clm reminds you before the notice deadline.",
        "order": 20,
    },
    # ---- termination -------------------------------------------------------------------------------------------
    {
        "category": "termination",
        "code": "termination-for-cause-without-liability",
        "title_zh": "甲方无责解除情形",
        "title_en": "Termination by the Customer for cause, without liability",
        "text_zh": (
            "有下列情形之一的，甲方有权书面通知乙方立即解除本合同，无需承担任何违约责任：（一）同一服务指标连续三次"
            "未达标；（二）核心功能故障或服务中断导致甲方业务停滞超过七日；（三）乙方擅自泄露、转移或使用甲方数据；"
            "（四）乙方丧失履约所需资质。乙方应退还未履行期间的费用并赔偿甲方损失。"
        ),
        "text_en": (
            "The Customer may terminate this contract with immediate effect by written notice, without liability, "
            "if: (a) the same service level is missed three times in a row; (b) a core-function failure or service "
            "outage stops the Customer's business for more than seven days; (c) the Vendor discloses, moves or uses "
            "the Customer's data without authorisation; or (d) the Vendor loses a licence or certification needed to "
            "perform. The Vendor refunds fees for the unperformed period and compensates the Customer's losses."
        ),
        "guidance_zh": "把可以无责退出的具体情形一条条写出来，并约定退款和赔偿。",
        "guidance_en": "List each situation that allows a no-fault exit, with the refund and compensation.",
        "order": 10,
    },
    {
        "category": "termination",
        "code": "termination-for-convenience-notice",
        "title_zh": "提前通知解除",
        "title_en": "Termination on notice",
        "text_zh": (
            "试用期内，甲方可提前七日书面通知解除本合同；试用期满后，任何一方均可提前三十日书面通知对方解除本合同。"
            "解除前已发生的费用按实际履行结算，乙方应配合完成业务与数据的平稳交接。"
        ),
        "text_en": (
            "During the trial period the Customer may terminate this contract on seven days' written notice; after "
            "it either party may terminate on thirty days' written notice. Fees incurred before termination are "
            "settled on actual performance, and the Vendor cooperates in an orderly handover of the work and data."
        ),
        "guidance_zh": "三十天通知期是常见做法；试用期内应保留更短的退出通道。",
        "guidance_en": "Thirty days' notice is common; keep a shorter exit during the trial period.",
        "order": 20,
    },
    # ---- data_handover -----------------------------------------------------------------------------------------
    {
        "category": "data_handover",
        "code": "data-handover-seven-working-days",
        "title_zh": "合同终止后的数据交接",
        "title_en": "Data handover after the end of the contract",
        "text_zh": (
            "本合同因任何原因终止或到期后，乙方须在七个工作日内将甲方的全部数据（含客户信息、通话录音、聊天记录、"
            "工单及报表）以甲方指定的通用格式完整交付甲方，并配合完成系统停用和账号注销。乙方不得以费用争议或"
            "其他任何理由扣留数据或限制甲方导出。"
        ),
        "text_en": (
            "Within seven working days after this contract ends for any reason, the Vendor delivers all of the "
            "Customer's data (customer records, call recordings, chat transcripts, tickets and reports) complete and "
            "in a common format the Customer chooses, and helps decommission the system and close the accounts. The "
            "Vendor may not withhold data or restrict its export because of a fee dispute or for any other reason."
        ),
        "guidance_zh": "交接期限按工作日计算并写明格式；明确禁止以欠费为由扣留数据。",
        "guidance_en": "Count the handover period in working days and name the format; forbid holding data hostage "
        "over a fee dispute.",
        "order": 10,
    },
    {
        "category": "data_handover",
        "code": "data-handover-deletion-certificate",
        "title_zh": "数据删除及证明",
        "title_en": "Deletion of data and certificate",
        "text_zh": (
            "甲方确认数据交接完整后，乙方须在十个工作日内删除其保存的甲方全部数据（包括备份），法律法规要求保存的"
            "除外，并向甲方出具由乙方盖章的数据删除证明，列明删除范围、方式和日期。"
        ),
        "text_en": (
            "Within ten working days after the Customer confirms the handover is complete, the Vendor deletes all "
            "of the Customer's data it holds, backups included, except what the law requires it to keep, and gives "
            "the Customer a certificate of deletion under its company seal stating what was deleted, how and when."
        ),
        "guidance_zh": "交接之后还要删除：要求出具书面删除证明，备份同样适用。",
        "guidance_en": "Handover is not the end: require deletion, backups included, confirmed by a written "
        "certificate.",
        "order": 20,
    },
    # ---- liability ---------------------------------------------------------------------------------------------
    {
        "category": "liability",
        "code": "liability-service-credits-and-damages",
        "title_zh": "违约责任",
        "title_en": "Liability for breach",
        "text_zh": (
            "乙方未达到约定服务指标的，按附件约定扣减服务费；服务费扣减不影响甲方解除合同及要求赔偿的权利。"
            "乙方违反保密或数据安全义务的，应支付相当于合同总额20%的违约金，违约金不足以弥补损失的，乙方还应赔偿差额。"
            "甲方逾期付款的，每逾期一日按应付未付金额的万分之五支付滞纳金。"
        ),
        "text_en": (
            "If the Vendor misses an agreed service level, fees are reduced as the annex provides, without prejudice "
            "to the Customer's rights to terminate and to claim damages. If the Vendor breaches its confidentiality "
            "or data-security duties it pays liquidated damages of 20% of the total contract value, plus any loss "
            "they do not cover. If the Customer pays late it pays 0.05% of the overdue amount per day of delay."
        ),
        "guidance_zh": "违约责任应双向、可计算；扣费与解约、索赔权并行不悖。",
        "guidance_en": "Make liability mutual and computable; fee reductions must not replace the rights to "
        "terminate and to claim damages.",
        "order": 10,
    },
    # ---- dispute -----------------------------------------------------------------------------------------------
    {
        "category": "dispute",
        "code": "dispute-negotiation-then-court",
        "title_zh": "争议解决",
        "title_en": "Dispute resolution",
        "text_zh": (
            "因本合同引起的争议，双方应先友好协商；自一方书面提出协商之日起三十日内协商不成的，任何一方均可向"
            "甲方住所地有管辖权的人民法院提起诉讼。本合同适用中华人民共和国法律。"
        ),
        "text_en": (
            "The parties first try to settle any dispute arising from this contract by negotiation; if it is not "
            "settled within thirty days after one party asks in writing, either party may sue in the competent "
            "people's court where the Customer is domiciled. This contract is governed by the laws of the People's "
            "Republic of China."
        ),
        "guidance_zh": "建议约定甲方所在地法院管辖，降低维权成本；也可改为约定仲裁机构。",
        "guidance_en": "A court where the Customer is based keeps enforcement costs low; an arbitration body may be "
        "named instead.",
        "order": 10,
    },
    # ---- compliance --------------------------------------------------------------------------------------------
    {
        "category": "compliance",
        "code": "compliance-licences-and-law",
        "title_zh": "合规与资质",
        "title_en": "Compliance and licences",
        "text_zh": (
            "乙方保证在合同期内持续持有并有效维持履约所需的全部资质，包括增值电信业务经营许可证、ISO/IEC 27001"
            "信息安全管理体系认证及网络安全等级保护备案，资质到期前三十日内应向甲方提供续期证明。乙方保证其服务"
            "符合《个人信息保护法》《数据安全法》及电信管理相关规定；因乙方资质或合规缺陷导致甲方受到处罚或损失的，"
            "由乙方承担全部责任。"
        ),
        "text_en": (
            "Throughout the term the Vendor holds and keeps valid every licence and certification needed to perform, "
            "including a value-added telecom business licence, ISO/IEC 27001 certification and its MLPS filing, and "
            "provides proof of renewal at least thirty days before any of them expires. The Vendor's services comply "
            "with the Personal Information Protection Law, the Data Security Law and telecom regulations; the Vendor "
            "bears all penalties and losses the Customer suffers through a gap in the Vendor's licences or compliance."
        ),
        "guidance_zh": "把资质清单写进合同，并在供应商档案中登记到期日，系统会提前提醒续期。",
        "guidance_en": "Name the required certifications in the contract and record their expiry dates on the "
        "vendor; clm reminds you before they lapse.",
        "order": 10,
    },
    # ---- force_majeure -----------------------------------------------------------------------------------------
    {
        "category": "force_majeure",
        "code": "force-majeure-notice-and-continuity",
        "title_zh": "不可抗力",
        "title_en": "Force majeure",
        "text_zh": (
            "因地震、洪水、战争、政府行为等不能预见、不能避免且不能克服的事件致使不能履约的，受影响方应在事件发生后"
            "三日内书面通知对方并提供证明，在影响范围内免除责任。乙方应按照业务连续性预案尽力恢复服务；"
            "不可抗力持续超过三十日的，甲方可解除本合同。乙方自身的系统故障、人员流失或分包商违约不属于不可抗力。"
        ),
        "text_en": (
            "A party prevented from performing by an unforeseeable, unavoidable and insurmountable event such as an "
            "earthquake, flood, war or government action notifies the other in writing within three days with "
            "evidence and is excused to the extent affected. The Vendor uses its business-continuity plan to restore "
            "service; if the event lasts more than thirty days the Customer may terminate this contract. The "
            "Vendor's own system failures, staff turnover or subcontractor defaults are not force majeure."
        ),
        "guidance_zh": "明确排除乙方自身原因，并约定持续多久可以解约。",
        "guidance_en": "Exclude the vendor's own failures, and say how long an event may last before the Customer "
        "may leave.",
        "order": 10,
    },
    # ---- other -------------------------------------------------------------------------------------------------
    {
        "category": "other",
        "code": "other-notices-and-subcontracting",
        "title_zh": "通知与分包",
        "title_en": "Notices and subcontracting",
        "text_zh": (
            "本合同项下的通知应以书面形式送达合同首页所列地址或电子邮箱，电子邮件以发出后次一工作日视为送达。"
            "未经甲方书面同意，乙方不得将本合同项下的服务全部或部分分包给第三方；经同意分包的，乙方对分包方的"
            "行为承担全部责任。"
        ),
        "text_en": (
            "Notices under this contract are given in writing to the addresses or e-mail addresses on its first page; "
            "an e-mail is deemed received on the next working day after it is sent. The Vendor may not subcontract "
            "any part of the services without the Customer's written consent, and remains fully liable for any "
            "approved subcontractor."
        ),
        "guidance_zh": "通知条款决定了不续约、调价等通知何时生效，务必写明送达方式。",
        "guidance_en": "The notices clause decides when a non-renewal or price-change notice takes effect; state how "
        "notices are delivered.",
        "order": 10,
    },
]


# Category order of the library (the order of ClauseCategory), so templates list the way a contract reads.
CATEGORY_ORDER = (
    "scope",
    "sla",
    "staffing",
    "data_security",
    "fees",
    "price_adjustment",
    "term_renewal",
    "termination",
    "data_handover",
    "liability",
    "dispute",
    "compliance",
    "force_majeure",
    "other",
)


def seed_templates(apps, schema_editor):
    ClauseTemplate = apps.get_model("contracts", "ClauseTemplate")
    for template in TEMPLATES:
        fields = dict(template)
        code = fields.pop("code")
        fields["order"] = CATEGORY_ORDER.index(fields["category"]) * 100 + fields["order"]
        ClauseTemplate.objects.update_or_create(code=code, defaults=fields)


def remove_templates(apps, schema_editor):
    ClauseTemplate = apps.get_model("contracts", "ClauseTemplate")
    ClauseTemplate.objects.filter(code__in=[t["code"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(seed_templates, remove_templates)]
