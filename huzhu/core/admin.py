from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from huzhu.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit log is append-only for everyone, administrators included."""

    list_display = ("at", "actor_label", "action", "target_code", "target_label")
    list_filter = ("action",)
    search_fields = ("target_code", "actor_label", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
