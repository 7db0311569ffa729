from datetime import date

import pytest

from huzhu.rules.dates import (
    add_years,
    age_on,
    contract_end,
    in_force,
    paid_effective,
    read_day,
    waiting_over,
)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2023, 3, 1), 1, date(2024, 3, 1)),
        (date(2022, 12, 31), 2, date(2024, 12, 31)),
    ],
)
def test_add_years_keeps_the_day_or_falls_back_to_28_february(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (date(2022, 2, 25), False),  # the effective day itself: cover starts the next day
        (date(2022, 2, 26), True),
        (date(2023, 2, 25), True),  # the last day of cover
        (date(2023, 2, 26), False),
    ],
)
def test_coverage_runs_from_the_day_after_effective_through_the_end(day, covered):
    effective = date(2022, 2, 25)
    assert in_force(effective, contract_end(effective), day) is covered


@pytest.mark.parametrize(
    ("day", "over"),
    [(date(2024, 6, 9), False), (date(2024, 6, 10), True)],
)
def test_waiting_period_of_30_days(day, over):
    # effective 2024-05-10: day 30 after is 2024-06-09 (still waiting), payable from 06-10.
    assert waiting_over(date(2024, 5, 10), 30, day) is over


def test_age_in_completed_years():
    birth = date(1970, 3, 7)
    assert age_on(birth, date(2030, 3, 6)) == 59
    assert age_on(birth, date(2030, 3, 7)) == 60
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


END = date(2026, 3, 3)  # the previous contract's end date


@pytest.mark.parametrize(
    ("confirmed", "previous_end", "submitted", "requested", "expected"),
    [
        (date(2026, 3, 10), END, date(2026, 2, 20), None, END),  # renewal in time: continuous
        (date(2026, 3, 1), END, END, None, END),  # submitted on the end date: still in time
        (date(2026, 3, 10), END, date(2026, 3, 4), None, date(2026, 3, 10)),  # late: a gap
        (date(2026, 3, 10), None, None, None, date(2026, 3, 10)),  # a first enrolment
        (date(2026, 3, 10), None, None, date(2026, 4, 1), date(2026, 4, 1)),  # later day asked
        (date(2026, 3, 10), None, None, date(2026, 3, 5), date(2026, 3, 10)),  # asked day passed
        (date(2026, 3, 10), END, None, None, date(2026, 3, 10)),  # a draft renewal, not sent
    ],
)
def test_paid_effective_follows_k6(confirmed, previous_end, submitted, requested, expected):
    got = paid_effective(
        confirmed, previous_end=previous_end, submitted=submitted, requested=requested
    )
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", date(2026, 11, 30)),
        ("2026/1/3", date(2026, 1, 3)),
        ("2026.11.30", date(2026, 11, 30)),
        ("2026年1月3日", date(2026, 1, 3)),
        ("2026 年 11 月 30 日", date(2026, 11, 30)),
        ("20261130", date(2026, 11, 30)),
        (" 2026-11-30 14:05 ", date(2026, 11, 30)),
        ("２０２６-１１-３０", date(2026, 11, 30)),  # full-width digits, as some input methods type
        ("2026-11-31", None),  # no such day
        ("30/11/2026", None),  # day first: not guessed
        ("2026-11", None),
        ("明天", None),
        ("", None),
    ],
)
def test_a_day_is_read_as_people_write_it_year_first(text, expected):
    assert read_day(text) == expected
