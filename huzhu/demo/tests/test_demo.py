from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from huzhu.accounts.models import User
from huzhu.claims.models import Claim, Holiday, HolidayYear
from huzhu.contracts.models import Contract
from huzhu.core import clock
from huzhu.core.models import AuditEntry
from huzhu.demo import loader
from huzhu.members.models import Member
from huzhu.organizations.models import Union, Unit
from huzhu.payments.models import Payment
from huzhu.quota.models import FreeShareApplication, Programme
from huzhu.rules.identity import validate_credit_code
from huzhu.rules.product import BenefitType
from huzhu.stats.figures import compute


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
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=login.username, password=loader.DEMO_PASSWORD)
        assert user is not None
        assert login.username in first
    assert {x.username for x in loader.logins()} >= {"admin", "reviewer", "lixia", "unit_a"}

    officer_a = User.objects.get(username="unit_a")
    active = Contract.objects.get(unit=officer_a.unit, status="active")
    assert active.contract_no.startswith("B01") and active.lines.count() == 12
    assert Contract.objects.filter(status="submitted").count() == 1
    members = Member.objects.count()
    assert members > 100

    assert loader.finished()
    done = AuditEntry.objects.get(action=loader.DEMO_LOADED)
    assert done.changes_for_display == [("含历年演示数据", None, "是"), ("随机种子", None, 2025)]
    call_command("demo")
    assert "演示数据已存在，未重复载入" in capsys.readouterr().out
    assert Unit.objects.count() == len(units)
    assert Member.objects.count() == members


def test_demo_history_has_years_of_contracts_free_shares_claims_and_payments(db):
    assert loader.load()
    today = clock.today()
    years = {d.year for d in Contract.objects.values_list("effective", flat=True) if d}
    assert {today.year - 3, today.year - 2, today.year - 1, today.year} <= years
    renewals = Contract.objects.filter(previous__isnull=False)
    assert renewals.exists()
    assert all(r.effective == r.previous.end for r in renewals.select_related("previous"))
    assert Contract.objects.filter(funding="free", status="active").exists()
    assert FreeShareApplication.objects.filter(status="granted").exists()
    # the rulebook's 2025 programme, and one for every year since: the board always has one
    assert set(Programme.objects.values_list("year", flat=True)) == set(
        range(2025, max(today.year, 2026) + 1)
    )
    settled = Claim.objects.filter(status__in=["paid", "archived"])
    kinds = set(settled.values_list("kind", flat=True))
    assert kinds == {kind.value for kind in BenefitType}
    assert Payment.objects.filter(status="failed").count() == 1
    paid = Payment.objects.filter(status="paid")
    assert paid.count() == settled.count()
    assert all(p.amount == p.claim.amount for p in paid.select_related("claim"))
    # files are archived a while after payment; the recent ones still wait for it
    archived = paid.filter(claim__status="archived")
    assert archived.exists() and paid.filter(claim__status="paid").exists()
    assert all(p.paid_on <= today - timedelta(days=30) for p in archived)
    # every queue of the workflow has work (C-4), and one payment is already late (C-5)
    stages = set(Claim.objects.values_list("status", flat=True))
    assert {"submitted", "registered", "reviewed", "approved"} <= stages
    waiting = Claim.objects.filter(status="approved")
    assert waiting.filter(due_date__lt=today).count() == 1
    assert not waiting.filter(due_date__lt=today - timedelta(days=30)).exists()
    assert all(c.amount and c.amount > 0 for c in waiting)
    # returned claims are corrected or withdrawn; only the last weeks' one still waits
    assert Claim.objects.filter(status="withdrawn").exclude(withdraw_reason="").exists()
    returned = Claim.objects.filter(status="returned")
    assert returned.count() == 1
    assert returned.get().submitted_at.date() >= today - timedelta(days=30)
    unfinished = Claim.objects.filter(status="submitted", documents__required=True)
    assert unfinished.filter(documents__received=False).exists()  # papers still missing
    figures = compute(None, None)
    assert figures.totals.benefits == sum(p.amount for p in paid)
    assert figures.timeliness["paid"] == paid.count()
    # believable: a scheme that lasts pays out less than its fees (rosters of 8-18 gave 340%)
    assert figures.totals.loss_ratio is not None and 20 <= figures.totals.loss_ratio <= 100


@pytest.mark.django_db(transaction=True)
def test_demo_history_is_the_same_on_every_load():
    """Every choice of the history comes from its seeded generator: a contract picked with the
    database's random() gave each load other claims, and the test above failed now and then.
    Each action of the load commits (an action's transaction is the outermost one), so the
    database is emptied between the two loads."""

    def load_and_describe() -> list[tuple[object, ...]]:
        assert loader.load()
        fields = ("kind", "status", "amount", "event_date", "due_date", "member__name")
        return sorted(Claim.objects.values_list(*fields), key=repr)

    first = load_and_describe()
    assert len(first) > 30
    call_command("flush", interactive=False, verbosity=0)
    assert load_and_describe() == first


def test_demo_reports_a_load_that_stopped_half_way(db, monkeypatch, capsys):
    """A load interrupted after its first actions committed leaves part of the data: the next
    `huzhu demo` says that no finished load is recorded, where it said the demo was there."""

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(loader, "_load_programmes", fail)
    with pytest.raises(RuntimeError):
        loader.load(history=False)
    assert Union.objects.filter(code=loader.ROOT[0]).exists() and not loader.finished()
    monkeypatch.undo()
    call_command("demo")
    out = capsys.readouterr().out
    assert "没有演示数据载入完成的记录" in out and "演示数据已存在" not in out
    assert not loader.finished()


def test_demo_staff_have_a_demo_authenticator_and_its_code_signs_them_in(db, capsys):
    from django.test import Client

    loader.load(history=False)
    call_command("demo")
    out = capsys.readouterr().out
    assert "二次验证" in out and "registrar" in out
    client = Client()
    client.post("/login/", {"username": "registrar", "password": loader.DEMO_PASSWORD})
    call_command("demo-code", "registrar")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    assert client.post("/account/2fa/", {"code": code}).status_code == 302
    assert client.get("/claims/").status_code == 200
    with pytest.raises(CommandError):
        call_command("demo-code", "unit_a")


def test_demo_unit_c_officer_sees_his_units_years_and_a_returned_claim_to_correct(db):
    """Units A and B start afresh; unit_c's unit has a past: contracts of several years, and
    claims of the last weeks, one returned for correction, which his claim page offers."""
    from django.test import Client

    loader.load()
    officer = User.objects.get(username="unit_c")
    assert "unit_c" in {x.username for x in loader.logins()}
    years = {
        c.effective.year
        for c in Contract.objects.filter(unit=officer.unit, status__in=["active", "expired"])
    }
    assert len(years) >= 3
    recent = Claim.objects.filter(
        member__memberships__unit=officer.unit,
        submitted_at__date__gte=clock.today() - timedelta(days=30),
    ).distinct()
    assert {"returned", "submitted"} <= set(recent.values_list("status", flat=True))
    returned = recent.get(status="returned")
    assert returned.return_reason
    client = Client()
    client.post("/login/", {"username": "unit_c", "password": loader.DEMO_PASSWORD})
    page = client.get(f"/claims/{returned.number}/").content.decode()
    assert returned.return_reason in page and f"/claims/{returned.number}/correct/" in page
    assert client.get(f"/claims/{returned.number}/correct/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_demo_calendar_lists_only_years_chinesecalendar_knows(settings):
    """Loaded in 2027, the demo listed 2027 as a year without a single holiday: its due dates
    counted Monday to Friday and were no longer marked provisional (C-5)."""
    settings.HUZHU_TODAY = "2027-03-01"
    loader._seed_calendar()
    assert set(HolidayYear.objects.values_list("year", flat=True)) == set(range(2022, 2027))
    assert not Holiday.objects.filter(day__year=2027).exists()
    assert Holiday.objects.filter(day__year=2026, working=False).exists()
