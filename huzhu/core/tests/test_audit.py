import re

import pytest
from django.db import DatabaseError, connection, transaction

from huzhu.core import audit
from huzhu.core.audit_labels import action_label
from huzhu.core.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entry(tree):
    return audit.record(None, "test.thing.created", tree.unit_a, after={"name": "甲单位"})


def test_record_keeps_actor_target_and_states(tree, people):
    made = audit.record(
        people.registrar, "organizations.unit.updated", tree.unit_a, before={"a": 1}, after={"a": 2}
    )
    stored = AuditEntry.objects.get(pk=made.pk)
    assert stored.actor == people.registrar
    assert stored.actor_label == "registrar"
    assert stored.target_type == "organizations.unit"
    assert stored.target_code == tree.unit_a.code
    assert stored.changed_fields == [("a", 1, 2)]


def test_system_actor_is_labelled(entry):
    assert entry.actor is None
    assert entry.actor_label == "系统"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.created"


def test_the_database_refuses_update_of_an_entry(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.created"


def test_the_database_refuses_delete_on_postgresql(entry):
    """PostgreSQL refuses DELETE too; SQLite's flush between tests needs DELETE, so there the
    ORM guard above is what stands."""
    deleting = "DELETE FROM core_auditentry WHERE id = %s"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(deleting, [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert ("core_auditentry_no_update",) in cursor.fetchall()


def test_changes_are_shown_with_chinese_field_names(tree):
    entry = audit.record(
        None, "organizations.unit.updated", tree.unit_a, before={"name": "旧"}, after={"name": "新"}
    )
    assert entry.changes_for_display == [("单位名称", "旧", "新")]
    odd = audit.record(None, "x.y.z", tree.unit_a, after={"unknown_field": 1})
    assert odd.changes_for_display == [("unknown_field", None, 1)]


def test_coded_values_are_shown_by_their_labels(tree):
    from huzhu.contracts.models import Contract

    contract = Contract.objects.create(unit=tree.unit_a, funding_source="personal")
    entry = audit.record(
        None,
        "contracts.contract.submitted",
        contract,
        before={"status": "draft"},
        after={"status": "submitted"},
    )
    assert entry.changes_for_display == [("状态", "草稿", "已提交，待确认会费")]


def test_lists_objects_and_yes_no_are_shown_in_words(tree):
    entry = audit.record(
        None,
        "members.roster.imported",
        tree.unit_a,
        after={"created": ["M1", "M2"], "rows": 2, "status": {"unit": "U1", "left": 3}},
    )
    assert entry.changes_for_display == [
        ("新登记职工", None, "M1、M2"),
        ("行数", None, 2),
        ("状态", None, "单位：U1，移出人数：3"),
    ]
    user = audit.record(None, "accounts.user.created", tree.unit_a, after={"is_active": True})
    assert user.changes_for_display == [("is_active", None, "是")]
    empty = audit.record(
        None, "accounts.user.updated", tree.unit_a, before={"x": [1]}, after={"x": []}
    )
    assert empty.changes_for_display == [("x", "1", "（无）")]


def test_coded_items_of_a_summary_are_named(people):
    """A user's duties and a claim document's item are recorded as codes: shown by name."""
    entry = audit.record(
        None, "accounts.user.updated", people.registrar, after={"duties": ["registrar", "approver"]}
    )
    assert entry.changes_for_display == [("职责", None, "登记、审批")]
    item = audit.record(
        None, "claims.document.received", people.registrar, after={"item": "member_id"}
    )
    assert item.changes_for_display == [("材料", None, "被保障人身份证复印件")]


def test_a_long_list_is_shown_cut_but_kept_whole(tree):
    codes = [f"M{i}" for i in range(10_000)]
    entry = audit.record(None, "members.roster.imported", tree.unit_a, after={"created": codes})
    [(field, before, shown)] = entry.changes_for_display
    assert shown == "、".join([*codes[:20], "……共 10000 项"])
    assert AuditEntry.objects.get(pk=entry.pk).after["created"] == codes


def test_actions_are_named_in_chinese(tree):
    """The audit page named every action by its code (accounts.user.created …)."""
    named = {
        "accounts.user.created": "新建用户",
        "claims.claim.register": "查验登记",  # the claim workflow's own name of the step
        "claims.claim.submitted": "提交申请",
        "members.member.bank_card_revealed": "查看完整银行卡号",
        "claims.holiday.updated": "修改节假日调整",  # an admin edit: by the model's name
        "organizations.union.deleted": "删除上级工会",
        "claims.holiday.renamed": "claims.holiday.renamed",  # unknown: the code itself
        "x.y.z": "x.y.z",
    }
    assert {code: action_label(code) for code in named} == named
    entry = audit.record(None, "contracts.contract.fee_confirmed", tree.unit_a)
    assert entry.action_label == "确认会费，合同生效"


def test_the_audit_page_names_the_action_and_keeps_its_code(people, login):
    audit.record(
        people.registrar, "payments.batch.downloaded", people.registrar, after={"count": 2}
    )
    audit.record(people.registrar, "payments.batch.approved", people.registrar)
    staff = login(people.reviewer)
    body = staff.get("/audit/?action=payments.").content.decode()
    assert "下载银行发放文件" in body and "<code>payments.batch.downloaded</code>" in body
    assert "笔数：2" in body and "<code>payments.batch.approved</code>" in body
    # the filter offers the actions by name, per app, and keeps what was chosen
    assert '<option value="payments." selected>救助金发放：全部</option>' in body
    assert '<option value="payments.batch.downloaded">下载银行发放文件</option>' in body
    one = staff.get("/audit/?action=payments.batch.downloaded").content.decode()
    assert '<option value="payments.batch.downloaded" selected>' in one
    assert "<code>payments.batch.approved</code>" not in one
    typed = staff.get("/audit/?action=payments.batch").content.decode()  # a prefix in the URL
    assert '<option value="payments.batch" selected>payments.batch</option>' in typed
    assert "<code>payments.batch.approved</code>" in typed


def test_every_action_the_code_records_has_a_name():
    """Each action code written in the source (not the tests) is named, so a new action does
    not reach the audit page as a bare code."""
    import re
    from pathlib import Path

    root = Path(audit.__file__).parents[1]
    pattern = re.compile(
        r'"((?:accounts|claims|contracts|core|members|organizations|payments|quota)\.[a-z_0-9]+\.[a-z_0-9]+)"'
    )
    codes = {
        code
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }
    codes |= {f"members.member.{what}_revealed" for what in ("id_number", "bank_card")}
    assert len(codes) > 30
    assert [code for code in sorted(codes) if action_label(code) == code] == []


def test_the_audit_page_finds_entries_by_day_in_china(people, login, settings):
    """The date range reads days as the staff live them (UTC+8): an entry at 00:30 on the 30th
    in Jinan is on the 30th, though it was still the 29th in UTC."""
    settings.HUZHU_NOW = "2026-11-29T23:30:00+08:00"
    audit.record(people.registrar, "payments.batch.approved", people.registrar)
    settings.HUZHU_NOW = "2026-11-30T00:30:00+08:00"
    audit.record(people.registrar, "payments.batch.downloaded", people.registrar)
    staff = login(people.reviewer)

    def found(query: str) -> set[str]:
        body = staff.get(f"/audit/?action=payments.&{query}").content.decode()
        return set(re.findall(r"<code>(payments\.batch\.[a-z]+)</code>", body))

    assert found("") == {"payments.batch.approved", "payments.batch.downloaded"}
    assert found("since=2026-11-30&until=2026-11-30") == {"payments.batch.downloaded"}
    assert found("until=2026-11-29") == {"payments.batch.approved"}
    assert found("since=2026-12-01") == set()
    body = staff.get("/audit/?since=2026-11-31").content.decode()
    assert "日期“2026-11-31”无法识别，请按 2026-11-30 的格式填写；未按该日期筛选" in body
    assert 'name="since" value="2026-11-31"' in body
