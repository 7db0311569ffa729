from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from huzhu.accounts.models import ApiToken, User
from huzhu.core import audit
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

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The admin's password page saves the user itself, past save_model: audited here,
        with whether a password is still usable and nothing of the password."""
        with transaction.atomic():
            stored = User.objects.filter(pk=unquote(id)).values_list("password", flat=True)
            before = stored.first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=unquote(id)).first()
            if user is not None and before is not None and user.password != before:
                after = {"usable_password": user.has_usable_password()}
                audit.record(request.user, "accounts.user.password_reset", user, after=after)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("prefix", "user", "kind", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
