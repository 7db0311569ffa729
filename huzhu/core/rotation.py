"""Re-encryption of every encrypted field, and of every sealed file (claim documents, kept
rosters), under the current field key (issue 8 §4). Batches of rows, each in its own short
transaction, so readers never wait long and an interrupted run simply continues where it
stopped: a row is "done" when its value starts with the current key id (a file when its header
names it). Values stay readable throughout (the previous keys still open them) and look-up hashes do
not change (they use the hash key, see crypto)."""

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from huzhu.core import crypto
from huzhu.core.bulk import column_of
from huzhu.core.fields import EncryptedTextField
from huzhu.core.oserror import write_whole

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"

    @property
    def title(self) -> str:
        """In Chinese, for the command's report: 职工会员·身份证号码."""
        meta = self.model._meta
        return f"{meta.verbose_name}·{meta.get_field(self.field).verbose_name}"  # type: ignore[union-attr]


@cache
def _titles() -> dict[str, str]:
    # the models do not change while a process runs: read once, not on every progress line
    return {c.label: c.title for c in encrypted_columns()}


def counted(label: str, count: int) -> str:
    """One line of the command's report, in Chinese: 职工会员·身份证号码：7 行."""
    if label == FILES:
        return f"上传的材料与保存的名册：{count} 个文件"
    return f"{_titles().get(label, label)}：{count} 行"


@dataclass(frozen=True)
class FieldKey:
    """The audit target of a rotation."""

    audit_code: str

    def __str__(self) -> str:
        return f"字段加密密钥 {self.audit_code}"


def encrypted_columns() -> list[Column]:
    return [
        Column(model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def _stale(column: Column, current: str) -> "models.QuerySet[models.Model]":
    """Rows whose value is sealed under another key (empty values have nothing to seal)."""
    name = column.field
    return (
        column.model._default_manager.exclude(**{f"{name}__startswith": f"{current}:"})
        .exclude(**{name: ""})
        .exclude(**{f"{name}__isnull": True})
    )


ROTATING = ".rotating"
FILES = "files"  # the label of sealed files (claim documents, kept rosters) in the counts
SEALED_FOLDERS = ("claims", "imports")  # under MEDIA_ROOT


def remaining() -> dict[str, int]:
    current = crypto.current_key_id()
    counts = {c.label: _stale(c, current).count() for c in encrypted_columns()}
    return counts | {FILES: sum(1 for _ in _stale_files(current))}


def _stale_files(current: str) -> Iterator[Path]:
    """Files sealed under another key, or written before files were sealed."""
    head = len(crypto.FILE_MAGIC) + crypto.KEY_ID_BYTES
    for folder in SEALED_FOLDERS:
        for path in sorted((Path(settings.MEDIA_ROOT) / folder).rglob("*")):
            if path.name.endswith(ROTATING):  # a stopped run's half-written copy
                continue
            try:
                with path.open("rb") as handle:
                    if crypto.file_key_id(handle.read(head)) != current:
                        yield path
            except (IsADirectoryError, FileNotFoundError):  # a folder; or taken meanwhile
                continue


def _rotate_files(current: str) -> int:
    """Re-seal stale files in place (a new file renamed over the old one, so a reader sees
    either whole); the plain bytes, and so the documents' SHA-256, do not change."""
    for folder in SEALED_FOLDERS:  # a stopped run's copies: their originals are still there
        for leftover in (Path(settings.MEDIA_ROOT) / folder).rglob("*" + ROTATING):
            leftover.unlink(missing_ok=True)
    done = 0
    for path in _stale_files(current):
        try:
            data = crypto.open_file(path.read_bytes())
        except FileNotFoundError:  # replaced or taken meanwhile
            continue
        except crypto.FieldKeyError as exc:  # altered, or under a key no longer configured
            logger.warning("cannot re-seal %s: %s", path, exc)
            continue
        fresh = path.with_name(path.name + ROTATING)
        write_whole(fresh, crypto.seal_file(data))  # OSError: the command says why
        os.replace(fresh, path)
        done += 1
    return done


def rotate(batch: int = 500, *, limit: int | None = None) -> Iterator[tuple[str, int]]:
    """Re-encrypt stale rows; yields (column, rows done so far) after each batch. `limit`
    stops after that many batches (to spread the work, or in tests to simulate a stop).
    Each batch starts after the last key of the one before: starting from the first row every
    time, a batch re-read every row already done (the whole run grew with the square of the
    table). A pass that rotated rows is followed by another from the start, for rows another
    worker held locked; the column is done when a pass finds nothing."""
    current = crypto.current_key_id()
    batches = 0
    yield FILES, _rotate_files(current)  # files are few next to rows: in one go, first
    for column in encrypted_columns():
        done, after, in_pass = 0, 0, 0
        while limit is None or batches < limit:
            moved, last = _rotate_batch(column, current, batch, after)
            if moved:
                done, in_pass, after, batches = done + moved, in_pass + moved, last, batches + 1
                yield column.label, done
            elif in_pass:
                after, in_pass = 0, 0
            else:
                break


def _rotate_batch(column: Column, current: str, size: int, after: int = 0) -> tuple[int, int]:
    """One transaction: lock a batch of stale rows with keys above `after` (skipping rows
    another worker holds), re-seal their raw values, write them back. (rows, last key)."""
    model, name = column.model, column.field
    table = connection.ops.quote_name(model._meta.db_table)
    value_column = connection.ops.quote_name(column_of(model, name))
    key = connection.ops.quote_name(column_of(model, "pk"))
    with transaction.atomic(durable=True):
        # the stored (sealed) text itself: read through the field, it would arrive decrypted
        rows = list(
            _stale(column, current)
            .filter(pk__gt=after)
            .order_by("pk")
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .annotate(sealed=Cast(name, models.TextField()))
            .values_list("pk", "sealed")[:size]
        )
        if not rows:
            return 0, after
        resealed = [(crypto.encrypt(crypto.decrypt(raw)), int(pk)) for pk, raw in rows]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {value_column} = %s WHERE {key} = %s",  # noqa: S608
                resealed,
            )
    return len(rows), int(rows[-1][0])
