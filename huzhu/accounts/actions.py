"""Writes to accounts, each audited."""

from typing import Any

from django.db import transaction

from huzhu.accounts.models import Duty, Role, User
from huzhu.core import audit
from huzhu.organizations.models import Union, Unit

AUDITED = ["username", "display_name", "role", "union", "unit", "is_active"]


def create_user(
    *,
    actor: Any,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    duties: tuple[Duty, ...] = (),
    union: Union | None = None,
    unit: Unit | None = None,
) -> User:
    with transaction.atomic(durable=True):
        user = User(
            username=username,
            display_name=display_name,
            role=role,
            union=union,
            unit=unit,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            **{f"duty_{d.value}": True for d in duties},
        )
        user.set_password(password)
        user.save()
        after = audit.snapshot(user, AUDITED) | {"duties": [d.value for d in duties]}
        audit.record(actor, "accounts.user.created", user, after=after)
    return user
