from datetime import date
from types import MappingProxyType

import pytest

from huzhu.rules.errors import RuleViolation
from huzhu.rules.workdays import (
    HolidayTable,
    add_working_days,
    calendar_known,
    is_working_day,
    read_calendar,
    working_day,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 9, 28), True),  # Sunday, a make-up working day
        (date(2025, 10, 11), True),  # Saturday, a make-up working day
        (date(2025, 3, 8), False),  # an ordinary Saturday
        (date(2025, 3, 7), True),
        (date(2026, 1, 1), False),
    ],
)
def test_chinese_calendar(day, expected):
    answer = working_day(day)
    assert answer.value is expected
    assert not answer.provisional


def test_ten_working_days_across_national_day():
    due = add_working_days(date(2025, 9, 26), 10)
    assert due.day == date(2025, 10, 16)
    assert not due.provisional
    assert str(due) == "2025-10-16"


def test_unknown_year_is_monday_to_friday_and_provisional():
    due = add_working_days(date(2026, 12, 25), 10)
    assert due.day == date(2027, 1, 8)
    assert due.provisional
    assert str(due) == "2027-01-08 provisional"
    assert not calendar_known(2027)
    assert calendar_known(2025)


def test_table_overrides_and_loaded_years():
    table = HolidayTable(
        days=MappingProxyType({date(2027, 1, 1): False, date(2027, 2, 6): True}),
        years=frozenset({2027}),
    )
    assert not is_working_day(date(2027, 1, 1), table)
    assert is_working_day(date(2027, 2, 6), table)  # a Saturday made a working day
    assert not is_working_day(date(2027, 2, 7), table)
    due = add_working_days(date(2026, 12, 31), 1, table)
    assert due.day == date(2027, 1, 4)
    assert not due.provisional
    assert calendar_known(2027, table)


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(date(2025, 3, 8), 0).day == date(2025, 3, 8)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 8), -1)


def test_calendar_years_outside_the_library_are_provisional():
    assert working_day(date(2003, 6, 2)).provisional


def test_library_calendar_lists_weekday_holidays_and_make_up_days():
    from huzhu.rules.workdays import library_calendar

    days = library_calendar(2025)
    assert days[date(2025, 10, 1)] == (False, "国庆节")
    assert days[date(2025, 9, 28)] == (True, "国庆节")
    assert date(2025, 10, 4) not in days  # a Saturday off anyway
    assert library_calendar(2031) == {}
    table = HolidayTable(
        days=MappingProxyType({d: w for d, (w, _) in days.items()}), years=frozenset({2025})
    )
    assert add_working_days(date(2025, 9, 26), 10, table).day == date(2025, 10, 16)


def test_read_calendar_takes_days_off_and_make_up_days():
    text = '{"2027-01-01": false, "2027-02-06": true}'
    assert read_calendar(text, 2027) == {date(2027, 1, 1): False, date(2027, 2, 6): True}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '{"2027-01-01": "false"}',
            '2027-01-01: 应为 true（调休上班）或 false（放假），当前为 "false"',
        ),
        ('{"2027-01-01": 0}', "2027-01-01: 应为 true（调休上班）或 false（放假），当前为 0"),
        ('{"2027-01-01": null}', "当前为 null"),
        ('{"2027-13-01": false}', "2027-13-01: 不是有效的 YYYY-MM-DD 日期"),
        ('{"2028-01-01": false}', "2028-01-01: 日期不属于 2027 年"),
        ("{}", "文件: 没有任何日期"),
        ('["2027-01-01"]', "文件: 应为 JSON 对象"),
        ('{"2027-01-01": false', "JSON 格式错误"),
    ],
)
def test_read_calendar_refuses_what_it_cannot_be_sure_of(text, words):
    with pytest.raises(RuleViolation) as caught:
        read_calendar(text, 2027)
    assert words in caught.value.message
