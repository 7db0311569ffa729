from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "huzhu.contracts"
    label = "contracts"
    verbose_name = "保障合同"
