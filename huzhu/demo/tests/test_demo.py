from django.contrib.auth import authenticate
from django.core.management import call_command

from huzhu.contracts.models import Contract
from huzhu.demo import loader
from huzhu.members.models import Member
from huzhu.organizations.models import Union, Unit
from huzhu.rules.identity import validate_credit_code


def test_demo_loads_jinan_tree_units_and_logins_once(db, capsys):
    call_command("demo")
    first = capsys.readouterr().out
    assert "演示数据已载入" in first
    assert Union.objects.get(code="jinan").children.count() == len(loader.COORDINATING)
    assert Union.objects.filter(name="历下区总工会", kind="district").exists()
    assert Union.objects.filter(kind="function_area").count() == 3
    units = list(Unit.objects.all())
    assert 180 <= len(units) <= 230
    for unit in units:
        assert validate_credit_code(unit.credit_code) == unit.credit_code
    for login in loader.logins():
        assert authenticate(username=login.username, password=loader.DEMO_PASSWORD) is not None
        assert login.username in first
    assert {x.username for x in loader.logins()} >= {"admin", "reviewer", "lixia", "unit_a"}

    active = Contract.objects.get(status="active")
    assert active.unit.officers.get().username == "unit_a"
    assert active.contract_no.startswith("B01") and active.lines.count() == 12
    assert Contract.objects.filter(status="submitted").count() == 1
    assert Member.objects.count() == 30

    call_command("demo")
    assert "未重复载入" in capsys.readouterr().out
    assert Unit.objects.count() == len(units)
    assert Member.objects.count() == 30
