"""Accounts, roles and duties (SPEC §0), and API tokens."""

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.db import models
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from huzhu.core import clock


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    STAFF = "staff", "互济会工作人员"
    UNION_OFFICER = "union_officer", "上级工会经办人"
    UNIT_OFFICER = "unit_officer", "基层工会经办人"


class Duty(models.TextChoices):
    REGISTRAR = "registrar", "登记"
    REVIEWER = "reviewer", "审核"
    APPROVER = "approver", "审批"
    CASHIER = "cashier", "发放"


class Users(UserManager["User"]):
    use_in_migrations = False  # migrations keep Django's manager: they never import app code

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        """`huzhu createsuperuser`: a system administrator (role admin, so his second factor
        is asked at his first login), written and audited as every new user is. Django's
        version left the role at its default, a unit officer without a unit, which the
        database refused."""
        from huzhu.accounts.actions import create_user

        name = str(extra.get("display_name") or "")
        return create_user(
            actor=None, username=username, password=password, role=Role.ADMIN, display_name=name
        )


class User(AbstractUser):
    """One login. A union officer is bound to a coordinating union, a unit officer to a unit;
    association staff hold one or more duties (a reviewer and an approver of one claim must be
    different people: SPEC C-4)."""

    objects: ClassVar[Users] = Users()
    REQUIRED_FIELDS: ClassVar[list[str]] = []  # no e-mail: staff are reached by phone

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.UNIT_OFFICER)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    duty_registrar = models.BooleanField("登记", default=False)
    duty_reviewer = models.BooleanField("审核", default=False)
    duty_approver = models.BooleanField("审批", default=False)
    duty_cashier = models.BooleanField("发放", default=False)
    union = models.ForeignKey(
        "organizations.Union",
        verbose_name="所属上级工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    # set by an administrator who gave the user a password (a new login, a forgotten one):
    # until the user sets his own, no page but the password page opens (huzhu.core.access)
    temporary_password = models.BooleanField(
        "临时密码（下次登录须修改）",
        default=False,
        help_text="管理员新建用户或重设密码后自动勾选：用户登录后须先修改为自己的密码。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~models.Q(role="union_officer") | models.Q(union__isnull=False),
                name="union_officer_has_union",
                violation_error_message="上级工会经办人须选择所属上级工会",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="unit_officer") | models.Q(unit__isnull=False),
                name="unit_officer_has_unit",
                violation_error_message="基层工会经办人须选择所属单位",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def audit_code(self) -> str:
        return self.username

    def follow_role(self) -> None:
        """Django's staff and superuser flags open the admin: an administrator has both, nobody
        else either (the second factor is asked by role)."""
        self.is_staff = self.is_superuser = self.role == Role.ADMIN

    @property
    def sees_all_organizations(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)

    @property
    def duties(self) -> list[Duty]:
        if self.role != Role.STAFF:
            return []
        return [d for d in Duty if getattr(self, f"duty_{d.value}")]

    def has_duty(self, duty: str) -> bool:
        return self.role == Role.STAFF and duty in self.duties

    @property
    def scope_label(self) -> str:
        if self.role == Role.UNION_OFFICER and self.union is not None:
            return self.union.name
        if self.role == Role.UNIT_OFFICER and self.unit is not None:
            return self.unit.name
        return "全市"


def user_of(request: HttpRequest) -> User:
    """The logged-in user of a request that passed an access rule."""
    user: User | AnonymousUser | Any = request.user
    if not isinstance(user, User):
        raise TypeError("request has no logged-in user")
    return user


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only its SHA-256 is stored; the token is shown once."""

    class Kind(models.TextChoices):
        USER = "user", "用户令牌"
        APP = "app", "应用查询令牌（仅保单查询）"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.USER)
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def audit_code(self) -> str:
        return self.prefix

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Authenticator(TOTPDevice):  # type: ignore[misc]
    """A user's TOTP authenticator (django-otp's device) under its Chinese name, for the admin,
    where an administrator can only reset one."""

    class Meta:
        proxy = True
        verbose_name = "身份验证器"
        verbose_name_plural = "身份验证器"

    @property
    def audit_code(self) -> str:
        return str(self.user.username)
