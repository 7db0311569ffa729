"""Issue 5's browser journey, seed case 1: the uremia claim from filing to archive, with a
screenshot of each step in e2e/artifacts/."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from e2e.conftest import ARTIFACTS
from e2e.test_foundation import log_in
from huzhu.claims.models import Claim
from huzhu.claims.tests.journeys import PDF, free_contract, on, paid_contract
from huzhu.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"claim-{name}.png"), full_page=True)


def switch(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def test_seed_case_1_end_to_end(page, tree, people, settings, tmp_path):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-02-25", shares=2)
    member = Member.objects.get()
    free_contract(settings, tree.unit_a, member, people.registrar, "2022-05-13")
    on(settings, "2023-03-07")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    photos: list[str] = []  # the medical record's two pages, photographed on his phone
    for number, size in ((2, (60, 90)), (1, (90, 60))):
        photo = tmp_path / f"IMG_{number}.jpg"
        Image.new("RGB", size, "white").save(photo, "JPEG")
        photos.insert(0, str(photo))
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, "officer_a")
    page.goto("/claims/new/")
    page.get_by_label("被保障人", exact=True).select_option(label=member.name)
    disease = page.get_by_label("重大疾病（输入名称或代码查找，如“尿毒症”“CI04”）")
    assert not disease.is_visible()  # the facts of a type appear once it is chosen
    page.get_by_label("救助类型").select_option("death_illness")
    assert page.get_by_label("受托人姓名（身故）").is_visible() and not disease.is_visible()
    page.get_by_label("救助类型").select_option("critical_illness")
    assert disease.is_visible() and not page.get_by_label("受托人姓名（身故）").is_visible()
    page.get_by_label("事件日期（首次确诊日 / 事故日 / 身故日）").fill("2023-01-02")
    page.get_by_label("重大疾病（输入名称或代码查找，如“尿毒症”“CI04”）").fill("尿毒症")
    page.get_by_role("button", name="提交申请").click()
    assert "已提交" in page.locator(".messages").inner_text()
    # he sends the papers from his phone: a row of their list is a line or three, not a
    # character a line (beside the upload control, a paper's name took up to ten lines)
    page.set_viewport_size({"width": 390, "height": 844})
    rows = page.locator("table").first.locator("tbody tr")
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) >= 5 and max(heights) < 100, heights
    for index in range(rows.count()):
        row = page.locator("table").first.locator("tbody tr").nth(index)
        if "必须" not in row.inner_text():
            continue
        photographed = "住院病历" in row.inner_text()
        row.locator("input[type=file]").set_input_files(photos if photographed else str(scan))
        row.get_by_role("button", name="上传", exact=True).click()
        page.wait_for_load_state()
        if photographed:
            said = page.locator(".messages").inner_text()
            assert "2 张照片已按文件名顺序合并为一份 PDF" in said, said
    shot(page, "1-filed")
    page.set_viewport_size({"width": 1280, "height": 720})
    claim = Claim.objects.get()
    assert not claim.documents.filter(required=True, received=False).exists()
    record = claim.documents.get(item="medical_record")
    assert (record.content_type, record.original_name) == (
        "application/pdf",
        "IMG_1.jpg 等 2 张照片（已合并为 PDF）",
    )

    switch(page, "registrar")
    page.goto(f"/claims/{claim.number}/")
    page.get_by_role("button", name="查验登记").click()
    shot(page, "2-registered")

    switch(page, "reviewer")
    page.goto(f"/claims/{claim.number}/")
    # the engine's proposal is on the page before the reviewer decides (C-4)
    proposal = page.locator("table").nth(1).inner_text()
    assert "规则引擎建议（待病案审核）" in page.content() and "15000.00" in proposal
    # on a phone the review's choice, amount and reason wrap below each other (in one row
    # they made the page twice as wide as the screen)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="病案审核").click()
    page.get_by_role("heading", name="规则引擎裁定（病案审核）").wait_for()
    text = page.locator("table").nth(1).inner_text()
    assert "B01220001" in text and "PB220001" in text and "15000.00" in text and "P-5" in text
    shot(page, "3-reviewed")

    switch(page, "approver")
    page.goto(f"/claims/{claim.number}/")
    page.get_by_role("button", name="审批通过").click()
    assert "2023-03-21" in page.content()
    shot(page, "4-approved")

    switch(page, "cashier")
    page.goto("/payments/")
    # the box that picks a claim is a column of its own width (it took a quarter of the page)
    assert page.locator("td.pick").first.bounding_box()["width"] < 60
    page.get_by_role("button", name="生成发放批次").click()
    batch_url = page.url
    switch(page, "approver")
    page.goto(batch_url)
    page.get_by_role("button", name="审批批次").click()
    switch(page, "cashier")
    page.goto(batch_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载工商银行批量代发文件").click()
    download.value.save_as(tmp_path / "icbc.xlsx")
    on(settings, "2023-03-20")  # the bank's confirmation arrives (a date to come is refused)
    page.reload()
    page.get_by_placeholder("银行流水号").fill("ICBC20230320001")
    page.get_by_label("到账日期", exact=True).fill("2023-03-20")
    page.get_by_role("button", name="已到账").click()
    shot(page, "5-paid")

    switch(page, "registrar")
    page.goto(f"/claims/{claim.number}/")
    page.get_by_role("button", name="材料归档").click()
    shot(page, "6-archived")
    claim.refresh_from_db()
    assert (claim.status, str(claim.amount)) == ("archived", "15000.00")
    # printed for the paper file: the claim, its papers and the engine's decision, without the
    # menu, the buttons and the upload boxes
    page.emulate_media(media="print")
    assert page.locator(".topbar .nav").is_hidden() and page.locator(".who").is_hidden()
    assert page.get_by_role("button").count() == 0
    assert page.get_by_role("heading", name="规则引擎裁定（病案审核）").is_visible()
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert claim.number in printed and "15000.00" in printed and "P-5" in printed
    assert "退出" not in printed and "登录记录" not in printed and "发放通知" not in printed
    page.emulate_media(media="screen")

    # C-6 before filing: starting a second claim for the same illness, the form says so as the
    # facts are chosen, and nothing is filed by asking
    switch(page, "officer_a")
    page.goto("/claims/new/")
    page.get_by_label("被保障人", exact=True).select_option(label=member.name)
    page.get_by_label("救助类型").select_option("critical_illness")
    warning = page.get_by_test_id("same-event-before")
    page.get_by_label("事件日期（首次确诊日 / 事故日 / 身故日）").fill("2023-01-02")
    page.get_by_label("重大疾病（输入名称或代码查找，如“尿毒症”“CI04”）").fill("尿毒症")
    page.get_by_label("重大疾病（输入名称或代码查找，如“尿毒症”“CI04”）").blur()
    warning.wait_for()
    assert claim.number in warning.inner_text() and "已归档" in warning.inner_text()
    page.get_by_label("事件日期（首次确诊日 / 事故日 / 身故日）").fill("2023-02-02")
    page.get_by_label("事件日期（首次确诊日 / 事故日 / 身故日）").blur()
    warning.wait_for(state="detached")
    assert Claim.objects.count() == 1

    # the unit officer follows it on his phone: wide tables scroll inside the page, which
    # itself stays as wide as the screen (the whole page used to scroll sideways)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/claims/", "/contracts/"):
        page.goto(path)
        table = page.locator("table.table").first
        assert table.evaluate("t => t.scrollWidth > t.clientWidth"), path  # it does scroll
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, (path, wide)
