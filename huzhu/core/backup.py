"""Backups (issue 8 §3): one tar archive with the database (pg_dump custom format on PostgreSQL,
the SQLite backup API on SQLite), every uploaded document, and a manifest (row counts per table,
the field key's id, digests of a sample of decrypted numbers) that a restore checks against.

The field key is deliberately NOT in the archive: whoever holds a backup without the key holds
only ciphertext. Keep the key (var/field_key or HUZHU_FIELD_KEY) in a separate, safe place.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection

from huzhu.core import clock, crypto
from huzhu.core.oserror import why

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
SAMPLE = 20


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Target:
    """Where a restore writes: the engine and its connection settings."""

    vendor: str  # "postgresql" or "sqlite"
    settings: dict[str, Any]

    @classmethod
    def configured(cls) -> "Target":
        return cls(connection.vendor, dict(connection.settings_dict))


def tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def counts(cursor: Any, names: list[str]) -> dict[str, int]:
    result = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from the models)
        result[name] = int(cursor.fetchone()[0])
    return result


def sample(cursor: Any) -> list[list[str]]:
    """(member code, SHA-256 of the decrypted ID number, of the decrypted card) for a few
    members: a restore proves it can decrypt by recomputing them."""
    cursor.execute(
        f"SELECT code, id_number, bank_card FROM members_member ORDER BY id LIMIT {SAMPLE}"  # noqa: S608
    )
    return [
        [code, _digest(crypto.decrypt(number)), _digest(crypto.decrypt(card))]
        for code, number, card in cursor.fetchall()
    ]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create(directory: Path) -> Path:
    """Write a backup archive into `directory`; returns its path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return _create(directory)
    except OSError as exc:  # the folder cannot be made or written, the disk is full
        raise BackupError(f"备份失败：{exc.filename or directory}：{why(exc)}") from exc
    except DatabaseError as exc:
        raise BackupError(f"备份失败：无法读取数据库（是否已运行 huzhu migrate？）：{exc}") from exc


def _create(directory: Path) -> Path:
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"huzhu-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory() as work, connection.cursor() as cursor:
        work_dir = Path(work)
        names = tables()
        manifest = {
            "format": 1,
            "created_at": clock.now().isoformat(),
            "engine": connection.vendor,
            "key_id": crypto.current_key_id(),
            "counts": counts(cursor, names),
            "sample": sample(cursor),
        }
        if connection.vendor == "postgresql":
            _pg_dump(work_dir / PG_DUMP)
            database = PG_DUMP
        else:
            _sqlite_copy(work_dir / SQLITE_FILE)
            database = SQLITE_FILE
        manifest["database"] = database
        (work_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        # personal data: owner only from the first byte (a chmod after writing left a window)
        descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
                tar.add(work_dir / MANIFEST, arcname=MANIFEST)
                tar.add(work_dir / database, arcname=database)
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    tar.add(media, arcname="media")
        except BaseException:
            archive.unlink()  # no half-written archive that looks like a backup
            raise
    return archive


def _pg_url(config: dict[str, Any]) -> str:
    user = quote(str(config.get("USER") or ""))
    password = quote(str(config.get("PASSWORD") or ""))
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgresql://{auth}{host}:{port}/{quote(str(config['NAME']))}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端工具（postgresql-client）")
    return found


def _pg_dump(path: Path) -> None:
    try:
        subprocess.run(  # noqa: S603
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={path}",
                _pg_url(connection.settings_dict),
            ],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"pg_dump 失败：{exc.stderr.decode(errors='replace').strip()}") from exc


def _sqlite_copy(path: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(path)
    try:
        source.backup(destination)
    finally:
        destination.close()


@dataclass
class Report:
    counts: dict[str, int]
    expected: dict[str, int]
    sample_ok: bool

    @property
    def ok(self) -> bool:
        return self.counts == self.expected and self.sample_ok


MANIFEST_KEYS = frozenset(("created_at", "engine", "key_id", "counts", "sample", "database"))


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest of a backup archive, checked before anything is restored: a file that is
    not one of our archives, or one whose manifest or database is missing, is refused with a
    Chinese message (tarfile's own was several lines of English)."""
    foreign = "不是本系统的备份文件"
    try:
        with tarfile.open(archive) as tar:
            names = set(tar.getnames())
            member = tar.extractfile(MANIFEST) if MANIFEST in names else None
            if member is None:
                raise BackupError(f"无法读取备份文件：{foreign}（其中没有清单 manifest.json）")
            manifest = json.loads(member.read().decode())
    except tarfile.TarError as exc:
        raise BackupError(f"无法读取备份文件：{foreign}（不是 tar 归档或已损坏）") from exc
    except OSError as exc:
        raise BackupError(f"无法读取备份文件：{why(exc)}") from exc
    except ValueError as exc:  # not UTF-8, not JSON
        raise BackupError("无法读取备份文件：其中的清单 manifest.json 已损坏") from exc
    if not isinstance(manifest, dict) or not manifest.keys() >= MANIFEST_KEYS:
        raise BackupError(f"无法读取备份文件：{foreign}（清单 manifest.json 不完整）")
    if manifest["database"] not in names:
        raise BackupError(f"无法读取备份文件：其中缺少数据库文件 {manifest['database']}")
    return manifest


def restore(archive: Path, target: Target, media_root: Path) -> Report:
    """Restore `archive` into the empty database `target` and its documents into `media_root`,
    then check row counts and the decrypted sample against the manifest."""
    manifest = read_manifest(archive)
    if manifest["key_id"] not in crypto.known_key_ids():
        raise BackupError(
            f"备份使用的字段密钥（编号 {manifest['key_id']}）未配置：请先设置 HUZHU_FIELD_KEY "
            "或 HUZHU_FIELD_KEY_PREVIOUS，否则恢复后的身份证号与银行卡号无法解密"
        )
    if manifest["engine"] != target.vendor:
        raise BackupError(f"备份来自 {manifest['engine']}，不能恢复到 {target.vendor}")
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        with tarfile.open(archive) as tar:
            tar.extractall(work_dir, filter="data")  # refuses absolute paths and ../
        if target.vendor == "postgresql":
            _pg_restore(work_dir / PG_DUMP, target)
        else:
            _sqlite_restore(work_dir / SQLITE_FILE, target)
        media = work_dir / "media"
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    return check(target, manifest)


def _pg_restore(dump: Path, target: Target) -> None:
    try:
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--no-owner",
                "--single-transaction",  # a failure leaves the new database empty, not half full
                f"--dbname={_pg_url(target.settings)}",
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        raise BackupError(
            f"pg_restore 失败：{exc.stderr.decode(errors='replace').strip()}"
        ) from exc


def _sqlite_restore(source_file: Path, target: Target) -> None:
    source = sqlite3.connect(source_file)
    destination = sqlite3.connect(str(target.settings["NAME"]))
    try:
        source.backup(destination)
    except sqlite3.Error as exc:
        raise BackupError(f"备份中的数据库文件无法恢复：{exc}") from exc
    finally:
        source.close()
        destination.close()


def _connect(target: Target) -> Any:
    if target.vendor == "postgresql":
        import psycopg

        return psycopg.connect(_pg_url(target.settings))
    return sqlite3.connect(str(target.settings["NAME"]))


def is_empty(target: Target) -> bool:
    """True when the target has none of our tables or they hold no rows."""
    db = _connect(target)
    try:
        cursor = db.cursor()
        try:
            cursor.execute('SELECT COUNT(*) FROM "django_migrations"')
        except Exception:  # noqa: BLE001 - no such table: a fresh database
            return True
        return int(cursor.fetchone()[0]) == 0
    finally:
        db.close()


def check(target: Target, manifest: dict[str, Any]) -> Report:
    db = _connect(target)
    try:
        cursor = db.cursor()
        found = counts(cursor, sorted(manifest["counts"]))
        sample_ok = sample(cursor) == manifest["sample"]
    finally:
        db.close()
    return Report(found, manifest["counts"], sample_ok)


def summary(report: Report) -> str:
    differing = {
        name: (report.expected.get(name), count)
        for name, count in report.counts.items()
        if report.expected.get(name) != count
    }
    return "".join(
        [
            f"共 {len(report.counts)} 张表、{sum(report.counts.values())} 行；",
            "行数与备份清单一致；" if not differing else f"行数不一致：{differing}；",
            "抽样解密核对通过。" if report.sample_ok else "抽样解密核对失败！",
        ]
    )


def environment_hint() -> str:
    return os.environ.get("HUZHU_DATABASE_URL", "") or "SQLite（var/huzhu.sqlite3）"
