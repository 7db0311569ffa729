from typing import Any, ClassVar

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UsernameField
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from huzhu.accounts.models import ApiToken, Authenticator, User
from huzhu.core import audit
from huzhu.core.admin_audit import AuditedModelAdmin

ROLE_AND_SCOPE = (
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


class NewUserForm(AdminUserCreationForm):
    """A new login names its role and scope on the same page (a unit officer without a unit
    is refused with the constraint's message, not stored)."""

    class Meta:
        model = User
        fields = ("username", *ROLE_AND_SCOPE)
        field_classes: ClassVar[dict[str, type]] = {"username": UsernameField}


@admin.register(User)
class HuzhuUserAdmin(AuditedModelAdmin, UserAdmin):  # type: ignore[type-arg]
    """Users and their role, scope and duties. Django's staff and superuser flags follow the
    role (an administrator has both, nobody else either), so the admin opens to administrators
    only, and only after their second factor; groups and permissions are not used."""

    # who has not yet replaced the password he was told shows in the list and its filter
    list_display = (
        "username",
        "display_name",
        "role",
        "union",
        "unit",
        "is_active",
        "temporary_password",
    )
    list_filter = (
        "role",
        "is_active",
        "temporary_password",
        "duty_registrar",
        "duty_reviewer",
        "duty_approver",
    )
    search_fields = ("username", "display_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("角色与范围", {"fields": ROLE_AND_SCOPE}),
        ("状态", {"fields": ("is_active", "temporary_password", "last_login", "date_joined")}),
    )
    add_form = NewUserForm
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        ("角色与范围", {"fields": ROLE_AND_SCOPE}),
    )
    autocomplete_fields: ClassVar[list[str]] = ["union", "unit"]

    def before_save(self, obj: Any, change: bool) -> None:
        obj.follow_role()
        if not change:  # the password was given by the administrator: the user sets his own
            obj.temporary_password = obj.has_usable_password()

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
                # a password told to the user (by phone): he sets his own at his next login
                user.temporary_password = user.has_usable_password()
                user.save(update_fields=["temporary_password"])
                after = {
                    "usable_password": user.has_usable_password(),
                    "temporary_password": user.temporary_password,
                }
                audit.record(request.user, "accounts.user.password_reset", user, after=after)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Tokens are issued by `huzhu create-token` (the token shown once); here an administrator
    names or revokes one. Its owner and kind stay as issued: moved to another account, a token
    would carry that account's rights."""

    list_display = ("prefix", "user", "kind", "name", "created_at", "last_used_at", "revoked_at")
    fields = ("prefix", "user", "kind", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "user", "kind", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# Access is by role and duty (accounts.models), never by Django's groups: a group could only
# mislead, and its edits would not be audited. The libraries' own admin pages of second
# factors and lock-outs are replaced by the ones below (their apps come first in
# INSTALLED_APPS, so they are registered by now).
admin.site.unregister([Group, TOTPDevice, AccessAttempt, AccessLog, AccessFailureLog])


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedModelAdmin):
    """Second factors: an administrator can only reset one (delete it, audited; the user enrols
    again at his next login). Adding, editing, and the library's pages that show a device's
    secret as text or QR code are closed: with them an administrator could sign in as anyone
    whose password he can set."""

    list_display = ("owner", "device_name", "in_use", "enrolled", "last_used")
    fields = readonly_fields = list_display
    search_fields = ("user__username", "user__display_name")

    @admin.display(description="用户", ordering="user__username")
    def owner(self, device: TOTPDevice) -> str:
        return f"{device.user}（{device.user.username}）"

    @admin.display(description="名称")
    def device_name(self, device: TOTPDevice) -> str:
        return str(device.name)

    @admin.display(description="已启用", boolean=True)
    def in_use(self, device: TOTPDevice) -> bool:
        return bool(device.confirmed)

    @admin.display(description="启用时间", ordering="created_at")
    def enrolled(self, device: TOTPDevice) -> Any:
        return device.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> Any:
        return device.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessAttempt)
class LockoutAdmin(AuditedModelAdmin, AccessAttemptAdmin):  # type: ignore[misc]
    """Deleting a lock-out's attempts lets the account sign in again: audited."""


class _ReadOnlyLog:
    """The login history each user reads at /account/logins/: kept, not deleted here."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLog)
class LoginLogAdmin(_ReadOnlyLog, AccessLogAdmin):  # type: ignore[misc]
    pass


@admin.register(AccessFailureLog)
class FailedLoginLogAdmin(_ReadOnlyLog, AccessFailureLogAdmin):  # type: ignore[misc]
    pass
