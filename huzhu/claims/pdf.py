"""Claim forms (救助申请表, 授权委托书), blank or pre-filled, and the payment notice with the
amount in figures and in Chinese capitals (SPEC C-7)."""

from decimal import Decimal

from huzhu.claims.checklist import checklist
from huzhu.claims.models import Claim
from huzhu.core.pdf import Document, render
from huzhu.rules.adjudication import time_bar_deadline
from huzhu.rules.money import chinese_capitals, format_yuan
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN

BLANK = "＿＿＿＿＿＿＿＿"


def application_form(claim: Claim | None = None) -> bytes:
    """救助申请表: blank, or filled from a claim (numbers masked)."""

    def value(text: str | None) -> str:
        return text if claim is not None and text else BLANK

    member = claim.member if claim else None
    facts = [
        ("申请编号", value(claim.number if claim else None)),
        ("申请单位（工会）", value(claim.unit.name if claim else None)),
        ("被保障人姓名", value(member.name if member else None)),
        ("身份证号码", value(member.masked_id if member else None)),
        ("手机号码", value(member.mobile if member else None)),
        ("工商银行卡号", value(member.masked_card if member else None)),
        ("救助类型", value(claim.get_kind_display() if claim else None)),
        ("疾病名称 / 伤残等级", value(_illness(claim))),
        ("事件日期（首次确诊 / 事故 / 身故）", value(str(claim.event_date) if claim else None)),
        ("医院及住院时间", value(_hospital(claim))),
        ("事故经过（时间、地点、经过）", value(claim.description if claim else None)),
    ]
    items = checklist(claim.kind, claim.circumstance) if claim else ()
    paragraphs = [
        "本人保证所填内容及所附材料真实有效。救助时效为知道保障事故之日起两年"
        + (f"（本申请至 {time_bar_deadline(claim.known_date)}）。" if claim else "。"),
        "申请人签字：＿＿＿＿＿＿　　单位工会（盖章）：＿＿＿＿＿＿　　"
        "日期：＿＿＿＿年＿＿月＿＿日",
    ]
    return render(
        Document(
            title=f"{CRITICAL_ILLNESS_PLAN.name} · 救助申请表",
            facts=facts,
            paragraphs=paragraphs,
            table_title="所附材料" if items else "",
            table=[["材料", "要求"]]
            + [[i.label, "必须" if i.required else "视情况"] for i in items]
            if items
            else (),
        )
    )


def _illness(claim: Claim | None) -> str | None:
    if claim is None:
        return None
    if claim.disease:
        return claim.get_disease_display()
    return f"{claim.disability_grade} 级伤残" if claim.disability_grade else None


def _hospital(claim: Claim | None) -> str | None:
    if claim is None or not claim.hospital:
        return None
    stay = (
        f"，{claim.admitted} 至 {claim.discharged}" if claim.admitted and claim.discharged else ""
    )
    return claim.hospital + stay


def power_of_attorney(claim: Claim | None = None) -> bytes:
    """授权委托书 for death benefits: the family appoint a trustee to receive the benefit (C-2)."""
    death = claim is not None and claim.is_death

    def value(text: str | None) -> str:
        return text if death and text else BLANK

    member = claim.member if claim else None
    return render(
        Document(
            title="授权委托书",
            facts=[
                ("被保障人（已故）", value(member.name if member else None)),
                ("被保障人身份证号码", value(member.masked_id if member else None)),
                ("受托人姓名", value(claim.trustee_name if claim else None)),
                ("与被保障人关系", value(claim.trustee_relation if claim else None)),
                ("受托人身份证号码", value(_mask(claim.trustee_id_number) if claim else None)),
                ("受托人工商银行卡号", value(_mask(claim.trustee_card) if claim else None)),
            ],
            paragraphs=[
                "被保障人的法定继承人一致委托上述受托人，代为申请并领取济南市职工互助互济会给付的"
                "身故救助金。受托人领取后负责向其他继承人分配，由此产生的纠纷与互济会无关。",
                "委托人（全体法定继承人）签字：＿＿＿＿＿＿＿＿＿＿＿＿　　"
                "日期：＿＿＿＿年＿＿月＿＿日",
                "受托人签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
            ],
        )
    )


def _mask(number: str | None) -> str | None:
    if not number:
        return None
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def payment_notice(claim: Claim) -> bytes:
    """救助金发放通知: the amount in figures and in capitals (C-7) and how it was decided."""
    amount = claim.amount or Decimal(0)
    payee = claim.trustee_name if claim.is_death else claim.member.name
    lines = (claim.decision or {}).get("lines", [])
    return render(
        Document(
            title="职工大病互助救助金发放通知",
            facts=[
                ("申请编号", claim.number),
                ("申请单位", claim.unit.name),
                ("被保障人", f"{claim.member.name}（{claim.member.masked_id}）"),
                ("救助类型", claim.get_kind_display()),
                ("收款人", payee),
                ("救助金额", f"{format_yuan(amount)} 元　（大写：{chinese_capitals(amount)}）"),
                ("应发放日期", f"{claim.due_date}" if claim.due_date else "—"),
            ],
            paragraphs=["经查验登记、病案审核和审批，依据项目条款给付救助金如下。"],
            table_title="给付明细",
            table=[["合同单号", "份数", "说明", "金额（元）"]]
            + [[x["contract_no"], str(x["shares"]), x["message"], x["amount"]] for x in lines],
        )
    )
