from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "huzhu.stats"
    label = "stats"
    verbose_name = "统计"
