from datetime import date, datetime
from zoneinfo import ZoneInfo

from huzhu.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_today_follows_huzhu_today(settings):
    settings.HUZHU_TODAY = "2025-02-28"
    settings.HUZHU_NOW = ""
    assert clock.today() == date(2025, 2, 28)
    assert clock.now().date() == date(2025, 2, 28)
    assert clock.now().tzinfo is not None


def test_now_follows_huzhu_now_in_china_time(settings):
    settings.HUZHU_TODAY = ""
    settings.HUZHU_NOW = "2025-03-21T16:59:59"
    assert clock.now() == datetime(2025, 3, 21, 16, 59, 59, tzinfo=SHANGHAI)
    assert clock.today() == date(2025, 3, 21)


def test_now_with_offset_is_the_same_instant(settings):
    settings.HUZHU_TODAY = ""
    settings.HUZHU_NOW = "2025-03-20T17:30:00+00:00"
    # 17:30 UTC is already the next morning in Jinan.
    assert clock.today() == date(2025, 3, 21)


def test_real_clock_when_unset(settings):
    settings.HUZHU_TODAY = ""
    settings.HUZHU_NOW = ""
    assert abs((clock.now() - datetime.now(tz=SHANGHAI)).total_seconds()) < 5


def test_now_wins_over_today(settings):
    settings.HUZHU_TODAY = "2025-01-01"
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    assert clock.today() == date(2025, 3, 3)
