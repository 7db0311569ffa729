from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from huzhu.accounts.models import ApiToken, User
from huzhu.core.admin_audit import AuditedModelAdmin


@admin.register(User)
class HuzhuUserAdmin(AuditedModelAdmin, UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "role", "union", "unit", "is_active")
    list_filter = ("role", "is_active", "duty_registrar", "duty_reviewer", "duty_approver")
    search_fields = ("username", "display_name")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "角色与范围",
            {
                "fields": (
                    "role",
                    "display_name",
                    "phone",
                    "union",
                    "unit",
                    "duty_registrar",
                    "duty_reviewer",
                    "duty_approver",
                    "duty_cashier",
                )
            },
        ),
    )
    autocomplete_fields: ClassVar[list[str]] = ["union", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("prefix", "user", "kind", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
