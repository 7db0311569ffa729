"""Fixed-window rate limits shared by every server process (SPEC W-2): one atomic upsert per
key, so two workers can never both let the 6th look-up through."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection

from huzhu.core import clock, crypto
from huzhu.lookup.models import Throttle

PURGE_ONE_IN = 1000


@dataclass(frozen=True)
class Limit:
    name: str  # "client", "app" or "id_number"
    count: int  # look-ups allowed per window; 0 turns the limit off
    seconds: int

    @classmethod
    def setting(cls, name: str) -> "Limit":
        count, seconds = settings.LOOKUP_LIMITS[name]
        return cls(name, count, seconds)


def allow(limit: Limit, value: str) -> bool:
    """Count one look-up for `value` under `limit`; False once the window's allowance is used."""
    if limit.count <= 0:
        return True
    key = f"{limit.name}:{crypto.keyed_hash(value, 'lookup-' + limit.name)[:64]}"
    now = clock.now()
    stale = now - timedelta(seconds=limit.seconds)
    quote = connection.ops.quote_name
    table, key_col, start, count = (
        quote(name) for name in (Throttle._meta.db_table, "key", "window_start", "count")
    )
    sql = (
        f"INSERT INTO {table} ({key_col}, {start}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{start} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{start} = CASE WHEN {table}.{start} <= %s THEN %s ELSE {table}.{start} END "
        f"RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now, stale, stale, now])
        row = cursor.fetchone()
        if secrets.randbelow(PURGE_ONE_IN) == 0:  # now and then, forget windows long past
            cursor.execute(
                f"DELETE FROM {table} WHERE {start} < %s",  # noqa: S608
                [now - timedelta(days=1)],
            )
    return row is not None and int(row[0]) <= limit.count
