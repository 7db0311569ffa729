from django.contrib import admin

from huzhu.core.admin_audit import AuditedModelAdmin
from huzhu.quota.models import FreeShareApplication, Programme, QuotaPeriod


class PeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = QuotaPeriod
    extra = 0
    readonly_fields = ("opened", "rollover_in", "advance_deducted", "granted")


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    """Years and periods are configuration: quota, window, hours, working days, renewal range.
    The ledger columns are written only by the allocator."""

    list_display = ("year", "budget")
    inlines = (PeriodInline,)


@admin.register(FreeShareApplication)
class FreeShareApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("submitted_at", "unit", "status", "granted", "reason")
    list_filter = ("status", "reason")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
