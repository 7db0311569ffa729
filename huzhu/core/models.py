"""AuditEntry: the append-only log of every state change (brief, non-negotiable 6)."""

from datetime import date, timedelta
from functools import lru_cache
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from huzhu.core import clock
from huzhu.core.audit_labels import KEY_CHOICES, KEY_LABELS, action_label


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def matching(
        self, *, action: str = "", target: str = "", actor: str = ""
    ) -> "AuditEntryQuerySet":
        """The audit page's filters, each left out when empty: an action code or its prefix
        (``claims.`` for every claim step), an object's code and an actor's login, exactly."""
        entries = self.filter(action__startswith=action) if action else self
        if target:
            entries = entries.filter(target_code=target)
        return entries.filter(actor_label=actor) if actor else entries

    def between(self, first: date | None, last: date | None) -> "AuditEntryQuerySet":
        """Entries from the start of day `first` through the end of day `last`, days in China
        (an entry at 00:30 on the 30th is on the 30th, though UTC still says the 29th)."""
        entries = self.filter(at__gte=clock.start_of(first)) if first else self
        if last:
            entries = entries.filter(at__lt=clock.start_of(last + timedelta(days=1)))
        return entries

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """Who did what to which object, when, with the state before and after.

    On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002); on SQLite a trigger
    refuses UPDATE; in Python, save() of an existing row and delete() raise.
    """

    at = models.DateTimeField("时间", default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人名称", max_length=150)
    action = models.CharField("操作代码", max_length=100, db_index=True)
    target_type = models.CharField("对象类型", max_length=100)
    target_code = models.CharField("对象编号", max_length=100)
    target_label = models.CharField("对象名称", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        # target codes are matched exactly: a Meta index has no LIKE twin (db_index=True would
        # add one on PostgreSQL that every audited change writes to); `action` keeps db_index,
        # its LIKE index serves the audit page's prefix filter
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["target_code"], name="audit_target_code"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.target_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除")

    @property
    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field whose value differs."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def actor_shown(self) -> str:
        """Who, as staff and administrators read it: the name, with the login the entry keeps
        (the name may change; the login is what the entry recorded)."""
        name = self.actor.display_name if self.actor else ""
        return f"{name}（{self.actor_label}）" if name else self.actor_label

    @property
    def changes_for_display(self) -> list[tuple[str, Any, Any]]:
        """changed_fields with each field named by its Chinese label, and coded values (states,
        kinds, yes/no) by theirs."""
        rows = []
        for name, before, after in self.changed_fields:
            label, choices = _field_meta(self.target_type, name)
            rows.append((label, _shown(choices, before), _shown(choices, after)))
        return rows


LIST_SHOWN = 20  # a roster import lists every member it created: the page shows the first ones


def _shown(choices: dict[Any, str], value: Any) -> Any:
    """A coded value by its label, yes/no in words, a list as its items joined (a long list
    cut to its first items and its length: the entry itself keeps every item), an object as
    its pairs."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        items = [str(_shown(choices, v)) for v in value[:LIST_SHOWN]]
        if len(value) > LIST_SHOWN:
            items.append(f"……共 {len(value)} 项")
        return "、".join(items) if items else "（无）"
    if isinstance(value, dict):
        return "，".join(f"{_key_label(k)}：{_shown({}, v)}" for k, v in value.items())
    return choices.get(value, value)


def _key_label(key: str) -> str:
    return KEY_LABELS.get(key, key)


@lru_cache(maxsize=512)
def _field_meta(model_label: str, field: str) -> tuple[str, dict[Any, str]]:
    """A field's Chinese label and choices; a summary's key (not a field) by its label."""
    try:
        model_field = apps.get_model(model_label)._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist):
        return _key_label(field), KEY_CHOICES.get(field, {})
    choices = {k: str(v) for k, v in (getattr(model_field, "flatchoices", None) or [])}
    label = str(getattr(model_field, "verbose_name", field))
    return (_key_label(field) if label == field.replace("_", " ") else label), choices
