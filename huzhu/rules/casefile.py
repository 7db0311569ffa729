"""The JSON case files of `huzhu adjudicate` (SPEC appendix A): strict reading with one Chinese
message naming the field at fault, and the decision written back as JSON."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
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
from huzhu.rules.errors import RuleViolation
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, BenefitType, Plan


def _bad(field: str, message: str) -> RuleViolation:
    return RuleViolation("invalid_input", f"{field}: {message}", field)


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(field, "应为 JSON 对象")
    return value


def _required(data: dict[str, Any], key: str, field: str) -> Any:
    if key not in data or data[key] is None:
        raise _bad(f"{field}.{key}", "缺少必填字段")
    return data[key]


def read_date(value: Any, field: str) -> date:
    if not isinstance(value, str):
        raise _bad(field, "应为 YYYY-MM-DD 格式的日期")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _bad(field, f"不是有效日期：{value}") from exc


def _optional_date(data: dict[str, Any], key: str, field: str) -> date | None:
    value = data.get(key)
    return None if value is None else read_date(value, f"{field}.{key}")


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(field, "应为非空字符串")
    return value.strip()


def read_int(value: Any, field: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(field, "应为整数")
    if value < low or (high is not None and value > high):
        span = f"{low} 至 {high}" if high is not None else f"不小于 {low}"
        raise _bad(field, f"应为 {span} 的整数，当前为 {value}")
    return value


def _kind(value: Any, field: str) -> BenefitType:
    try:
        return BenefitType(value)
    except ValueError as exc:
        allowed = "、".join(k.value for k in BenefitType)
        raise _bad(field, f"未知的救助类型 {value!r}（应为 {allowed}）") from exc


def _amount(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _bad(field, "应为金额，如 \"900.00\"")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise _bad(field, f"不是有效金额：{value}") from exc
    if not amount.is_finite() or amount < 0:
        raise _bad(field, f"金额不能为负数：{value}")
    return amount


def _contracts(raw: Any) -> list[ContractFact]:
    if not isinstance(raw, list):
        raise _bad("contracts", "应为数组")
    contracts: list[ContractFact] = []
    for index, item in enumerate(raw):
        field = f"contracts[{index}]"
        data = _object(item, field)
        effective = read_date(_required(data, "effective", field), f"{field}.effective")
        end = _optional_date(data, "end", field) or contract_end(effective)
        if end <= effective:
            raise _bad(f"{field}.end", "终止日应晚于生效日")
        contracts.append(
            ContractFact(
                contract_no=_text(_required(data, "contract_no", field), f"{field}.contract_no"),
                shares=read_int(_required(data, "shares", field), f"{field}.shares", 1),
                effective=effective,
                end=end,
            )
        )
    numbers = [c.contract_no for c in contracts]
    if len(set(numbers)) != len(numbers):
        raise _bad("contracts", "合同单号重复")
    return contracts


def _history(raw: Any) -> list[HistoryLine]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _bad("history", "应为数组")
    lines = []
    for index, item in enumerate(raw):
        field = f"history[{index}]"
        data = _object(item, field)
        kind = _kind(_required(data, "type", field), f"{field}.type")
        event = read_date(_required(data, "event_date", field), f"{field}.event_date")
        accident = data.get("accident_id")
        lines.append(
            HistoryLine(
                contract_no=_text(_required(data, "contract_no", field), f"{field}.contract_no"),
                kind=kind,
                event_date=event,
                amount=_amount(_required(data, "amount", field), f"{field}.amount"),
                accident_id=str(accident) if accident is not None else None,
                disease=data.get("disease"),
                reason=data.get("reason"),
            )
        )
    return lines


def read_claim(raw: Any, plan: Plan = CRITICAL_ILLNESS_PLAN) -> ClaimFact:
    data = _object(raw, "claim")
    kind = _kind(_required(data, "type", "claim"), "claim.type")
    event = read_date(_required(data, "event_date", "claim"), "claim.event_date")
    submitted = read_date(_required(data, "submitted_date", "claim"), "claim.submitted_date")
    if submitted < event:
        raise _bad("claim.submitted_date", "申请日不能早于事件日")
    disease = data.get("disease")
    if kind == BenefitType.CRITICAL_ILLNESS:
        disease = _text(_required(data, "disease", "claim"), "claim.disease").upper()
        if disease not in plan.diseases:
            raise _bad("claim.disease", f"未知的重大疾病代码 {disease}（应为 CI01 至 CI34）")
    grade = data.get("disability_grade")
    if kind == BenefitType.DISABILITY_ACCIDENT:
        grade = read_int(_required(data, "disability_grade", "claim"), "claim.disability_grade", 1, 10)
    accident = data.get("accident_id")
    return make_claim(
        kind,
        event,
        submitted,
        known_date=_optional_date(data, "known_date", "claim"),
        first_diagnosed=_optional_date(data, "first_diagnosed", "claim"),
        disease=disease if kind == BenefitType.CRITICAL_ILLNESS else None,
        disability_grade=grade if kind == BenefitType.DISABILITY_ACCIDENT else None,
        accident_id=str(accident) if accident is not None else None,
    )


def _plan(raw: Any) -> Plan:
    if raw is None:
        return CRITICAL_ILLNESS_PLAN
    data = _object(raw, "settings")
    plan = CRITICAL_ILLNESS_PLAN
    if "renewal_waives_waiting" in data:
        value = data["renewal_waives_waiting"]
        if not isinstance(value, bool):
            raise _bad("settings.renewal_waives_waiting", "应为 true 或 false")
        plan = replace(plan, renewal_waives_waiting=value)
    return plan


def parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise RuleViolation(
            "invalid_json", f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近：{exc.msg}"
        ) from exc


def adjudicate_text(text: str) -> dict[str, Any]:
    """A case file's text → the decision as the JSON object of appendix A."""
    case = _object(parse_json(text), "(根)")
    plan = _plan(case.get("settings"))
    contracts = _contracts(_required(case, "contracts", "(根)"))
    history = _history(case.get("history"))
    claim = read_claim(_required(case, "claim", "(根)"), plan)
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
