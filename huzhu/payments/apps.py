from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "huzhu.payments"
    label = "payments"
    verbose_name = "救助金发放"
