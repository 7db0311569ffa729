"""Contract numbers stay unique when many confirmations race (PostgreSQL row lock, K-2)."""

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from huzhu.contracts import actions
from huzhu.contracts.models import Contract, ContractStatus
from huzhu.members.actions import import_roster
from huzhu.members.tests.rosters import person, xlsx
from huzhu.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_parallel_confirmations_get_distinct_consecutive_numbers(tree, people, settings):
    settings.HUZHU_TODAY = "2025-03-03"
    contracts = []
    for index in range(12):
        unit = UnitFactory(union=tree.lixia, member_count=1)
        import_roster(unit, xlsx([person(100 + index)]), actor=None)
        contract = actions.create_enrolment(unit, actions.EnrolmentFacts("personal"), actor=None)
        contracts.append(actions.submit_contract(contract, actor=None))
    barrier = threading.Barrier(len(contracts))
    failures: list[BaseException] = []

    def confirm(contract: Contract) -> None:
        try:
            barrier.wait()
            actions.confirm_fee(contract, actor=people.registrar)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in contracts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = sorted(
        Contract.objects.filter(status=ContractStatus.ACTIVE).values_list("contract_no", flat=True)
    )
    assert numbers == [f"B0125{n:04d}" for n in range(1, 13)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_two_contracts_of_one_member_confirmed_at_once_never_exceed_three_shares(
    tree, people, settings, monkeypatch
):
    """P-2 binds at confirmation. Two submitted contracts holding 2 + 2 shares of one worker
    (submitted at the same moment, so neither saw the other) are confirmed by two staff at
    once: each check waits here for the other, and without the member lock both passed."""
    settings.HUZHU_TODAY = "2025-03-03"
    first, second = (UnitFactory(union=tree.lixia, member_count=1) for _ in range(2))
    import_roster(first, xlsx([person(7, shares=2)]), actor=None)
    one = actions.submit_contract(
        actions.create_enrolment(first, actions.EnrolmentFacts("personal"), actor=None),
        actor=None,
    )
    import_roster(second, xlsx([person(7, shares=1)]), actor=None)  # he moves to the second
    other = actions.create_enrolment(second, actions.EnrolmentFacts("personal"), actor=None)
    # what a submission racing the first one could leave: 2 more shares, submitted
    other.lines.update(shares=2)
    Contract.objects.filter(pk=other.pk).update(status=ContractStatus.SUBMITTED, total_shares=2)
    both_checked = threading.Barrier(2)
    check = actions.check_contract

    def check_then_wait(*args, **kwargs):
        problems = check(*args, **kwargs)
        # the other one may be waiting for the member lock: then nobody comes
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=2)
        return problems

    monkeypatch.setattr(actions, "check_contract", check_then_wait)
    outcomes: list[str] = []

    def confirm(contract: Contract) -> None:
        try:
            actions.confirm_fee(Contract.objects.get(pk=contract.pk), actor=people.registrar)
            outcomes.append("active")
        except actions.ContractError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in (one, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "active" and "超过每人3份上限" in sorted(outcomes)[1]
    assert Contract.objects.filter(status=ContractStatus.ACTIVE).count() == 1


def _at_once(count: int, step: Callable[[], object]) -> list[str]:
    """Run `step` in `count` threads released together; the refusals' first problems (any
    other exception fails the test)."""
    barrier = threading.Barrier(count)
    refused: list[str] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            step()
        except actions.ContractError as exc:
            refused.append(exc.problems[0])
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return refused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_double_click_on_enrol_makes_one_draft(tree, settings):
    """Eight simultaneous 生成入会申请 for one unit: the unit's row lock lets one through and
    the others find its draft."""
    settings.HUZHU_TODAY = "2025-03-03"
    unit = UnitFactory(union=tree.lixia, member_count=1)
    import_roster(unit, xlsx([person(9)]), actor=None)
    facts = actions.EnrolmentFacts("personal")
    refused = _at_once(8, lambda: actions.create_enrolment(unit, facts, actor=None))
    assert Contract.objects.filter(unit__code=unit.code).count() == 1
    assert len(refused) == 7 and all("已有尚未生效的入会申请" in r for r in refused)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_double_click_on_renew_makes_one_renewal(tree, people, settings):
    """K-5: one renewal per contract, however many 续会 arrive at once."""
    settings.HUZHU_TODAY = "2025-03-03"
    unit = UnitFactory(union=tree.lixia, member_count=1)
    import_roster(unit, xlsx([person(11)]), actor=None)
    facts = actions.EnrolmentFacts("personal")
    draft = actions.create_enrolment(unit, facts, actor=None)
    actions.submit_contract(draft, actor=None)
    contract = actions.confirm_fee(draft, actor=people.registrar)
    refused = _at_once(6, lambda: actions.start_renewal(contract, facts, actor=None))
    assert Contract.objects.filter(previous=contract).count() == 1
    assert len(refused) == 5 and all("已有续会申请" in r for r in refused)
