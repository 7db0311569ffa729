"""Django admin edits of configuration are state changes too: this base class audits them."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from huzhu.core import audit

SECRET_FIELDS = frozenset({"password", "key_hash", "key"})  # key: a second factor's secret


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def _fields(self, obj: models.Model, form: Any) -> list[str]:
        concrete = {f.name for f in obj._meta.concrete_fields}
        return [n for n in form.changed_data if n in concrete and n not in SECRET_FIELDS]

    def before_save(self, obj: Any, change: bool) -> None:
        """Hook for derived fields (a union's path)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = self._fields(obj, form)
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else None
            self.before_save(obj, change)
            super().save_model(request, obj, form, change)
            after = audit.snapshot(obj, fields)
            verb = "updated" if change else "created"
            self._record(request, _Target(obj), verb, before=before, after=after)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows edited inline on the parent's page (a programme's periods) are audited as the
        parent is: created, changed fields before and after, deleted."""
        with transaction.atomic():
            stored = {  # the forms have already written the new values into their instances
                row.instance.pk: type(row.instance).objects.get(pk=row.instance.pk)
                for row in formset.forms
                if row.instance.pk is not None and row.has_changed()
            }
            deleted = [(_Target(row.instance), row.instance.pk) for row in formset.deleted_forms]
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                self._record(request, _Target(obj), "created", after=_values(obj))
            for obj, names in formset.changed_objects:
                fields = [n for n in names if n not in SECRET_FIELDS]
                before = audit.snapshot(stored[obj.pk], fields)
                after = audit.snapshot(obj, fields)
                self._record(request, _Target(obj), "updated", before=before, after=after)
            for target, pk in deleted:
                self._record(request, target, "deleted", before=_values(stored[pk]))

    def _record(self, request: HttpRequest, target: "_Target", verb: str, **change: Any) -> None:
        action = f"{target._meta.label_lower}.{verb}"
        audit.record(request.user, action, target, **change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            target, before = _Target(obj), _values(obj)
            super().delete_model(request, obj)
            self._record(request, target, "deleted", before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        """The list's “delete selected” deletes in one statement unless told otherwise: each row
        goes through delete_model, so each is audited (and its model's hooks run)."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def _values(obj: models.Model) -> dict[str, Any]:
    """A whole row for the audit (a created or deleted one), secrets left out."""
    names = [f.name for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    return audit.snapshot(obj, names)


class _Target:
    """Wraps a model for audit.record when it has no audit_code of its own."""

    def __init__(self, obj: models.Model) -> None:
        self.obj = obj
        self._meta = obj._meta
        self.code = str(getattr(obj, "audit_code", None) or obj.pk)
        self.label = str(obj)

    @property
    def audit_code(self) -> str:
        return self.code

    def __str__(self) -> str:
        return self.label
