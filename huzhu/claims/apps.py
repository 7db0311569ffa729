from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "huzhu.claims"
    label = "claims"
    verbose_name = "救助申请"

    def ready(self) -> None:
        from huzhu.claims.checklist import ITEM_LABELS
        from huzhu.claims.workflow import STEP_LABELS
        from huzhu.core.audit_labels import register

        register(STEP_LABELS, {"item": ITEM_LABELS})
