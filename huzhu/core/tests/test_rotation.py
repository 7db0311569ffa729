"""Issue 8 §4: `huzhu rotate-field-key` re-encrypts every ID and card number under the new key,
in batches that can stop and resume, while readers keep reading and look-ups keep finding."""

import base64
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from huzhu.claims import uploads
from huzhu.core import crypto, rotation
from huzhu.core.models import AuditEntry
from huzhu.members import imports
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, xlsx

OLD = base64.urlsafe_b64encode(bytes(range(32))).decode()
NEW = base64.urlsafe_b64encode(bytes(range(100, 132))).decode()


def raw_values() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, bank_card FROM members_member ORDER BY id")
        return [v for row in cursor.fetchall() for v in row]


@pytest.fixture
def members(tree, settings):
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS, settings.HASH_KEY = OLD, "", ""
    tree.unit_a.member_count = 7
    tree.unit_a.save()
    report = import_roster(tree.unit_a, xlsx([person(i) for i in range(7)]), actor=None)
    assert report.saved
    return {m.pk: (m.id_number, m.bank_card) for m in Member.objects.all()}


def test_rotation_in_stopped_and_resumed_batches(members, settings, capsys):
    old_id = crypto.key_id_for(OLD)
    assert {v.split(":")[0] for v in raw_values()} == {old_id}
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD  # step 2 of README

    # readers during the rotation: old values still open, look-ups by hash still find
    first = Member.objects.by_id_number(members[min(members)][0]).get()
    assert first.bank_card == members[first.pk][1]
    assert sum(rotation.remaining().values()) == 14

    list(rotation.rotate(batch=3, limit=2))  # stopped after two batches
    assert sum(rotation.remaining().values()) == 14 - 6
    call_command("rotate-field-key", "--batch", "4")  # resumed
    out = capsys.readouterr().out
    assert "全部完成" in out and "重新加密（已完成）：\n" in out
    new_id = crypto.key_id_for(NEW)
    assert {v.split(":")[0] for v in raw_values()} == {new_id}
    assert AuditEntry.objects.filter(action="core.field_key.rotated", target_code=new_id).exists()

    # the old key can go once the hash key is pinned (README step 4)
    settings.FIELD_KEY_PREVIOUS, settings.HASH_KEY = "", OLD
    for pk, (number, card) in members.items():
        member = Member.objects.by_id_number(number).get()
        assert (member.pk, member.bank_card) == (pk, card)


def test_status_and_new_key(members, settings, capsys):
    call_command("rotate-field-key", "--new-key")
    key = capsys.readouterr().out.strip()
    assert len(base64.urlsafe_b64decode(key)) == 32
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = key, OLD
    call_command("rotate-field-key", "--status")
    out = capsys.readouterr().out  # in Chinese, where it printed a Python dict of code names
    assert "  职工会员·身份证号码：7 行\n  职工会员·工商银行卡号：7 行\n" in out
    assert "上传的材料与保存的名册：0 个文件" in out and "members.Member" not in out
    assert sum(rotation.remaining().values()) == 14  # --status changed nothing


def test_every_encrypted_column_is_covered():
    labels = {c.label for c in rotation.encrypted_columns()}
    assert labels == {
        "members.Member.id_number",
        "members.Member.bank_card",
        "payments.Payment.card",
        "claims.Claim.trustee_id_number",
        "claims.Claim.trustee_card",
    }


def test_batches_walk_forward_and_a_last_pass_takes_rows_left_behind(members, settings):
    """Each batch starts after the previous one's last key (so no batch re-reads the rows
    already done); a row that turns stale behind the walk (or that another worker held
    locked) is taken by the pass from the start that follows."""
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD
    new_id = crypto.key_id_for(NEW)
    column = next(c for c in rotation.encrypted_columns() if c.label == "members.Member.id_number")
    keys = sorted(members)
    assert rotation._rotate_batch(column, new_id, 2, after=keys[3]) == (2, keys[5])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number FROM members_member ORDER BY id")
        sealed = {pk: value.split(":")[0] for pk, value in cursor.fetchall()}
    assert [sealed[k] == new_id for k in keys] == [False] * 4 + [True] * 2 + [False]

    walk = rotation.rotate(batch=2)
    next(walk)  # the first batch: the two lowest keys
    with connection.cursor() as cursor:
        settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = OLD, NEW  # a writer still on the old key
        cursor.execute(
            "UPDATE members_member SET id_number = %s WHERE id = %s",
            [crypto.encrypt(members[keys[0]][0]), keys[0]],
        )
        settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD
    list(walk)
    assert {v.split(":")[0] for v in raw_values()} == {new_id}
    assert Member.objects.get(pk=keys[0]).id_number == members[keys[0]][0]


def test_rotation_reseals_documents_and_kept_rosters(members, tree, settings, capsys):
    """Sealed files follow the key too: after the rotation every file is under the new key,
    opens to the same bytes, and the old key can go. A file from before files were sealed is
    sealed by the same run."""
    unit = tree.unit_a
    document = uploads.store("JZ2023000001", b"%PDF-1.4 copy of an ID card")
    token = imports.keep(unit, b"roster bytes", b"report bytes")
    legacy = Path(settings.MEDIA_ROOT) / "claims" / "JZ2023000001" / "legacy.pdf"
    legacy.write_bytes(b"%PDF-1.4 written before sealing")
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD
    assert rotation.remaining()[rotation.FILES] == 4
    call_command("rotate-field-key")
    assert "  上传的材料与保存的名册：4 个文件\n" in capsys.readouterr().out
    assert rotation.remaining()[rotation.FILES] == 0
    new_id = crypto.key_id_for(NEW)
    for path in (Path(settings.MEDIA_ROOT) / "claims", Path(settings.MEDIA_ROOT) / "imports"):
        for file in path.rglob("*.*"):
            assert crypto.file_key_id(file.read_bytes()) == new_id, file
    settings.FIELD_KEY_PREVIOUS, settings.HASH_KEY = "", OLD  # the old key is gone
    assert uploads.read(document.path) == b"%PDF-1.4 copy of an ID card"
    assert uploads.read("claims/JZ2023000001/legacy.pdf") == b"%PDF-1.4 written before sealing"
    assert imports.report(unit, token) == b"report bytes"
    assert imports.take(unit, token) == b"roster bytes"


def test_rotation_skips_a_file_it_cannot_open_and_clears_a_stopped_runs_copies(
    members, settings, caplog, capsys
):
    document = uploads.store("JZ2023000002", b"%PDF-1.4 a record")
    altered = Path(settings.MEDIA_ROOT) / document.path
    # one bit of the tag flipped: writing "?" over the last byte changed nothing when the random
    # tag already ended in "?" (one run in 256), and the test failed now and then
    sealed = altered.read_bytes()
    altered.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    leftover = altered.with_name(altered.name + rotation.ROTATING)
    leftover.write_bytes(b"half written")
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD
    assert rotation.remaining()[rotation.FILES] == 1  # the copy is not counted
    call_command("rotate-field-key")
    assert "cannot re-seal" in caplog.text and not leftover.exists()
    assert rotation.remaining()[rotation.FILES] == 1  # still there, still under the old key
    out = capsys.readouterr().out
    assert "有 1 个文件无法重新加密" in out and "全部完成" not in out


def test_a_file_the_disk_will_not_take_stops_the_rotation_with_a_chinese_line(members, settings):
    """A sealed file that cannot be written again (here a folder in the way of its fresh
    copy) stops the command with the reason and the path, not a traceback; what was done
    stays, and a second run resumes."""
    document = uploads.store("JZ2023000003", b"%PDF-1.4 a record")
    path = Path(settings.MEDIA_ROOT) / document.path
    blocker = path.with_name(path.name + rotation.ROTATING)
    blocker.mkdir()
    settings.FIELD_KEY, settings.FIELD_KEY_PREVIOUS = NEW, OLD
    with pytest.raises(CommandError) as stopped:
        call_command("rotate-field-key")
    assert str(stopped.value).startswith(
        f"重新加密文件时出错（这是一个目录，不是文件）：{blocker}。"
    )
    assert rotation.remaining()[rotation.FILES] == 1
    blocker.rmdir()
    call_command("rotate-field-key")
    assert rotation.remaining()[rotation.FILES] == 0
    assert uploads.read(document.path) == b"%PDF-1.4 a record"
