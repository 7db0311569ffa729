"""Contract numbers stay unique when many confirmations race (PostgreSQL row lock, K-2)."""

import threading

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
