import pytest
from django.db import DatabaseError, connection, transaction

from huzhu.core import audit
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


def test_list_and_object_values_are_shown_as_they_are(tree):
    entry = audit.record(
        None,
        "members.roster.imported",
        tree.unit_a,
        after={"created": ["M1", "M2"], "status": {"a": 1}},
    )
    assert entry.changes_for_display == [
        ("created", None, ["M1", "M2"]),
        ("status", None, {"a": 1}),
    ]


def test_a_long_list_is_shown_cut_but_kept_whole(tree):
    codes = [f"M{i}" for i in range(10_000)]
    entry = audit.record(None, "members.roster.imported", tree.unit_a, after={"created": codes})
    [(field, before, shown)] = entry.changes_for_display
    assert shown == [*codes[:20], "……共 10000 项"]
    assert AuditEntry.objects.get(pk=entry.pk).after["created"] == codes
