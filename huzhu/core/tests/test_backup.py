"""Issue 8 §3: backup and restore drill — a real archive restored into a fresh database of the
same engine (a new PostgreSQL database in CI, a new SQLite file locally), row counts and a
sample of decrypted numbers compared, uploaded documents back byte for byte."""

import base64
import hashlib
import os
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


def test_commands(data, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("backup", "--output", str(tmp_path / "b"))
    out = capsys.readouterr().out
    assert "已备份" in out and "不含字段密钥" in out
    archive = next((tmp_path / "b").glob("huzhu-backup-*.tar"))
    with pytest.raises(CommandError, match="不是空的"):  # the configured database has data
        call_command("restore", str(archive), "--yes")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar"), "--yes")
