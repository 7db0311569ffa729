"""Issue 8 §6: the database connection dies in the middle of a roster import, a free-share grant
and a bank result import; afterwards each is all-or-nothing. The connection is really killed
(pg_terminate_backend from a second connection) at a point where part of the work is written
inside the transaction, so this runs on PostgreSQL (CI)."""

from datetime import date, time

import psycopg
import pytest
from django.db import OperationalError, connection

from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
from huzhu.contracts.models import Contract
from huzhu.core.models import AuditEntry
from huzhu.members import actions as member_actions
from huzhu.members.models import Member, Membership
from huzhu.members.tests.rosters import person, xlsx
from huzhu.payments import actions as payments
from huzhu.payments.models import Payment, PaymentStatus
from huzhu.quota import actions as quota
from huzhu.quota.models import FreeShareApplication, QuotaPeriod
from huzhu.rules.quota import Period

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database (CI)"),
]


def kill_own_connection() -> None:
    """Terminate this test's database session from outside, as a crash or network cut would."""
    pid = connection.connection.info.backend_pid
    config = connection.settings_dict
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname=config["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def killed_after(module, name, monkeypatch, *, call: int = 1):
    """Replace `module.name` by a version that runs the original, then kills the connection
    after its `call`-th call, so whatever it wrote is inside the dying transaction."""
    original = getattr(module, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == call:
            kill_own_connection()
        return result

    monkeypatch.setattr(module, name, wrapper)
    return calls


def reconnect() -> None:
    connection.close()


def test_roster_import_killed_midway_leaves_nothing(tree, monkeypatch):
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    audit_before = AuditEntry.objects.count()
    calls = killed_after(member_actions, "_insert_members", monkeypatch)
    data = xlsx([person(i) for i in range(3)])
    with pytest.raises(OperationalError):
        member_actions.import_roster(tree.unit_a, data, actor=None, effective=date(2025, 3, 1))
    assert calls["n"] == 1  # the members had been written when the connection died
    reconnect()
    assert not Member.objects.exists() and not Membership.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    monkeypatch.undo()
    assert member_actions.import_roster(tree.unit_a, data, actor=None).saved  # and it recovers


@pytest.mark.parametrize("first", [True, False], ids=["through the ORM", "in one statement"])
def test_free_share_grant_killed_midway_grants_nothing(tree, settings, monkeypatch, first):
    """The period's first grant opens it (Q-5) through the ORM; later grants are written by one
    statement. Either is killed after its writes, before the commit."""
    window = Period(
        1, 10, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31)
    )
    quota.load_programme(2025, 7_000_000, [window], actor=None)
    on(settings, "2025-02-01")
    for unit in (tree.unit_a, tree.unit_b):
        unit.member_count = 2
        unit.save()
    member_actions.import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None)
    member_actions.import_roster(tree.unit_b, xlsx([person(3), person(4)]), actor=None)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    QuotaPeriod.objects.update(hours_from=time(9), hours_to=time(17))
    earlier = 0 if first else quota.apply_for_free_shares(tree.unit_b, None, actor=None).granted
    assert earlier == (0 if first else 2)
    calls = killed_after(quota, "insert_rows" if first else "_grant_at_once", monkeypatch)
    with pytest.raises(OperationalError):
        quota.apply_for_free_shares(tree.unit_a, None, actor=None)
    assert calls["n"] == 1  # the period's count and the PB contract were written, then lost
    reconnect()
    period = QuotaPeriod.objects.get()
    assert period.granted == earlier
    assert not FreeShareApplication.objects.filter(unit=tree.unit_a).exists()
    assert Contract.objects.filter(funding="free").count() == (0 if first else 1)
    monkeypatch.undo()
    assert quota.apply_for_free_shares(tree.unit_a, None, actor=None).granted == 2


def test_bank_result_import_killed_midway_records_nothing(tree, people, settings, monkeypatch):
    made = []
    for index in (1, 2):
        paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1, index=index)
    on(settings, "2023-07-10")
    for member in Member.objects.order_by("pk"):
        made.append(approved_claim(member, people))
    batch = payments.create_batch(made, actor=people.cashier)
    batch = payments.approve_batch(batch, actor=people.approver)
    payments.export_batch(batch, actor=people.cashier)
    on(settings, "2023-07-15")  # the bank's file arrives
    header = ["救助申请编号", "结果", "银行流水号", "到账日期", "失败原因"]
    rows = [[c.number, "成功", f"R{c.number}", "2023-07-15", ""] for c in made]
    calls = killed_after(payments, "record_result", monkeypatch, call=1)
    with pytest.raises(OperationalError):
        payments.import_bank_results(batch, xlsx(rows, header=header), actor=people.cashier)
    assert calls["n"] == 1  # one result was recorded inside the transaction
    reconnect()
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.PENDING}
    assert not Payment.objects.exclude(bank_ref="").exists()
    monkeypatch.undo()
    assert payments.import_bank_results(batch, xlsx(rows, header=header), actor=people.cashier) == 2


def test_a_dropped_kept_connection_costs_no_request_an_error():
    """Connections are kept between requests (HUZHU_DB_CONN_MAX_AGE); after a database restart
    or a cut, the next request gets a new one instead of a server error (health checks). Served
    by Django's WSGI handler as gunicorn does (the test client skips the connection upkeep)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    def health() -> str:
        answer: list[str] = []
        environ = RequestFactory()._base_environ(PATH_INFO="/api/v1/health", REQUEST_METHOD="GET")
        WSGIHandler()(environ, lambda status, headers: answer.append(status))
        return answer[0]

    assert health().startswith("200")
    assert connection.connection is not None  # kept after the request
    kill_own_connection()
    try:
        assert health().startswith("200")
    finally:
        reconnect()
