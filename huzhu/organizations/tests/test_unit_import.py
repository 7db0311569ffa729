"""Units registered from a spreadsheet (the page 批量登记单位 and `huzhu import-units`): every
row checked as the unit form checks one unit, all registered or none, each audited."""

import io
import json
import random
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook, load_workbook

from huzhu.core.models import AuditEntry
from huzhu.demo.loader import credit_code
from huzhu.organizations.models import Unit

HEADER = ["单位名称", "统一社会信用代码", "上级工会", "工会会员人数", "联系人", "联系电话", "地址"]
_rng = random.Random(11)


def new_code() -> str:
    return credit_code(_rng, "370102")


def row(name: str, union: str, code: str | None = None, **changes: object) -> list[object]:
    values = {
        "单位名称": name,
        "统一社会信用代码": code or new_code(),
        "上级工会": union,
        "工会会员人数": 120,
        "联系人": "王芳",
        "联系电话": "0531-86195716",
        "地址": "",
    } | changes
    return [values[h] for h in HEADER]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "units.xlsx") -> str:
    page = client.post("/units/import/", {"file": SimpleUploadedFile(name, data)})
    assert page.status_code == 200
    return page.content.decode()


def signed_rows(page: str) -> str:
    found = re.search(r'name="rows" value="([^"]+)"', page)
    assert found is not None, "no confirmation on the page"
    return unescape(str(found.group(1)))


def test_staff_check_then_register_a_file_of_units(tree, people, login):
    staff = login(people.registrar)
    data = workbook(
        [
            row("济南甲乙丙有限公司", "历下区总工会", 工会会员人数=120.0),  # a number cell
            row("济南丁戊有限公司", "shizhong", 联系电话=13905310000, 地址="经十路1号"),
        ]
    )
    page = upload(staff, data)
    assert "共 2 家单位，全部通过检查" in page and "确认登记 2 家单位" in page
    assert not Unit.objects.filter(name__in=["济南甲乙丙有限公司", "济南丁戊有限公司"]).exists()
    done = staff.post("/units/import/", {"rows": signed_rows(page)}, follow=True)
    assert "已登记 2 家单位" in done.content.decode()
    first = Unit.objects.get(name="济南甲乙丙有限公司")
    second = Unit.objects.get(name="济南丁戊有限公司")
    assert (first.union, first.member_count) == (tree.lixia, 120)
    assert (second.union, second.contact_phone, second.address) == (
        tree.shizhong,
        "13905310000",
        "经十路1号",
    )
    entries = AuditEntry.objects.filter(action="organizations.unit.created")
    assert sorted(e.target_code for e in entries) == sorted([first.code, second.code])
    assert all(e.actor == people.registrar and e.after["from_file"] for e in entries)
    # the same page sent again registers nothing twice: the codes are taken now
    again = staff.post("/units/import/", {"rows": signed_rows(page)}).content.decode()
    assert "该统一社会信用代码已登记（济南甲乙丙有限公司）" in again
    assert Unit.objects.filter(name="济南甲乙丙有限公司").count() == 1


def test_every_bad_row_is_named_and_nothing_is_registered(tree, people, login):
    taken = tree.unit_a.credit_code
    repeated = new_code()
    data = workbook(
        [
            row("济南好单位有限公司", "历下区总工会"),
            row("济南错码有限公司", "历下区总工会", code="91370102MA3C0000X9"),
            row("济南无此工会有限公司", "天桥区总工会"),
            row("济南重复有限公司", "历下区总工会", code=repeated),
            row("济南重复二有限公司", "历下区总工会", code=repeated),
            row("济南已登记有限公司", "历下区总工会", code=taken),
            row("济南人数有限公司", "历下区总工会", 工会会员人数="很多"),
            row("", "历下区总工会", 联系电话="12"),
        ]
    )
    before = Unit.objects.count()
    page = upload(login(people.registrar), data)
    problems = re.findall(r"<tr><td>第 (\d+) 行</td><td>([^<]*)</td><td[^>]*>([^<]+)</td>", page)
    by_row = {(int(r), column): message for r, column, message in problems}
    assert set(by_row) == {
        (3, "统一社会信用代码"),
        (4, "上级工会"),
        (6, "统一社会信用代码"),
        (7, "统一社会信用代码"),
        (8, "工会会员人数"),
        (9, "单位名称"),
        (9, "联系电话"),
    }
    assert "天桥区总工会" in by_row[4, "上级工会"] and "不存在" in by_row[4, "上级工会"]
    assert by_row[6, "统一社会信用代码"] == "与第5行的单位重复，每家单位只登记一次"
    assert tree.unit_a.name in unescape(by_row[7, "统一社会信用代码"])
    assert "未登记任何单位" in page and 'name="rows"' not in page
    assert Unit.objects.count() == before


def test_a_code_stored_as_a_number_or_a_formula_is_named_with_the_rows_problems(
    tree, people, login
):
    """All 18 digits of many credit codes: Excel stores them as a number and keeps 15, so the
    check character failed for no reason the user could see."""
    data = workbook(
        [
            row("济南数字有限公司", "历下区总工会", code=913701021635712340),
            row("济南公式有限公司", "历下区总工会", 工会会员人数="=100+20"),
            row("济南无工会有限公司", ""),
        ]
    )
    page = upload(login(people.registrar), data)
    problems = re.findall(r"<tr><td>第 (\d+) 行</td><td>([^<]*)</td><td[^>]*>([^<]+)</td>", page)
    assert [(int(r), c) for r, c, _ in problems] == [
        (2, "统一社会信用代码"),  # not its check character too: that says nothing more
        (3, "工会会员人数"),
        (3, "工会会员人数"),  # the formula's cached value, none here
        (4, "上级工会"),
    ]
    messages = [unescape(m) for _, _, m in problems]
    assert "被存成了数字，末几位已丢失" in messages[0]
    assert "是公式，请改为直接填写的值" in messages[1]
    assert messages[3] == "“上级工会”不能为空"
    assert not Unit.objects.filter(name__startswith="济南数字").exists()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.7 not a table", "units.xlsx", "这是 PDF 文件"),
        (b"", "units.csv", "文件为空"),
        (
            "单位名称,联系人\n济南某公司,王芳\n".encode(),
            "units.csv",
            "表头缺少：统一社会信用代码、上级工会",
        ),
        (workbook([]), "units.xlsx", "表格中没有单位"),
    ],
)
def test_a_file_that_is_no_list_of_units_is_refused_whole(people, login, data, name, words):
    before = Unit.objects.count()
    page = (
        login(people.registrar)
        .post("/units/import/", {"file": SimpleUploadedFile(name, data)})
        .content.decode()
    )
    assert words in page and Unit.objects.count() == before


def test_a_csv_in_any_column_order_with_extra_columns_is_read(tree, people, login):
    """The unit list's own export (单位编号 first, 会员人数) comes back as a file of units."""
    code = new_code()
    text = (
        "单位编号,联系电话,单位名称,会员人数,统一社会信用代码,上级工会,联系人,有效合同\n"
        f"U1,13905310000,济南列序有限公司,80,{code},lixia,王芳,\n"
    )
    staff = login(people.registrar)
    page = upload(staff, text.encode("gb18030"), "units.csv")
    staff.post("/units/import/", {"rows": signed_rows(page)})
    unit = Unit.objects.get(credit_code=code)
    assert (unit.name, unit.member_count, unit.union) == ("济南列序有限公司", 80, tree.lixia)


def test_an_altered_or_stale_confirmation_registers_nothing(tree, people, login):
    staff = login(people.registrar)
    page = upload(staff, workbook([row("济南签名有限公司", "历下区总工会")]))
    signed = signed_rows(page)
    altered = signed[:-3] + ("aaa" if not signed.endswith("aaa") else "bbb")
    answer = staff.post("/units/import/", {"rows": altered}, follow=True).content.decode()
    assert "检查结果已失效" in answer
    assert not Unit.objects.filter(name="济南签名有限公司").exists()


def test_the_template_lists_the_unions_to_choose_from(tree, people, login, settings):
    settings.PARTICIPATION_THRESHOLD = Decimal("0.8")  # E-3 as the association set it
    response = login(people.registrar).get("/units/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["单位"][1]] == HEADER
    names = [r[0] for r in book["上级工会"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(
        [tree.city.name, tree.lixia.name, tree.street.name, tree.shizhong.name]
    )
    [choice] = book["单位"].data_validations.dataValidation
    assert choice.formula1 == f"'上级工会'!$A$2:$A${len(names) + 1}"
    assert "C2" in str(choice.sqref)
    notes = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert any("参加人数不少于会员80%" in line for line in notes)


def test_only_staff_register_units_from_a_file(tree, people, login):
    data = workbook([row("济南越权有限公司", "历下区总工会")])
    for person in (people.officer_a, people.union_officer):
        client = login(person)
        assert client.get("/units/import/").status_code == 403
        assert client.get("/units/import/template.xlsx").status_code == 403
        files = {"file": SimpleUploadedFile("u.xlsx", data)}
        assert client.post("/units/import/", files).status_code == 403
    assert not Unit.objects.filter(name="济南越权有限公司").exists()
    page = login(people.registrar).get("/units/").content.decode()
    assert 'href="/units/import/"' in page
    assert 'href="/units/import/"' not in login(people.officer_a).get("/units/").content.decode()


def test_the_command_checks_registers_and_reports_in_json(tree, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook([row("济南命令有限公司", "历下区总工会")]))
    call_command("import-units", str(path), "--check")
    assert json.loads(capsys.readouterr().out) == {"rows": 1, "registered": 0, "errors": []}
    assert not Unit.objects.filter(name="济南命令有限公司").exists()
    call_command("import-units", str(path))
    assert json.loads(capsys.readouterr().out)["registered"] == 1
    entry = AuditEntry.objects.get(action="organizations.unit.created")
    assert (entry.actor, entry.actor_label) == (None, "系统")
    with pytest.raises(CommandError) as caught:  # the same file again: taken
        call_command("import-units", str(path))
    assert caught.value.returncode == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert (error["row"], error["column"]) == (2, "统一社会信用代码")
    assert Unit.objects.filter(name="济南命令有限公司").count() == 1
    with pytest.raises(CommandError) as caught:
        call_command("import-units", str(tmp_path / "missing.xlsx"))
    assert caught.value.returncode == 2 and "无法读取文件" in str(caught.value)


def test_a_file_is_checked_with_a_few_queries_whatever_its_length(
    tree, people, django_assert_max_num_queries
):
    """Codes registered before and the unions are read once for the file: the form's query per
    row made 3,000 units take 4 s."""
    from huzhu.organizations.sheet import check_units

    data = workbook([row(f"济南批量{i}有限公司", "历下区总工会") for i in range(60)])
    with django_assert_max_num_queries(3):
        checked = check_units(data, people.registrar)
    assert len(checked.units) == 60 and not checked.problems
