"""Strict reading of JSON inputs: each error is one Chinese message naming the field."""

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from huzhu.rules.dates import EARLIEST, LATEST
from huzhu.rules.errors import RuleViolation

T = TypeVar("T")


def bad(field: str, message: str) -> RuleViolation:
    return RuleViolation("invalid_input", f"{field}: {message}", field)


def read_object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(field, "应为 JSON 对象")
    return value


def required(data: dict[str, Any], key: str, field: str) -> Any:
    if key not in data or data[key] is None:
        raise bad(f"{field}.{key}", "缺少必填字段")
    return data[key]


def read_iso(value: Any, field: str, parse: Callable[[str], T], shape: str) -> T:
    """A date, time or instant in ISO form; `shape` shows the user what is expected."""
    if not isinstance(value, str):
        raise bad(field, f"应为 {shape} 格式")
    try:
        return parse(value)
    except ValueError as exc:
        raise bad(field, f"不是有效的 {shape}：{value}") from exc


def within_years(day: date, field: str, value: Any) -> None:
    """A case's day between EARLIEST and LATEST: an effective date of 9999-12-31 was a
    traceback (its end, a year later, in year 10000) where malformed input exits 2."""
    if not EARLIEST <= day <= LATEST:
        raise bad(field, f"日期应在 {EARLIEST.year} 至 {LATEST.year} 年之间，当前为 {value}")


def read_date(value: Any, field: str) -> date:
    day = read_iso(value, field, date.fromisoformat, "YYYY-MM-DD 日期")
    within_years(day, field, value)
    return day


def optional_date(data: dict[str, Any], key: str, field: str) -> date | None:
    value = data.get(key)
    return None if value is None else read_date(value, f"{field}.{key}")


def read_text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(field, "应为非空字符串")
    return value.strip()


def read_int(value: Any, field: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(field, "应为整数")
    if value < low or (high is not None and value > high):
        span = f"{low} 至 {high}" if high is not None else f"不小于 {low}"
        raise bad(field, f"应为 {span} 的整数，当前为 {value}")
    return int(value)


def read_amount(value: Any, field: str) -> Decimal:
    """Yuan as an exact decimal (P-1): a string or an integer ("900.00", 7000000), not negative,
    to the cent at most (a benefit already paid of 900.005 would make the P-9 remainder round)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise bad(field, '应为金额，如 "900.00"')
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise bad(field, f"不是有效金额：{value}") from exc
    if not amount.is_finite():
        raise bad(field, f"不是有效金额：{value}")
    if amount < 0:
        raise bad(field, f"金额不能为负数：{value}")
    if int(amount.normalize().as_tuple().exponent) < -2:  # finite: the exponent is a number
        raise bad(field, f"金额最多两位小数（元、角、分）：{value}")
    return amount


def parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise RuleViolation(
            "invalid_json", f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近：{exc.msg}"
        ) from exc
