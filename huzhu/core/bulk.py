"""Fast multi-row inserts for imports: PostgreSQL COPY, plain executemany elsewhere. Values must
be database-ready (encrypted text, JSON as text, dates); call inside the caller's transaction."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))  # noqa: S608


def lookup_pks(
    model: type[models.Model], field: str, values: Sequence[Any]
) -> list[tuple[Any, int]]:
    """(value, primary key) of rows whose `field` is in `values`: one array parameter on
    PostgreSQL (`= ANY`), chunked IN lists elsewhere, so 100,000 values stay cheap."""
    meta = model._meta
    quote = connection.ops.quote_name
    column = quote(_column(model, field))
    key = quote(_column(model, "pk"))
    head = f"SELECT {column}, {key} FROM {quote(meta.db_table)} WHERE {column}"  # noqa: S608
    found: list[tuple[Any, int]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [list(values)])  # noqa: S608
            return list(cursor.fetchall())
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
            found.extend(cursor.fetchall())
    return found


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{name} has no column")
    return column
