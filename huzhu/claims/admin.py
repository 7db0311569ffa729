from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from huzhu.claims.actions import recompute_due_dates, unlist_empty_holiday_year
from huzhu.claims.models import Holiday, HolidayYear
from huzhu.core.admin_audit import AuditedModelAdmin


def _recomputed(request: HttpRequest, first: date, last: date) -> None:
    """C-5: due dates follow a corrected calendar at once, as after `huzhu holidays load`."""
    changed = recompute_due_dates(first, last, actor=request.user)
    if changed:
        messages.info(request, f"已按调整后的日历重新计算 {changed} 件申请的应发放日期")


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Single-day corrections; a whole year is loaded with `huzhu holidays load`. Either way the
    due dates the change reaches are recomputed."""

    list_display = ("day", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "day"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        moved_from = form.initial.get("day", obj.day)  # a corrected day may have been moved
        super().save_model(request, obj, form, change)
        _changed(request, min(moved_from, obj.day), max(moved_from, obj.day), moved_from.year)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _changed(request, obj.day, obj.day, obj.day.year)


def _changed(request: HttpRequest, first: date, last: date, left: int) -> None:
    """Days first..last corrected, a day taken out of year `left`: a listed year left without
    a day is unlisted, and the administrator told so (its due dates follow, the whole year)."""
    if unlist_empty_holiday_year(left, actor=request.user):
        messages.warning(
            request,
            f"{left} 年已没有任何放假日或调休上班日，已不再列为“已载入节假日的年份”：该年按未载入"
            "计算（chinesecalendar 已知的年份按其日历，其余按周一至周五，应发放日期为暂定）",
        )
        first, last = min(first, date(left, 1, 1)), max(last, date(left, 12, 31))
    _recomputed(request, first, last)


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedModelAdmin):
    """A year listed here is fully described by the corrections (its other days Monday-Friday),
    so listing or unlisting one changes due dates too."""

    list_display = ("year", "loaded_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        moved_from = form.initial.get("year", obj.year)
        super().save_model(request, obj, form, change)
        first, last = sorted((moved_from, obj.year))
        _recomputed(request, date(first, 1, 1), date(last, 12, 31))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _recomputed(request, date(obj.year, 1, 1), date(obj.year, 12, 31))
