"""The JSON files of `huzhu quota-simulate` (SPEC appendix B)."""

from datetime import datetime, time
from typing import Any

from huzhu.rules.jsonio import (
    bad,
    parse_json,
    read_date,
    read_int,
    read_iso,
    read_object,
    read_text,
    required,
    within_years,
)
from huzhu.rules.quota import (
    Application,
    Period,
    YearResult,
    allocate,
    local_moment,
    overlapping,
)
from huzhu.rules.workdays import NO_OVERRIDES, HolidayTable


def _clock(value: Any, field: str) -> time:
    return read_iso(value, field, time.fromisoformat, "HH:MM 时间")


def read_period(raw: Any, field: str) -> Period:
    data = read_object(raw, field)
    hours_raw = data.get("hours") or ["09:00", "17:00"]
    if not isinstance(hours_raw, list) or len(hours_raw) != 2:
        raise bad(f"{field}.hours", "应为 [开始, 结束] 两个时间")
    hours = (_clock(hours_raw[0], f"{field}.hours[0]"), _clock(hours_raw[1], f"{field}.hours[1]"))
    if hours[0] >= hours[1]:
        raise bad(f"{field}.hours", "开始时间应早于结束时间")
    period = Period(
        no=read_int(required(data, "no", field), f"{field}.no", 1),
        quota=read_int(required(data, "quota", field), f"{field}.quota", 0),
        opens=read_date(required(data, "opens", field), f"{field}.opens"),
        closes=read_date(required(data, "closes", field), f"{field}.closes"),
        renewal_end_from=read_date(
            required(data, "renewal_end_from", field), f"{field}.renewal_end_from"
        ),
        renewal_end_to=read_date(
            required(data, "renewal_end_to", field), f"{field}.renewal_end_to"
        ),
        hours=hours,
        working_days_only=data.get("working_days_only", True) is not False,
    )
    if period.closes < period.opens:
        raise bad(f"{field}.closes", "申请截止日不能早于开始日")
    return period


def read_periods(raw: Any) -> list[Period]:
    if not isinstance(raw, list) or not raw:
        raise bad("periods", "应为非空数组")
    periods = [read_period(item, f"periods[{i}]") for i, item in enumerate(raw)]
    numbers = [p.no for p in periods]
    if len(set(numbers)) != len(numbers):
        raise bad("periods", "期次编号重复")
    pair = overlapping(periods)
    if pair is not None:
        raise bad("periods", f"第{pair[1].no}期的申请时间与第{pair[0].no}期重叠")
    return periods


def _moment(value: Any, field: str) -> datetime:
    moment = read_iso(
        value, field, datetime.fromisoformat, "带时区的 ISO 时间（如 2025-02-28T09:00:01+08:00）"
    )
    within_years(moment.date(), field, value)
    return local_moment(moment)


def read_application(raw: Any, field: str) -> Application:
    data = read_object(raw, field)
    kind = required(data, "kind", field)
    if kind not in ("new", "renewal"):
        raise bad(f"{field}.kind", f"应为 new 或 renewal，当前为 {kind!r}")
    current = data.get("current_end")
    # null is allowed for a renewal too: no end date lies in any period's renewal range, so it
    # is refused not_eligible rather than the whole file
    current_end = read_date(current, f"{field}.current_end") if current is not None else None
    return Application(
        id=read_text(str(required(data, "id", field)), f"{field}.id"),
        unit=read_text(str(required(data, "unit", field)), f"{field}.unit"),
        kind=kind,
        current_end=current_end,
        members=read_int(required(data, "members", field), f"{field}.members", 1),
        submitted_at=_moment(required(data, "submitted_at", field), f"{field}.submitted_at"),
    )


def simulate_text(text: str, table: HolidayTable = NO_OVERRIDES) -> dict[str, Any]:
    data = read_object(parse_json(text), "(根)")
    periods = read_periods(required(data, "periods", "(根)"))
    raw_apps = data.get("applications", [])
    if not isinstance(raw_apps, list):
        raise bad("applications", "应为数组")
    applications = [read_application(a, f"applications[{i}]") for i, a in enumerate(raw_apps)]
    answer = result_json(allocate(periods, applications, table), [p.no for p in periods])
    # each answer carries the id exactly as the input wrote it (a number stays a number)
    for line, app in zip(answer["applications"], raw_apps, strict=True):
        line["id"] = app["id"]
    return answer


def result_json(result: YearResult, order: list[int] | None = None) -> dict[str, Any]:
    """The simulation's answer; periods in the order of the input (`order`), else by number."""
    last = result.ledgers[-1].no if result.ledgers else None
    position = {no: i for i, no in enumerate(order or [])}
    ledgers = sorted(result.ledgers, key=lambda p: position.get(p.no, p.no))
    return {
        "applications": [
            {
                "id": a.id,
                "period": a.period,
                "status": a.status.value,
                "granted": a.granted,
                "reason": a.reason.value if a.reason else None,
                "message": a.message,
            }
            for a in result.allocations
        ],
        "periods": [
            {
                "no": p.no,
                "base": p.base,
                "rollover_in": p.rollover_in,
                "advance_deducted": p.advance_deducted,
                "effective_quota": p.effective_quota,
                "granted": p.granted,
                "rollover_out": 0 if p.no == last else p.remaining,
            }
            for p in ledgers
        ],
        "returned_to_budget": result.returned_to_budget,
    }
