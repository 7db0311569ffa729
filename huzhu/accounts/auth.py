"""Bearer-token authentication of /api/v1 and token issuing."""

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja.security import HttpBearer

from huzhu.accounts.models import ApiToken, User
from huzhu.core import audit, clock

TOKEN_PREFIX = "hz_"  # noqa: S105 (a public marker, not a secret)


def issue_token(user: User, *, actor: Any, name: str = "") -> str:
    """Create a token for `user` and return it; only its hash is kept."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key)
        )
        audit.record(
            actor,
            "accounts.token.created",
            token,
            after={"user": user.username, "kind": token.kind, "name": name},
        )
    return key


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user", "user__union", "user__unit")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = clock.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
