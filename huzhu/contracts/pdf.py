"""The contract certificate (保障合同) with its roster annex."""

from itertools import groupby

from huzhu.contracts.models import Contract
from huzhu.core.pdf import Document, default_footer, render
from huzhu.core.product import current_plan
from huzhu.rules.money import chinese_capitals, format_yuan
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, Plan


def certificate(contract: Contract) -> bytes:
    lines = contract.lines.select_related("member").order_by("member__name")
    period = (
        f"{contract.first_covered_day} 至 {contract.end}"
        if contract.effective
        else "待确认会费后生效"
    )
    number = contract.contract_no or f"{contract.code}（未生效）"
    return render(
        Document(
            title=f"{CRITICAL_ILLNESS_PLAN.name} · 保障合同",
            facts=[
                ("合同单号", number),
                ("团体会员（单位）", contract.unit.name),
                ("统一社会信用代码", contract.unit.credit_code),
                ("上级工会", contract.unit.union.name),
                ("保障期间", period),
                ("类型", contract.get_funding_display()),
                ("会费来源", contract.get_funding_source_display() or "—"),
                ("参保人数 / 总份数", f"{len(lines)} 人 / {contract.total_shares} 份"),
                ("会费", f"{format_yuan(contract.fee)} 元（{chinese_capitals(contract.fee)}）"),
                ("状态", contract.state_label),
            ],
            paragraphs=[terms(current_plan())]
            + ([f"{contract.declaration}（提交申请时作出）"] if contract.declaration else []),
            # the annex runs over many pages for a large unit: each page names its contract
            table_title=f"附件：保障人员名册（合同单号 {number}）",
            table=[["序号", "姓名", "身份证号码", "份数"]]
            + [
                [str(i), line.member.name, line.member.masked_id, str(line.shares)]
                for i, line in enumerate(lines, start=1)
            ],
            plain_table=True,
            footer=f"合同单号 {number} · {default_footer()}",
        )
    )


def terms(plan: Plan) -> str:
    """The certificate's terms in words, from the association's settings: the waiting periods
    of P-5 (which may change, as the scheme page's do), P-6 and the cap of P-2."""
    waits = sorted(plan.waiting_days.items(), key=lambda item: item[1], reverse=True)
    parts = []
    for days, kinds in groupby(waits, key=lambda item: item[1]):
        names = "、".join(kind.label for kind, _ in kinds)
        parts.append(
            f"{names}自合同生效{days}日后可申请救助" if days else f"{names}自合同生效次日即可申请"
        )
    renewal = "不间断续会的份数免等待期。" if plan.renewal_waives_waiting else ""
    return (
        f"保障责任自合同生效次日开始，保障期一年。{'；'.join(parts)}。{renewal}"
        f"每人在所有有效合同中最多{plan.max_shares}份。续会在合同终止日前办理，保障连续。"
    )
