from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huzhu.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from huzhu.accounts.models import Duty
        from huzhu.core.audit_labels import register

        register(choices={"duties": {d.value: str(d.label) for d in Duty}})
