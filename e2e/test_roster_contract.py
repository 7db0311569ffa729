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

    page.get_by_role("link", name="申请入会").click()
    page.get_by_label("会费来源").select_option(label="工会经费列支")
    page.get_by_role("button", name="生成入会申请").click()
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
