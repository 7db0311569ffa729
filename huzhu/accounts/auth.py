"""Bearer-token authentication of /api/v1 (tokens are issued by `actions.issue_token`)."""

from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.http import HttpRequest
from ninja.security import HttpBearer

from huzhu.accounts.models import ApiToken, User
from huzhu.core import clock
from huzhu.core.bulk import quoted_column, quoted_table


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


TOUCH_EVERY = timedelta(minutes=5)


def _touch(pk: int, last_used: datetime | None) -> None:
    """Note the token's use, at most every 5 minutes (not a write per request)."""
    if last_used is None or clock.now() - last_used > TOUCH_EVERY:
        _note_use(pk)


def _note_use(pk: int) -> None:
    ApiToken.objects.filter(pk=pk).update(last_used_at=clock.now())


@cache
def _app_token_sql() -> str:
    """The app token's row id and whether its use is due to be noted (last used before the
    parameter), in one statement written out by hand: the ORM spent longer building this query
    than the database took to run it, on every look-up (issue 7's benchmark). Table and column
    names come from the models."""
    token, user, column = quoted_table(ApiToken), quoted_table(User), quoted_column
    used = f"t.{column(ApiToken, 'last_used_at')}"
    return (
        f"SELECT t.{column(ApiToken, 'pk')}, "  # noqa: S608 (names from the models, values bound)
        f"CASE WHEN {used} IS NULL OR {used} < %s THEN 1 ELSE 0 END "
        f"FROM {token} t JOIN {user} u ON u.{column(User, 'pk')} = t.{column(ApiToken, 'user')} "
        f"WHERE t.{column(ApiToken, 'key_hash')} = %s AND t.{column(ApiToken, 'kind')} = %s "
        f"AND t.{column(ApiToken, 'revoked_at')} IS NULL AND u.{column(User, 'is_active')}"
    )


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
        due = connection.ops.adapt_datetimefield_value(clock.now() - TOUCH_EVERY)
        with connection.cursor() as cursor:
            cursor.execute(
                _app_token_sql(), [due, ApiToken.hash_key(token), ApiToken.Kind.APP.value]
            )
            found = cursor.fetchone()
        if found is None:
            return None
        pk, stale = int(found[0]), bool(found[1])
        if stale:  # _touch's rule, decided by the query
            _note_use(pk)
        return pk
