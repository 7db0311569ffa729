"""Self-service look-up (SPEC W-1, W-2): the page and the union app's API give the same masked
answer, nothing of anyone else, the same shape for a wrong pair, and rate limits."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from pypdf import PdfReader

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import ApiToken
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.tests.journeys import (
    approved_claim,
    free_contract,
    on,
    paid_contract,
    reviewed_claim,
)
from huzhu.contracts import actions as contracts
from huzhu.core.clients import client_address, parse_proxies
from huzhu.lookup.models import Throttle
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, resident_id, xlsx
from huzhu.rules.identity import mask_id


@pytest.fixture
def insured(tree, people, settings):
    """Member 1 of unit A with a paid contract since 2023-03-01 and an approved accident claim;
    member 2 of unit B with his own contract."""
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    paid_contract(settings, tree.unit_b, people.registrar, "2023-03-01", shares=1, index=2)
    me = Member.objects.get(name="职工1")
    on(settings, "2023-06-12")
    approved_claim(
        me, people, ClaimFacts("accident_hospitalization", date(2023, 6, 1), circumstance="other")
    )
    return me


@pytest.fixture
def app(people):
    token = issue_token(people.admin, actor=None, name="齐鲁工惠", kind=ApiToken.Kind.APP)
    client = Client(headers={"authorization": f"Bearer {token}"})

    def post(path: str, body: dict) -> tuple[int, dict]:
        response = client.post(path, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    return post


def page(client: Client, id_number: str, name: str):
    return client.post("/lookup/", {"id_number": id_number, "name": name})


def test_worker_sees_his_contracts_and_claim_masked(insured):
    response = page(Client(), insured.id_number, "职工1")
    html = response.content.decode()
    assert response.status_code == 200
    assert mask_id(insured.id_number) in html and insured.id_number not in html
    assert "B01230001" in html and "甲单位" in html and "保障中" in html
    assert "意外伤害住院" in html and "3200.00" in html and "应于" in html
    assert "乙单位" not in html and "职工2" not in html


def test_api_answer_equals_the_page(insured, app):
    status, body = app("/api/v1/lookup", {"id_number": insured.id_number, "name": "职工1"})
    assert status == 200
    assert body["id_number"] == mask_id(insured.id_number)
    [contract] = body["contracts"]
    assert (contract["contract_no"], contract["shares"], contract["in_force"]) == (
        "B01230001",
        2,
        True,
    )
    assert contract["effective"] == "2023-03-01" and contract["waiting_days_left"] == 0
    [claim] = body["claims"]
    assert (claim["status"], claim["amount"], claim["paid"]) == ("approved", "3200.00", False)
    assert claim["due_date"] is not None
    assert body["message"] == ""


def test_a_paid_claim_says_the_day_the_money_arrived(insured, people, settings, app):
    """He checks his bank statement by it. A failed transfer before the paid one is no day of
    arrival (M-2: re-issued after the card was corrected)."""
    from huzhu.payments import actions as payments

    claim = insured.claims.get()
    first = payments.create_batch([claim], actor=people.cashier)
    payments.export_batch(
        payments.approve_batch(first, actor=people.approver), actor=people.cashier
    )
    on(settings, "2023-06-15")
    payments.record_result(first.payments.get(), actor=people.cashier, paid=False, reason="销户")
    again = payments.reissue(claim, actor=people.cashier, card="6222020200112233445")
    payments.export_batch(
        payments.approve_batch(again, actor=people.approver), actor=people.cashier
    )
    on(settings, "2023-06-21")
    payments.record_result(
        again.payments.get(),
        actor=people.cashier,
        paid=True,
        bank_ref="ICBC20230620",
        paid_on=date(2023, 6, 20),
    )
    html = page(Client(), insured.id_number, "职工1").content.decode()
    assert "核定救助金 3200.00 元，已于 2023年6月20日 发放到账" in html
    status, body = app("/api/v1/lookup", {"id_number": insured.id_number, "name": "职工1"})
    [shown] = body["claims"]
    assert (shown["paid"], shown["paid_on"]) == (True, "2023-06-20")
    status, progress = app(
        "/api/v1/lookup/claim",
        {"id_number": insured.id_number, "name": "职工1", "claim_no": claim.number},
    )
    assert (status, progress["paid_on"]) == (200, "2023-06-20")


def test_wrong_name_and_unknown_number_answer_alike(insured, app):
    from huzhu.members.tests.rosters import resident_id

    stranger = resident_id("19800101", serial=77)
    wrong = app("/api/v1/lookup", {"id_number": insured.id_number, "name": "职工2"})
    unknown = app("/api/v1/lookup", {"id_number": stranger, "name": "职工1"})
    assert wrong[0] == unknown[0] == 200
    strip = {"id_number", "checked_on"}
    assert {k: v for k, v in wrong[1].items() if k not in strip} == {
        k: v for k, v in unknown[1].items() if k not in strip
    }
    assert wrong[1]["contracts"] == [] and "未查到" in wrong[1]["message"]
    html_wrong = page(Client(), insured.id_number, "职工2").content.decode()
    assert "未查到" in html_wrong and "B0123" not in html_wrong


def test_a_name_with_a_middle_dot_is_found_however_the_dot_is_typed(tree, people, settings):
    """W-1: 阿依古丽·买买提 is registered with the ID card's dot (U+00B7); on a phone she types
    •, ．, a full stop, a space or no dot at all. Another name is still another person."""
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    member = Member.objects.get()
    member.name = "阿依古丽·买买提"
    member.save(update_fields=["name"])
    typed_as = ("阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽．买买提", "阿依古丽.买买提")
    for i, typed in enumerate((*typed_as, "阿依古丽 买买提", "阿依古丽买买提")):
        html = page(Client(REMOTE_ADDR=f"10.0.1.{i}"), member.id_number, typed).content.decode()
        assert "B01230001" in html, typed  # (one address each: five quick look-ups is the limit)
    other = page(Client(), member.id_number, "阿依古丽").content.decode()
    assert "未查到" in other and "B01230001" not in other


def test_waiting_days_left_in_the_first_30_days(tree, people, settings, app):
    paid_contract(settings, tree.unit_a, people.registrar, "2024-03-01", shares=1)
    me = Member.objects.get()
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    first = body["contracts"][0]  # the effective day: cover starts tomorrow (P-3), wait with it
    assert (first["in_force"], first["waiting_days_left"], first["waiting_shares"]) == (
        False,
        31,
        1,
    )
    on(settings, "2024-03-11")  # P-5: payable from 2024-04-01
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": " 职 工1 "})
    assert status == 200
    assert body["contracts"][0]["waiting_days_left"] == 21
    assert body["contracts"][0]["waiting_shares"] == 1  # the one share of a first contract
    assert body["contracts"][0]["waiting_for"] == "重大疾病、疾病身故"
    html = page(Client(), me.id_number, "职工1").content.decode()
    assert "重大疾病、疾病身故免责期还剩 21 天（P-5）" in html
    settings.DEATH_ILLNESS_WAITING_DAYS = 0  # the association's setting (P-5)
    html = page(Client(), me.id_number, "职工1").content.decode()
    assert 'class="warn">重大疾病免责期还剩 21 天（P-5）' in html


def test_shares_added_at_renewal_wait_the_others_do_not(tree, people, settings, app):
    """P-6: a renewal from 1 to 3 shares continues the one share; the 2 new ones wait (P-5)."""
    first = paid_contract(settings, tree.unit_a, people.registrar, "2024-03-01", shares=1)
    on(settings, "2025-02-20")
    row = person(1, shares=3, 身份证号码=resident_id("19710301", serial=1))
    assert import_roster(tree.unit_a, xlsx([row]), actor=None).saved
    renewal = contracts.start_renewal(first, contracts.EnrolmentFacts("union_funds"), actor=None)
    contracts.submit_contract(renewal, actor=None)
    contracts.confirm_fee(renewal, actor=people.registrar)  # effective 2025-03-01
    on(settings, "2025-03-11")  # the new shares are payable from 2025-04-01
    me = Member.objects.get()
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    assert status == 200
    renewed, old = body["contracts"]
    assert (renewed["shares"], renewed["waiting_shares"], renewed["waiting_days_left"]) == (
        3,
        2,
        21,
    )
    assert (old["in_force"], old["waiting_shares"]) == (False, 0)
    html = page(Client(), me.id_number, "职工1").content.decode()
    assert "续会新增的 2 份：重大疾病、疾病身故免责期还剩 21 天" in html


def test_contracts_newest_first_and_drafts_left_out(tree, people, settings, app):
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    me = Member.objects.get()
    free_contract(settings, tree.unit_a, me, people.registrar, "2023-06-01")
    contracts.create_enrolment(tree.unit_a, contracts.EnrolmentFacts("union_funds"), actor=None)
    on(settings, "2023-06-20")
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    assert status == 200
    shown = [
        (c["contract_no"][:2], c["funding"], c["shares"], c["unit"], c["effective"])
        for c in body["contracts"]
    ]
    assert shown == [
        ("PB", "普惠（免费）", 1, "甲单位", "2023-06-01"),
        ("B0", "缴费（会费）", 2, "甲单位", "2023-03-01"),
    ]
    assert body["claims"] == [] and body["message"] == ""


def test_app_token_revoked_or_of_an_inactive_user_is_refused(insured, people, settings):
    key = issue_token(people.admin, actor=None, kind=ApiToken.Kind.APP)
    client = Client(headers={"authorization": f"Bearer {key}"})
    body = json.dumps({"id_number": insured.id_number, "name": "职工1"})

    def status() -> int:
        return client.post("/api/v1/lookup", body, content_type="application/json").status_code

    settings.HUZHU_NOW = "2023-06-12T10:00:00+08:00"
    assert status() == 200
    token = ApiToken.objects.get(kind=ApiToken.Kind.APP)
    assert token.last_used_at == datetime(2023, 6, 12, 2, 0, tzinfo=UTC)
    settings.HUZHU_NOW = "2023-06-12T10:04:00+08:00"  # noted at most every 5 minutes
    assert status() == 200
    token.refresh_from_db()
    assert token.last_used_at == datetime(2023, 6, 12, 2, 0, tzinfo=UTC)
    settings.HUZHU_NOW = "2023-06-12T10:06:00+08:00"
    assert status() == 200
    token.refresh_from_db()
    assert token.last_used_at == datetime(2023, 6, 12, 2, 6, tzinfo=UTC)
    people.admin.is_active = False
    people.admin.save()
    assert status() == 401
    people.admin.is_active = True
    people.admin.save()
    assert status() == 200
    ApiToken.objects.update(revoked_at=token.last_used_at)
    assert status() == 401


def test_a_rejected_and_archived_claim_shows_no_amount(tree, people, settings, app):
    from huzhu.claims import actions as claims

    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    on(settings, "2023-06-12")
    me = Member.objects.get()
    claim = reviewed_claim(me, people)  # the engine proposes 1600
    claims.reject_claim(claim, actor=people.approver, reason="材料不实")
    claims.archive_claim(claim, actor=people.registrar)
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    [shown] = body["claims"]
    assert status == 200 and shown["status"] == "archived"
    assert (shown["amount"], shown["paid"], shown["due_date"]) == (None, False, None)


def test_claim_progress_only_for_the_same_person(insured, app):
    number = insured.claims.get().number
    status, body = app(
        "/api/v1/lookup/claim",
        {"id_number": insured.id_number, "name": "职工1", "claim_no": number},
    )
    assert status == 200 and body["number"] == number and body["status_label"] == "已审批，待发放"
    other = Member.objects.get(name="职工2")
    status, body = app(
        "/api/v1/lookup/claim", {"id_number": other.id_number, "name": "职工2", "claim_no": number}
    )
    assert status == 404 and body["error"]["code"] == "not_found"


def test_malformed_input_gets_a_chinese_message(insured, app):
    status, body = app("/api/v1/lookup", {"id_number": "12345", "name": "职工1"})
    assert status == 422 and "身份证号码" in body["error"]["message"]
    status, body = app("/api/v1/lookup", {"name": "职工1"})
    assert status == 422 and body["error"]["code"] == "invalid_input"
    response = page(Client(), insured.id_number, "")
    assert response.status_code == 400 and "请填写姓名" in response.content.decode()


def test_sixth_quick_lookup_from_one_address_is_refused(insured):
    client = Client()
    for _ in range(5):
        assert page(client, insured.id_number, "职工1").status_code == 200
    response = page(client, insured.id_number, "职工1")
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert "B01230001" not in response.content.decode()
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert page(other_address, insured.id_number, "职工1").status_code == 200
    assert all(insured.id_number not in t.key for t in Throttle.objects.all())


def test_one_id_number_is_limited_across_addresses(insured, settings):
    settings.LOOKUP_LIMITS = settings.LOOKUP_LIMITS | {"id_number": (3, 3600)}
    for i in range(3):
        assert page(Client(REMOTE_ADDR=f"10.0.0.{i}"), insured.id_number, "x").status_code == 200
    response = page(Client(REMOTE_ADDR="10.0.0.9"), insured.id_number, "职工1")
    assert response.status_code == 429 and "该身份证号码查询次数过多" in response.content.decode()


def test_limit_window_starts_again(insured, settings):
    settings.LOOKUP_LIMITS = settings.LOOKUP_LIMITS | {"client": (1, 60)}
    settings.HUZHU_NOW = "2023-06-12T10:00:00+08:00"
    assert page(Client(), insured.id_number, "职工1").status_code == 200
    assert page(Client(), insured.id_number, "职工1").status_code == 429
    settings.HUZHU_NOW = "2023-06-12T10:01:00+08:00"
    assert page(Client(), insured.id_number, "职工1").status_code == 200


def test_app_token_opens_only_the_lookup_and_user_tokens_not_the_lookup(insured, people):
    app_key = issue_token(people.admin, actor=None, kind=ApiToken.Kind.APP)
    as_app = Client(headers={"authorization": f"Bearer {app_key}"})
    assert as_app.get("/api/v1/me").status_code == 401
    assert as_app.get("/api/v1/units").status_code == 401
    user_key = issue_token(people.admin, actor=None)
    as_user = Client(headers={"authorization": f"Bearer {user_key}"})
    body = json.dumps({"id_number": insured.id_number, "name": "职工1"})
    response = as_user.post("/api/v1/lookup", body, content_type="application/json")
    assert response.status_code == 401


def test_scheme_page_is_public_and_lists_documents_and_forms(db):
    html = Client().get("/scheme/").content.decode()
    assert "34 种重大疾病" in html and "授权委托书" in html and "86195716" in html
    assert "/forms/application.pdf" in html
    form = Client().get("/forms/application.pdf").content
    assert form.startswith(b"%PDF")
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(form)).pages)
    assert "救助时效为知道保障事故之日起两年" in text  # the scheme's word, not insurance's


def test_scheme_page_says_who_pays_and_what_the_free_share_is(db):
    """K-3's five ways of paying and the city federation's free share (Q-1, K-2: PB numbers):
    a worker holding a PB contract asks what it is, and the claim form asks for its number."""
    from huzhu.contracts.models import FundingSource

    html = Client().get("/scheme/").content.decode()
    assert all(label in html for label in FundingSource.labels)
    assert "合同单号以 <strong>PB</strong> 开头" in html and "免费赠送一份" in html
    assert "不少于本单位工会会员的 70%" in html


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(insured, settings):
    """Every request arrives from the proxy; its X-Forwarded-For names the client. Without the
    setting one limit served everybody; a client cannot escape it by claiming an address."""
    settings.LOOKUP_LIMITS = settings.LOOKUP_LIMITS | {"client": (2, 60)}

    def via_proxy(chain: str) -> int:
        proxy = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=chain)
        return int(page(proxy, insured.id_number, "职工1").status_code)

    # the proxy not named: everyone is 127.0.0.1, and the third person is refused
    assert [via_proxy(f"203.0.113.{i}") for i in range(3)] == [200, 200, 429]
    settings.TRUSTED_PROXIES = parse_proxies("127.0.0.1, 10.0.0.0/8")
    assert [via_proxy("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert via_proxy("198.51.100.2") == 200  # another person behind the same proxy
    # what the client wrote to the left is not believed; a second trusted hop is skipped
    assert via_proxy("198.51.100.2, 198.51.100.1") == 429
    assert via_proxy("198.51.100.1, 10.1.1.1") == 429
    direct = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_address(direct.get("/").wsgi_request) == "192.0.2.9"


def test_trusted_proxies_setting_refuses_a_typo():
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        parse_proxies("127.0.0.1,nginx")


def test_a_paid_critical_illness_ends_the_contracts_cover_for_him(tree, people, settings, app):
    """P-7: after a critical illness was paid under his contract, the worker no longer reads
    保障中 there (before, the look-up said he was covered by it for the rest of the year)."""
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    me = Member.objects.get()
    on(settings, "2023-06-12")
    approved_claim(me, people, ClaimFacts("critical_illness", date(2023, 6, 1), disease="CI05"))
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    [shown] = body["contracts"]
    assert status == 200 and shown["status"] == "有效"
    assert (shown["in_force"], shown["cover_ended"], shown["cover_ended_on"]) == (
        False,
        "all",
        "2023-06-01",
    )
    html = page(Client(), me.id_number, "职工1").content.decode()
    assert "保障责任已终止" in html and "保障中" not in html
    assert "2023年6月1日 确诊的重大疾病已获救助，本合同对您的保障责任已终止（P-7）" in html


def test_a_critical_illness_in_the_waiting_period_ends_only_that_cover(tree, people, settings, app):
    """P-7: one first diagnosed in the waiting period pays nothing and ends the contract's
    critical-illness cover; he stays covered for the rest (the claim rejected, as it may be)."""
    from huzhu.claims import actions as claims

    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    me = Member.objects.get()
    on(settings, "2023-03-20")
    facts = ClaimFacts("critical_illness", date(2023, 3, 15), disease="CI05")
    claims.reject_claim(reviewed_claim(me, people, facts), actor=people.approver, reason="免责期")
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    [shown] = body["contracts"]
    assert (shown["in_force"], shown["cover_ended"], shown["cover_ended_on"]) == (
        True,
        "critical_illness",
        "2023-03-15",
    )
    html = page(Client(), me.id_number, "职工1").content.decode()
    assert "保障中" in html and "本合同的重大疾病保障已终止，其他保障继续有效（P-7）" in html
    # the critical-illness waiting period no longer counts down: death by illness still waits
    # (payable from 2023-04-01, P-5); before, the note named 重大疾病 too
    assert (shown["waiting_days_left"], shown["waiting_for"]) == (12, "疾病身故")
    assert 'class="warn">疾病身故免责期还剩 12 天（P-5）' in html
    settings.DEATH_ILLNESS_WAITING_DAYS = 0  # the association's setting: nothing waits now
    status, body = app("/api/v1/lookup", {"id_number": me.id_number, "name": "职工1"})
    assert (body["contracts"][0]["waiting_days_left"], body["contracts"][0]["waiting_for"]) == (
        0,
        "",
    )
    assert "免责期还剩" not in page(Client(), me.id_number, "职工1").content.decode()
