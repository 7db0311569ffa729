"""The contract certificate (保障合同) with its roster annex."""

from huzhu.contracts.models import Contract
from huzhu.core.pdf import Document, render
from huzhu.rules.money import chinese_capitals, format_yuan
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN


def certificate(contract: Contract) -> bytes:
    lines = contract.lines.select_related("member").order_by("member__name")
    period = (
        f"{contract.first_covered_day} 至 {contract.end}"
        if contract.effective
        else "待确认会费后生效"
    )
    return render(
        Document(
            title=f"{CRITICAL_ILLNESS_PLAN.name} · 保障合同",
            facts=[
                ("合同单号", contract.contract_no or f"{contract.code}（未生效）"),
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
            paragraphs=[
                "保险责任自生效次日开始，保障期一年。重大疾病自合同生效30日后可申请救助，"
                "意外伤害住院及意外身故、伤残自合同生效次日即可申请。每人在所有有效合同中"
                "最多3份。续会在合同终止日前办理，保障连续。",
            ],
            table_title="附件：保障人员名册",
            table=[["序号", "姓名", "身份证号码", "份数"]]
            + [
                [str(i), line.member.name, line.member.masked_id, str(line.shares)]
                for i, line in enumerate(lines, start=1)
            ],
            plain_table=True,
        )
    )
