from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "huzhu.lookup"
    label = "lookup"
    verbose_name = "保单查询"
