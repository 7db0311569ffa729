"""The bank's result file, the payments API, and the claim PDFs."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from pypdf import PdfReader

from huzhu.accounts.actions import issue_token
from huzhu.claims.models import ClaimStatus
from huzhu.claims.pdf import application_form, payment_notice, power_of_attorney
from huzhu.claims.tests.journeys import sent_batch
from huzhu.payments import actions
from huzhu.payments.models import PaymentStatus
from huzhu.payments.tests.test_payments import approved  # noqa: F401 (fixture)


def results_file(rows):
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["救助申请编号", "结果", "银行流水号", "到账日期", "失败原因"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_bank_result_file_records_every_row(approved, people):  # noqa: F811
    batch = sent_batch([approved], people)
    data = results_file([[approved.number, "成功", "ICBC001", str(approved.approved_on), None]])
    assert actions.import_bank_results(batch, data, actor=people.cashier) == 1
    approved.refresh_from_db()
    assert approved.status == ClaimStatus.PAID
    assert batch.payments.get().bank_ref == "ICBC001"


def test_an_amount_in_the_result_file_must_be_the_payments(approved, people):  # noqa: F811
    """M-2: a bank's return file echoes our export's 金额（元）. A row whose claim number was
    mistyped into another payment of the batch would record that one as paid: before, the
    amount was not read at all."""
    batch = sent_batch([approved], people)
    amount = batch.payments.get().amount

    def file(value):
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.append(["救助申请编号", "金额（元）", "结果", "银行流水号", "到账日期"])
        sheet.append([approved.number, value, "成功", "ICBC9", str(approved.approved_on)])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    for wrong, words in [
        (float(amount) + 100, f"与该笔发放的 {amount} 元不符"),
        ("一千", "金额“一千”无法识别"),
    ]:
        with pytest.raises(actions.PaymentError, match=words):
            actions.import_bank_results(batch, file(wrong), actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING
    assert actions._amount_problem(" ", batch.payments.get()) is None  # a row leaving it empty
    # as the export writes it (a number), or as text with a thousands separator and 元
    written = f"{amount:,}元" if amount >= 1000 else f"{amount}元"
    assert actions.import_bank_results(batch, file(written), actor=people.cashier) == 1
    assert batch.payments.get().status == PaymentStatus.PAID


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([["JZ0000", "成功", "R", "2023-07-20", None]], "不是本批次"),
        ([["{number}", "ok", "R", "2023-07-20", None]], "成功”或“失败"),
        ([["{number}", "未成功", "R", "2023-07-20", None]], "成功”或“失败"),
        ([["{number}", "成功", "", "2023-07-20", None]], "第2行：到账须登记银行流水号"),
        (
            [["{number}", "成功", "R", "20/07/2023", None]],
            "“20/07/2023”无法识别，应写作 2026-11-30，也可写",
        ),
        ([["{number}", "失败", "", None, None]], "第2行：发放失败须登记银行给出的原因"),
        # "_x0000_" in the sheet's XML is read as a NUL, which PostgreSQL cannot store
        ([["{number}", "失败", "", None, "卡号_x0000_错误"]], "控制字符"),
        ([["{number}", "成功", "R" * 61, "2023-07-20", None]], "第2行：银行流水号不能超过60个字符"),
        # the fixture's claim is approved on 2023-07-10, which is also today
        ([["{number}", "成功", "R", "2023-07-11", None]], "第2行：到账日期 2023-07-11 晚于今天"),
        (
            [["{number}", "成功", "R", "2023-07-09", None]],
            "第2行：到账日期 2023-07-09 早于该申请的审批日期 2023-07-10",
        ),
        # the same payment twice (one file, two answers): neither is taken
        (
            [["{number}", "成功", "R", "2023-07-10", None], ["{number}", "失败", "", None, "x"]],
            "与第2行重复",
        ),
    ],
)
def test_bad_result_files_change_nothing(approved, people, rows, words):  # noqa: F811
    batch = sent_batch([approved], people)
    rows = [
        [c.format(number=approved.number) if isinstance(c, str) else c for c in r] for r in rows
    ]
    with pytest.raises(actions.PaymentError, match=words):
        actions.import_bank_results(batch, results_file(rows), actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING
    with pytest.raises(actions.PaymentError, match="PDF"):
        actions.import_bank_results(batch, b"%PDF-1.4", actor=people.cashier)


def test_a_result_file_lists_every_rows_problem_with_its_row(approved, people):  # noqa: F811
    """Every row is checked before anything is recorded, the bank's date and reference too,
    and each problem names its row: before, a date after today was found only while recording,
    alone and without its row, after the other rows' problems had been fixed."""
    batch = sent_batch([approved], people)
    rows = [[approved.number, "成功", "R1", "2023-07-11", None], ["JZ0000", "失败", "", None, "x"]]
    with pytest.raises(actions.PaymentError) as refused:
        actions.import_bank_results(batch, results_file(rows), actor=people.cashier)
    assert str(refused.value) == (
        "第2行：到账日期 2023-07-11 晚于今天（2023-07-10），请核对银行回盘；"
        "第3行：JZ0000 不是本批次待处理的发放"
    )
    # a refused row's payment still has its one answer: a second row for it is a duplicate
    rows = [
        [approved.number, "成功", "", "2023-07-10", None],
        [approved.number, "失败", "", None, "x"],
    ]
    with pytest.raises(actions.PaymentError, match="第2行：到账须登记.*；第3行：.*与第2行重复"):
        actions.import_bank_results(batch, results_file(rows), actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING


def test_a_result_file_with_many_problems_says_how_many_were_not_listed(
    approved,  # noqa: F811
    people,
):
    """The first 20 problems are listed; before, the rest were dropped without a word, and a
    cashier who fixed those 20 met the next ones only on the next try."""
    batch = sent_batch([approved], people)
    rows = [[f"JZ{9000 + i}", "成功", "R", "2023-07-10", None] for i in range(25)]
    with pytest.raises(actions.PaymentError) as refused:
        actions.import_bank_results(batch, results_file(rows), actor=people.cashier)
    message = str(refused.value)
    assert message.count("不是本批次待处理的发放") == 20
    assert "第21行：JZ9019" in message and "JZ9020" not in message
    assert message.endswith("；另有 5 处问题未列出，改正后重新导入时会一并检查")


def test_the_batch_page_lists_a_result_files_problems_one_per_line(
    approved,  # noqa: F811
    people,
    login,
):
    """The page's 导入回盘: each problem on a line of its own (joined with “；”, twenty rows'
    problems were one paragraph), what the file says escaped, nothing recorded."""
    batch = sent_batch([approved], people)
    rows = [
        [approved.number, "成功", "R1", "2023-07-11", None],
        ["<b>JZ1</b>", "失败", "", None, "x"],
    ]
    upload = SimpleUploadedFile("回盘.xlsx", results_file(rows))
    page = login(people.cashier).post(
        f"/payments/batches/{batch.code}/results/", {"file": upload}, follow=True
    )
    html = page.content.decode()
    assert (
        "回盘文件未导入：<ul><li>第2行：到账日期 2023-07-11 晚于今天（2023-07-10），请核对银行回盘"
        "</li><li>第3行：&lt;b&gt;JZ1&lt;/b&gt; 不是本批次待处理的发放</li></ul>"
    ) in html
    assert batch.payments.get().status == PaymentStatus.PENDING


def test_a_result_file_for_a_batch_not_yet_sent_names_the_row(approved, people):  # noqa: F811
    """M-1: no approver released the batch, so the bank paid none of it: the file is refused
    with the row that would have been recorded."""
    batch = actions.create_batch([approved], actor=people.cashier)
    data = results_file([[approved.number, "成功", "R1", "2023-07-10", None]])
    with pytest.raises(actions.PaymentError, match="^第2行：该批次的银行文件尚未导出"):
        actions.import_bank_results(batch, data, actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING


def test_a_result_typed_on_the_page_reads_the_day_as_people_write_it(
    approved,  # noqa: F811
    people,
    login,
):
    """到账 on the batch's page: where the browser shows no date picker the cashier types the
    day; 2023/7/10 was refused with “日期格式不正确”, which did not say what was wanted."""
    batch = sent_batch([approved], people)
    cashier = login(people.cashier)
    url = f"/payments/batches/{batch.code}/{approved.number}/result/"
    typed = {"result": "paid", "bank_ref": "R7", "paid_on": "10/07/2023"}
    refused = cashier.post(url, typed, follow=True).content.decode()
    assert "到账日期应写作 2026-11-30，也可写" in refused
    assert batch.payments.get().status == PaymentStatus.PENDING
    cashier.post(url, typed | {"paid_on": "2023/7/10"})
    assert batch.payments.get().paid_on == date(2023, 7, 10)


def test_result_dates_typed_as_spreadsheet_dates_are_read(approved, people):  # noqa: F811
    """A bank's file whose 到账日期 is a date cell (or a date and time) is read as that day."""
    batch = sent_batch([approved], people)
    day = approved.approved_on
    data = results_file([[approved.number, "成功", "ICBC002", day, None]])
    assert actions.import_bank_results(batch, data, actor=people.cashier) == 1
    assert batch.payments.get().paid_on == day


@pytest.mark.parametrize(
    "written",
    [
        "{d:%Y/%m/%d}",
        "{d.year}/{d.month}/{d.day}",
        "{d:%Y.%m.%d}",
        "{d.year}年{d.month}月{d.day}日",
        "{d:%Y%m%d}",
        " {d:%Y-%m-%d} 14:05:09 ",
        "{d.year}-{d.month}-{d.day}",
        "{d:%Y-%m-%d}T14:05:09.250000",
    ],
)
def test_result_dates_typed_as_banks_write_them_are_read(approved, people, written):  # noqa: F811
    """A 到账日期 typed as text the way Chinese spreadsheets and bank files write days (year
    first, with slashes, dots or 年月日, without leading zeros, with the time) is that day."""
    batch = sent_batch([approved], people)
    day = approved.approved_on
    data = results_file([[approved.number, "成功", "ICBC004", written.format(d=day), None]])
    assert actions.import_bank_results(batch, data, actor=people.cashier) == 1
    assert batch.payments.get().paid_on == day


@pytest.mark.parametrize(("word", "status"), [("交易成功", "paid"), ("代发失败", "failed")])
def test_results_worded_as_banks_word_them_are_read(approved, people, word, status):  # noqa: F811
    batch = sent_batch([approved], people)
    row = [approved.number, word, "ICBC005", str(approved.approved_on), "户名不符"]
    assert actions.import_bank_results(batch, results_file([row]), actor=people.cashier) == 1
    assert batch.payments.get().status == status


def test_a_return_file_with_the_banks_column_names_is_read(approved, people):  # noqa: F811
    """A bank that sends back our file with its own result columns (处理结果, 交易流水号,
    入账日期, 失败描述) beside ours is read."""
    batch = sent_batch([approved], people)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(
        ["序号", "收款人姓名", "救助申请编号", "处理结果", "交易流水号", "入账日期", "失败描述"]
    )
    sheet.append(
        [1, "职工1", approved.number, "交易成功", "ICBC006", str(approved.approved_on), ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    assert actions.import_bank_results(batch, buffer.getvalue(), actor=people.cashier) == 1
    payment = batch.payments.get()
    assert (payment.status, payment.bank_ref, payment.paid_on) == (
        "paid",
        "ICBC006",
        approved.approved_on,
    )


def test_a_return_file_with_two_columns_for_one_thing_is_refused(approved, people):  # noqa: F811
    batch = sent_batch([approved], people)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["救助申请编号", "结果", "处理结果", "银行流水号", "到账日期"])
    sheet.append([approved.number, "成功", "失败", "R", str(approved.approved_on)])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(actions.PaymentError, match="两列都是“结果”（结果、处理结果）"):
        actions.import_bank_results(batch, buffer.getvalue(), actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING


@pytest.mark.parametrize("written", ["20/07/2023", "2023-02-30", "2023/13/01", "2023-07", "明天"])
def test_result_dates_that_are_no_day_are_refused_with_the_text(written):
    assert actions.read_day(written) is None


def test_results_on_a_later_sheet_are_read(approved, people):  # noqa: F811
    """The bank's file may open with a summary sheet: the sheet with the header is read."""
    batch = sent_batch([approved], people)
    book = Workbook()
    book.worksheets[0].append(["批次汇总", "1 笔"])
    results = book.create_sheet("明细")
    results.append(["救助申请编号", "结果", "银行流水号", "到账日期", "失败原因"])
    results.append([approved.number, "成功", "ICBC003", str(approved.approved_on), None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert actions.import_bank_results(batch, buffer.getvalue(), actor=people.cashier) == 1
    assert batch.payments.get().bank_ref == "ICBC003"


def test_a_result_file_without_the_claim_and_result_columns_is_refused(
    approved,  # noqa: F811
    people,
):
    batch = sent_batch([approved], people)
    book = Workbook()
    book.worksheets[0].append(["申请编号", "状态"])
    book.worksheets[0].append([approved.number, "成功"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(actions.PaymentError, match="“救助申请编号”和“结果”两列"):
        actions.import_bank_results(batch, buffer.getvalue(), actor=people.cashier)
    assert batch.payments.get().status == PaymentStatus.PENDING


def test_payments_api_for_cashiers_only(approved, people):  # noqa: F811
    cashier = Client(headers={"Authorization": f"Bearer {issue_token(people.cashier, actor=None)}"})
    officer = Client(
        headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"}
    )
    body = {"claims": [approved.number]}
    assert (
        officer.post("/api/v1/payment-batches", body, content_type="application/json").status_code
        == 403
    )
    created = cashier.post("/api/v1/payment-batches", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["total"] == "1600.00"
    batch = created.json()["id"]
    assert cashier.get(f"/api/v1/payment-batches/{batch}/export").status_code == 409
    approver = Client(
        headers={"Authorization": f"Bearer {issue_token(people.approver, actor=None)}"}
    )
    assert created.json()["state"] == "created"
    released = approver.post(f"/api/v1/payment-batches/{batch}/approve").json()
    assert released["approved"] is True and released["state"] == "approved"
    export = cashier.get(f"/api/v1/payment-batches/{batch}/export")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    payment = created.json()["payments"][0]["id"]
    result = cashier.post(
        f"/api/v1/payments/{payment}/result",
        {"paid": True, "bank_ref": "R9", "paid_on": str(approved.approved_on)},
        content_type="application/json",
    )
    assert result.json()["status"] == "paid"
    again = cashier.post(
        f"/api/v1/payments/{payment}/result",
        {"paid": False, "reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_claim_pdfs_have_the_text(approved, people, login):  # noqa: F811
    notice = text(payment_notice(approved))
    assert approved.number in notice and "壹仟陆佰元整" in notice and "1,600.00" in notice
    form = text(application_form(approved))
    assert "救助申请表" in form and approved.member.masked_id in form
    assert approved.member.id_number not in form
    assert "授权委托书" in text(power_of_attorney())
    client = login(people.officer_a)
    assert client.get(f"/claims/{approved.number}/payment-notice.pdf").content.startswith(b"%PDF")
    assert Client().get("/forms/application.pdf")["Content-Type"] == "application/pdf"
    assert (
        login(people.officer_b).get(f"/claims/{approved.number}/application.pdf").status_code == 404
    )


def test_service_window_finds_a_member_by_id_number_or_name(approved, people, login):  # noqa: F811
    staff = login(people.registrar)
    member = approved.member
    assert 'name="find"' in staff.get("/claims/new/").content.decode()  # the search posts
    found = staff.post("/claims/new/", {"q": member.id_number.lower(), "find": "1"})
    assert found.status_code == 200 and not found.context["form"].is_bound  # nothing filed
    assert list(found.context["form"].fields["member"].queryset) == [member]
    by_name = staff.get("/claims/new/", {"q": "职工"}).context["form"]
    assert member in by_name.fields["member"].queryset
    nobody = staff.get("/claims/new/", {"q": "不存在的人"}).context["form"]
    assert not nobody.fields["member"].queryset.exists()
    # typed with a blank or another middle dot than the one names are stored with
    member.name = "热依拉·买买提"
    member.save(update_fields=["name"])
    for typed in ("热依拉•买买提", "热 依拉", "依拉．买"):
        form = staff.get("/claims/new/", {"q": typed}).context["form"]
        assert list(form.fields["member"].queryset) == [member], typed


def test_a_time_barred_claim_is_shown_and_refused(tree, people, settings, login):
    from huzhu.claims import actions as claims
    from huzhu.claims.facts import ClaimFacts
    from huzhu.claims.tests.journeys import PDF, on, paid_contract
    from huzhu.members.models import Member

    paid_contract(settings, tree.unit_a, people.registrar, "2021-08-01", shares=1)
    on(settings, "2024-01-05")
    claim = claims.submit_claim(
        Member.objects.get(),
        ClaimFacts("accident_hospitalization", date(2021, 12, 24), circumstance="other"),
        actor=people.officer_a,
    )
    assert (
        "提交时已超过时效"
        in login(people.officer_a).get(f"/claims/{claim.number}/").content.decode()
    )
    for document in claim.documents.filter(required=True):
        claims.attach_document(claim, document.item, PDF, "x.pdf", actor=people.officer_a)
    claims.register_claim(claim, actor=people.registrar)
    reviewed = claims.review_claim(claim, actor=people.reviewer, accept=True)
    assert reviewed.decision["denials"][0]["reason"] == "time_barred"
    assert (
        claims.reject_claim(claim, actor=people.approver, reason="超过救助时效").status
        == "rejected"
    )


def test_withdrawing_a_batch_over_the_api(approved, people):  # noqa: F811
    cashier = Client(headers={"Authorization": f"Bearer {issue_token(people.cashier, actor=None)}"})
    created = cashier.post(
        "/api/v1/payment-batches", {"claims": [approved.number]}, content_type="application/json"
    )
    url = f"/api/v1/payment-batches/{created.json()['id']}/withdraw"
    officer = Client(
        headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"}
    )
    assert officer.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    assert cashier.post(url, {"reason": ""}, content_type="application/json").status_code == 422
    done = cashier.post(url, {"reason": "选错了申请"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["withdrawn"] is True
    assert done.json()["state"] == "withdrawn"
    assert done.json()["payments"][0]["status"] == "withdrawn"
    again = cashier.post(url, {"reason": "再撤一次"}, content_type="application/json")
    assert again.status_code == 409 and "已撤回" in again.json()["error"]["message"]
