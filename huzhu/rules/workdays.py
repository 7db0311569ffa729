"""Working days on the Chinese public-holiday calendar (SPEC C-5, Q-2).

chinesecalendar knows 2004-2026 (holidays and make-up working days); the live system keeps an
editable table for other years. Where neither knows a year, Monday-Friday is assumed and the
answer is flagged provisional, so the caller always learns it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import chinese_calendar

from huzhu.rules.jsonio import bad, parse_json, read_date, read_object


@dataclass(frozen=True)
class HolidayTable:
    """Overrides: `days` maps a date to True (working day) or False (day off); `years` lists
    the years the table fully describes (every other day of them is Monday-Friday)."""

    days: Mapping[date, bool] = field(default_factory=lambda: MappingProxyType({}))
    years: frozenset[int] = frozenset()


NO_OVERRIDES = HolidayTable()


@dataclass(frozen=True)
class WorkdayAnswer:
    value: bool
    provisional: bool


@dataclass(frozen=True)
class DueDate:
    day: date
    provisional: bool

    def __str__(self) -> str:
        return self.day.isoformat() + (" provisional" if self.provisional else "")


def working_day(day: date, table: HolidayTable = NO_OVERRIDES) -> WorkdayAnswer:
    if day in table.days:
        return WorkdayAnswer(table.days[day], False)
    if day.year in table.years:
        return WorkdayAnswer(day.weekday() < 5, False)
    try:
        return WorkdayAnswer(bool(chinese_calendar.is_workday(day)), False)
    except NotImplementedError:
        return WorkdayAnswer(day.weekday() < 5, True)


def is_working_day(day: date, table: HolidayTable = NO_OVERRIDES) -> bool:
    return working_day(day, table).value


def calendar_known(year: int, table: HolidayTable = NO_OVERRIDES) -> bool:
    """Whether `year` is described by the table or by chinesecalendar (not provisional)."""
    return not working_day(date(year, 7, 1), table).provisional


def add_working_days(start: date, count: int, table: HolidayTable = NO_OVERRIDES) -> DueDate:
    """The `count`-th working day after `start` (start itself not counted; SPEC C-5)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    provisional = False
    while count:
        day += timedelta(days=1)
        answer = working_day(day, table)
        provisional = provisional or answer.provisional
        count -= answer.value
    return DueDate(day, provisional)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def library_calendar(year: int) -> dict[date, tuple[bool, str]]:
    """chinesecalendar's arrangements of a year it knows: {day: (working, name)} for every
    public holiday on a weekday and every make-up working day; {} for a year it does not know."""
    days: dict[date, tuple[bool, str]] = {}
    for source, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in source.items():
            if day.year == year and (working or day.weekday() < 5):
                days[day] = (working, HOLIDAY_NAMES.get(str(name), str(name)))
    return days


def read_calendar(text: str, year: int) -> dict[date, bool]:
    """A year's official arrangements as `huzhu holidays load` reads them (C-5):
    {"2027-01-01": false, "2027-02-06": true}, false a day off, true a make-up working day.
    Strict, each error one Chinese message naming the day: the string "false" is not false
    (it would have made New Year's Day a working day), and an empty file would mark the year
    as known with no holiday at all."""
    days: dict[date, bool] = {}
    for key, value in read_object(parse_json(text), "文件").items():
        day = read_date(key, key)
        if day.year != year:
            raise bad(key, f"日期不属于 {year} 年")
        if not isinstance(value, bool):
            shown = f'"{value}"' if isinstance(value, str) else "null" if value is None else value
            raise bad(key, f"应为 true（调休上班）或 false（放假），当前为 {shown}")
        days[day] = value
    if not days:
        raise bad("文件", f"没有任何日期：应列出 {year} 年的放假日（false）与调休上班日（true）")
    return days
