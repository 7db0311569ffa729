from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from huzhu.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Listed and searchable in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only for everyone, administrators included."""

    list_display = ("at", "actor_label", "action", "target_code", "target_label")
    list_filter = ("action",)
    search_fields = ("target_code", "actor_label", "action")
