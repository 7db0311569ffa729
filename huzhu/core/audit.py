"""Writing audit entries. Actions call `record` inside their transaction."""

from typing import Any, Protocol

from django.db import models

from huzhu.core.models import AuditEntry


class Auditable(Protocol):
    """An object with a public code (never a row id) and a human label."""

    @property
    def audit_code(self) -> str: ...

    def __str__(self) -> str: ...


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields`, foreign keys by their public code when they have one."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = getattr(value, "audit_code", None) or str(value.pk)
        elif value is not None and not isinstance(value, str | int | bool | float):
            value = str(value)
        data[name] = value
    return data


def build(
    actor: Any,
    action: str,
    target: Auditable,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry, for bulk writes (`AuditEntry.objects.bulk_create`) in one transaction.
    `actor` None means the system (a command or a migration)."""
    meta = getattr(target, "_meta", None)
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "系统"),
        action=action,
        target_type=meta.label_lower if meta is not None else type(target).__name__,
        target_code=target.audit_code,
        target_label=str(target)[:300],
        before=before,
        after=after,
    )


def record(
    actor: Any,
    action: str,
    target: Auditable,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, inside the caller's transaction."""
    entry = build(actor, action, target, before=before, after=after)
    entry.save()
    return entry


def actor_name(entry: AuditEntry, viewer: Any) -> str:
    """Who did it, as `viewer` may read it. Staff and administrators see the name and the
    login (`actor_shown`); anyone else sees the association's staff as 互济会工作人员, since a
    staff login is half of what signing in as that person takes, and other people by name."""
    from huzhu.accounts.models import Role

    staff = (Role.ADMIN, Role.STAFF)
    if entry.actor is None or getattr(viewer, "role", None) in staff:
        return entry.actor_shown
    if entry.actor.role in staff:
        return "互济会工作人员"
    return entry.actor.display_name or entry.actor_label
