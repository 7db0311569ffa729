"""Bearer-token authentication of /api/v1 and token issuing."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja.security import HttpBearer

from huzhu.accounts.models import ApiToken, User
from huzhu.core import audit, clock

TOKEN_PREFIX = "hz_"  # noqa: S105 (a public marker, not a secret)


def issue_token(user: User, *, actor: Any, name: str = "", kind: str = ApiToken.Kind.USER) -> str:
    """Create a token for `user` and return it; only its hash is kept. An app token (the union
    app's self-service look-up, SPEC W-1) can call the look-up routes and nothing else."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
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


def _token(key: str, kind: str) -> ApiToken | None:
    found = (
        ApiToken.objects.select_related("user", "user__union", "user__unit")
        .filter(key_hash=ApiToken.hash_key(key), kind=kind, revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    _touch(found.pk, found.last_used_at)
    return found


def _touch(pk: int, last_used: datetime | None) -> None:
    """Note the token's use, at most every 5 minutes (not a write per request)."""
    now = clock.now()
    if last_used is None or now - last_used > timedelta(minutes=5):
        ApiToken.objects.filter(pk=pk).update(last_used_at=now)


class BearerToken(HttpBearer):
    """A person's token: everything the person's role allows. App tokens are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = _token(token, ApiToken.Kind.USER)
        if found is None:
            return None
        request.user = found.user
        return found.user


class AppToken(HttpBearer):
    """The union app's token: only the self-service look-up routes accept it. Returns the
    token's row id (the look-up needs nothing else; kept lean, it runs on every look-up)."""

    def authenticate(self, request: HttpRequest, token: str) -> int | None:
        found = (
            ApiToken.objects.filter(
                key_hash=ApiToken.hash_key(token),
                kind=ApiToken.Kind.APP,
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .values_list("pk", "last_used_at")
            .first()
        )
        if found is None:
            return None
        pk, last_used = found
        _touch(pk, last_used)
        return int(pk)
