"""The bulk helpers the roster import stands on: reserved keys never collide with later rows,
and look-ups find exactly the rows asked for, whatever form the values are sent in."""

import pytest
from django.db import connection

from huzhu.core.bulk import lookup_pks, reserve_pks
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
