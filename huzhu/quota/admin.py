from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from huzhu.core.admin_audit import AuditedModelAdmin
from huzhu.quota.models import FreeShareApplication, Programme, QuotaPeriod
from huzhu.rules.quota import overlapping


class PeriodFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A year's periods together, as a programme file's are checked (Q-3): in the order of
    their numbers, each window opens after the previous one closes."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.instance.rule()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        pair = overlapping(kept)
        if pair is not None:
            raise ValidationError(f"第{pair[1].no}期的申请时间与第{pair[0].no}期重叠")


class PeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = QuotaPeriod
    formset = PeriodFormSet
    extra = 0
    readonly_fields = ("opened", "rollover_in", "advance_deducted", "granted")


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    """Years and periods are configuration: quota, window, hours, working days, renewal range.
    The ledger columns are written only by the allocator."""

    list_display = ("year", "budget", "support")
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
