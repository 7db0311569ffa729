"""Writes to accounts, each audited: users, passwords, API tokens, authenticators."""

import secrets
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from huzhu.accounts.models import ApiToken, Duty, Role, User
from huzhu.core import audit
from huzhu.organizations.models import Union, Unit

TOKEN_PREFIX = "hz_"  # noqa: S105 (a public marker, not a secret)
AUDITED = ["username", "display_name", "role", "union", "unit", "is_active"]


def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
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
            **{f"duty_{d.value}": True for d in duties},
        )
        user.follow_role()
        user.set_password(password)
        user.save()
        after = audit.snapshot(user, AUDITED) | {"duties": [d.value for d in duties]}
        audit.record(actor, "accounts.user.created", user, after=after)
    return user


def issue_token(user: User, *, actor: Any, name: str = "", kind: str = ApiToken.Kind.USER) -> str:
    """Create a token for `user` and return it; only its hash is kept. An app token (the union
    app's self-service look-up, SPEC W-1) can call the look-up routes and nothing else."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=user, kind=kind, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key)
        )
        audit.record(
            actor,
            "accounts.token.created",
            token,
            after={"user": user.username, "kind": token.kind, "name": name},
        )
    return key


def change_password(user: User, password: str) -> None:
    """The user's own new password (already checked by Django's validators), audited without
    any trace of the password itself."""
    with transaction.atomic(durable=True):
        user.set_password(password)
        user.temporary_password = False  # his own now: the pages open again
        user.save(update_fields=["password", "temporary_password"])
        audit.record(user, "accounts.user.password_changed", user)


def confirm_authenticator(user: User, device: TOTPDevice) -> None:
    """The user's newly enrolled authenticator replaces any earlier one (its first code has
    been checked)."""
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(user, "accounts.user.2fa_enrolled", user, after={"device": device.name})
