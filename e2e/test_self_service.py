"""Issue 7's browser journeys: a worker looks himself up on a phone (masked answer, neutral answer
for a wrong name, the rate limit), and a coordinating officer reads his subtree's dashboard and
downloads it as xlsx."""

import io

import pytest
from openpyxl import load_workbook

from e2e.conftest import ARTIFACTS
from huzhu.claims.tests.journeys import on, paid_contract
from huzhu.members.models import Member
from huzhu.rules.identity import mask_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def enrolled(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    paid_contract(settings, tree.unit_b, people.registrar, "2023-03-01", shares=1, index=2)
    on(settings, "2023-06-12")
    return Member.objects.get(name="职工1")


def look_up(page, id_number: str, name: str) -> None:
    page.goto("/lookup/")
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label("姓名").fill(name)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("domcontentloaded")


def test_worker_looks_himself_up_on_a_phone(browser, live_server, enrolled):
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        look_up(page, enrolled.id_number, "职工1")
        answer = page.get_by_test_id("answer")
        text = answer.inner_text()
        assert mask_id(enrolled.id_number) in text and enrolled.id_number not in page.content()
        assert "B01230001" in text and "保障中" in text and "甲单位" in text
        assert "乙单位" not in text
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the answer must fit a phone screen without sideways scrolling"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lookup-phone.png"), full_page=True)

        look_up(page, enrolled.id_number, "职工2")
        assert "未查到" in page.get_by_test_id("nothing").inner_text()
        assert "B0123" not in page.content()

        for _ in range(3):
            look_up(page, enrolled.id_number, "职工1")
            assert page.get_by_test_id("answer").is_visible()
        look_up(page, enrolled.id_number, "职工1")  # the 6th within a minute
        assert "查询过于频繁" in page.get_by_test_id("refusal").inner_text()
        assert page.get_by_test_id("answer").count() == 0

        # the scheme in plain words, its sections apart (their borders touched)
        page.goto("/scheme/")
        boxes = [card.bounding_box() for card in page.locator("section.card").all()]
        assert len(boxes) >= 3
        gaps = [b["y"] - (a["y"] + a["height"]) for a, b in zip(boxes, boxes[1:], strict=False)]
        assert min(gaps) >= 8, gaps
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_coordinating_officer_reads_his_dashboard_and_downloads_it(page, enrolled, people):
    from e2e.test_foundation import log_in

    log_in(page, "lixia_officer")
    page.get_by_role("navigation").get_by_role("link", name="统计").click()
    page.get_by_label("年度").select_option("2023")
    page.get_by_role("button", name="查看").click()
    page.wait_for_selector("body[data-charts=drawn]")
    page.wait_for_selector("body[data-history=drawn]")  # the since-inception part, loaded after
    assert "2023" in page.get_by_test_id("table-per_year").inner_text()
    assert "历下区总工会" in page.locator("h1").inner_text()
    per_union = page.get_by_test_id("table-per_union").inner_text()
    assert "历下区某街道工会" in per_union and "直属单位" in per_union
    assert "市中区总工会" not in page.content() and "乙单位" not in page.content()
    overview = page.get_by_test_id("table-overview").inner_text()
    assert "40.00" in overview  # unit A's 2 shares; unit B's fee is not in his subtree

    with page.expect_download() as info:
        page.get_by_test_id("export-all").click()
    data = info.value.path().read_bytes()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "总览"
    assert [c.value for c in book["总览"][3]][:4] == ["2023年", 1, 2, 40]
