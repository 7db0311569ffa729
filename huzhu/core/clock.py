"""The current date and time of business code. HUZHU_TODAY / HUZHU_NOW move time for demos
and tests; business code never calls date.today() or datetime.now() directly."""

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from huzhu.rules.dates import read_day


def now() -> datetime:
    """An aware datetime. HUZHU_NOW wins; with only HUZHU_TODAY set, today's wall-clock time on
    that day (so timestamps of a moved day still increase)."""
    fixed = str(getattr(settings, "HUZHU_NOW", "") or "")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment
    day = str(getattr(settings, "HUZHU_TODAY", "") or "")
    if day:
        local = timezone.localtime()
        wall: time = local.timetz()
        return datetime.combine(date.fromisoformat(day), wall)
    return timezone.now()


def parse_day(text: str) -> date | None:
    """A day typed into a form or a link (2026-11-30, or as `read_day` reads it), or None when
    there is none or it is no day (2026-11-31)."""
    return read_day(text) if text else None


def start_of(day: date) -> datetime:
    """The first instant of `day` in China Standard Time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def today() -> date:
    """The business date in China Standard Time (HUZHU_NOW wins over HUZHU_TODAY)."""
    day = str(getattr(settings, "HUZHU_TODAY", "") or "")
    if day and not getattr(settings, "HUZHU_NOW", ""):
        return date.fromisoformat(day)
    return timezone.localtime(now()).date()
