"""Roster and contract pages and API, with every persona and the stranger case."""

import io
import json
import os
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from huzhu.accounts.actions import issue_token
from huzhu.contracts.models import Contract
from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, xlsx


@pytest.fixture
def settled(settings):
    settings.HUZHU_TODAY = "2025-03-03"


@pytest.fixture
def roster_a(tree, settled):
    tree.unit_a.member_count = 2
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(1, shares=2), person(2)]), actor=None)
    return Member.objects.get(name="职工1")


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, actor=None)}"})


def upload(name="roster.xlsx", data=None):
    return SimpleUploadedFile(name, data if data is not None else xlsx([person(1), person(2)]))


def test_template_download_is_a_real_workbook(people, login):
    response = login(people.officer_a).get("/roster/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "姓名",
        "身份证号码",
        "手机号码",
        "工商银行卡号",
        "份数",
        "在职状态",
        "人员类别",
    ]
    assert sheet["B2"].number_format == "@"
    notes = " ".join(
        str(row[0]) for row in load_workbook(io.BytesIO(response.content))["填写说明"].values
    )
    assert "身体健康、能正常工作" in notes and "已身故的职工请勿列入" in notes  # E-5


def test_officer_checks_then_imports_his_roster(tree, people, login, settled):
    client = login(people.officer_a)
    checked = client.post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": upload(), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    body = checked.content.decode()
    assert "可导入 2 行" in body and "确认导入 2 人" in body
    assert not Member.objects.exists()
    token = checked.context["token"]
    done = client.post(f"/units/{tree.unit_a.code}/roster/import/", {"token": token, "mode": "all"})
    assert done.status_code == 302
    assert Member.objects.count() == 2
    page = client.get(f"/units/{tree.unit_a.code}/roster/").content.decode()
    assert "职工1" in page and person(1)[1] not in page


def test_the_check_names_the_sheet_read_in_a_workbook_of_several(tree, people, login, settled):
    from huzhu.members.tests.rosters import HEADER, INSTRUCTIONS, workbook

    data = workbook(
        ("填表说明", INSTRUCTIONS, "visible"), ("2025年名册", [HEADER, person(1)], "visible")
    )
    checked = login(people.officer_a).post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": SimpleUploadedFile("名册.xlsx", data), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    body = checked.content.decode()
    assert "可导入 1 行" in body and "读取的是“2025年名册”" in body


def test_re_importing_says_a_pending_enrolment_keeps_its_roster(tree, people, login, settled):
    """K-1: a draft or submitted contract keeps the roster it was made from; the officer who
    imports again is told, so he can cancel and make it again from the new roster."""
    from huzhu.contracts import actions as contracts

    client = login(people.officer_a)

    def check_and_import():
        checked = client.post(
            f"/units/{tree.unit_a.code}/roster/check/",
            {"file": upload(), "consent": "on"},
            headers={"HX-Request": "true"},
        )
        token = checked.context["token"]
        return client.post(
            f"/units/{tree.unit_a.code}/roster/import/",
            {"token": token, "mode": "all"},
            follow=True,
        ).content.decode()

    assert "不随本次导入变化" not in check_and_import()
    draft = contracts.create_enrolment(
        tree.unit_a, contracts.EnrolmentFacts("union_funds"), actor=None
    )
    page = check_and_import()
    assert f"入会申请 {draft.public_id}（草稿）的名册是生成时的名册，不随本次导入变化" in page


def test_the_effective_day_may_be_typed_as_people_write_it(tree, people, login, settled):
    """Where the browser shows no date picker the officer types the day: 2025年3月10日 was
    refused with Django's “输入一个有效的日期”."""
    client = login(people.officer_a)
    url = f"/units/{tree.unit_a.code}/roster/check/"
    checked = client.post(url, {"file": upload(), "consent": "on", "effective": "2025年3月10日"})
    assert checked.status_code == 200 and "按生效日 2025-03-10 核对" in checked.content.decode()
    refused = client.post(url, {"file": upload(), "consent": "on", "effective": "10/03/2025"})
    assert refused.status_code == 422
    assert "日期应写作 2026-11-30，也可写" in refused.content.decode()


def test_a_roster_the_server_cannot_keep_is_refused_in_chinese(
    tree, people, login, settled, settings
):
    """The checked upload is kept for the confirmation; when the disk refuses (here a file
    where the folder should be) the check says so in Chinese, in place: before, a server
    error."""
    Path(settings.MEDIA_ROOT).parent.mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT).write_bytes(b"")
    checked = login(people.officer_a).post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": upload(), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    assert checked.status_code == 422
    assert (
        "服务器未能暂存上传的名册（路径中有同名文件），未导入任何数据" in checked.content.decode()
    )
    assert not Member.objects.exists()


def test_a_second_confirmation_of_the_same_upload_imports_nothing(tree, people, login, settled):
    """Clicking 确认导入 again while the first import still runs (the upload already claimed by
    it) imports nothing a second time and says so."""
    from huzhu.members import imports

    client = login(people.officer_a)
    checked = client.post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": upload(), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    token = checked.context["token"]
    assert imports.take(tree.unit_a, token) is not None  # the first request has it
    assert imports.take(tree.unit_a, token) is None
    again = client.post(
        f"/units/{tree.unit_a.code}/roster/import/",
        {"token": token, "mode": "all"},
        follow=True,
    )
    assert "已在导入中" in again.content.decode()
    assert not Member.objects.exists()


def test_bad_upload_shows_errors_and_the_annotated_report(tree, people, login, settled):
    client = login(people.officer_a)
    bad = upload(data=xlsx([person(1), person(2, 份数="5")]))
    checked = client.post(
        f"/units/{tree.unit_a.code}/roster/check/", {"file": bad, "consent": "on"}
    )
    body = checked.content.decode()
    assert "第 3 行" in body and "份数应为1至3" in body and "仅导入有效的 1 行" in body
    report = client.get(f"/units/{tree.unit_a.code}/roster/report/{checked.context['token']}.xlsx")
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert "份数" in sheet.cell(row=3, column=8).value


def test_consent_must_be_confirmed(tree, people, login, settled):
    response = login(people.officer_a).post(
        f"/units/{tree.unit_a.code}/roster/check/", {"file": upload()}
    )
    assert response.status_code == 422
    assert "书面单独同意" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer_b", "union_officer"])
def test_others_cannot_import_into_unit_a(tree, people, login, persona, settled):
    response = login(getattr(people, persona)).post(
        f"/units/{tree.unit_a.code}/roster/check/", {"file": upload(), "consent": "on"}
    )
    assert response.status_code in (403, 404)
    assert not Member.objects.exists()


def test_member_page_is_masked_and_reveal_is_logged(roster_a, people, login):
    client = login(people.officer_a)
    page = client.get(f"/members/{roster_a.code}/").content.decode()
    assert roster_a.masked_id in page and roster_a.id_number not in page
    revealed = client.post(f"/members/{roster_a.code}/reveal/id_number/")
    assert roster_a.id_number in revealed.content.decode()
    entry = AuditEntry.objects.get(action="members.member.id_number_revealed")
    assert (entry.actor, entry.target_code) == (people.officer_a, roster_a.code)


@pytest.mark.parametrize(("persona", "status"), [("officer_b", 404), ("union_officer", 403)])
def test_strangers_cannot_see_or_reveal(roster_a, people, login, persona, status):
    client = login(getattr(people, persona))
    assert client.post(f"/members/{roster_a.code}/reveal/bank_card/").status_code == status
    assert not AuditEntry.objects.filter(action__endswith="_revealed").exists()
    if persona == "officer_b":
        assert client.get(f"/members/{roster_a.code}/").status_code == 404


def test_enrol_submit_confirm_through_the_pages(tree, people, login, roster_a):
    officer = login(people.officer_a)
    created = officer.post(f"/units/{tree.unit_a.code}/enrol/", {"funding_source": "union_funds"})
    contract = Contract.objects.get()
    assert created["Location"] == f"/contracts/{contract.code}/"

    def buttons(client, code: str) -> set[str]:  # the steps the page offers (K-4)
        page = client.get(f"/contracts/{code}/").content.decode()
        return {
            b for b in ("提交申请", "确认已收会费", "撤销申请", "续会") if f">{b}</button>" in page
        }

    assert buttons(officer, contract.code) == {"提交申请", "撤销申请"}
    officer.post(f"/contracts/{contract.code}/submit/", {"declare": "on"})
    assert officer.post(f"/contracts/{contract.code}/confirm-fee/").status_code == 403
    assert buttons(officer, contract.code) == {"撤销申请"}
    staff = login(people.registrar)
    assert buttons(staff, contract.code) == {"确认已收会费", "撤销申请"}  # staff at the window
    queue = staff.get("/contracts/?status=submitted").content.decode()
    assert "甲单位" in queue
    too_long = {"reference": "9" * 61}
    refused = staff.post(f"/contracts/{contract.code}/confirm-fee/", too_long, follow=True)
    assert "收款凭证号最多 60 个字符" in refused.content.decode()
    assert Contract.objects.get().status == "submitted"
    staff.post(f"/contracts/{contract.code}/confirm-fee/", {"reference": " 工行\t2026120100123 "})
    contract.refresh_from_db()
    assert contract.contract_no == "B01250001"
    assert contract.fee_reference == "工行 2026120100123"
    detail = officer.get(f"/contracts/{contract.contract_no}/").content.decode()
    assert "有效" in detail and "2025-03-04 至 2026-03-03" in detail
    assert "由互济会登记员确认收到（凭证号 工行 2026120100123）" in detail.replace(
        people.registrar.display_name, "互济会登记员"
    )
    entry = AuditEntry.objects.get(action="contracts.contract.fee_confirmed")
    assert (entry.before["fee_reference"], entry.after["fee_reference"]) == (
        "",
        "工行 2026120100123",
    )
    assert buttons(officer, contract.contract_no) == {"续会"}
    assert buttons(staff, contract.contract_no) == {"续会"}
    pdf = officer.get(f"/contracts/{contract.contract_no}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert login(people.officer_b).get(f"/contracts/{contract.contract_no}/").status_code == 404


def test_api_roster_upload_and_member(tree, people, settled):
    client = api(people.officer_a)
    url = f"/api/v1/units/{tree.unit_a.code}/roster"
    refused = client.post(url, {"file": upload(), "consent_confirmed": "false"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "consent_required"
    bad = client.post(url, {"file": upload(data=b"%PDF-1.7"), "consent_confirmed": "true"})
    assert bad.json()["errors"][0]["code"] == "not_spreadsheet"
    good = client.post(url, {"file": upload(), "consent_confirmed": "true"}).json()
    assert (good["rows"], good["accepted"], good["saved"]) == (2, 2, True)
    member = Member.objects.get(name="职工1")
    body = client.get(f"/api/v1/members/{member.code}").json()
    assert body["id_number"] == member.masked_id and body["unit"] == tree.unit_a.code
    assert api(people.officer_b).get(f"/api/v1/members/{member.code}").status_code == 404
    stranger = api(people.officer_b).post(url, {"file": upload(), "consent_confirmed": "true"})
    assert stranger.status_code == 404


def test_api_lists_the_current_roster_masked_and_scoped(tree, people, settled):
    """GET /api/v1/units/{code}/members: the member codes a quota application or a claim names,
    numbers masked; a leaver is gone; strangers get 404 (E-4, brief §5)."""
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(3), person(1, shares=2), person(2)]), actor=None)
    leaver = Member.objects.get(name="职工2")
    leaver.memberships.filter(left__isnull=True).update(left="2025-03-03")
    url = f"/api/v1/units/{tree.unit_a.code}/members"
    body = api(people.officer_a).get(url).json()
    assert body["count"] == 2
    first, second = body["items"]
    worker = Member.objects.get(name="职工1")
    assert (first["code"], first["name"], first["shares"]) == (worker.code, "职工1", 2)
    assert first["id_number"] == worker.masked_id and "*" in first["id_number"]
    assert (first["age"], first["status"]) == (worker.age, worker.status)
    assert second["name"] == "职工3" and second["shares"] == 1
    paged = api(people.union_officer).get(url, {"limit": 1, "offset": 1}).json()
    assert [m["name"] for m in paged["items"]] == ["职工3"]
    assert api(people.officer_b).get(url).status_code == 404
    assert api(people.officer_a).get(f"/api/v1/units/{tree.unit_b.code}/members").status_code == 404


def test_api_contract_journey(tree, people, roster_a):
    officer = api(people.officer_a)
    created = officer.post(
        "/api/v1/contracts",
        {"unit": tree.unit_a.code, "funding_source": "personal"},
        content_type="application/json",
    )
    assert created.status_code == 201
    draft = created.json()
    assert (draft["status"], draft["fee"], len(draft["lines"])) == ("draft", "60.00", 2)
    assert officer.post(f"/api/v1/contracts/{draft['id']}/submit").json()["status"] == "submitted"
    no_body = {"content_type": "application/json"}  # as curl -X POST sends it: nothing at all
    assert (
        officer.post(f"/api/v1/contracts/{draft['id']}/confirm-fee", **no_body).status_code == 403
    )
    active = (
        api(people.cashier)
        .post(
            f"/api/v1/contracts/{draft['id']}/confirm-fee",
            {"reference": "收据 No.0042"},
            content_type="application/json",
        )
        .json()
    )
    assert active["contract_no"] == "B01250001" and active["effective"] == "2025-03-03"
    assert active["fee_reference"] == "收据 No.0042"
    assert api(people.officer_b).get("/api/v1/contracts/B01250001").status_code == 404
    again = officer.post(f"/api/v1/contracts/{draft['id']}/submit")
    assert again.status_code == 409 and again.json()["error"]["code"] == "contract_refused"


def paid_through_the_api(officer, cashier, unit) -> None:
    """An enrolment created and submitted by the unit's officer, its fee confirmed by staff."""
    draft = officer.post(
        "/api/v1/contracts",
        {"unit": unit.code, "funding_source": "personal"},
        content_type="application/json",
    ).json()
    officer.post(f"/api/v1/contracts/{draft['id']}/submit")
    confirmed = cashier.post(
        f"/api/v1/contracts/{draft['id']}/confirm-fee", content_type="application/json"
    )  # no body: the receipt's number is optional
    assert confirmed.status_code == 200 and confirmed.json()["fee_reference"] == ""


def test_api_lists_contracts_scoped_with_their_state_as_read_today(
    tree, people, roster_a, settings
):
    """GET /api/v1/contracts: newest first, without rosters, scoped like the pages; `status`
    is the state as read on the day (an active contract is expired after its end, K-4)."""
    officer = api(people.officer_a)
    paid_through_the_api(officer, api(people.cashier), tree.unit_a)
    listed = officer.get("/api/v1/contracts").json()
    assert listed["count"] == 1
    [entry] = listed["items"]
    assert (entry["id"], entry["status"], entry["people"], entry["fee"]) == (
        "B01250001",
        "active",
        2,
        "60.00",
    )
    assert (entry["unit"], entry["effective"], entry["end"]) == (
        tree.unit_a.code,
        "2025-03-03",
        "2026-03-03",
    )
    assert "lines" not in entry  # the contract's own answer has its roster
    assert api(people.officer_b).get("/api/v1/contracts").json()["count"] == 0
    staff = api(people.registrar)
    assert staff.get("/api/v1/contracts", {"unit": tree.unit_a.code}).json()["count"] == 1
    assert staff.get("/api/v1/contracts", {"unit": tree.unit_b.code}).json()["count"] == 0
    assert (
        api(people.officer_b).get("/api/v1/contracts", {"unit": tree.unit_a.code}).status_code
        == 404
    )
    # found as the contract list finds them: by number as typed, its start, or the unit
    found = {
        query: staff.get("/api/v1/contracts", {"q": query}).json()["count"]
        for query in ("b0125 0001", "Ｂ０１２５", "PB25", "甲", tree.unit_a.credit_code, "乙")
    }
    assert found == {
        "b0125 0001": 1,
        "Ｂ０１２５": 1,
        "PB25": 0,
        "甲": 1,
        tree.unit_a.credit_code: 1,
        "乙": 0,
    }
    assert staff.get("/api/v1/contracts", {"funding": "paid"}).json()["count"] == 1
    assert staff.get("/api/v1/contracts", {"funding": "free"}).json()["count"] == 0
    assert api(people.officer_b).get("/api/v1/contracts", {"q": "B0125"}).json()["count"] == 0
    wrong = staff.get("/api/v1/contracts", {"funding": "gift"})
    assert wrong.status_code == 422 and "funding" in wrong.content.decode()
    assert officer.get("/api/v1/contracts", {"status": "draft"}).json()["count"] == 0
    bad = officer.get("/api/v1/contracts", {"status": "valid"})
    assert bad.status_code == 422
    [detail] = bad.json()["error"]["details"]
    assert detail["field"] == "status", detail
    assert (
        detail["problem"] == "取值只能是 'draft', 'submitted', 'active', 'expired' 或 'cancelled'"
    )
    settings.HUZHU_TODAY = "2026-03-04"  # the day after its end date, no nightly job
    assert officer.get("/api/v1/contracts").json()["items"][0]["status"] == "expired"
    assert officer.get("/api/v1/contracts", {"status": "expired"}).json()["count"] == 1
    assert officer.get("/api/v1/contracts", {"status": "active"}).json()["count"] == 0


def test_api_renews_and_cancels(tree, people, roster_a, settings):
    """POST /api/v1/contracts/{no}/renew (K-5) and /cancel (K-4), as the pages do them."""
    officer = api(people.officer_a)
    paid_through_the_api(officer, api(people.cashier), tree.unit_a)
    settings.HUZHU_TODAY = "2026-02-20"
    assert (
        api(people.officer_b).generic("POST", "/api/v1/contracts/B01250001/renew").status_code
        == 404
    )
    renewal = officer.generic("POST", "/api/v1/contracts/B01250001/renew")  # no body: same source
    assert renewal.status_code == 201, renewal.json()
    body = renewal.json()
    assert (body["status"], body["previous"], body["funding_source"]) == (
        "draft",
        "B01250001",
        "personal",
    )
    assert len(body["lines"]) == 2
    twice = officer.post("/api/v1/contracts/B01250001/renew", {}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "contract_refused"
    unexplained = officer.post(
        f"/api/v1/contracts/{body['id']}/cancel", {"reason": " "}, content_type="application/json"
    )
    assert unexplained.status_code == 409
    assert Contract.objects.get(code=body["id"]).status == "draft"
    cancelled = officer.post(
        f"/api/v1/contracts/{body['id']}/cancel",
        {"reason": "名册有误，重新生成"},
        content_type="application/json",
    )
    assert cancelled.json()["status"] == "cancelled"
    again = officer.post(
        "/api/v1/contracts/B01250001/renew",
        {"funding_source": "union_funds"},
        content_type="application/json",
    )
    assert again.status_code == 201 and again.json()["funding_source"] == "union_funds"
    active = officer.post(
        "/api/v1/contracts/B01250001/cancel",
        {"reason": "不想要了"},
        content_type="application/json",
    )
    assert active.status_code == 409  # an active contract is never cancelled (K-4)
    assert Contract.objects.get(contract_no="B01250001").status == "active"


def test_import_roster_command_prints_the_summary(tree, tmp_path, capsys, settled):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([person(1), person(2, 份数="x")]))
    report_path = tmp_path / "report.xlsx"
    with pytest.raises(CommandError) as caught:
        call_command("import-roster", tree.unit_a.code, str(path), "--report", str(report_path))
    assert caught.value.returncode == 1
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows"], summary["accepted"], summary["refused"]) == (2, 1, 1)
    assert summary["errors"][0] | {"message": ""} == {
        "row": 3,
        "column": "份数",
        "code": "shares",
        "message": "",
    }
    assert report_path.exists() and not Member.objects.exists()
    call_command("import-roster", tree.unit_a.code, str(path), "--accept-valid")
    assert json.loads(capsys.readouterr().out)["saved"] is True
    assert Member.objects.count() == 1
    path.write_bytes(xlsx([person(2)]))  # the whole roster now: person 1 has left
    call_command("import-roster", tree.unit_a.code, str(path), "--replace")
    assert json.loads(capsys.readouterr().out)["left"] == 1
    with pytest.raises(CommandError, match="单位不存在"):
        call_command("import-roster", "NOPE", str(path))


def test_import_roster_command_reads_a_workbook_from_standard_input(
    tree, capsys, settled, monkeypatch
):
    """`-` is standard input, as the usage says: a piped xlsx was read as text and refused."""
    piped = io.TextIOWrapper(io.BytesIO(xlsx([person(1), person(2)])))
    monkeypatch.setattr("sys.stdin", piped)
    call_command("import-roster", tree.unit_a.code, "-")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows"], summary["saved"], Member.objects.count()) == (2, True, 2)


def test_import_roster_command_refuses_a_report_it_cannot_write_before_importing(
    tree, tmp_path, capsys, settled
):
    """Before, the rows were saved and then writing the report failed with a traceback, so
    the officer never saw the summary of what had been saved."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([person(1), person(2, 份数="x")]))
    for report, reason in [
        (tmp_path, "这是一个目录，不是文件"),
        (tmp_path / "no/r.xlsx", "不存在"),
    ]:
        with pytest.raises(CommandError) as caught:
            call_command(
                "import-roster",
                tree.unit_a.code,
                str(path),
                "--accept-valid",
                "--report",
                str(report),
            )
        assert caught.value.returncode == 2
        assert str(caught.value).startswith(f"无法写入报告文件 {report}：") and reason in str(
            caught.value
        )
        assert not Member.objects.exists() and capsys.readouterr().out == ""
    with pytest.raises(CommandError, match="无法读取文件 .*：文件或目录不存在"):
        call_command("import-roster", tree.unit_a.code, str(tmp_path / "missing.xlsx"))
    # a report path that is fine but not needed (no errors) is not left behind as an empty file
    path.write_bytes(xlsx([person(1)]))
    call_command("import-roster", tree.unit_a.code, str(path), "--report", str(tmp_path / "r.xlsx"))
    assert json.loads(capsys.readouterr().out)["saved"] is True
    assert not (tmp_path / "r.xlsx").exists()


def test_roster_page_runs_page_by_page_and_finds_people(tree, people, login, settled, monkeypatch):
    """A unit of tens of thousands is shown a page at a time; a worker is found by part of the
    name, the whole ID number (through its keyed hash) or the member code."""
    from huzhu.members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 2)
    import_roster(tree.unit_a, xlsx([person(i) for i in range(1, 6)]), actor=None)
    client = login(people.officer_a)
    url = f"/units/{tree.unit_a.code}/roster/"

    def names(response):
        return [row.member.name for row in response.context["page"]]

    first, last = client.get(url), client.get(url, {"page": 3})
    assert names(first) == ["职工1", "职工2"] and names(last) == ["职工5"]
    assert "在册 5 人" in first.content.decode() and "第 1 / 3 页" in first.content.decode()
    assert names(client.get(url, {"q": person(4)[1]})) == ["职工4"]
    assert names(client.get(url, {"q": "职工3"})) == ["职工3"]
    code = Member.objects.get(name="职工2").code
    found = client.get(url, {"q": code}, headers={"HX-Request": "true"})
    assert names(found) == ["职工2"] and "<html" not in found.content.decode()
    nobody = client.get(url, {"q": "110101199001011237"}).content.decode()
    assert "没有找到符合条件的职工" in nobody


def test_contract_roster_runs_page_by_page(tree, people, login, settled, monkeypatch):
    from huzhu.contracts import views
    from huzhu.contracts.actions import EnrolmentFacts, create_enrolment

    monkeypatch.setattr(views, "LINES_PAGE_SIZE", 2)
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(i) for i in range(1, 4)]), actor=None)
    contract = create_enrolment(tree.unit_a, EnrolmentFacts("union_funds"), actor=None)
    client = login(people.officer_a)
    url = f"/contracts/{contract.public_id}/"
    page = client.get(url, {"page": 2})
    assert [line.member.name for line in page.context["page"]] == ["职工3"]
    assert "3 人 / 3 份" in page.content.decode()


def test_a_kept_roster_is_sealed_and_forgotten_after_a_day(tree, people, login, settled, settings):
    """Between the check and the confirmation the uploaded roster (every ID and card number)
    and its annotated copy wait on disk: sealed with the field key, and deleted after a day
    when nobody confirms."""
    from huzhu.members import imports

    bad = xlsx([person(1), person(2, shares=9)])
    client = login(people.officer_a)
    checked = client.post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": upload(data=bad), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    token = checked.context["token"]
    folder = Path(settings.MEDIA_ROOT) / "imports"
    kept = sorted(folder.iterdir())
    assert [p.name.split(".", 1)[1] for p in kept] == ["report.xlsx", "upload"]
    number = person(1)[1].encode()
    for path in kept:
        assert b"PK" not in path.read_bytes()[:40] and number not in path.read_bytes()
    report = imports.report(tree.unit_a, token)
    assert report is not None and load_workbook(io.BytesIO(report)).worksheets[0]["A2"].value
    a_day_ago = time.time() - imports.KEEP_SECONDS - 1
    for path in kept:
        os.utime(path, (a_day_ago, a_day_ago))
    other = imports.keep(tree.unit_a, bad, None)  # the next check clears what is stale
    assert imports.report(tree.unit_a, token) is None
    assert imports.take(tree.unit_a, token) is None
    assert imports.take(tree.unit_a, other) == bad


def test_the_roster_search_keeps_id_numbers_out_of_urls(tree, people, login, settled, monkeypatch):
    """The page's search form posts: an ID number typed into it reaches no URL (browser history,
    server and proxy logs). A name search still pages with the name in its links."""
    from huzhu.members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 2)
    import_roster(tree.unit_a, xlsx([person(i) for i in range(1, 6)]), actor=None)
    client = login(people.officer_a)
    url = f"/units/{tree.unit_a.code}/roster/"
    page = client.get(url).content.decode()
    assert 'method="post"' in page and "hx-post" in page and "hx-push-url" not in page
    number = person(4)[1]
    found = client.post(url, {"q": number}, headers={"HX-Request": "true"})
    assert [row.member.name for row in found.context["page"]] == ["职工4"]
    assert number not in found.content.decode()
    by_name = client.post(url, {"q": "职工"}, headers={"HX-Request": "true"}).content.decode()
    assert "?q=%E8%81%8C%E5%B7%A5&page=2" in by_name


def test_the_check_uses_the_day_the_import_will_use(tree, people, login, settled, settings):
    """A unit whose contract is in force renews on its end date (K-5, K-6): the check on the
    page judges ages (E-5) for that day, as the import does, not for today."""
    from huzhu.contracts import actions as contracts

    tree.unit_a.member_count = 1
    tree.unit_a.save()
    import_roster(tree.unit_a, xlsx([person(1)]), actor=None)
    facts = contracts.EnrolmentFacts("union_funds")
    contract = contracts.create_enrolment(tree.unit_a, facts, actor=None)
    contracts.submit_contract(contract, actor=None)
    contracts.confirm_fee(contract, actor=people.registrar)  # 2025-03-03 to 2026-03-03
    settings.HUZHU_TODAY = "2026-02-20"
    # 60 today, 61 on the renewal date 2026-03-03
    turning = xlsx([person(1), person(2, birth="19650301")])
    checked = login(people.officer_a).post(
        f"/units/{tree.unit_a.code}/roster/check/",
        {"file": upload(data=turning), "consent": "on"},
        headers={"HX-Request": "true"},
    )
    body = checked.content.decode()
    assert "按生效日 2026-03-03 核对" in body and "61周岁" in body
    assert 'name="effective" value="2026-03-03"' in body


def test_the_enrolment_page_points_a_covered_unit_to_its_renewal(tree, people, login, roster_a):
    """K-5: a unit whose contract is in force renews from it; the enrolment page says so."""
    officer = login(people.officer_a)
    url = f"/units/{tree.unit_a.code}/enrol/"
    assert "续会" not in officer.get(url).content.decode()
    officer.post(url, {"funding_source": "union_funds"})
    contract = Contract.objects.get()
    officer.post(f"/contracts/{contract.public_id}/submit/", {"declare": "on"})
    login(people.registrar).post(f"/contracts/{contract.public_id}/confirm-fee/")
    contract.refresh_from_db()
    assert contract.status == "active"
    page = officer.get(url).content.decode()
    assert f'本单位已有合同 <a href="/contracts/{contract.contract_no}/">' in page
    assert "点击“续会”" in page


def test_a_refused_submission_says_how_many_problems_there_are(tree, people, login, settled):
    """A draft refused for many workers lists the first 20 problems and says how many there
    are: before, the rest were dropped without a word, and a refused submission repeated the
    page's list as 20 messages."""
    from huzhu.contracts import actions as contracts

    tree.unit_a.member_count = 25
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(i) for i in range(25)]), actor=None).saved
    draft = contracts.create_enrolment(
        tree.unit_a, contracts.EnrolmentFacts("personal"), actor=None
    )
    Member.objects.update(status="retired")  # E-5: every one of them refused
    page = login(people.officer_a).post(
        f"/contracts/{draft.public_id}/submit/", {"declare": "on"}, follow=True
    )
    body = page.content.decode()
    assert body.count("已退休，不符合入会条件（E-5）") == 20
    assert "未能提交：请先解决下列 25 处问题" in body
    assert "提交前需要解决（共 25 处，先列出 20 处）：" in body
    draft.refresh_from_db()
    assert draft.status == "draft"
    # at the fee's confirmation (a submitted contract's page lists nothing itself): the first
    # 20 as messages, and how many more
    Member.objects.update(status="in_service")
    contracts.submit_contract(draft, actor=None)
    Member.objects.update(status="retired")
    page = login(people.registrar).post(f"/contracts/{draft.public_id}/confirm-fee/", follow=True)
    body = page.content.decode()
    assert body.count("已退休，不符合入会条件（E-5）") == 20
    assert "另有 5 处问题未列出，改正后重新办理时会一并检查" in body
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_a_leaver_is_taken_off_the_roster_and_out_of_the_renewal(tree, people, login, settled):
    """K-5: 续会 starts from today's roster without the leavers; their contract is untouched."""
    from huzhu.contracts import actions as contracts

    tree.unit_a.member_count = 2
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None).saved
    facts = contracts.EnrolmentFacts("personal")
    draft = contracts.create_enrolment(tree.unit_a, facts, actor=None)
    contracts.submit_contract(draft, actor=None)
    active = contracts.confirm_fee(draft, actor=people.registrar)
    leaver = Member.objects.get(name="职工2")
    url = f"/units/{tree.unit_a.code}/roster/{leaver.code}/leave/"
    assert login(people.officer_b).post(url, {"reason": "离职"}).status_code == 404
    officer = login(people.officer_a)
    page = officer.post(url, {"reason": "随便"}, follow=True).content.decode()
    assert "移出原因应为" in page and leaver.memberships.get().left is None
    page = officer.post(url, {"reason": "离职"}, follow=True).content.decode()
    assert "职工2 已移出本单位名册" in page
    assert (
        f">{leaver.name}</a>"
        not in officer.get(f"/units/{tree.unit_a.code}/roster/").content.decode()
    )
    entry = AuditEntry.objects.get(action="members.member.left")
    assert (entry.before["unit"], entry.after["reason"]) == (tree.unit_a.code, "离职")
    renewal = contracts.start_renewal(active, facts, actor=None)
    assert [line.member.name for line in renewal.lines.all()] == ["职工1"]
    assert active.lines.count() == 2  # the paid year runs to its end
    again = officer.post(url, {"reason": "离职"}, follow=True).content.decode()
    assert "职工2 不在本单位名册上" in again
    retiring = Member.objects.get(name="职工1")
    officer.post(f"/units/{tree.unit_a.code}/roster/{retiring.code}/leave/", {"reason": "退休"})
    assert Member.objects.get(pk=retiring.pk).status == "retired"  # E-5
    # one who died is recorded as deceased: a later upload listing him is refused (E-5)
    assert import_roster(tree.unit_a, xlsx([person(2)]), actor=None).saved  # he came back
    said = officer.post(url, {"reason": "去世"}, follow=True).content.decode()
    assert Member.objects.get(pk=leaver.pk).status == "deceased"
    # his contract is in force: the unit is told that his death may be claimed (P-4, P-11)
    assert "职工2 近2年有保障合同：如在保障期内身故，可为其申请身故救助金（每份3,000.00元" in said
    assert "自知道身故之日起2年内办理" in said and "近2年有保障合同" not in page
    report = import_roster(tree.unit_a, xlsx([person(2)]), actor=None)
    assert [e.code for e in report.errors] == ["deceased"] and not report.saved
    page = login(people.registrar).get(f"/members/{leaver.code}/").content.decode()
    assert "<dt>在职状态</dt><dd>身故<span" in page and "（不能再列入任何单位名册或合同）" in page


def test_a_worker_who_withdraws_consent_leaves_with_the_withdrawal_recorded(
    tree, people, login, settled
):
    """E-4: the privacy notice lets a worker withdraw his consent. He leaves the roster, the
    withdrawal is his consent record (audited), staff see it, and an enrolment already
    submitted with him is not confirmed; a later upload confirms a fresh consent."""
    from huzhu.contracts import actions as contracts
    from huzhu.core import clock

    tree.unit_a.member_count = 2
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None).saved
    draft = contracts.create_enrolment(
        tree.unit_a, contracts.EnrolmentFacts("personal"), actor=None
    )
    contracts.submit_contract(draft, actor=None)
    worker = Member.objects.get(name="职工2")
    given = worker.consent_method
    url = f"/units/{tree.unit_a.code}/roster/{worker.code}/leave/"
    login(people.officer_a).post(url, {"reason": "撤回个人信息同意"})
    worker.refresh_from_db()
    assert worker.consent_withdrawn and worker.consent_date == clock.today()
    assert worker.memberships.get().left == clock.today()
    entry = AuditEntry.objects.get(action="members.member.left", target_code=worker.code)
    assert entry.before["consent"].endswith(given)
    assert entry.after["consent"] == f"{clock.today():%Y-%m-%d} {worker.consent_method}"
    page = login(people.registrar).get(f"/members/{worker.code}/").content.decode()
    assert f"{clock.today():%Y-%m-%d} 已撤回同意" in page
    assert api(people.registrar).get(f"/api/v1/members/{worker.code}").json()["consent_withdrawn"]
    with pytest.raises(contracts.ContractError, match="职工2：已撤回个人信息处理同意"):
        contracts.confirm_fee(draft, actor=people.registrar)
    assert import_roster(tree.unit_a, xlsx([person(1), person(2)]), actor=None).saved
    worker.refresh_from_db()
    assert not worker.consent_withdrawn and worker.consent_method == given


def test_the_page_offers_to_take_off_the_workers_the_file_leaves_out(tree, people, login, settled):
    client = login(people.officer_a)
    assert import_roster(tree.unit_a, xlsx([person(1), person(2), person(3)]), actor=None).saved

    def check():
        return client.post(
            f"/units/{tree.unit_a.code}/roster/check/",
            {"file": upload(), "consent": "on"},  # persons 1 and 2
            headers={"HX-Request": "true"},
        )

    checked = check()
    assert "本单位名册中另有 1 人不在文件中" in checked.content.decode()
    done = client.post(
        f"/units/{tree.unit_a.code}/roster/import/",
        {"token": checked.context["token"], "mode": "all"},
        follow=True,
    )
    assert "移出名册" not in done.content.decode().split("在册职工")[0]
    assert Member.objects.get(name="职工3").memberships.get().left is None  # not asked
    checked = check()
    done = client.post(
        f"/units/{tree.unit_a.code}/roster/import/",
        {"token": checked.context["token"], "mode": "all", "replace": "1"},
        follow=True,
    )
    assert "文件中没有的 1 人已移出名册" in done.content.decode()
    assert Member.objects.get(name="职工3").memberships.get().left is not None
    answer = api(people.officer_a).post(
        f"/api/v1/units/{tree.unit_a.code}/roster",
        {"file": upload(data=xlsx([person(1)])), "consent_confirmed": True, "replace": True},
    )
    assert answer.status_code == 200 and answer.json()["left"] == 1


def test_member_page_and_api_say_which_cover_a_critical_illness_ended(
    tree, people, login, settings
):
    """P-7: the coverage timeline and the member API name the contract whose liability a paid
    critical illness ended; his other contract is untouched."""
    from datetime import date

    from huzhu.claims.facts import ClaimFacts
    from huzhu.claims.tests.journeys import approved_claim, free_contract, on, paid_contract

    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    member = Member.objects.get()
    on(settings, "2024-03-10")
    free_contract(settings, tree.unit_a, member, people.registrar, "2024-03-01")
    approved_claim(member, people, ClaimFacts("critical_illness", date(2023, 6, 1), disease="CI05"))
    html = login(people.officer_a).get(f"/members/{member.code}/").content.decode()
    assert html.count('data-testid="cover-ended"') == 1
    assert "2023-06-01 确诊的重大疾病已获救助，本合同对本人的保障责任已终止（P-7）" in html
    body = api(people.officer_a).get(f"/api/v1/members/{member.code}").json()
    ended = {c["contract_no"]: (c["cover_ended"], c["cover_ended_on"]) for c in body["coverage"]}
    assert ended == {"B01230001": ("all", "2023-06-01"), "PB240001": ("", None)}


def test_member_page_lists_his_claims_and_files_one_for_him(tree, people, login, settings):
    """A worker's page listed his contracts but not his claims: whoever answered his call had
    to search the claim list as well. Now it lists those the viewer may see, and a filer
    starts a claim for him from there."""
    from datetime import date

    from huzhu.claims.facts import ClaimFacts
    from huzhu.claims.tests.journeys import approved_claim, on, paid_contract

    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    member = Member.objects.get()
    on(settings, "2023-07-10")
    claim = approved_claim(
        member, people, ClaimFacts("critical_illness", date(2023, 6, 1), disease="CI05")
    )
    officer = login(people.officer_a)
    html = officer.get(f"/members/{member.code}/").content.decode()
    rows = html.split('<h2 id="claims">')[1].split("</table>")[0]
    assert f'<a href="/claims/{claim.number}/">{claim.number}</a>' in rows
    assert "重大疾病" in rows and "2023-06-01" in rows and f">{claim.amount}</td>" in rows
    assert f'href="/claims/new/?member={member.pk}"' in html
    form = officer.get(f"/claims/new/?member={member.pk}").content.decode()
    assert f'<option value="{member.pk}" selected>' in form
    union = login(people.union_officer).get(f"/members/{member.code}/").content.decode()
    assert claim.number in union and "/claims/new/" not in union  # sees, does not file
    import_roster(tree.unit_a, xlsx([person(2)]), actor=None)
    other = Member.objects.get(name="职工2")
    html = officer.get(f"/members/{other.code}/").content.decode()
    assert claim.number not in html and "暂无救助申请" in html


def test_staff_find_a_member_by_id_number_name_or_code_and_strangers_find_nothing(
    roster_a, tree, people, login
):
    import_roster(tree.unit_b, xlsx([person(3)]), actor=None)
    other = Member.objects.get(name="职工3")

    def found(client: Client, query: str) -> list[str]:
        html = client.post("/members/", {"q": query}).content.decode()
        return sorted(set(re.findall(r'href="/members/(M\w+)/">', html)))

    staff = login(people.registrar)
    number = str(roster_a.id_number)
    assert found(staff, number) == [roster_a.code]  # through its keyed hash
    assert found(staff, f" {number[:6]} {number[6:14]} {number[14:].lower()} ") == [roster_a.code]
    assert found(staff, roster_a.code) == [roster_a.code]
    assert len(found(staff, "职工")) == 3  # part of the name, every unit
    page = staff.post("/members/", {"q": number}).content.decode()
    assert roster_a.masked_id in page and number not in page.split("<table")[1]
    assert tree.unit_a.name in page
    # a coordinating officer sees his subtree, a unit officer his unit, and nothing else
    assert len(found(login(people.union_officer), "职工")) == 2
    assert found(login(people.union_officer), str(other.id_number)) == []
    assert found(login(people.officer_b), number) == []
    assert found(login(people.officer_b), "职工") == [other.code]
    assert found(staff, "查无此人") == []
    assert "没有找到“查无此人”" in staff.post("/members/", {"q": "查无此人"}).content.decode()
    assert "完整的18位身份证号码" in staff.get("/members/").content.decode()  # no search yet


def test_the_member_search_is_in_the_menu_of_staff_and_coordinating_officers(people, login):
    assert 'href="/members/"' in login(people.registrar).get("/").content.decode()
    assert 'href="/members/"' in login(people.union_officer).get("/").content.decode()
    assert 'href="/members/"' not in login(people.officer_a).get("/").content.decode()


def test_staff_take_back_a_death_recorded_by_mistake(tree, people, login, roster_a):
    """A death recorded by mistake (去世 chosen for 离职, or the wrong worker's death claim
    registered) would keep the worker off every roster for good: staff of the registration
    duty take it back with a reason, audited; his unit can then list him again. Nobody else
    can, and a reason is required."""
    leave = f"/units/{tree.unit_a.code}/roster/{roster_a.code}/leave/"
    said = login(people.officer_a).post(leave, {"reason": "去世"}, follow=True).content.decode()
    assert "已移出本单位名册" in said and "身故救助金" not in said  # he never had a contract
    url = f"/members/{roster_a.code}/"
    revoke = f"{url}revoke-death/"
    for someone in (people.reviewer, people.officer_a):
        assert "撤销身故记录" not in login(someone).get(url).content.decode()
        assert login(someone).post(revoke, {"reason": "选错"}).status_code == 403
    registrar = login(people.registrar)
    page = registrar.get(url).content.decode()
    assert "（不能再列入任何单位名册或合同）" in page
    assert f'action="{revoke}"' in page and 'data-confirm="撤销后该职工恢复为在职' in page
    refused = registrar.post(revoke, {"reason": "  "}, follow=True).content.decode()
    assert "撤销身故记录须说明原因" in refused
    assert Member.objects.get(pk=roster_a.pk).status == "deceased"
    assert [e.code for e in import_roster(tree.unit_a, xlsx([person(1)]), actor=None).errors] == [
        "deceased"
    ]
    done = registrar.post(revoke, {"reason": "经办人误选“去世”，实为离职"}, follow=True)
    assert f"已撤销 {roster_a.name} 的身故记录" in done.content.decode()
    assert Member.objects.get(pk=roster_a.pk).status == "in_service"
    entry = AuditEntry.objects.get(action="members.member.death_revoked")
    assert (entry.actor, entry.before, entry.after) == (
        people.registrar,
        {"status": "deceased"},
        {"status": "in_service", "reason": "经办人误选“去世”，实为离职"},
    )
    assert "撤销身故记录" not in registrar.get(url).content.decode()
    again = registrar.post(revoke, {"reason": "再次"}, follow=True).content.decode()
    assert f"{roster_a.name} 未登记身故" in again
    assert import_roster(tree.unit_a, xlsx([person(1)]), actor=None).saved  # listed again
