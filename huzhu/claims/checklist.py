"""Required documents per claim type and accident circumstance (SPEC C-3)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    required: bool = True
    # a statement written in the application form, not a paper of its own: it is confirmed,
    # not uploaded
    statement: bool = False


FORM = Item("application_form", "救助申请表")
MEMBER_ID = Item("member_id", "被保障人身份证复印件")
MEMBER_CARD = Item("member_card", "被保障人工商银行卡复印件（本人签字并填写手机号码）")
BILLS = Item("hospital_bills", "住院费用票据或医保住院费用结算单复印件")
RECORD_FIRST = Item("medical_record", "加盖医院红色骑缝章的住院病历（首次确诊）")
RECORD = Item("medical_record", "加盖医院红色骑缝章的住院病历（全部）")
BILL_DETAIL = Item("bill_detail", "住院费用明细清单")
ACCIDENT_PROOF = Item("accident_proof", "意外伤害事故证明")
POWER = Item("power_of_attorney", "授权委托书")
TRUSTEE_ID = Item("trustee_id", "受托人身份证复印件")
TRUSTEE_CARD = Item("trustee_card", "受托人工商银行卡复印件（注明被保障人姓名）")
DEATH = Item("death_certificate", "死亡证明复印件")
RELATION = Item("relationship", "受托人与被保障人关系证明（结婚证或户口本关系页）")
DISABILITY = Item("disability_assessment", "伤残鉴定书")

ILLNESS = (FORM, MEMBER_ID, MEMBER_CARD, BILLS, RECORD_FIRST)
HOSPITAL = (FORM, MEMBER_ID, MEMBER_CARD, BILLS, RECORD, BILL_DETAIL, ACCIDENT_PROOF)
DEATH_BASE = (FORM, POWER, TRUSTEE_ID, TRUSTEE_CARD, DEATH, RELATION)

BY_KIND = {
    "critical_illness": ILLNESS,
    "accident_hospitalization": HOSPITAL,
    "death_illness": DEATH_BASE,
    "death_accident": (*DEATH_BASE, ACCIDENT_PROOF),
    "disability_accident": (*HOSPITAL, DISABILITY),  # [interpretation] C-3
}

BY_CIRCUMSTANCE = {
    "work_or_fall": (
        Item("accident_account", "事故经过（时间、地点、经过）已写入救助申请表", statement=True),
    ),
    "driving": (
        Item("licences", "驾驶证、行驶证（正副本）"),
        Item("traffic_report", "交通事故认定书（交警处理的）", required=False),
    ),
    "criminal": (Item("judicial_documents", "司法机关出具的相关文书"),),
    "other": (),
}


def checklist(kind: str, circumstance: str = "") -> tuple[Item, ...]:
    """The items of a claim: those of its type, and for accidents those of the circumstance."""
    items = BY_KIND[kind]
    if kind in ("accident_hospitalization", "death_accident", "disability_accident"):
        items = (*items, *BY_CIRCUMSTANCE.get(circumstance or "other", ()))
    return items


# the items confirmed rather than uploaded (C-3: for a work injury or fall, the account of the
# accident is written in the application form)
STATEMENTS = frozenset(
    item.code
    for items in (*BY_KIND.values(), *BY_CIRCUMSTANCE.values())
    for item in items
    if item.statement
)

# each item code's name, for the audit log (the medical record is asked for in full or from the
# first diagnosis: one name for both)
ITEM_LABELS = {
    item.code: item.label
    for items in (*BY_KIND.values(), *BY_CIRCUMSTANCE.values())
    for item in items
} | {"medical_record": "加盖医院红色骑缝章的住院病历"}
