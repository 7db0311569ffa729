from django.contrib import admin

from huzhu.claims.models import Holiday, HolidayYear
from huzhu.core.admin_audit import AuditedModelAdmin


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Single-day corrections; a whole year is loaded with `huzhu holidays load`, which also
    recomputes provisional due dates."""

    list_display = ("day", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "day"


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedModelAdmin):
    list_display = ("year", "loaded_at")
