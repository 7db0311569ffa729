"""The bulk helpers the roster import stands on: reserved keys never collide with later rows,
and look-ups find exactly the rows asked for, whatever form the values are sent in."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from huzhu.core.bulk import keys_in, lookup_pks, reserve_pks, update_rows
from huzhu.members.actions import import_roster
from huzhu.members.models import Member, Membership
from huzhu.members.tests.rosters import person, xlsx


@pytest.fixture
def members(tree):
    tree.unit_a.member_count = 5
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(i) for i in range(5)]), actor=None).saved
    return list(Member.objects.order_by("pk"))


def test_lookup_by_hash_finds_exactly_the_rows_asked_for(members):
    wanted = [members[1].id_hash, members[3].id_hash, "0" * 64]
    assert sorted(lookup_pks(Member, "id_hash", wanted)) == sorted(
        [(members[1].id_hash, members[1].pk), (members[3].id_hash, members[3].pk)]
    )
    assert lookup_pks(Member, "id_hash", []) == []


def test_lookup_by_foreign_key_and_by_values_with_commas(members):
    ids = [members[0].pk, members[2].pk, 10**9]
    found = lookup_pks(Membership, "member", ids)
    assert sorted(member for member, _ in found) == [members[0].pk, members[2].pk]
    # a value that cannot travel as comma-separated text still finds its row (and only it)
    assert lookup_pks(Member, "name", ["a,b", members[4].name]) == [
        (members[4].name, members[4].pk)
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are reserved on PostgreSQL")
def test_reserved_keys_are_distinct_and_never_handed_out_again(tree, members):
    keys = reserve_pks(Member, 1000)
    assert keys is not None and len(set(keys)) == 1000
    assert not set(keys) & {m.pk for m in members}
    report = import_roster(tree.unit_a, xlsx([person(9)]), actor=None)
    assert report.saved
    newest = Member.objects.order_by("-pk").first()
    assert newest is not None and newest.pk not in keys and newest.pk > max(keys)


def test_dates_and_times_written_as_text_read_back_as_the_same_instants(tree, settings):
    # late evening in Jinan is the previous day in UTC: a lost offset would move both
    settings.HUZHU_NOW = "2026-03-02T23:30:15.250000+08:00"
    tree.unit_a.member_count = 1
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(0, birth="19800229")]), actor=None).saved
    member = Member.objects.get()
    moment = datetime.fromisoformat(settings.HUZHU_NOW)
    assert member.created_at == moment and member.updated_at == moment
    assert member.consent_date == date(2026, 3, 2)
    assert member.birth_date == date(1980, 2, 29)
    assert member.memberships.get().joined == date(2026, 3, 2)
    later = Member.objects.filter(created_at__gt=moment - timedelta(microseconds=1))
    assert list(later) == [member]


def test_update_rows_writes_the_named_fields_of_exactly_those_rows(members):
    first, second, third = members[:3]
    first.mobile, first.bank_card, first.tags = "13700000001", "6222020200000000011", ["困难职工"]
    second.mobile, second.consent_date = "13700000002", date(2024, 12, 31)
    original_name, second.name = second.name, "不写入"  # a field not named stays as stored
    update_rows(Member, ["mobile", "bank_card", "tags", "consent_date"], [first, second])
    update_rows(Member, ["mobile"], [])
    fresh = {m.pk: m for m in Member.objects.all()}
    assert (fresh[first.pk].mobile, fresh[first.pk].bank_card) == (
        "13700000001",
        "6222020200000000011",
    )
    assert fresh[first.pk].tags == ["困难职工"]
    assert (fresh[second.pk].mobile, fresh[second.pk].consent_date) == (
        "13700000002",
        date(2024, 12, 31),
    )
    assert fresh[second.pk].name == original_name
    assert fresh[third.pk].mobile == third.mobile  # a row not given is untouched
    with connection.cursor() as cursor:  # and the card is stored encrypted, as by save()
        cursor.execute("SELECT bank_card FROM members_member WHERE id = %s", [first.pk])
        assert "6222020200000000011" not in cursor.fetchone()[0]


def test_keys_in_selects_exactly_the_keys_given_however_many(members):
    wanted = [members[0].pk, members[3].pk]
    assert sorted(Member.objects.filter(pk__in=keys_in(wanted)).values_list("pk", flat=True)) == (
        sorted(wanted)
    )
    assert not Member.objects.filter(pk__in=keys_in([])).exists()
    # beyond SQLite's limit of 32,766 parameters when sent as a list
    many = [*range(10**9, 10**9 + 40_000), members[2].pk]
    assert list(Member.objects.filter(pk__in=keys_in(many)).values_list("pk", flat=True)) == [
        members[2].pk
    ]
