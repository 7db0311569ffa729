"""The JSON case files of `huzhu adjudicate` (SPEC appendix A): strict reading with one Chinese
message naming the field at fault, and the decision written back as JSON."""

from dataclasses import replace
from typing import Any

from huzhu.rules.adjudication import (
    ClaimFact,
    ContractFact,
    Decision,
    HistoryLine,
    decide_benefit,
    make_claim,
)
from huzhu.rules.dates import contract_end
from huzhu.rules.jsonio import (
    bad,
    optional_date,
    parse_json,
    read_amount,
    read_date,
    read_int,
    read_object,
    read_text,
    required,
)
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, BenefitType, Plan


def _kind(value: Any, field: str) -> BenefitType:
    try:
        return BenefitType(value)
    except ValueError as exc:
        allowed = "、".join(k.value for k in BenefitType)
        raise bad(field, f"未知的救助类型 {value!r}（应为 {allowed}）") from exc


def _contracts(raw: Any) -> list[ContractFact]:
    if not isinstance(raw, list):
        raise bad("contracts", "应为数组")
    contracts: list[ContractFact] = []
    for index, item in enumerate(raw):
        field = f"contracts[{index}]"
        data = read_object(item, field)
        effective = read_date(required(data, "effective", field), f"{field}.effective")
        end = optional_date(data, "end", field) or contract_end(effective)
        if end <= effective:
            raise bad(f"{field}.end", "终止日应晚于生效日")
        contracts.append(
            ContractFact(
                contract_no=read_text(required(data, "contract_no", field), f"{field}.contract_no"),
                shares=read_int(required(data, "shares", field), f"{field}.shares", 1),
                effective=effective,
                end=end,
            )
        )
    numbers = [c.contract_no for c in contracts]
    if len(set(numbers)) != len(numbers):
        raise bad("contracts", "合同单号重复")
    return contracts


def _history(raw: Any) -> list[HistoryLine]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad("history", "应为数组")
    lines = []
    for index, item in enumerate(raw):
        field = f"history[{index}]"
        data = read_object(item, field)
        kind = _kind(required(data, "type", field), f"{field}.type")
        event = read_date(required(data, "event_date", field), f"{field}.event_date")
        accident = data.get("accident_id")
        disease = data.get("disease")
        lines.append(
            HistoryLine(
                contract_no=read_text(required(data, "contract_no", field), f"{field}.contract_no"),
                kind=kind,
                event_date=event,
                amount=read_amount(required(data, "amount", field), f"{field}.amount"),
                accident_id=str(accident) if accident is not None else None,
                # the same spelling as the claim's code (read_claim), so C-6 compares like
                disease=disease.strip().upper() if isinstance(disease, str) else disease,
                reason=data.get("reason"),
            )
        )
    return lines


def read_claim(raw: Any, plan: Plan = CRITICAL_ILLNESS_PLAN) -> ClaimFact:
    data = read_object(raw, "claim")
    kind = _kind(required(data, "type", "claim"), "claim.type")
    event = read_date(required(data, "event_date", "claim"), "claim.event_date")
    submitted = read_date(required(data, "submitted_date", "claim"), "claim.submitted_date")
    if submitted < event:
        raise bad("claim.submitted_date", "申请日不能早于事件日")
    disease = data.get("disease")
    if kind == BenefitType.CRITICAL_ILLNESS:
        disease = read_text(required(data, "disease", "claim"), "claim.disease").upper()
        if disease not in plan.diseases:
            raise bad("claim.disease", f"未知的重大疾病代码 {disease}（应为 CI01 至 CI34）")
    grade = data.get("disability_grade")
    if kind == BenefitType.DISABILITY_ACCIDENT:
        grade = read_int(
            required(data, "disability_grade", "claim"), "claim.disability_grade", 1, 10
        )
    accident = data.get("accident_id")
    return make_claim(
        kind,
        event,
        submitted,
        known_date=optional_date(data, "known_date", "claim"),
        first_diagnosed=optional_date(data, "first_diagnosed", "claim"),
        disease=disease if kind == BenefitType.CRITICAL_ILLNESS else None,
        disability_grade=grade if kind == BenefitType.DISABILITY_ACCIDENT else None,
        accident_id=str(accident) if accident is not None else None,
    )


def _plan(raw: Any) -> Plan:
    if raw is None:
        return CRITICAL_ILLNESS_PLAN
    data = read_object(raw, "settings")
    plan = CRITICAL_ILLNESS_PLAN
    if "renewal_waives_waiting" in data:
        value = data["renewal_waives_waiting"]
        if not isinstance(value, bool):
            raise bad("settings.renewal_waives_waiting", "应为 true 或 false")
        plan = replace(plan, renewal_waives_waiting=value)
    return plan


def adjudicate_text(text: str) -> dict[str, Any]:
    """A case file's text → the decision as the JSON object of appendix A."""
    case = read_object(parse_json(text), "(根)")
    plan = _plan(case.get("settings"))
    contracts = _contracts(required(case, "contracts", "(根)"))
    history = _history(case.get("history"))
    claim = read_claim(required(case, "claim", "(根)"), plan)
    return decision_json(decide_benefit(contracts, history, claim, plan))


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "payable": decision.payable,
        "amount": str(decision.amount),
        "lines": [
            {
                "contract_no": line.contract_no,
                "shares": line.shares,
                "per_share": str(line.per_share),
                "amount": str(line.amount),
                "clauses": list(line.clauses),
                "message": line.message,
            }
            for line in decision.lines
        ],
        "denials": [
            {
                "contract_no": d.contract_no,
                "shares": d.shares,
                "reason": d.reason.value,
                "clause": d.clause,
                "message": d.message,
            }
            for d in decision.denials
        ],
        "ends_coverage": list(decision.ends_coverage),
    }
