from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from huzhu.claims.engine import forget_holidays
from huzhu.claims.models import Holiday, HolidayYear
from huzhu.core.admin_audit import AuditedModelAdmin


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Single-day corrections; a whole year is loaded with `huzhu holidays load`, which also
    recomputes provisional due dates."""

    list_display = ("day", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "day"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forget_holidays()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        forget_holidays()


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedModelAdmin):
    list_display = ("year", "loaded_at")
