"""SPEC §5: windows, hours, eligibility, first come first served, advance and rollover."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from huzhu.rules.quota import (
    Application,
    GrantStatus,
    Period,
    PeriodLedger,
    QuotaReason,
    allocate,
    applicant_kind,
    find_period,
    grant,
    open_ledger,
    programme_problems,
)

CST = timezone(timedelta(hours=8))


def period(no=1, quota=10, opens="2025-02-28", closes="2025-03-21", **extra) -> Period:
    base = {
        "renewal_end_from": date(2024, 11, 1),
        "renewal_end_to": date(2025, 3, 31),
    }
    return Period(
        no, quota, date.fromisoformat(opens), date.fromisoformat(closes), **(base | extra)
    )


def app(id="a", at="2025-03-03T10:00:00+08:00", members=3, unit=None, kind="new", end=None):
    return Application(
        id,
        unit or f"U-{id}",
        kind,
        end and date.fromisoformat(end),
        members,
        datetime.fromisoformat(at),
    )


def one(periods, application):
    return allocate(periods, [application]).allocations[0]


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2025-03-03T08:59:59+08:00", QuotaReason.OUTSIDE_HOURS),
        ("2025-03-03T09:00:00+08:00", None),
        ("2025-03-03T16:59:59+08:00", None),
        ("2025-03-03T17:00:00+08:00", QuotaReason.OUTSIDE_HOURS),
        ("2025-03-03T01:00:00+00:00", None),  # 09:00 in Jinan
        ("2025-03-02T10:00:00+08:00", QuotaReason.OUTSIDE_HOURS),  # Sunday
        ("2025-02-27T10:00:00+08:00", QuotaReason.WINDOW_CLOSED),
        ("2025-03-22T10:00:00+08:00", QuotaReason.WINDOW_CLOSED),
        ("2025-03-21T16:00:00+08:00", None),  # the closing day itself
    ],
)
def test_window_and_hours(at, reason):
    result = one([period()], app(at=at))
    assert result.reason == reason
    assert result.period == (None if reason == QuotaReason.WINDOW_CLOSED else 1)
    if reason:
        assert result.status == GrantStatus.REFUSED
        assert result.message


def test_make_up_working_day_is_open_and_settings_are_honoured():
    autumn = period(opens="2025-09-20", closes="2025-10-12")
    assert one([autumn], app(at="2025-09-28T10:00:00+08:00")).reason is None  # Sunday make-up
    assert one([autumn], app(at="2025-10-02T10:00:00+08:00")).reason == QuotaReason.OUTSIDE_HOURS
    relaxed = period(working_days_only=False, hours=(time(8), time(20)))
    assert one([relaxed], app(at="2025-03-02T19:30:00+08:00")).reason is None
    # the refusal names the period's own hours, and working days only where the period says so
    assert one([autumn], app(at="2025-10-02T10:00:00+08:00")).message == (
        "只能在工作日 09:00-17:00 提交申请"
    )
    assert one([relaxed], app(at="2025-03-02T20:00:00+08:00")).message == (
        "只能在每天 08:00-20:00 提交申请"
    )


@pytest.mark.parametrize(
    ("end", "reason"),
    [
        ("2024-10-31", QuotaReason.NOT_ELIGIBLE),
        ("2024-11-01", None),
        ("2025-03-31", None),
        ("2025-04-01", QuotaReason.NOT_ELIGIBLE),
    ],
)
def test_renewal_end_date_range(end, reason):
    assert one([period()], app(kind="renewal", end=end)).reason == reason


def test_first_come_first_served_with_advance_and_exhaustion():
    apps = [
        app("late", at="2025-03-03T10:00:02+08:00", members=4),
        app("first", at="2025-03-03T10:00:00+08:00", members=8),
        app("second", at="2025-03-03T10:00:01+08:00", members=5),
    ]
    result = allocate([period(quota=10), period(2, 10, "2025-05-30", "2025-06-20")], apps)
    by_id = {a.id: a for a in result.allocations}
    assert (by_id["first"].granted, by_id["second"].granted) == (8, 5)  # 3 in advance
    assert by_id["late"].reason == QuotaReason.QUOTA_EXHAUSTED
    assert [a.id for a in result.allocations] == ["late", "first", "second"]  # input order
    first, second = result.ledgers
    assert (first.granted, first.overdrawn, first.remaining) == (13, 3, 0)
    assert (second.advance_deducted, second.effective_quota) == (3, 7)


def test_ties_go_to_the_earlier_recorded():
    at = "2025-03-03T10:00:00+08:00"
    result = allocate([period(quota=5)], [app("x", at=at, members=5), app("y", at=at, members=1)])
    assert [a.granted for a in result.allocations] == [5, 0]


def test_last_period_grants_partially():
    result = allocate(
        [period(quota=5)],
        [app("a", members=3), app("b", members=4, at="2025-03-03T11:00:00+08:00")],
    )
    assert [(a.status, a.granted) for a in result.allocations] == [
        (GrantStatus.GRANTED, 3),
        (GrantStatus.PARTIAL, 2),
    ]
    assert result.returned_to_budget == 0


def test_unit_gets_free_shares_once_a_year_but_may_retry_after_a_refusal():
    periods = [period(quota=2), period(2, 10, "2025-05-30", "2025-06-20")]
    apps = [
        app("a1", unit="U", members=2),
        app("a2", unit="U", members=1, at="2025-06-03T10:00:00+08:00"),
        app("b1", unit="V", members=1, at="2025-03-04T10:00:00+08:00"),
        app("b2", unit="V", members=1, at="2025-06-03T11:00:00+08:00"),
    ]
    reasons = [a.reason for a in allocate(periods, apps).allocations]
    assert reasons == [None, QuotaReason.ALREADY_GRANTED, QuotaReason.QUOTA_EXHAUSTED, None]


def test_rollover_and_return_to_budget():
    periods = [period(quota=10), period(2, 10, "2025-05-30", "2025-06-20")]
    result = allocate(periods, [app(members=4)])
    first, second = result.ledgers
    assert (second.rollover_in, second.effective_quota) == (6, 16)
    assert result.returned_to_budget == 16
    assert first.remaining == 6


def test_advance_larger_than_next_base_is_absorbed_by_that_period():
    """Q-5 as written: period 3 loses what period 2 granted in advance, and period 2 granted
    nothing (its quota was already below zero), so period 3 starts from its base."""
    periods = [
        period(quota=1),
        period(2, 2, "2025-05-30", "2025-06-20"),
        period(3, 10, "2025-08-29", "2025-09-19"),
    ]
    late = app(members=1, at="2025-06-03T10:00:00+08:00", id="b")
    result = allocate(periods, [app(members=6), late])
    ledgers = result.ledgers
    assert (ledgers[0].granted, ledgers[0].overdrawn) == (6, 5)
    assert (ledgers[1].advance_deducted, ledgers[1].effective_quota) == (5, -3)
    assert (ledgers[1].granted, ledgers[1].remaining, ledgers[1].overdrawn) == (0, 0, 0)
    assert result.allocations[1].reason == "quota_exhausted"
    assert (ledgers[2].advance_deducted, ledgers[2].effective_quota) == (0, 10)


def test_open_ledger_and_grant_are_the_live_steps():
    ledger = open_ledger(period(quota=5), None)
    status, count, ledger = grant(ledger, 5, last_period=False)
    assert (status, count, ledger.remaining) == (GrantStatus.GRANTED, 5, 0)
    status, count, after = grant(ledger, 1, last_period=False)
    assert (status, count, after) == (GrantStatus.REFUSED, 0, ledger)
    assert open_ledger(period(2, 3), PeriodLedger(1, 5, granted=2)).rollover_in == 3


def test_naive_receipt_time_is_china_time():
    assert find_period([period()], datetime(2025, 2, 28, 9, 0)) is not None  # noqa: DTZ001


def test_empty_year():
    result = allocate([], [])
    assert (result.allocations, result.ledgers, result.returned_to_budget) == ((), (), 0)


def test_the_standing_and_the_periods_that_take_a_unit():
    """Q-2: a contract in force makes a renewal by its end date; a last contract that ended
    inside a renewal range too (the example year's u6); otherwise new, taken by every period."""
    first = period()
    second = period(2, renewal_end_from=date(2025, 1, 1), renewal_end_to=date(2025, 6, 30))
    periods = [first, second]
    assert applicant_kind(date(2025, 8, 1), date(2025, 8, 1), periods) == (
        "renewal",
        date(2025, 8, 1),
    )
    assert applicant_kind(None, date(2024, 12, 31), periods) == ("renewal", date(2024, 12, 31))
    assert applicant_kind(None, date(2024, 6, 30), periods) == ("new", None)
    assert applicant_kind(None, None, periods) == ("new", None)
    assert [p.no for p in periods if p.takes("renewal", date(2025, 2, 1))] == [1, 2]
    assert [p.no for p in periods if p.takes("renewal", date(2025, 6, 1))] == [2]
    assert [p.no for p in periods if p.takes("renewal", None)] == []
    assert [p.no for p in periods if p.takes("new", None)] == [1, 2]


@pytest.mark.parametrize(
    ("dates", "problems"),
    [
        (("2025-02-28", "2025-03-21", "2024-11-01", "2025-03-31"), {}),
        (
            ("2024-12-30", "2025-01-10", "2024-11-01", "2025-03-31"),
            {"opens": "申请期应在 2025 年内，当前为 2024-12-30"},
        ),
        (
            ("2025-02-28", "2025-03-21", "2025-03-31", "2024-11-01"),
            {
                "renewal_end_to": "续会终止日范围的结束日不能早于开始日，"
                "当前为 2025-03-31 至 2024-11-01"
            },
        ),
        (
            (None, "2026-01-05", None, "2024-11-01"),
            {"closes": "申请期应在 2025 年内，当前为 2026-01-05"},
        ),
    ],
)
def test_a_programme_years_period_lies_in_its_year_with_its_renewal_range_forwards(dates, problems):
    days = [date.fromisoformat(d) if d else None for d in dates]
    assert programme_problems(2025, *days) == problems
