"""修改职工信息: a roster manager corrects one worker without uploading a file. Each answer is
checked as its roster column is (E-4, P-2); a refusal changes nothing; every change is audited
with masked card numbers."""

import threading
import time

import pytest
from django.db import connection, connections

from huzhu.contracts import actions as contracts
from huzhu.core.models import AuditEntry
from huzhu.members import actions
from huzhu.members.actions import import_roster
from huzhu.members.models import Member, card_hash
from huzhu.members.tests.rosters import bank_card, person, xlsx
from huzhu.rules.identity import mask_card
from huzhu.rules.roster import validate_changes


@pytest.fixture
def worker(tree, settings):
    settings.HUZHU_TODAY = "2025-03-03"
    tree.unit_a.member_count = 2
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None).saved
    return Member.objects.get(name="职工1")


def edit_url(unit, member) -> str:
    return f"/units/{unit.code}/roster/{member.code}/edit/"


def answers(**changes: object) -> dict[str, object]:
    return {"name": "职工1", "mobile": "13900000001", "bank_card": "", "shares": "1"} | changes


def test_officer_corrects_a_worker_and_the_change_is_audited(tree, people, login, worker):
    client = login(people.officer_a)
    detail = client.get(f"/members/{worker.code}/").content.decode()
    assert edit_url(tree.unit_a, worker) in detail
    form = client.get(edit_url(tree.unit_a, worker)).content.decode()
    assert worker.masked_card in form and worker.bank_card not in form
    new_card = bank_card(999)
    page = client.post(
        edit_url(tree.unit_a, worker),
        answers(
            name="职 工一",
            mobile="１３９ 1234 5678",
            bank_card=new_card,
            shares="3",
            tags=["困难职工", "海右人才"],
        ),
        follow=True,
    ).content.decode()
    assert "职工一 的信息已保存" in page
    worker.refresh_from_db()
    assert (worker.name, worker.mobile, worker.tags) == (
        "职工一",
        "13912345678",
        ["困难职工", "海右人才"],
    )
    assert (worker.bank_card, worker.bank_card_hash) == (new_card, card_hash(new_card))
    assert worker.memberships.get().shares == 3
    entry = AuditEntry.objects.get(action="members.member.updated")
    assert entry.actor == people.officer_a and entry.target_code == worker.code
    assert entry.before["name"] == "职工1" and entry.after["shares"] == 3
    assert entry.after["bank_card"] == mask_card(new_card)
    assert new_card not in str(entry.before) + str(entry.after)


def test_a_blank_card_keeps_the_card_and_no_change_writes_nothing(tree, people, login, worker):
    client = login(people.officer_a)
    card = worker.bank_card
    page = client.post(edit_url(tree.unit_a, worker), answers(), follow=True).content.decode()
    assert "信息没有变化" in page
    assert not AuditEntry.objects.filter(action="members.member.updated").exists()
    client.post(edit_url(tree.unit_a, worker), answers(mobile="13700000000"))
    worker.refresh_from_db()
    assert (worker.mobile, worker.bank_card) == ("13700000000", card)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mobile": "1390000"}, "手机号码"),
        ({"bank_card": "6222abc"}, "银行卡号"),
        ({"name": "123"}, "姓名“123”不正确"),
        ({"name": ""}, "“姓名”不能为空"),
        ({"shares": "4"}, "份数应为1至3的整数"),
    ],
)
def test_bad_answers_are_named_and_change_nothing(tree, people, login, worker, changes, message):
    before = Member.objects.filter(pk=worker.pk).values().get()
    response = login(people.officer_a).post(edit_url(tree.unit_a, worker), answers(**changes))
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "尚未保存任何数据" in page
    assert Member.objects.filter(pk=worker.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="members.member.updated").exists()


def test_the_action_refuses_answers_that_failed_their_checks(tree, people, worker):
    """The action itself refuses a correction whose answers failed validation (callers other
    than the page's form included): the message names the problem, nothing changes."""
    changes = validate_changes(answers(mobile="1390000"))
    assert changes.errors
    with pytest.raises(ValueError, match=changes.errors[0].message):
        actions.correct_member(tree.unit_a, worker, changes, actor=people.officer_a)
    worker.refresh_from_db()
    assert worker.mobile == person(1)[2]
    assert not AuditEntry.objects.filter(action="members.member.updated").exists()


def test_a_luhn_mismatch_is_saved_with_a_warning(tree, people, login, worker):
    card = bank_card(5)
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    page = (
        login(people.officer_a)
        .post(edit_url(tree.unit_a, worker), answers(bank_card=wrong), follow=True)
        .content.decode()
    )
    assert "已保存" in page and "银行卡号校验未通过，请与持卡人核对卡号" in page
    worker.refresh_from_db()
    assert worker.bank_card == wrong


def test_more_shares_are_checked_against_every_contract(tree, people, login, worker):
    """P-2: 2 shares in unit B's contract, then 2 planned in unit A would make 4."""
    tree.unit_b.member_count = 1
    tree.unit_b.save()
    assert import_roster(tree.unit_b, xlsx([person(1, shares=2)]), actor=None).saved
    draft = contracts.create_enrolment(
        tree.unit_b, contracts.EnrolmentFacts("personal"), actor=None
    )
    contracts.submit_contract(draft, actor=None)
    assert import_roster(tree.unit_a, xlsx([person(1)]), actor=None).saved  # moves back to A
    page = (
        login(people.officer_a)
        .post(edit_url(tree.unit_a, worker), answers(shares="2"))
        .content.decode()
    )
    assert "已有2份" in page and "超过每人3份上限" in page
    assert worker.memberships.get(left__isnull=True).shares == 1


def test_a_pending_enrolment_is_named_after_a_change(tree, people, login, worker):
    contracts.create_enrolment(tree.unit_a, contracts.EnrolmentFacts("personal"), actor=None)
    page = (
        login(people.officer_a)
        .post(edit_url(tree.unit_a, worker), answers(shares="2"), follow=True)
        .content.decode()
    )
    assert "不随本次修改变化" in page


def test_only_the_roster_manager_of_the_unit_edits(tree, people, login, worker):
    url = edit_url(tree.unit_a, worker)
    assert login(people.officer_b).get(url).status_code == 404
    assert login(people.union_officer).get(url).status_code == 403
    assert login(people.registrar).get(url).status_code == 200
    assert login(people.officer_b).post(url, answers(mobile="13700000000")).status_code == 404
    assert Member.objects.get(pk=worker.pk).mobile == worker.mobile
    other = Member.objects.get(name="职工2")
    login(people.officer_a).post(
        f"/units/{tree.unit_a.code}/roster/{other.code}/leave/", {"reason": "离职"}
    )
    assert login(people.officer_a).get(edit_url(tree.unit_a, other)).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database (CI)")
def test_a_correction_during_an_import_of_the_same_worker_waits_for_it(
    tree, people, settings, monkeypatch
):
    """An import locks its members, then their roster places. A correction locked the place
    first, then the member: run while an import held the member and went for the place, each
    waited for the other and PostgreSQL killed one of them as a deadlock. Now the correction
    takes the member first too, so it waits for the import and then applies."""
    settings.HUZHU_TODAY = "2025-03-03"
    tree.unit_a.member_count = 1
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(1)]), actor=None).saved
    worker = Member.objects.get()
    members_locked = threading.Event()
    place_on_roster = actions._place_on_roster

    def place_after_a_while(*args, **kwargs):
        members_locked.set()
        time.sleep(0.5)  # the correction starts meanwhile
        return place_on_roster(*args, **kwargs)

    monkeypatch.setattr(actions, "_place_on_roster", place_after_a_while)
    failures: list[BaseException] = []

    def run(step) -> None:
        try:
            step()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    def reimport() -> None:
        report = import_roster(tree.unit_a, xlsx([person(1, 手机号码="13600000000")]), actor=None)
        assert report.saved, report.errors

    def correct() -> None:
        members_locked.wait(timeout=10)
        changes = validate_changes(answers(mobile="13700000000", shares="2"))
        assert actions.correct_member(tree.unit_a, worker, changes, actor=people.officer_a)

    threads = [threading.Thread(target=run, args=(s,)) for s in (reimport, correct)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    worker.refresh_from_db()
    assert worker.mobile == "13700000000"  # the correction came second
    assert worker.memberships.get().shares == 2
