"""Fast multi-row writes for imports: inserts and updates through PostgreSQL COPY (plain
executemany elsewhere), key look-ups sent as one text. Values given to `insert_rows` must be
database-ready (encrypted text, JSON as text, dates); call inside the caller's transaction."""

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk job builds many short-lived, acyclic
    objects (rows, cells, issues); it would otherwise run hundreds of times for nothing.
    Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(column_of(model, name)) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the raw COPY bypasses Django's cursor: map driver errors to django.db's own
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))  # noqa: S608


def keys_in(keys: Sequence[int]) -> RawSQL:
    """A subquery of `keys` for `filter(pk__in=keys_in(ids))`, sent as one text parameter: a
    10,000-element list took psycopg longer to adapt than the query took to run, and SQLite
    refuses a statement with more than 32,766 parameters."""
    text = ",".join(map(str, (int(k) for k in keys)))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(string_to_array(%s, ',')::bigint[])", [text])
    return RawSQL("SELECT value FROM json_each(%s)", [f"[{text}]"])


def update_rows(
    model: type[models.Model], fields: Sequence[str], objects: Sequence[models.Model]
) -> None:
    """Write `fields` of saved `objects` back in a few statements: on PostgreSQL a COPY into a
    temporary table of those columns and one UPDATE … FROM it; elsewhere one executemany.
    (Django's bulk_update builds a CASE expression per row and field: re-importing a
    10,000-worker roster spent 15 s building them.) Call inside the caller's transaction."""
    if not objects:
        return
    meta = model._meta
    chosen = [_field(model, name) for name in fields]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(column_of(model, "pk"))
    columns = [quote(column_of(model, name)) for name in fields]
    rows = [
        (obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in chosen))
        for obj in objects
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{c} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608
                [(*values, pk) for pk, *values in rows],
            )
            return
        listed = ", ".join([key, *columns])
        cursor.execute(
            f"CREATE TEMPORARY TABLE bulk_update ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY bulk_update ({listed}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{c} = source.{c}" for c in columns)
        cursor.execute(
            f"UPDATE {table} AS target SET {assignments} FROM bulk_update AS source "  # noqa: S608
            f"WHERE target.{key} = source.{key}"
        )
        cursor.execute("DROP TABLE bulk_update")


def dates_as_text() -> bool:
    """Whether `insert_rows` takes dates and times as ISO text: on PostgreSQL COPY parses text
    several times faster than the driver formats a date or time object (timestamps with their
    offset); SQLite keeps Django's own text form of the objects."""
    return connection.vendor == "postgresql"


def literal(value: date | datetime) -> date | datetime | str:
    """A date or time for `insert_rows` (see `dates_as_text`)."""
    return value.isoformat() if dates_as_text() else value


def reserve_pks(model: type[models.Model], count: int) -> list[int] | None:
    """`count` primary keys taken from the table's sequence (PostgreSQL), so rows can be
    COPYed with their ids and need no look-up afterwards; None elsewhere."""
    if connection.vendor != "postgresql" or count == 0:
        return None
    meta = model._meta
    with connection.cursor() as cursor:
        # the sequence is looked up once (an init plan, not once a row) and the keys come back
        # as one array in one row: both were several times slower the plain way
        cursor.execute(
            "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass))) "
            "FROM generate_series(1, %s)",
            [meta.db_table, column_of(model, "pk"), count],
        )
        (keys,) = cursor.fetchone()
        return list(keys)


def lookup_pks(
    model: type[models.Model], field: str, values: Sequence[Any]
) -> list[tuple[Any, int]]:
    """(value, primary key) of rows whose `field` is in `values`: one parameter on PostgreSQL
    (`= ANY`), chunked IN lists elsewhere, so 100,000 values stay cheap."""
    meta = model._meta
    quote = connection.ops.quote_name
    column = quote(column_of(model, field))
    key = quote(column_of(model, "pk"))
    head = f"SELECT {column}, {key} FROM {quote(meta.db_table)} WHERE {column}"  # noqa: S608
    found: list[tuple[Any, int]] = []
    if not values:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # hashes and codes go as one text the server splits: adapting a 10,000-element
            # array parameter took several times longer than the query itself (keys: keys_in)
            if all(type(v) is str and "," not in v for v in values):
                cursor.execute(f"{head} = ANY(string_to_array(%s, ','))", [",".join(values)])  # noqa: S608
            else:
                cursor.execute(f"{head} = ANY(%s)", [list(values)])  # noqa: S608
            return list(cursor.fetchall())
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
            found.extend(cursor.fetchall())
    return found


def insert_statement(
    obj: models.Model, *, computed: Mapping[str, str] | None = None
) -> tuple[str, list[Any]]:
    """`INSERT INTO table (columns) VALUES (…)` of one unsaved object and its parameters, each
    value prepared as Django's own save prepares it (defaults already set on the object), for
    writing several rows of different tables in one statement. `computed` gives SQL
    expressions for some fields (a key returned by an earlier part of the same statement)."""
    meta = obj._meta
    quote = connection.ops.quote_name
    computed = computed or {}
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in meta.local_concrete_fields:
        if field.primary_key and getattr(obj, field.attname) is None:
            continue  # the sequence gives it
        columns.append(quote(field.column))
        if field.name in computed:
            values.append(computed[field.name])
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    table = quote(meta.db_table)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})", params  # noqa: S608


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def column_of(model: type[models.Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{name} has no column")
    return column


def quoted_table(model: type[models.Model]) -> str:
    """The model's table name, quoted for hand-written SQL."""
    return str(connection.ops.quote_name(model._meta.db_table))


def quoted_column(model: type[models.Model], name: str) -> str:
    """The column of a field ("pk" for the primary key), quoted for hand-written SQL."""
    return str(connection.ops.quote_name(column_of(model, name)))
