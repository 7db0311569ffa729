"""Issue 4's browser journey: template → roster with two bad rows → fix → import → enrol →
submit; staff confirm the fee; the certificate PDF opens."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from huzhu.contracts.models import Contract
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    from e2e.test_foundation import log_in as base

    base(page, username)


def fill_template(template_path, rows, out_path):
    book = load_workbook(template_path)
    sheet = book.worksheets[0]
    for index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=index, column=column).value = value
    book.save(out_path)


def test_roster_enrolment_and_fee_confirmation(page, tree, people, tmp_path, settings):
    settings.HUZHU_TODAY = "2025-03-03"
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "officer_a")
    page.goto(f"/units/{tree.unit_a.code}/roster/")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载名册模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # an empty file is refused in place (the refusal came back as a 400, which htmx dropped:
    # the page showed nothing at all)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    page.get_by_label("名册文件（xlsx 或 csv）").set_input_files(str(empty))
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="上传并校验").click()
    page.locator("#check-result").get_by_text("所提交的是空文件").wait_for()

    bad = tmp_path / "bad.xlsx"
    fill_template(template, [person(1), person(2, 份数="4"), person(3, 在职状态="退休")], bad)
    page.get_by_label("名册文件（xlsx 或 csv）").set_input_files(str(bad))
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="上传并校验").click()
    errors = page.locator(".errors-table")
    errors.wait_for()
    text = errors.inner_text()
    assert "第 3 行" in text and "份数应为1至3" in text
    assert "第 4 行" in text and "退休人员" in text
    assert not Member.objects.exists()

    good = tmp_path / "good.xlsx"
    fill_template(template, [person(1, shares=2), person(2), person(3)], good)
    page.get_by_label("名册文件（xlsx 或 csv）").set_input_files(str(good))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("button", name="确认导入 3 人").click()
    assert "已导入 3 人" in page.locator(".messages").inner_text()
    assert page.locator("table.table tbody tr").count() == 3

    # on a phone the consent box stays a box (a long label squeezed it to 5 px) and each worker
    # keeps to one line, the 修改 / 移出 cell included (it wrapped to rows of 100 px)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator("input[name=consent]").bounding_box()["width"] >= 12
    heights = page.locator("table.table tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) < 60, heights
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="申请入会").click()
    page.get_by_label("会费来源").select_option(label="工会经费列支")
    page.get_by_role("button", name="生成入会申请").click()
    page.get_by_role("button", name="提交申请").click()  # E-5: not without the declaration
    assert page.locator("input[name=declare]").evaluate("box => !box.validity.valid")
    assert page.get_by_role("button", name="提交申请").is_visible()  # still the draft's page
    page.get_by_label("本单位声明：本申请名单所列职工均在职在岗、身体健康", exact=False).check()
    page.get_by_role("button", name="提交申请").click()
    assert "等待互济会确认会费" in page.locator(".messages").inner_text()
    contract = Contract.objects.get()
    assert (contract.status, contract.total_shares, str(contract.fee)) == ("submitted", 4, "80.00")

    page.context.clear_cookies()
    log_in(page, "registrar")
    page.goto("/contracts/?status=submitted")
    page.get_by_role("link", name="（未编号）").click()
    page.get_by_role("button", name="确认已收会费").click()
    assert "B01250001" in page.locator(".messages").inner_text()
    pdf = page.request.get("/contracts/B01250001/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "B01250001" in text and "甲单位" in text


def test_officer_corrects_a_worker_then_renews_the_roster_from_its_export(
    page, tree, people, tmp_path, settings
):
    """修改 one worker's phone on the roster; 导出当前名册 (after the confirmation), delete a
    leaver's row in the workbook and upload it as the whole roster (名册以本文件为准)."""
    from huzhu.members.actions import import_roster, leave_roster
    from huzhu.members.tests.rosters import xlsx

    settings.HUZHU_TODAY = "2025-03-03"
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    assert import_roster(tree.unit_a, xlsx([person(1), person(2), person(3)]), actor=None).saved
    dialogs: list[str] = []

    def confirm(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    log_in(page, "officer_a")
    page.goto(f"/units/{tree.unit_a.code}/roster/")
    page.locator("tr", has_text="职工2").get_by_role("link", name="修改").click()
    page.get_by_label("手机号码").fill("1390000")
    page.get_by_role("button", name="保存").click()
    assert "手机号码应为以1开头的11位数字" in page.locator("main").inner_text()
    page.get_by_label("手机号码").fill("13700000002")
    page.get_by_role("button", name="保存").click()
    assert "职工2 的信息已保存" in page.locator(".messages").inner_text()
    assert Member.objects.get(name="职工2").mobile == "13700000002"

    page.goto(f"/units/{tree.unit_a.code}/roster/")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出当前名册").click()
    assert "完整身份证号码" in dialogs[-1]
    exported = tmp_path / "exported.xlsx"
    download.value.save_as(exported)
    book = load_workbook(exported)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]][:3] == [
        "职工2",
        Member.objects.get(name="职工2").id_number,
        "13700000002",
    ]
    sheet.delete_rows(4)  # 职工3 has left
    book.save(exported)
    page.get_by_label("名册文件（xlsx 或 csv）").set_input_files(str(exported))
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("replace").locator("input").check()
    page.get_by_role("button", name="确认导入 2 人").click()
    assert "文件中没有的 1 人已移出名册" in page.locator(".messages").inner_text()
    assert Member.objects.get(name="职工3").memberships.get().left is not None

    # the full number of a worker another officer has just taken off the roster: the click says
    # why nothing came (a refused htmx request used to change nothing on the page, silently)
    leaver = Member.objects.get(name="职工2")
    page.goto(f"/members/{leaver.code}/")
    leave_roster(tree.unit_a, leaver, actor=people.officer_a, reason="调出本单位")
    page.get_by_role("button", name="查看完整号码").first.click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "操作未完成：没有权限，或页面已过期。请刷新页面后重试。"
