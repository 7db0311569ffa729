from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default = True  # this module also holds django-axes's config below
    name = "huzhu.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from huzhu.accounts.models import Duty
        from huzhu.core.audit_labels import register

        register(choices={"duties": {d.value: str(d.label) for d in Duty}})


class LockoutConfig(AxesConfig):  # type: ignore[misc]
    """django-axes under a Chinese heading in the admin (its strings: this app's locale)."""

    verbose_name = "登录锁定与登录记录"
