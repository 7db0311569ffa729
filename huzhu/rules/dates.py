"""The one date convention: a contract covers the days (effective, end] (SPEC P-3)."""

import re
from datetime import date, timedelta

# the earliest day any date of the scheme may be: earlier ones are typing errors (a birth in
# 1899, a claim in year 1)
EARLIEST = date(1900, 1, 1)
# the latest day a case file may name: past it the arithmetic leaves the calendar (an effective
# date of 9999-12-31 ends in year 10000)
LATEST = date(2999, 12, 31)
# the years a programme, a holiday calendar or a statistics year may be given for
FIRST_YEAR, LAST_YEAR = 2000, 2100


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February (SPEC P-3)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def contract_end(effective: date) -> date:
    return add_years(effective, 1)


def in_force(effective: date, end: date, day: date) -> bool:
    """An event on `day` is covered when effective < day <= end (保险责任自生效次日开始)."""
    return effective < day <= end


def waiting_over(start: date, waiting_days: int, day: date) -> bool:
    """SPEC P-5: payable only when start + waiting_days < day."""
    return start + timedelta(days=waiting_days) < day


def age_on(birth: date, day: date) -> int:
    """Age in completed years (周岁) on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def renewed_in_time(previous_end: date | None, submitted: date | None) -> bool:
    """K-5: a renewal submitted (the day in China) by its previous contract's end date."""
    return previous_end is not None and submitted is not None and submitted <= previous_end


def paid_effective(
    confirmed: date,
    *,
    previous_end: date | None = None,
    submitted: date | None = None,
    requested: date | None = None,
) -> date:
    """K-6: the effective date of a paid contract whose fee is confirmed on `confirmed`. A
    renewal submitted by its previous contract's end date (K-5; `submitted` is the day in China)
    continues on that end date; otherwise the confirmation day, or a later requested day."""
    if previous_end is not None and renewed_in_time(previous_end, submitted):
        return previous_end
    if requested is not None and requested > confirmed:
        return requested
    return confirmed


# a day as people, spreadsheets and banks write it, year first: 2026-11-30, 2026/11/30,
# 2026.11.30 or 2026年11月30日, with or without leading zeros, maybe followed by the time of
# day; or 20261130
_DAY = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|(\d{4})(\d{2})(\d{2})"
)
DAY_FORMATS = "2026-11-30，也可写 2026/11/30、2026.11.30、2026年11月30日 或 20261130"


def read_day(text: str) -> date | None:
    """The day `text` names, or None when it names none (2026-11-31) or is not written year
    first (a day-first 20/07/2023 could be read two ways and is not guessed)."""
    match = _DAY.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups() if part is not None)
    try:
        return date(year, month, day)
    except ValueError:
        return None
