from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "huzhu.core"
    label = "core"
    verbose_name = "系统核心"

    def ready(self) -> None:
        from huzhu.core.clients import check_proxies

        checks.register(check_proxies, checks.Tags.security, deploy=True)
