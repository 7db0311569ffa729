"""The holiday calendar the rule commands count working days on (SPEC C-5, Q-2)."""

from django.db import DatabaseError

from huzhu.claims.engine import holiday_table
from huzhu.rules.workdays import NO_OVERRIDES, HolidayTable


def configured_calendar() -> HolidayTable:
    """The calendar the live system uses: chinesecalendar plus the years and days loaded with
    `huzhu holidays load` or corrected in the admin, so that `huzhu workdays add` gives the due
    date an approval would get and `huzhu quota-simulate` opens the windows the live allocator
    opens. Where there is no database to read (not configured, not migrated, or access blocked
    as in a test run) nothing has been loaded either: chinesecalendar alone."""
    try:
        return holiday_table(fresh=True)
    except (DatabaseError, RuntimeError):
        return NO_OVERRIDES
