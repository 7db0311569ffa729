from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from huzhu.core.admin import ReadOnlyAdmin
from huzhu.core.admin_audit import AuditedModelAdmin
from huzhu.organizations.models import Union, Unit


@admin.register(Union)
class UnionAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "kind", "parent", "contract_series")
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The tree is fixed once built: moving a union would re-scope every officer below it.
        return ("path", "code", "parent") if obj is not None else ("path",)

    def before_save(self, obj: Any, change: bool) -> None:
        if not change:
            obj.path = (obj.parent.path if obj.parent else "/") + obj.code + "/"


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    """Read-only here: units are registered and edited on the app's pages, which validate the
    credit code and audit each change."""

    list_display = ("name", "code", "credit_code", "union", "member_count")
    search_fields = ("name", "code", "credit_code")
    list_filter = ("union__kind",)
