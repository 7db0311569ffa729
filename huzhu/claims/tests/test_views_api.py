"""Claim and payment pages and the claims API, with the stranger case."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from huzhu.accounts.actions import issue_token
from huzhu.claims import actions
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.models import Claim
from huzhu.claims.tests.journeys import (
    PDF,
    approved_claim,
    death_facts,
    on,
    paid_contract,
    reviewed_claim,
)
from huzhu.core.downloads import XLSX
from huzhu.core.models import AuditEntry
from huzhu.members.models import Member
from huzhu.rules.product import BenefitType


@pytest.fixture
def enrolled(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    return Member.objects.get()


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, actor=None)}"})


def file_claim(client, member):
    return client.post(
        "/claims/new/",
        {
            "member": member.pk,
            "kind": "accident_hospitalization",
            "event_date": "2023-05-23",
            "circumstance": "work_or_fall",
            "hospital": "山东省千佛山医院",
        },
    )


def test_officer_files_uploads_and_staff_pay_through_the_pages(enrolled, people, login, settings):
    officer = login(people.officer_a)
    response = file_claim(officer, enrolled)
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.number}/"
    for document in claim.documents.filter(required=True):
        upload = SimpleUploadedFile("scan.pdf", PDF)
        officer.post(f"/claims/{claim.number}/documents/{document.item}/", {"file": upload})
    bad = officer.post(
        f"/claims/{claim.number}/documents/application_form/",
        {"file": SimpleUploadedFile("a.pdf", b"GIF89a fake")},
        follow=True,
    )
    assert "只接受 PDF、JPG、PNG" in bad.content.decode()
    # an iPhone's photo (HEIC): the page says what it is and how to send it
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    photo = officer.post(
        f"/claims/{claim.number}/documents/application_form/",
        {"file": SimpleUploadedFile("IMG_0001.HEIC", heic)},
        follow=True,
    ).content.decode()
    assert "HEIC 格式照片" in photo and "兼容性最佳" in photo
    shown = officer.get(f"/claims/{claim.number}/documents/application_form/file")
    assert shown.content == PDF and shown["Content-Type"] == "application/pdf"
    assert shown["Content-Security-Policy"].startswith("sandbox")
    # a copy of the ID or bank card, a medical record: every view is logged (who, what, whose)
    [opened] = AuditEntry.objects.filter(action="claims.document.opened")
    assert (opened.actor_label, opened.target_code) == ("officer_a", claim.number)
    assert opened.after == {"item": "application_form", "member": enrolled.code}
    assert "claims.document.opened" not in officer.get(f"/claims/{claim.number}/").content.decode()
    steps = api(people.officer_a).get(f"/api/v1/claims/{claim.number}").json()["timeline"]
    assert steps[-1]["action"] == "claims.document.received"  # a view is not a step of it
    assert (steps[0]["action"], steps[0]["label"], steps[-1]["label"]) == (
        "claims.claim.submitted",
        "提交申请",
        "收到材料",
    )
    # a file altered on disk after its check is not shown
    from django.conf import settings as django_settings

    stored = claim.documents.get(item="application_form").file_path
    (Path(django_settings.MEDIA_ROOT) / stored).write_bytes(b"<html><script>x</script>")
    assert officer.get(f"/claims/{claim.number}/documents/application_form/file").status_code == 404
    (Path(django_settings.MEDIA_ROOT) / stored).write_bytes(PDF)
    login(people.registrar).post(f"/claims/{claim.number}/actions/register/")
    # before deciding, the reviewer sees what the engine proposes (C-4); nothing is recorded
    proposal = login(people.reviewer).get(f"/claims/{claim.number}/").content.decode()
    assert "规则引擎建议（待病案审核）" in proposal and "1600.00" in proposal and "P-4" in proposal
    assert "规则引擎建议" not in officer.get(f"/claims/{claim.number}/").content.decode()
    claim.refresh_from_db()
    assert claim.decision is None
    login(people.reviewer).post(f"/claims/{claim.number}/actions/review/", {"decision": "accept"})
    page = login(people.approver).get(f"/claims/{claim.number}/").content.decode()
    assert "1600.00" in page and "P-4" in page and "审批通过" in page
    login(people.approver).post(f"/claims/{claim.number}/actions/approve/")
    cashier = login(people.cashier)
    created = cashier.post("/payments/batches/", {"claims": [claim.number]})
    code = created["Location"].split("/")[-2]
    login(people.approver).post(f"/payments/batches/{code}/approve/")
    sheet = load_workbook(io.BytesIO(cashier.get(f"/payments/batches/{code}/export.xlsx").content))
    assert sheet.worksheets[0]["E2"].value == claim.number
    # the bank's result file may come back as xlsx, xls or csv: the file picker offers all three
    batch_page = cashier.get(f"/payments/batches/{code}/").content.decode()
    assert 'name="file" accept=".xlsx,.xls,.csv" required' in batch_page
    on(settings, "2023-07-20")
    cashier.post(
        f"/payments/batches/{code}/{claim.number}/result/",
        {"result": "paid", "bank_ref": "R1", "paid_on": "2023-07-20"},
    )
    login(people.registrar).post(f"/claims/{claim.number}/actions/archive/")
    claim.refresh_from_db()
    assert claim.status == "archived"
    timeline = officer.get(f"/claims/{claim.number}/").content.decode()
    assert "救助金发放" in timeline and "材料归档" in timeline and "收到材料" in timeline
    # each upload names its item: the same file name under five items said nothing apart
    assert " · 收到材料：救助申请表 · scan.pdf</li>" in timeline
    # who did each step: the unit sees the association's staff as such, not their logins
    # (half of what signing in as them takes); staff see the name and the login
    assert " · 互济会工作人员 · 材料归档</li>" in timeline
    assert f" · {people.officer_a.display_name} · 提交申请</li>" in timeline
    for member_of_staff in (people.registrar, people.reviewer, people.approver, people.cashier):
        assert f"· {member_of_staff.username} ·" not in timeline
    registrar = people.registrar
    staff_view = login(registrar).get(f"/claims/{claim.number}/").content.decode()
    assert f" · {registrar.display_name}（{registrar.username}） · 材料归档</li>" in staff_view
    steps = api(people.officer_a).get(f"/api/v1/claims/{claim.number}").json()["timeline"]
    assert (steps[0]["actor"], steps[-1]["actor"]) == (
        people.officer_a.display_name,
        "互济会工作人员",
    )
    audit_page = login(people.admin).get("/audit/").content.decode()
    assert f"<td>{registrar.display_name}（{registrar.username}）</td>" in audit_page


def test_strangers_cannot_see_download_or_act(enrolled, people, login):
    file_claim(login(people.officer_a), enrolled)
    claim = Claim.objects.get()
    stranger = login(people.officer_b)
    assert stranger.get(f"/claims/{claim.number}/").status_code == 404
    assert (
        stranger.get(f"/claims/{claim.number}/documents/application_form/file").status_code == 404
    )
    assert stranger.post(f"/claims/{claim.number}/actions/register/").status_code == 404
    # the claim number, not "JZ": every page carries a random CSRF token that may contain it
    assert claim.number.encode() in login(people.officer_a).get("/claims/").content
    assert claim.number.encode() not in stranger.get("/claims/").content
    assert (
        login(people.officer_a).post(f"/claims/{claim.number}/actions/register/").status_code == 403
    )
    assert login(people.officer_a).get("/payments/").status_code == 403
    assert api(people.officer_b).get(f"/api/v1/claims/{claim.number}").status_code == 404


def test_lists_due_this_week_and_overdue(enrolled, people, login, settings):
    claim = Claim.objects.create(
        number="JZ2023999999",
        member=enrolled,
        unit=enrolled.current_membership.unit,
        kind="accident_hospitalization",
        event_date=date(2023, 5, 23),
        known_date=date(2023, 5, 23),
        status="approved",
        due_date=date(2023, 7, 5),
        decision={},
        amount=1600,
    )
    staff = login(people.registrar)
    assert claim.number in staff.get("/claims/?view=overdue").content.decode()
    assert claim.number not in staff.get("/claims/?view=due_week").content.decode()
    on(settings, "2023-07-01")
    assert claim.number in staff.get("/claims/?view=due_week").content.decode()


def test_the_list_shows_the_submission_day_it_is_ordered_by(enrolled, people, login):
    """The list runs by submission, latest first; it showed the event day, so its order
    looked random (a claim for an older event filed later sits above a newer one)."""
    common = {
        "member": enrolled,
        "unit": enrolled.current_membership.unit,
        "kind": "accident_hospitalization",
        "decision": {},
    }
    for number, event, submitted in (
        ("JZ2023000001", date(2023, 5, 23), datetime(2023, 6, 1, 9, tzinfo=UTC)),
        ("JZ2023000002", date(2023, 4, 2), datetime(2023, 6, 20, 9, tzinfo=UTC)),
    ):
        Claim.objects.create(
            number=number, event_date=event, known_date=event, submitted_at=submitted, **common
        )
    page = login(people.registrar).get("/claims/").content.decode()
    assert '<th title="列表按提交时间排列，最近提交的在前">提交日期</th>' in page
    rows = re.findall(
        r"(JZ202300000\d)</a></td>.*?<td>(2023-\d\d-\d\d)</td>\s*<td>(2023-[\d-]+)</td>", page, re.S
    )
    assert rows == [
        ("JZ2023000002", "2023-04-02", "2023-06-20"),
        ("JZ2023000001", "2023-05-23", "2023-06-01"),
    ]


def test_api_claim_journey_and_errors(enrolled, people):
    officer = api(people.officer_a)
    body = {
        "member": enrolled.code,
        "kind": "critical_illness",
        "event_date": "2023-06-01",
        "disease": "CI99",
    }
    refused = officer.post("/api/v1/claims", body, content_type="application/json")
    assert refused.status_code == 409 and "34类重大疾病" in refused.json()["error"]["details"][0]
    body |= {"kind": "accident_hospitalization", "disease": "", "circumstance": "other"}
    created = officer.post("/api/v1/claims", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["same_event"] == []
    number = created.json()["number"]
    again = officer.post("/api/v1/claims", body, content_type="application/json")
    assert again.json()["same_event"] == [number]  # C-6: flagged at once
    officer.post(
        f"/api/v1/claims/{again.json()['number']}/actions/withdraw",
        {"reason": "重复提交"},
        content_type="application/json",
    )
    assert officer.get(f"/api/v1/claims/{number}").json()["same_event"] == []
    for document in created.json()["documents"]:
        if document["required"]:
            officer.post(
                f"/api/v1/claims/{number}/documents",
                {"item": document["item"], "file": SimpleUploadedFile("s.pdf", PDF)},
            )
    wrong = officer.post(
        f"/api/v1/claims/{number}/actions/register", {}, content_type="application/json"
    )
    assert wrong.status_code == 403
    api(people.registrar).post(
        f"/api/v1/claims/{number}/actions/register", {}, content_type="application/json"
    )
    reviewed = api(people.reviewer).post(
        f"/api/v1/claims/{number}/actions/review", {"accept": True}, content_type="application/json"
    )
    assert reviewed.json()["proposed_amount"] == "1600.00"
    own = api(people.reviewer).post(
        f"/api/v1/claims/{number}/actions/approve", {}, content_type="application/json"
    )
    assert own.status_code == 403
    detail = officer.get(f"/api/v1/claims/{number}").json()
    assert [s["action"] for s in detail["timeline"]][:2] == [
        "claims.claim.submitted",
        "claims.document.received",
    ]
    assert (
        officer.post(
            f"/api/v1/claims/{number}/actions/pay", {}, content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [("CI01", "CI01"), ("ci04 原发性癌症", "CI04"), ("尿毒症", "CI01"), ("肺切除", "CI29")],
)
def test_disease_is_found_by_name_or_code(enrolled, people, login, typed, code):
    form = {
        "member": enrolled.pk,
        "kind": "critical_illness",
        "event_date": "2023-06-01",
        "disease": typed,
    }
    login(people.officer_a).post("/claims/new/", form)
    assert Claim.objects.get().disease == code


@pytest.mark.parametrize(("typed", "words"), [("感冒", "34类重大疾病"), ("心绞痛", "多种疾病")])
def test_unknown_or_ambiguous_disease_names_are_refused(enrolled, people, login, typed, words):
    form = {
        "member": enrolled.pk,
        "kind": "critical_illness",
        "event_date": "2023-06-01",
        "disease": typed,
    }
    assert words in login(people.officer_a).post("/claims/new/", form).content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"hospital": "医" * 101}, "“医院”不能超过100个字"),
        ({"accident_id": "A" * 41}, "“事故标识”不能超过40个字"),
        ({"trustee_name": "张" * 51}, "“受托人姓名”不能超过50个字"),
        ({"circumstance": "flood"}, "事故情形"),
        ({"disease": "CI01-X"}, "重大疾病"),
        ({"disability_grade": -1}, "伤残等级"),  # a grade on a claim of another type
        ({"disability_grade": 10**12}, "伤残等级"),
        ({"known_date": "9999-12-31"}, "知道事件日期不能晚于今天"),  # its time bar: year 10001
        ({"admitted": "2099-01-01"}, "入院日期不能晚于今天"),
        ({"first_diagnosed": "2023-06-02"}, "疾病首次确诊日期不能晚于事件日期"),
        ({"event_date": "0001-01-01"}, "事件日期 0001-01-01 不合理"),
        ({"event_date": "1950-06-01"}, "事件日期早于被保障人的出生日期（1971-03-01）"),
    ],
)
def test_api_claim_with_overlong_text_or_impossible_values_is_refused(
    enrolled, people, change, words
):
    """PostgreSQL refuses text longer than its column and numbers beyond it: the API must say so
    first; dates in the future or before 1900 are typing errors."""
    body = {
        "member": enrolled.code,
        "kind": "accident_hospitalization",
        "event_date": "2023-06-01",
        "circumstance": "other",
    } | change
    refused = api(people.officer_a).post("/api/v1/claims", body, content_type="application/json")
    assert refused.status_code == 409
    assert any(words in d for d in refused.json()["error"]["details"]), refused.json()
    assert not Claim.objects.exists()


def test_a_coordinating_union_follows_a_claim_without_its_documents(enrolled, people, login):
    """Medical records and card copies are for the unit that filed and for the association's
    staff; the coordinating union sees the claim and its checklist, not the files."""
    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    claim = Claim.objects.get()
    officer.post(
        f"/claims/{claim.number}/documents/application_form/",
        {"file": SimpleUploadedFile("scan.pdf", PDF)},
    )
    url = f"/claims/{claim.number}/documents/application_form/file"
    coordinator = login(people.union_officer)
    page = coordinator.get(f"/claims/{claim.number}/")
    assert page.status_code == 200 and "已收到" in page.content.decode()
    assert url not in page.content.decode()
    assert coordinator.get(url).status_code == 403
    assert url in officer.get(f"/claims/{claim.number}/").content.decode()
    assert login(people.registrar).get(url).content == PDF


def test_an_oversized_upload_is_refused_without_reading_it_whole(enrolled, people, login):
    """The page reads at most one byte past the 20 MB limit: the usual message, and the
    server never holds the whole file."""
    from huzhu.claims.uploads import MAX_BYTES
    from huzhu.core.uploaded import read_bounded

    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    claim = Claim.objects.get()
    upload = SimpleUploadedFile("scan.pdf", PDF + b"0" * (MAX_BYTES + 5))
    refused = officer.post(
        f"/claims/{claim.number}/documents/application_form/", {"file": upload}, follow=True
    )
    assert "文件超过 20 MB" in refused.content.decode()
    assert not claim.documents.filter(received=True).exists()
    assert len(read_bounded(io.BytesIO(b"0" * 100), 10)) == 11


def test_the_accident_account_is_confirmed_not_uploaded(enrolled, people, login):
    """C-3: for a work injury or fall the account of the accident is written in the
    application form; the item is confirmed as written, with no file of its own."""
    officer = login(people.officer_a)
    file_claim(officer, enrolled)  # work_or_fall
    claim = Claim.objects.get()
    page = officer.get(f"/claims/{claim.number}/").content.decode()
    assert "确认申请表已写明" in page
    registrar = login(people.registrar)
    waiting = registrar.get(f"/claims/{claim.number}/").content.decode()
    assert "尚缺 8 项必需材料，收齐后才能登记" in waiting
    assert f'action="/claims/{claim.number}/documents/application_form/confirm/"' not in page
    refused = officer.post(
        f"/claims/{claim.number}/documents/application_form/confirm/", follow=True
    )
    assert "这项材料须上传文件" in refused.content.decode()
    assert not claim.documents.get(item="application_form").received
    stranger = login(people.officer_b)
    url = f"/claims/{claim.number}/documents/accident_account/confirm/"
    assert stranger.post(url).status_code == 404
    officer.post(url)
    account = claim.documents.get(item="accident_account")
    assert account.received and account.file_path == ""
    entry = AuditEntry.objects.get(action="claims.document.confirmed")
    assert entry.after == {"item": "accident_account"} and entry.actor == people.officer_a
    page = officer.get(f"/claims/{claim.number}/").content.decode()
    assert "已确认" in page and "确认申请表已写明</li>" in page  # shown in the timeline too
    officer.post(url)  # confirming again changes nothing
    assert AuditEntry.objects.filter(action="claims.document.confirmed").count() == 1
    for document in claim.documents.filter(required=True, received=False):
        upload = SimpleUploadedFile("scan.pdf", PDF)
        officer.post(f"/claims/{claim.number}/documents/{document.item}/", {"file": upload})
    assert "收齐后才能登记" not in registrar.get(f"/claims/{claim.number}/").content.decode()
    registrar.post(f"/claims/{claim.number}/actions/register/")
    claim.refresh_from_db()
    assert claim.status == "registered"
    late = api(people.officer_a).post(
        f"/api/v1/claims/{claim.number}/documents/accident_account/confirm"
    )
    assert late.status_code == 409 and "已登记" in late.json()["error"]["details"][0]


def test_the_accident_account_is_confirmed_over_the_api(enrolled, people):
    client = api(people.officer_a)
    number = client.post(
        "/api/v1/claims",
        {
            "member": enrolled.code,
            "kind": "accident_hospitalization",
            "event_date": "2023-05-23",
            "circumstance": "work_or_fall",
        },
        content_type="application/json",
    ).json()["number"]
    url = f"/api/v1/claims/{number}/documents/accident_account/confirm"
    assert api(people.officer_b).post(url).status_code == 404
    answer = client.post(url)
    assert answer.status_code == 200
    item = next(d for d in answer.json()["documents"] if d["item"] == "accident_account")
    assert item["received"] is True


def test_the_claim_form_marks_the_facts_of_each_type(people, login, db):
    """The page shows a fact only for the claim types it belongs to (app.js reads data-kinds);
    every type named there exists."""
    page = login(people.officer_a).get("/claims/new/").content.decode()
    marked = dict(re.findall(r'name="(\w+)"[^>]*data-kinds="([^"]+)"', page))
    assert marked["disease"] == "critical_illness"
    assert marked["trustee_name"] == "death_illness death_accident"
    assert "event_date" not in marked and "description" not in marked  # every type has them
    kinds = {kind.value for kind in BenefitType}
    assert all(set(value.split()) <= kinds for value in marked.values())


def _returned(officer, member, people):
    """A claim filed by unit A's officer and returned by the registrar."""
    from huzhu.claims import actions

    file_claim(officer, member)
    claim = Claim.objects.latest("pk")
    return actions.return_claim(claim, actor=people.registrar, reason="事故情形填写有误")


def test_a_returned_claim_is_corrected_and_submitted_again(enrolled, people, login):
    """C-4: the unit corrects a returned claim's facts; the change is audited, the checklist
    follows the new circumstance (C-3), the claim waits for registration again."""
    officer = login(people.officer_a)
    claim = _returned(officer, enrolled, people)
    assert "更正内容后重新提交" in officer.get(f"/claims/{claim.number}/").content.decode()
    url = f"/claims/{claim.number}/correct/"
    assert login(people.officer_b).get(url).status_code == 404
    form = officer.get(url).content.decode()
    assert "事故情形填写有误" in form and 'value="山东省千佛山医院"' in form
    assert 'name="event_date" value="2023-05-23"' in form  # a date field takes ISO dates only
    assert 'name="known_date" id' in form  # left to default: it follows the event date
    values = {
        "event_date": "2023-05-20",
        "circumstance": "driving",
        "hospital": "山东省千佛山医院",
        "description": "驾车途中发生事故",
    }
    bad = officer.post(url, values | {"event_date": "2099-01-01"}).content.decode()
    assert "事件日期不能晚于今天" in bad
    claim.refresh_from_db()
    assert (claim.status, str(claim.event_date)) == ("returned", "2023-05-23")  # nothing changed
    officer.post(url, values)
    claim.refresh_from_db()
    assert (claim.status, str(claim.event_date), claim.circumstance) == (
        "submitted",
        "2023-05-20",
        "driving",
    )
    entry = AuditEntry.objects.get(action="claims.claim.corrected")
    assert entry.before == {
        "event_date": "2023-05-23",
        "known_date": "2023-05-23",
        "circumstance": "work_or_fall",
        "description": "",
    }
    assert entry.after["circumstance"] == "driving" and entry.actor == people.officer_a
    items = {d.item: d.required for d in claim.documents.all()}
    assert items["licences"] is True and items["traffic_report"] is False
    assert items["accident_account"] is False  # no longer asked for; kept with any file
    timeline = officer.get(f"/claims/{claim.number}/").content.decode()
    assert "更正申请内容" in timeline and "重新提交" in timeline
    again = officer.get(url, follow=True).content.decode()  # no longer returned
    assert "只有被退回的申请可以更正后重新提交" in again


def test_the_filing_unit_withdraws_a_returned_claim_on_the_page_and_over_the_api(
    enrolled, people, login
):
    """A returned claim the unit will not resubmit is withdrawn with a reason: it leaves the
    officer's to-do count; another unit cannot touch it, and the API answers the same."""
    officer = login(people.officer_a)
    claim = _returned(officer, enrolled, people)
    page = officer.get(f"/claims/{claim.number}/").content.decode()
    assert "撤回申请" in page and "确定撤回" in page
    url = f"/claims/{claim.number}/actions/withdraw/"
    assert login(people.officer_b).post(url, {"reason": "误报"}).status_code == 404
    refused = officer.post(url, {"reason": ""}, follow=True).content.decode()
    assert "撤回申请须说明原因" in refused
    claim.refresh_from_db()
    assert claim.status == "returned"
    officer.post(url, {"reason": "职工已另行报销，不再申请"})
    claim.refresh_from_db()
    assert (claim.status, claim.withdraw_reason) == ("withdrawn", "职工已另行报销，不再申请")
    page = officer.get(f"/claims/{claim.number}/").content.decode()
    assert (
        "已撤回" in page and "职工已另行报销，不再申请" in page and "撤回申请</button>" not in page
    )
    assert "被退回" not in officer.get("/").content.decode()
    second = _returned(officer, enrolled, people)
    action = f"/api/v1/claims/{second.number}/actions/withdraw"
    stranger = api(people.officer_b).post(
        action, {"reason": "误报"}, content_type="application/json"
    )
    assert stranger.status_code == 404
    answer = api(people.officer_a).post(
        action, {"reason": "填错被保障人"}, content_type="application/json"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["withdraw_reason"]) == ("withdrawn", "填错被保障人")
    assert body["return_reason"] == "事故情形填写有误"
    again = api(people.officer_a).post(action, {"reason": "再撤"}, content_type="application/json")
    assert again.status_code == 409


def test_a_returned_death_claim_is_corrected_over_the_api(tree, people, settings):
    """The trustee's card is corrected through the API and audited masked; a field left out
    stays; an impossible correction changes nothing."""
    from huzhu.claims import actions

    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    claim = actions.submit_claim(
        Member.objects.get(), death_facts("death_illness", date(2023, 7, 1)), actor=None
    )
    actions.return_claim(claim, actor=people.registrar, reason="受托人卡号有误")
    client = api(people.officer_a)
    url = f"/api/v1/claims/{claim.number}/resubmit"
    assert api(people.officer_b).post(url, {}, content_type="application/json").status_code == 404
    refused = client.post(url, {"event_date": "2099-01-01"}, content_type="application/json")
    assert (
        refused.status_code == 409 and "事件日期不能晚于今天" in refused.json()["error"]["details"]
    )
    unborn = client.post(url, {"event_date": "1960-01-01"}, content_type="application/json")
    assert unborn.status_code == 409
    assert any("出生日期" in problem for problem in unborn.json()["error"]["details"])
    answer = client.post(
        url, {"trustee_card": "6222020200112233447"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "submitted"
    claim.refresh_from_db()
    assert claim.trustee_card == "6222020200112233447" and claim.trustee_name == "李娜"
    entry = AuditEntry.objects.get(action="claims.claim.corrected")
    assert entry.before == {"trustee_card": "6222 **** **** 3445"}
    assert entry.after == {"trustee_card": "6222 **** **** 3447"}
    assert "6222020200112233447" not in str(entry.after)
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409  # submitted now, not returned


def test_home_pages_show_the_claims_waiting_for_each_step(enrolled, people, login, settings):
    """C-4, C-5: staff see how many claims wait at each step and how many payments are late;
    a unit officer sees his claims that were returned to him."""
    from huzhu.claims import actions
    from huzhu.claims.tests.journeys import approved_claim

    approved = approved_claim(enrolled, people)
    officer = login(people.officer_a)
    returned = _returned(officer, enrolled, people)
    staff = login(people.registrar)
    tiles = re.findall(
        r"<strong>(\d+)</strong><span>(待[^<]+)</span>", staff.get("/").content.decode()
    )
    assert ("1", "待发放") in tiles and ("0", "待查验登记") in tiles
    on(settings, (approved.due_date + timedelta(days=1)).isoformat())
    assert "待发放（其中 1 件已逾期）" in staff.get("/").content.decode()
    assert "1 件被退回，待补正后重新提交" in officer.get("/").content.decode()
    actions.resubmit_claim(returned, None, actor=people.officer_a)
    home = staff.get("/").content.decode()
    assert "<strong>1</strong><span>待查验登记</span>" in home
    assert "被退回" not in officer.get("/").content.decode()


def test_denials_are_named_in_words_on_the_claim_page(tree, people, settings, login):
    """Appendix A's denial codes are shown with their meaning; every code has one."""
    from huzhu.claims import actions
    from huzhu.rules.adjudication import REASON_LABELS, DenialReason

    assert set(REASON_LABELS) == {reason.value for reason in DenialReason}
    paid_contract(settings, tree.unit_a, people.registrar, "2021-03-01", shares=1)
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    on(settings, "2023-07-10")
    claim = actions.submit_claim(
        Member.objects.get(),
        ClaimFacts("accident_hospitalization", date(2023, 5, 23), circumstance="other"),
        actor=None,
    )
    for document in claim.documents.filter(required=True):
        actions.attach_document(claim, document.item, PDF, "scan.pdf", actor=None)
    actions.register_claim(claim, actor=people.registrar)
    page = login(people.reviewer).get(f"/claims/{claim.number}/").content.decode()
    assert "不予给付：不在保障期内" in page and "not_in_force" in page


def test_a_claim_the_engine_would_not_pay_is_said_before_registration(enrolled, people, login):
    """C-4 (不符合条件的，及时退回): an accident before the contract's cover began is told to the
    filing unit when it files, and to the registrar, before anyone gathers or checks papers; a
    payable claim and the later steps carry no such note."""
    from huzhu.claims import actions

    officer = login(people.officer_a)
    file_claim(officer, enrolled)  # 2023-05-23: in force
    payable = Claim.objects.get()
    assert (
        'data-testid="unpayable"' not in officer.get(f"/claims/{payable.number}/").content.decode()
    )
    answer = officer.post(
        "/claims/new/",
        {
            "member": enrolled.pk,
            "kind": "accident_hospitalization",
            "event_date": "2022-07-08",  # the effective day: cover starts the next day (P-3)
            "circumstance": "other",
        },
        follow=True,
    )
    shown = answer.content.decode()
    claim = Claim.objects.exclude(pk=payable.pk).get()
    assert "规则引擎预判本申请不予给付" in shown and 'data-testid="unpayable"' in shown
    assert "合同 B01220001（1 份）：不在保障期内（P-3）" in shown
    assert "可撤回申请" in shown
    registrar = login(people.registrar).get(f"/claims/{claim.number}/").content.decode()
    assert 'data-testid="unpayable"' in registrar and "查验登记时可退回" in registrar
    union = login(people.union_officer).get(f"/claims/{claim.number}/").content.decode()
    assert 'data-testid="unpayable"' not in union  # follows the claim, does not handle it
    by_api = api(people.officer_a).get(f"/api/v1/claims/{claim.number}").json()
    assert [(d["contract_no"], d["reason"]) for d in by_api["unpayable"]] == [
        ("B01220001", "not_in_force")
    ]
    assert (
        api(people.union_officer).get(f"/api/v1/claims/{claim.number}").json()["unpayable"] is None
    )
    assert api(people.officer_a).get(f"/api/v1/claims/{payable.number}").json()["unpayable"] is None
    for document in claim.documents.filter(required=True):
        actions.attach_document(claim, document.item, PDF, "scan.pdf", actor=None)
    actions.register_claim(claim, actor=people.registrar)
    assert 'data-testid="unpayable"' not in officer.get(f"/claims/{claim.number}/").content.decode()
    assert api(people.officer_a).get(f"/api/v1/claims/{claim.number}").json()["unpayable"] is None


def test_a_second_claim_for_the_same_event_is_flagged(enrolled, people, login):
    """C-6: said when it is filed and shown on both claims' pages and in the lists until one
    is withdrawn."""
    from huzhu.claims import actions

    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    first = Claim.objects.get()
    assert "same-event" not in officer.get(f"/claims/{first.number}/").content.decode()
    answer = file_claim(officer, enrolled)
    second = Claim.objects.exclude(pk=first.pk).get()
    shown = officer.get(answer["Location"]).content.decode()
    assert f"该职工同一事件已有救助申请 {first.number}，不会重复给付（C-6）" in shown
    assert 'data-testid="same-event"' in shown and f">{first.number}</a>（已提交）" in shown
    staff = login(people.registrar)
    assert (
        f">{second.number}</a>（已提交）" in staff.get(f"/claims/{first.number}/").content.decode()
    )
    assert staff.get("/claims/").content.decode().count(">疑似重复</span>") == 2  # the queue too
    actions.withdraw_claim(second, actor=people.officer_a, reason="重复提交")
    assert "same-event" not in officer.get(f"/claims/{first.number}/").content.decode()
    assert "疑似重复" not in staff.get("/claims/").content.decode()
    other_day = officer.post(  # another accident is another event
        "/claims/new/",
        {
            "member": enrolled.pk,
            "kind": "accident_hospitalization",
            "event_date": "2023-06-02",
            "circumstance": "other",
        },
        follow=True,
    )
    assert Claim.objects.count() == 3
    assert "救助申请 JZ" in other_day.content.decode()  # its own page
    assert "same-event" not in other_day.content.decode()


def test_api_lists_claims_scoped_and_filtered(enrolled, people, login, tree):
    """GET /api/v1/claims: newest first, scoped like the pages (the unit, the coordinating
    union's subtree, staff everything), filtered by unit, member and state."""
    from huzhu.claims import actions

    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    file_claim(officer, enrolled)
    first, second = Claim.objects.order_by("submitted_at", "pk")
    actions.withdraw_claim(second, actor=people.officer_a, reason="重复提交")
    listed = api(people.officer_a).get("/api/v1/claims").json()
    assert listed["count"] == 2
    assert [c["number"] for c in listed["items"]] == [second.number, first.number]
    entry = listed["items"][1]
    assert (entry["member"], entry["unit"], entry["kind"], entry["status"]) == (
        enrolled.code,
        tree.unit_a.code,
        "accident_hospitalization",
        "submitted",
    )
    assert (entry["event_date"], entry["amount"], entry["due_date"]) == ("2023-05-23", None, None)
    assert "decision" not in entry and "documents" not in entry  # the claim's own answer
    for who, seen in (("union_officer", 2), ("registrar", 2), ("officer_b", 0)):
        assert api(getattr(people, who)).get("/api/v1/claims").json()["count"] == seen, who
    staff = api(people.registrar)
    assert staff.get("/api/v1/claims", {"status": "withdrawn"}).json()["items"][0]["number"] == (
        second.number
    )
    assert staff.get("/api/v1/claims", {"member": enrolled.code}).json()["count"] == 2
    assert staff.get("/api/v1/claims", {"member": "M000"}).json()["count"] == 0
    assert staff.get("/api/v1/claims", {"unit": tree.unit_b.code}).json()["count"] == 0
    stranger = api(people.officer_b).get("/api/v1/claims", {"unit": tree.unit_a.code})
    assert stranger.status_code == 404
    assert staff.get("/api/v1/claims", {"status": "lost"}).status_code == 422


def test_the_claim_form_warns_of_a_claim_for_the_same_event_before_filing(enrolled, people, login):
    """C-6 before filing: as the member, type and date are chosen the form asks whether the
    member already has a claim for that event, and nothing is written by asking."""
    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    first = Claim.objects.get()
    facts = {"member": enrolled.pk, "kind": "accident_hospitalization", "event_date": "2023-05-23"}
    page = officer.get("/claims/new/").content.decode()
    assert 'hx-get="/claims/new/same-event/"' in page  # the form asks as its fields change
    said = officer.get("/claims/new/same-event/", facts).content.decode()
    assert 'data-testid="same-event-before"' in said
    assert f">{first.number}</a>（已提交）" in said
    assert Claim.objects.count() == 1
    # another accident, another type, no date yet: nothing to say
    for change in ({"event_date": "2023-06-02"}, {"kind": "death_accident"}, {"event_date": ""}):
        quiet = officer.get("/claims/new/same-event/", facts | change).content.decode()
        assert "same-event-before" not in quiet, change
    # a member outside the officer's unit is not valid for his form: nothing about his claims
    outsider = login(people.officer_b).get("/claims/new/same-event/", facts).content.decode()
    assert first.number not in outsider
    # staff at the window see it too; a coordinating union files nothing, so asks nothing
    assert (
        first.number
        in login(people.registrar).get("/claims/new/same-event/", facts).content.decode()
    )
    assert login(people.union_officer).get("/claims/new/same-event/", facts).status_code == 403
    # a withdrawn claim is not the event's claim any more
    from huzhu.claims import actions

    actions.withdraw_claim(first, actor=people.officer_a, reason="填错了")
    assert "same-event-before" not in officer.get("/claims/new/same-event/", facts).content.decode()


def test_the_claim_form_lists_a_short_list_and_finds_the_rest(enrolled, people, login, monkeypatch):
    """Staff see every member of the city: the list is cut (the search finds anyone), and a
    member chosen from a link or a search is listed first and accepted."""
    from huzhu.claims import forms
    from huzhu.members.actions import import_roster
    from huzhu.members.tests.rosters import person, xlsx

    monkeypatch.setattr(forms, "MEMBER_CHOICES", 2)
    unit = enrolled.memberships.get().unit
    assert import_roster(unit, xlsx([person(5), person(6)]), actor=None).saved
    staff = login(people.registrar)
    page = staff.get("/claims/new/").content.decode()
    listed = re.search(r'<select name="member".*?</select>', page, re.S)
    assert listed is not None and listed.group(0).count('<option value="') == 3  # with 请选择
    assert 'data-testid="member-list-cut"' in page
    last = Member.objects.order_by("-name").first()
    page = staff.get(f"/claims/new/?member={last.pk}").content.decode()
    assert f'<option value="{last.pk}" selected>' in page
    found = staff.post("/claims/new/", {"find": "1", "q": last.name}).content.decode()
    assert f'<option value="{last.pk}"' in found and "member-list-cut" not in found
    answer = file_claim(staff, last)  # the fourth member: never in the short list
    assert answer.status_code == 302 and Claim.objects.get().member == last


@pytest.fixture
def claims_ab(tree, people, settings) -> SimpleNamespace:
    """Unit A's member with an approved claim and a submitted one (a critical illness), and
    unit B's member with the same illness submitted."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    paid_contract(settings, tree.unit_b, people.registrar, "2022-07-08", shares=1, index=2)
    on(settings, "2023-07-10")
    mine = Member.objects.get(memberships__unit=tree.unit_a)
    theirs = Member.objects.get(memberships__unit=tree.unit_b)
    later = ClaimFacts("critical_illness", date(2023, 6, 20), disease="CI05")
    return SimpleNamespace(
        mine=mine,
        theirs=theirs,
        first=approved_claim(mine, people),
        second=actions.submit_claim(mine, later, actor=people.officer_a),
        other=actions.submit_claim(theirs, later, actor=people.officer_b),
    )


def test_the_claim_list_finds_claims_by_number_member_or_id_within_its_scope(
    claims_ab, people, login
):
    mine, theirs = claims_ab.mine, claims_ab.theirs
    first, second, other = claims_ab.first, claims_ab.second, claims_ab.other
    staff, officer = login(people.registrar), login(people.officer_a)

    def listed(client: Client, **form: str) -> set[str]:
        html = client.post("/claims/", form).content.decode()
        return set(re.findall(r">(JZ\d{10})</a>", html))

    both = {first.number, second.number}
    assert listed(staff, q=f" {first.number.lower()} ") == {first.number}
    assert listed(staff, q=mine.name) == both
    assert listed(staff, q=str(mine.id_number)) == both  # through its keyed hash
    assert listed(staff, q=mine.code) == both
    assert listed(staff, q=mine.name, view="approved") == {first.number}
    assert listed(staff, q=other.number) == {other.number}
    assert listed(staff, q="") == both | {other.number}
    assert listed(officer, q=other.number) == set()  # another unit's claim: not found
    assert listed(officer, q=str(theirs.id_number)) == set()
    assert (
        "没有符合“查无此人”的救助申请" in staff.post("/claims/", {"q": "查无此人"}).content.decode()
    )


def test_the_claim_lists_pages_keep_a_name_search_but_never_an_id_number(enrolled, people, login):
    unit = enrolled.current_membership.unit
    for i in range(31):
        Claim.objects.create(
            number=f"JZ2023{i:06d}",
            member=enrolled,
            unit=unit,
            kind="accident_hospitalization",
            event_date=date(2023, 5, 1) + timedelta(days=i),
            known_date=date(2023, 5, 1) + timedelta(days=i),
        )
    staff = login(people.registrar)
    by_name = staff.post("/claims/", {"q": enrolled.name, "view": "submitted"}).content.decode()
    assert f'href="?view=submitted&q={quote(enrolled.name)}&page=2"' in by_name
    assert f'href="?view=approved&q={quote(enrolled.name)}"' in by_name  # the state buttons
    by_id = staff.post("/claims/", {"q": str(enrolled.id_number)}).content.decode()
    assert 'href="?view=approved"' in by_id
    assert (
        'href="?view=&page=2"' in by_id and str(enrolled.id_number) not in by_id.split("<table")[1]
    )


def test_the_claim_register_is_exported_as_listed_and_audited_without_id_numbers(
    claims_ab, tree, people, login
):
    mine, first, second = claims_ab.mine, claims_ab.first, claims_ab.second
    staff = login(people.registrar)

    response = staff.post("/claims/", {"q": str(mine.id_number), "export": "1"})
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("申请编号", "被保障人", "会员编号", "申请单位", "救助类型")
    found = {row[0]: row for row in rows[1:]}
    assert set(found) == {first.number, second.number}
    paid = found[first.number]
    assert (paid[1], paid[3], paid[8]) == (mine.name, tree.unit_a.name, "已审批，待发放")
    assert Decimal(str(paid[9])) == first.amount and paid[10].date() == first.approved_on
    assert paid[6].date() == first.event_date and paid[11].date() == first.due_date
    assert found[second.number][5].startswith("CI05")
    cells = " ".join(str(cell) for row in rows for cell in row)
    assert str(mine.id_number) not in cells and str(mine.bank_card) not in cells

    entry = AuditEntry.objects.get(action="claims.register.exported")
    assert entry.actor == people.registrar and entry.after["rows"] == 2
    assert set(entry.after["claims"]) == {first.number, second.number}
    assert entry.after["filter"] == "查找：身份证号码（不记录）"
    assert str(mine.id_number) not in str(entry.after)

    officer = login(people.officer_a).post("/claims/", {"view": "submitted", "export": "1"})
    rows = list(load_workbook(io.BytesIO(officer.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [second.number]  # his unit's, in the chosen state
    latest = AuditEntry.objects.filter(action="claims.register.exported").latest("pk")
    assert latest.actor == people.officer_a and latest.after["filter"] == "已提交"


def test_a_reviewers_amount_is_read_as_typed_and_a_word_is_refused(tree, people, login, settings):
    """P-1: the override amount as a reviewer types it (1,200.50元) is that amount; one that is
    no amount says so and changes nothing. Before, both got “金额格式不正确”."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    claim = reviewed_claim(Member.objects.get(), people)
    reviewer = login(people.reviewer)
    url = f"/claims/{claim.number}/actions/review/"
    refused = reviewer.post(
        url, {"decision": "override", "amount": "一千二", "reason": "票据不全"}, follow=True
    )
    assert (
        "核定金额“一千二”无法识别，请填写数字（元），如 1600 或 1600.50" in refused.content.decode()
    )
    claim.refresh_from_db()
    assert (claim.amount, claim.override_reason) == (Decimal("1600.00"), "")
    reviewer.post(url, {"decision": "override", "amount": " 1,200.50元 ", "reason": "票据不全"})
    claim.refresh_from_db()
    assert (claim.amount, claim.override_reason) == (Decimal("1200.50"), "票据不全")


def test_the_registrar_takes_papers_at_the_window_and_registers(enrolled, people, login):
    """C-3: each required item marked received. The unit brought the originals (the medical
    record with the hospital's red seal goes to the paper file): nothing needs scanning."""
    officer = login(people.officer_a)
    file_claim(officer, enrolled)
    claim = Claim.objects.get()
    base = f"/claims/{claim.number}/documents"
    assert officer.post(f"{base}/medical_record/paper/").status_code == 403  # staff only
    assert login(people.reviewer).post(f"{base}/medical_record/paper/").status_code == 403
    registrar = login(people.registrar)
    page = registrar.get(f"/claims/{claim.number}/").content.decode()
    assert 'aria-label="已收纸质件：加盖医院红色骑缝章的住院病历（全部）"' in page
    unknown = registrar.post(f"{base}/nonsense/paper/", follow=True).content.decode()
    assert "没有这项材料" in unknown
    with pytest.raises(actions.ClaimError, match="没有这项材料"):  # PostgreSQL refuses a NUL
        actions.receive_paper(claim, "medical_record\x00", actor=people.registrar)
    statement = registrar.post(f"{base}/accident_account/paper/", follow=True)
    assert "请用“确认申请表已写明”" in statement.content.decode()
    uploaded = SimpleUploadedFile("form.pdf", PDF)
    officer.post(f"{base}/application_form/", {"file": uploaded})
    again = registrar.post(f"{base}/application_form/paper/", follow=True).content.decode()
    assert "“救助申请表”已经收到，无须再登记纸质件" in again
    for document in claim.documents.filter(received=False):
        step = "confirm" if document.item == "accident_account" else "paper"
        registrar.post(f"{base}/{document.item}/{step}/")
    record = claim.documents.get(item="medical_record")
    assert (record.received, record.file_path, record.original_name) == (
        True,
        "",
        "纸质材料（窗口收取）",
    )
    page = registrar.get(f"/claims/{claim.number}/").content.decode()
    assert "已收纸质件" in page  # its row, and the timeline names the paper
    assert "窗口收到纸质材料：加盖医院红色骑缝章的住院病历（全部）" in page
    assert registrar.get(f"{base}/medical_record/file").status_code == 404  # no file to show
    taken = AuditEntry.objects.filter(action="claims.document.paper_received")
    assert taken.count() == claim.documents.count() - 2  # not the upload, not the statement
    registered = registrar.post(f"/claims/{claim.number}/actions/register/", follow=True)
    assert Claim.objects.get().status == "registered", registered.content.decode()[:500]
    late = registrar.post(f"{base}/medical_record/paper/", follow=True).content.decode()
    assert "已登记的申请不能再更换材料" in late


def test_the_api_takes_a_paper_at_the_window_for_the_registrar_only(enrolled, people, login):
    file_claim(login(people.officer_a), enrolled)
    claim = Claim.objects.get()
    url = f"/api/v1/claims/{claim.number}/documents/medical_record/paper"
    assert api(people.officer_a).post(url).status_code == 403
    assert api(people.reviewer).post(url).status_code == 403
    taken = api(people.registrar).post(url)
    assert taken.status_code == 200, taken.content
    received = {d["item"]: d["received"] for d in taken.json()["documents"]}
    assert received["medical_record"] is True and received["member_id"] is False
    again = api(people.registrar).post(url)
    assert again.status_code == 409 and "已经收到" in again.json()["error"]["message"]
    gone = api(people.registrar).post(url.replace("medical_record", "nonsense"))
    assert gone.status_code == 409 and "没有这项材料" in gone.json()["error"]["message"]


def test_registering_a_death_claim_asks_first_and_says_the_worker_left_the_roster(
    tree, enrolled, people, login
):
    """E-5: the registrar is told before and after that registering a death claim records the
    death and takes the worker off his unit's roster; other claims register as before. A worker
    who had already left his roster (P-12: claims may come later) is recorded all the same."""
    from huzhu.members.actions import leave_roster

    leave_roster(tree.unit_a, enrolled, actor=people.officer_a, reason="离职")
    claim = actions.submit_claim(
        enrolled,
        death_facts("death_accident", date(2023, 6, 30), circumstance="other"),
        actor=people.officer_a,
    )
    for document in claim.documents.filter(required=True):
        actions.attach_document(claim, document.item, PDF, "x.pdf", actor=people.officer_a)
    registrar = login(people.registrar)
    page = registrar.get(f"/claims/{claim.number}/").content.decode()
    assert f"登记后将记录{enrolled.name}已身故，本人移出所在单位名册" in page
    done = registrar.post(f"/claims/{claim.number}/actions/register/", follow=True)
    assert f"已记录{enrolled.name}身故，本人不再列入任何单位名册" in done.content.decode()
    assert Member.objects.get(pk=enrolled.pk).status == "deceased"
    entry = AuditEntry.objects.get(action="members.member.deceased")
    assert entry.after == {"status": "deceased", "claim": claim.number}  # no roster to leave
    other = reviewed_claim(Member.objects.get(pk=enrolled.pk), people)  # registered on the way
    assert "已身故" not in registrar.get(f"/claims/{other.number}/").content.decode()
