"""SPEC §5 on real rows: eligibility of members, once a year per unit, K-6 dates, concurrency."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from huzhu.claims.tests.journeys import on, paid_contract
from huzhu.contracts.models import Contract
from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, resident_id, xlsx
from huzhu.organizations.tests.factories import UnitFactory
from huzhu.quota import actions
from huzhu.quota.actions import apply_for_free_shares, eligible_members, load_programme
from huzhu.quota.models import FreeShareApplication, Programme
from huzhu.rules.dates import contract_end
from huzhu.rules.quota import Period

WINDOW = Period(1, 5, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31))
LAST = Period(2, 5, date(2025, 5, 30), date(2025, 6, 20), date(2025, 1, 1), date(2025, 6, 30))


@pytest.fixture
def programme(db):
    return load_programme(2025, 7_000_000, [WINDOW, LAST], actor=None)


def test_members_holding_three_shares_or_a_free_share_are_excluded(
    tree, people, settings, programme
):
    paid_contract(settings, tree.unit_a, people.registrar, "2025-01-10", shares=3)
    on(settings, "2025-01-11")
    holder = person(1, shares=3, 身份证号码=resident_id("19710301", serial=1))
    import_roster(tree.unit_a, xlsx([holder, person(2)]), actor=None)
    found = eligible_members(tree.unit_a, programme, date(2025, 3, 3))
    assert [m.name for m in found.members] == ["职工2"]
    assert "已持有3份" in found.excluded[0][1]


def test_unit_gets_free_shares_once_and_renewal_starts_on_the_end_date(
    tree, people, settings, programme
):
    paid_contract(settings, tree.unit_a, people.registrar, "2024-03-10", shares=1)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    first = apply_for_free_shares(tree.unit_a, None, actor=people.officer_a)
    assert (first.status, first.granted, first.kind) == ("granted", 1, "renewal")
    assert first.contract.effective == date(2025, 3, 10)  # K-6: the current contract's end date
    again = apply_for_free_shares(tree.unit_a, None, actor=people.officer_a)
    assert (again.status, again.reason) == ("refused", "already_granted")
    assert "每年只能获得一次" in again.message
    # the audit page names the Q-6 reason instead of showing its code
    refusal = AuditEntry.objects.get(action="quota.application.refused")
    assert ("未获原因", None, "本年度已获得名额") in refusal.changes_for_display
    # the database holds Q-3 too: a second grant of the year cannot be written
    with pytest.raises(IntegrityError), transaction.atomic():
        FreeShareApplication.objects.create(
            programme=programme, unit=tree.unit_a, kind="new", requested=1, status="partial"
        )


def test_last_period_grants_the_first_members_of_the_roster(tree, people, settings, programme):
    on(settings, "2025-05-01")
    tree.unit_a.member_count = 12
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(i) for i in range(1, 13)]), actor=None)
    settings.HUZHU_NOW = "2025-06-03T10:00:00+08:00"
    answer = apply_for_free_shares(tree.unit_a, None, actor=people.officer_a)
    # period 2: base 5 + the 5 period 1 left unused (Q-5) = 10 of the 12 asked (Q-4, last period)
    assert (answer.status, answer.granted) == ("partial", 10)
    names = set(answer.contract.lines.values_list("member__name", flat=True))
    assert names == {f"职工{i}" for i in range(1, 11)}


def test_too_few_members_is_not_eligible_and_outside_the_window_is_closed(
    tree, people, settings, programme
):
    on(settings, "2025-02-01")
    tree.unit_a.member_count = 10
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    refused = apply_for_free_shares(tree.unit_a, None, actor=None)
    assert refused.reason == "not_eligible"
    # why, in E-3's words: the period's not_eligible text told the unit to apply in the period
    # of its contract's end date
    assert refused.message == "可获赠的职工2人，少于本单位会员人数10人的70%（至少7人，E-3）"
    settings.HUZHU_NOW = "2025-04-03T10:00:00+08:00"
    closed = apply_for_free_shares(tree.unit_a, None, actor=None)
    assert (closed.reason, closed.period) == ("window_closed", None)


def test_a_year_whose_window_has_opened_is_not_replaced(tree, people, settings, programme):
    """Q-5: once a period has opened its quota is in use; loading the year again is refused
    and the periods stay as they were."""
    on(settings, "2025-02-01")
    import_roster(tree.unit_a, xlsx([person(1)]), actor=None)
    tree.unit_a.member_count = 1
    tree.unit_a.save()
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    assert apply_for_free_shares(tree.unit_a, None, actor=None).status == "granted"
    other = WINDOW.__class__(**{**WINDOW.__dict__, "quota": 999})
    with pytest.raises(actions.QuotaError, match="2025 年已有期次开始受理，不能再替换"):
        load_programme(2025, 7_000_000, [other, LAST], actor=None)
    assert Programme.objects.get().periods.get(no=1).quota == 5


def test_a_free_contract_starting_next_year_is_numbered_in_that_year(tree, people, settings):
    """K-2, K-6: a renewing unit's free contract starts on its contract's end date; when that
    falls in the next year, its PB number is of that year, a sequence not yet begun (on
    PostgreSQL the one-statement grant leaves such a grant to the ORM, which begins it)."""
    reaching = WINDOW.__class__(**{**WINDOW.__dict__, "renewal_end_to": date(2026, 3, 31)})
    load_programme(2025, 7_000_000, [reaching, LAST], actor=None)
    paid_contract(settings, tree.unit_b, people.registrar, "2025-01-10", shares=1, index=2)
    on(settings, "2025-02-01")
    import_roster(tree.unit_a, xlsx([person(1)]), actor=None)
    tree.unit_a.member_count = 1
    tree.unit_a.save()
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    assert apply_for_free_shares(tree.unit_a, None, actor=None).contract.contract_no == "PB250001"
    with CaptureQueriesContext(connection) as statements:
        renewal = apply_for_free_shares(tree.unit_b, None, actor=None)
    assert not any(q["sql"].startswith("WITH period_row") for q in statements)
    assert (renewal.kind, renewal.contract.effective) == ("renewal", date(2026, 1, 10))
    assert renewal.contract.contract_no == "PB260001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_grant_in_one_statement_writes_what_the_orm_writes(tree, people, settings, monkeypatch):
    """On PostgreSQL an opened period's grant is written by one hand-made statement (Q-7 under
    load); the first grant, which opens the period (Q-5), goes through the ORM. The third grant
    is made to take the ORM path too, and both write the same rows."""
    load_programme(
        2025, 7_000_000, [WINDOW.__class__(**{**WINDOW.__dict__, "quota": 30}), LAST], actor=None
    )
    on(settings, "2025-02-01")
    units = [UnitFactory(union=tree.lixia, member_count=2) for _ in range(3)]
    for index, unit in enumerate(units):
        import_roster(unit, xlsx([person(10 * index + 1), person(10 * index + 2)]), actor=None)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    apply_for_free_shares(units[0], None, actor=people.registrar)
    with CaptureQueriesContext(connection) as statements:
        at_once = apply_for_free_shares(units[1], None, actor=people.registrar)
    assert sum(q["sql"].startswith("WITH period_row AS (UPDATE") for q in statements) == 1
    monkeypatch.setattr(actions, "_grant_at_once", lambda *args, **kwargs: None)
    with CaptureQueriesContext(connection) as statements:
        through_orm = apply_for_free_shares(units[2], None, actor=people.registrar)
    assert not any(q["sql"].startswith("WITH") for q in statements)

    def written(answer, number, remaining, names):
        application = FreeShareApplication.objects.select_related("contract").get(pk=answer.pk)
        contract = application.contract
        assert answer.contract.pk == contract.pk and contract.contract_no == number
        assert application.message == f"获得 2 个名额，合同 {number}"
        lines = contract.lines.order_by("member__name").values_list("member__name", "shares")
        assert list(lines) == [(name, 1) for name in names]
        entries = AuditEntry.objects.filter(target_code__in=[number, application.code])
        after = {entry.action: entry.after for entry in entries}
        assert after == {
            "contracts.contract.granted_free": {
                "contract_no": number,
                "shares": 2,
                "effective": "2025-03-03",
            },
            "quota.application.granted": {
                "period": 1,
                "granted": 2,
                "contract": number,
                "remaining": remaining,
            },
        }

        def row(obj, *identity):
            fields = obj._meta.local_concrete_fields
            return {f.name: getattr(obj, f.attname) for f in fields if f.name not in identity}

        return (
            row(application, "id", "code", "unit", "contract", "message"),
            row(contract, "id", "code", "contract_no", "unit"),
            sorted(
                (row(e, "id", "target_code", "target_label", "after") for e in entries),
                key=lambda r: r["action"],
            ),
        )

    one = written(at_once, "PB250002", 26, ["职工11", "职工12"])
    other = written(through_orm, "PB250003", 24, ["职工21", "职工22"])
    assert one == other
    application, contract, _ = one
    assert (application["status"], application["granted"], application["requested"]) == (
        "granted",
        2,
        2,
    )
    assert application["submitted_by"] == contract["created_by"] == people.registrar.pk
    assert (contract["funding"], contract["status"], contract["total_shares"]) == (
        "free",
        "active",
        2,
    )
    assert (contract["effective"], contract["end"]) == (
        date(2025, 3, 3),
        contract_end(date(2025, 3, 3)),
    )
    assert Programme.objects.get().periods.get(no=1).granted == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_200_simultaneous_applications_never_over_grant(tree, settings):
    load_programme(
        2025, 7_000_000, [WINDOW.__class__(**{**WINDOW.__dict__, "quota": 30}), LAST], actor=None
    )
    on(settings, "2025-02-01")
    units = []
    for index in range(200):
        unit = UnitFactory(union=tree.lixia, member_count=1)
        import_roster(unit, xlsx([person(5000 + index)]), actor=None)
        units.append(unit)
    settings.HUZHU_NOW = "2025-03-03T09:00:00+08:00"
    go = threading.Event()
    failures: list[BaseException] = []

    def apply(unit):
        try:
            go.wait()
            apply_for_free_shares(unit, None, actor=None)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    # 200 submissions from 40 threads at once (PostgreSQL allows 100 connections by default)
    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = [pool.submit(apply, unit) for unit in units]
        go.set()
        for future in futures:
            future.result()
    assert failures == []
    answers = FreeShareApplication.objects.all()
    assert answers.count() == 200 and answers.values("unit").distinct().count() == 200
    assert sum(a.granted for a in answers) == 30  # one member each: no over-grant at all
    assert answers.filter(status="granted").count() == 30
    assert set(answers.filter(status="refused").values_list("reason", flat=True)) == {
        "quota_exhausted"
    }
    members = Contract.objects.filter(funding="free").values_list("lines__member", flat=True)
    assert len(members) == len(set(members)) == 30
    # K-2: the grants made in one statement number their contracts without gaps or twins
    numbers = Contract.objects.filter(funding="free").values_list("contract_no", flat=True)
    assert sorted(numbers) == [f"PB25{n:04d}" for n in range(1, 31)]
    assert Programme.objects.get().periods.get(no=1).granted == 30
    assert Member.objects.count() == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_grant_and_a_fee_confirmation_at_once_never_exceed_three_shares(
    tree, people, settings, monkeypatch
):
    """P-2 under concurrency: a worker's unit applies for free shares while staff submit and
    confirm a 3-share paid contract of his. The grant counts his shares (none yet) and waits
    here; the confirmation then runs. Without the grant's member lock both checks passed and
    he held 4 shares; now the confirmation waits for the grant and is refused."""
    load_programme(2025, 7_000_000, [WINDOW, LAST], actor=None)
    from huzhu.contracts import actions as contracts
    from huzhu.quota import actions as quota

    on(settings, "2025-02-01")
    unit = UnitFactory(union=tree.lixia, member_count=1)
    import_roster(unit, xlsx([person(7, shares=3)]), actor=None)
    draft = contracts.create_enrolment(unit, contracts.EnrolmentFacts("personal"), actor=None)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    counted, both = threading.Event(), threading.Barrier(2)
    count, check = quota.holdings_of, contracts.check_contract

    def wait_for_the_other() -> None:
        # the other one may be waiting for the member lock: then nobody comes
        with contextlib.suppress(threading.BrokenBarrierError):
            both.wait(timeout=2)

    def count_then_wait(*args, **kwargs):
        held = count(*args, **kwargs)
        counted.set()
        wait_for_the_other()
        return held

    def check_then_wait(*args, **kwargs):
        problems = check(*args, **kwargs)
        if kwargs.get("confirming"):
            wait_for_the_other()
        return problems

    monkeypatch.setattr(quota, "holdings_of", count_then_wait)
    monkeypatch.setattr(contracts, "check_contract", check_then_wait)
    outcomes: dict[str, str] = {}
    failures: list[BaseException] = []

    def grant() -> None:
        try:
            outcomes["grant"] = apply_for_free_shares(unit, None, actor=None).status
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    def confirm() -> None:
        try:
            counted.wait(timeout=10)
            submitted = contracts.submit_contract(Contract.objects.get(pk=draft.pk), actor=None)
            contracts.confirm_fee(submitted, actor=people.registrar)
            outcomes["confirm"] = "active"
        except contracts.ContractError as exc:
            outcomes["confirm"] = str(exc)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant), threading.Thread(target=confirm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert outcomes["grant"] == "granted"
    assert "超过每人3份上限" in outcomes["confirm"]
    shares = Contract.objects.filter(status="active").values_list("lines__shares", flat=True)
    assert sum(shares) == 1
