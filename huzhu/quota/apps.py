from django.apps import AppConfig


class QuotaConfig(AppConfig):
    name = "huzhu.quota"
    label = "quota"
    verbose_name = "普惠名额"
