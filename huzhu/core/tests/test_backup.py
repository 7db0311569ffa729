"""Issue 8 §3: backup and restore drill — a real archive restored into a fresh database of the
same engine (a new PostgreSQL database in CI, a new SQLite file locally), row counts and a
sample of decrypted numbers compared, uploaded documents back byte for byte."""

import base64
import errno
import hashlib
import io
import json
import os
import sqlite3
import tarfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from huzhu.claims import actions as claims
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.tests.journeys import PDF, on, paid_contract
from huzhu.core import backup, crypto
from huzhu.core.tests.processes import huzhu
from huzhu.members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    on(settings, "2023-06-12")
    member = Member.objects.get()
    facts = ClaimFacts("accident_hospitalization", date(2023, 6, 1), circumstance="other")
    claim = claims.submit_claim(member, facts, actor=people.officer_a)
    for document in claim.documents.filter(required=True):
        claims.attach_document(claim, document.item, PDF, "x.pdf", actor=people.officer_a)
    return member


def files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def fresh_target(tmp_path):
    if connection.vendor != "postgresql":
        yield backup.Target("sqlite", {"NAME": str(tmp_path / "restored.sqlite3")})
        return
    name = f"huzhu_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield backup.Target("postgresql", {**connection.settings_dict, "NAME": name})
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_drill(data, settings, tmp_path, fresh_target):
    archive = backup.create(tmp_path / "backups")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = backup.read_manifest(archive)
    assert manifest["counts"]["members_member"] == 1
    assert manifest["counts"]["claims_claimdocument"] >= 5
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert not any("field_key" in n for n in names)  # the key never travels with the data

    report = backup.restore(archive, fresh_target, tmp_path / "restored-media")
    assert report.ok, backup.summary(report)
    assert report.counts == manifest["counts"] and report.sample_ok
    assert files(tmp_path / "restored-media") == files(Path(settings.MEDIA_ROOT))

    restored = backup._connect(fresh_target)
    try:
        cursor = restored.cursor()
        cursor.execute("SELECT id_number, bank_card FROM members_member")
        number, card = cursor.fetchone()
    finally:
        restored.close()
    assert (crypto.decrypt(number), crypto.decrypt(card)) == (data.id_number, data.bank_card)
    assert "一致" in backup.summary(report)


def test_restore_refuses_an_unknown_key_and_a_broken_archive(
    data, settings, tmp_path, fresh_target
):
    archive = backup.create(tmp_path / "backups")
    settings.FIELD_KEY = base64.urlsafe_b64encode(bytes(range(50, 82))).decode()
    with pytest.raises(backup.BackupError, match="字段密钥"):
        backup.restore(archive, fresh_target, tmp_path / "m")
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar file")
    with pytest.raises(backup.BackupError, match="无法读取备份文件"):
        backup.read_manifest(broken)
    with pytest.raises(backup.BackupError, match="无法读取备份文件：这是一个目录，不是文件"):
        backup.read_manifest(tmp_path)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_failed_postgresql_restore_leaves_nothing_behind(data, tmp_path, fresh_target):
    """pg_restore runs in one transaction: a table already there stops it, and the tables it
    had made before that are gone with it (before, they stayed: a database half restored)."""
    archive = backup.create(tmp_path / "backups")
    target = backup._connect(fresh_target)
    try:
        target.execute("CREATE TABLE members_member (id integer)")
        target.commit()
    finally:
        target.close()
    with pytest.raises(backup.BackupError, match="pg_restore 失败"):
        backup.restore(archive, fresh_target, tmp_path / "m")
    target = backup._connect(fresh_target)
    try:
        tables = target.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    finally:
        target.close()
    assert tables == [("members_member",)]


def test_a_backup_that_cannot_be_written_says_why_and_leaves_no_archive(
    data, settings, tmp_path, monkeypatch
):
    """Before, a folder that could not be made was a traceback (FileExistsError), and a disk
    that filled up half-way left a truncated archive that looked like a backup."""
    taken = tmp_path / "taken"
    taken.write_text("a file where the folder should be")
    with pytest.raises(CommandError) as caught:
        call_command("backup", "--output", str(taken))
    assert str(caught.value) == f"备份失败：{taken}：已有同名文件"

    add = tarfile.TarFile.add

    def disk_fills_at_the_documents(tar, name, arcname=None, **kwargs):
        if arcname == "media":
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out"))
        add(tar, name, arcname, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "add", disk_fills_at_the_documents)
    with pytest.raises(CommandError) as caught:
        call_command("backup", "--output", str(tmp_path / "out"))
    assert str(caught.value) == f"备份失败：{tmp_path / 'out'}：磁盘空间不足"
    assert list((tmp_path / "out").iterdir()) == []


def test_restore_with_no_one_to_answer_is_cancelled(data, tmp_path):
    """Run from a script without --yes, the question met the end of its input: a traceback."""
    archive = backup.create(tmp_path / "backups")
    env = {k: v for k, v in os.environ.items() if k != "HUZHU_DATABASE_URL"}
    env["HUZHU_VAR_DIR"] = str(tmp_path / "var")
    result = huzhu("restore", str(archive), env=env)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "CommandError: 已取消，未做任何修改（在脚本中运行请加 --yes）"
    )
    assert "Traceback" not in result.stderr
    restored = sqlite3.connect(tmp_path / "var" / "huzhu.sqlite3")
    assert restored.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)
    restored.close()


def archive_of(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


WHOLE = {
    "created_at": "2026-12-01T10:00:00+08:00",
    "engine": "sqlite",
    "key_id": "abcd1234",
    "counts": {},
    "sample": [],
    "database": backup.SQLITE_FILE,
}


@pytest.mark.parametrize(
    ("members", "words"),
    [
        (None, "不是本系统的备份文件（不是 tar 归档或已损坏）"),
        ({"notes.txt": b"hello"}, "不是本系统的备份文件（其中没有清单 manifest.json）"),
        ({backup.MANIFEST: b"{"}, "其中的清单 manifest.json 已损坏"),
        (
            {backup.MANIFEST: b'{"engine": "sqlite"}'},
            "不是本系统的备份文件（清单 manifest.json 不完整）",
        ),
        ({backup.MANIFEST: json.dumps(WHOLE).encode()}, "其中缺少数据库文件 database.sqlite3"),
    ],
)
def test_restore_refuses_what_is_not_a_whole_backup_in_one_line(tmp_path, members, words):
    """`huzhu restore` into a new, empty database, as README tells: before, a file that was not
    an archive was a traceback, and a manifest without its fields a KeyError."""
    path = tmp_path / "backup.tar"
    if members is None:
        path.write_text("hello")
    else:
        archive_of(path, members)
    env = {k: v for k, v in os.environ.items() if k != "HUZHU_DATABASE_URL"}
    env["HUZHU_VAR_DIR"] = str(tmp_path / "var")
    result = huzhu("restore", str(path), "--yes", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: 无法读取备份文件：{words}"
    restored = sqlite3.connect(tmp_path / "var" / "huzhu.sqlite3")
    assert restored.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)
    restored.close()


def test_commands(data, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("backup", "--output", str(tmp_path / "b"))
    out = capsys.readouterr().out
    assert out.startswith("正在备份") and "已备份" in out and "不含字段密钥" in out
    archive = next((tmp_path / "b").glob("huzhu-backup-*.tar"))
    with pytest.raises(CommandError, match="不是空的"):  # the configured database has data
        call_command("restore", str(archive), "--yes")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar"), "--yes")
