"""Roster import: every bad input gets a Chinese message naming row and column and writes
nothing; good rosters land encrypted, searchable by keyed hash, and audited."""

import io
from datetime import date

import pytest
from django.db import connection
from openpyxl import load_workbook

from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.models import Member, Membership
from huzhu.members.tests.rosters import (
    HEADER,
    INSTRUCTIONS,
    csv_bytes,
    ods,
    person,
    resident_id,
    workbook,
    xlsx,
)

EFFECTIVE = date(2025, 3, 1)


def run(unit, data, **options):
    return import_roster(unit, data, actor=None, effective=EFFECTIVE, **options)


def nothing_written():
    return not Member.objects.exists() and not Membership.objects.exists()


def test_good_xlsx_roster_is_imported(tree):
    report = run(
        tree.unit_a, xlsx([person(1, shares=2), person(2), person(3, 人员类别="劳模工匠")])
    )
    assert (report.rows, report.accepted, report.refused, report.saved) == (3, 3, 0, True)
    assert report.created == 3
    assert Membership.objects.filter(unit=tree.unit_a, left__isnull=True).count() == 3
    member = Member.objects.by_id_number(person(1)[1]).get()
    assert member.name == "职工1"
    assert member.memberships.get().shares == 2
    assert Member.objects.get(name="职工3").tags == ["劳模工匠"]
    assert member.birth_date.year >= 1970
    entry = AuditEntry.objects.get(action="members.roster.imported")
    assert len(entry.after["created"]) == 3


def test_numbers_are_encrypted_at_rest(tree):
    row = person(7)
    run(tree.unit_a, xlsx([row]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, bank_card, id_hash FROM members_member")
        stored_id, stored_card, digest = cursor.fetchone()
    assert row[1] not in stored_id and row[3] not in stored_card
    assert row[1] not in digest
    member = Member.objects.get()
    assert member.id_number == row[1]
    assert member.masked_id == row[1][:4] + "**********" + row[1][-4:]


def test_csv_in_utf8_and_gbk(tree):
    assert run(tree.unit_a, csv_bytes([person(1)])).saved
    assert run(tree.unit_b, csv_bytes([person(2)], encoding="gb18030")).saved
    assert Member.objects.count() == 2


def test_csv_with_carriage_return_line_ends_or_an_overlong_cell(tree):
    """Lines ended by a lone CR (older Mac exports) are lines; a cell beyond what the csv module
    reads (128 KB) is a Chinese message, where both ended in a server error."""
    old_mac = csv_bytes([person(1), person(2)]).replace(b"\n", b"\r")
    assert run(tree.unit_a, old_mac).created == 2
    overlong = csv_bytes([person(3, 人员类别="劳模工匠" * 40_000)])
    report = run(tree.unit_b, overlong)
    assert [e.code for e in report.errors] == ["not_spreadsheet"]
    assert "内容过长" in report.errors[0].message and Member.objects.count() == 2


def test_headers_in_any_order_and_extra_columns_ignored(tree):
    order = [6, 4, 0, 3, 1, 2, 5]
    header = [HEADER[i] for i in order] + ["备注"]
    rows = [[person(1)[i] for i in order] + ["随便"]]
    assert run(tree.unit_a, xlsx(rows, header)).saved


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"%PDF-1.4 fake", "not_spreadsheet", "PDF"),
        (b"", "empty", "文件为空"),
        (b"PK\x03\x04 broken zip", "not_spreadsheet", "不是有效的 Excel"),
        (bytes(range(256)) * 4, "not_spreadsheet", "不是"),
    ],
)
def test_files_that_are_not_rosters(tree, data, code, words):
    report = run(tree.unit_a, data)
    assert [(e.row, e.code) for e in report.errors] == [(0, code)]
    assert words in report.errors[0].message
    assert nothing_written()


def test_missing_and_wrong_headers(tree):
    report = run(tree.unit_a, xlsx([person(1)[:3]], ["姓名", "身份证", "电话号码"]))
    assert report.errors[0].code == "header_missing"
    assert "工商银行卡号" in report.errors[0].message and "份数" in report.errors[0].message
    assert nothing_written()


def test_a_file_with_wrong_headers_has_no_workbook_for_callers_without_use_for_it(tree):
    data = xlsx([person(1)[:3]], ["姓名", "身份证", "电话号码"])
    report = run(tree.unit_a, data, annotate=False)
    assert report.errors[0].code == "header_missing" and report.annotated is None
    assert run(tree.unit_a, data).annotated is not None
    assert nothing_written()


def test_a_title_row_above_the_header_is_named(tree):
    report = run(tree.unit_a, xlsx([HEADER, person(1), person(2)], ["甲单位职工名册"]))
    assert [(e.row, e.code) for e in report.errors] == [(1, "header_not_first")]
    # two workers: the header row below the title is not counted as a refused row
    assert "第2行" in report.errors[0].message and report.refused == report.rows == 2
    assert nothing_written()


def test_header_only_file_imports_nothing(tree):
    report = run(tree.unit_a, xlsx([]))
    assert (report.rows, report.saved) == (0, False)


def issues(report):
    return {(e.row, e.column, e.code) for e in report.errors}


def test_one_bad_row_means_nothing_is_saved_and_rows_are_named(tree):
    rows = [person(1), person(2, 份数="4"), person(3, 在职状态="退休")]
    report = run(tree.unit_a, xlsx(rows))
    assert issues(report) == {(3, "份数", "shares"), (4, "在职状态", "retired")}
    assert (report.accepted, report.refused, report.saved) == (1, 2, False)
    assert nothing_written()


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1)])
def test_an_impossible_effective_date_refuses_the_file(tree, day):
    report = import_roster(tree.unit_a, xlsx([person(1)]), actor=None, effective=day)
    assert issues(report) == {(0, "", "effective")}
    assert "不合理" in report.errors[0].message and not report.saved
    assert nothing_written()


def test_accept_valid_imports_only_the_good_rows(tree):
    report = run(tree.unit_a, xlsx([person(1), person(2, 份数="0")]), accept_valid=True)
    assert (report.saved, report.created) == (True, 1)
    assert Member.objects.get().name == "职工1"


@pytest.mark.parametrize(
    ("change", "column", "code"),
    [
        ({"身份证号码": "370102850613123"}, "身份证号码", "id_15_digits"),
        ({"身份证号码": resident_id()[:-1] + "0"}, "身份证号码", "id_checksum"),
        ({"身份证号码": resident_id("20100101")}, "身份证号码", "age"),
        ({"身份证号码": resident_id("19600101")}, "身份证号码", "age"),
        ({"手机号码": "1234"}, "手机号码", "mobile_format"),
        ({"工商银行卡号": "6222 0000"}, "工商银行卡号", "card_format"),
        ({"姓名": ""}, "姓名", "missing"),
        ({"姓名": "张_x0000_三"}, "姓名", "name_control"),  # read as a NUL
        ({"在职状态": "离职"}, "在职状态", "status"),
        ({"人员类别": "先进个人"}, "人员类别", "tags"),
    ],
)
def test_bad_cells_are_named(tree, change, column, code):
    report = run(tree.unit_a, xlsx([person(1, **change)]))
    assert (2, column, code) in issues(report)
    assert all(e.message for e in report.errors)
    assert nothing_written()


def test_age_boundaries_on_the_effective_date(tree):
    turning_18 = person(1, 身份证号码=resident_id("20070301"))
    still_60 = person(2, 身份证号码=resident_id("19640302"))
    report = run(tree.unit_a, xlsx([turning_18, still_60]))
    assert report.errors == [] and report.saved


def test_full_width_digits_spaces_and_lowercase_x_are_normalised(tree):
    number = next(resident_id(serial=s) for s in range(1, 999) if resident_id(serial=s)[-1] == "X")
    wide = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    row = person(1, 身份证号码=wide[:6] + " " + wide[6:] + "x", 手机号码="139 0531 0000")
    report = run(tree.unit_a, xlsx([row]))
    assert report.errors == []
    assert Member.objects.get().id_number == number
    assert Member.objects.get().mobile == "13905310000"


def test_numbers_marked_as_text_with_an_apostrophe_in_a_csv_are_read(tree):
    """Excel hides a leading apostrophe (its mark for text); in a CSV it stays in the value."""
    number, card = resident_id(serial=7), "6222020200112233445"
    row = person(1, 身份证号码="'" + number, 手机号码="'13905310000", 工商银行卡号="'" + card)
    report = run(tree.unit_a, csv_bytes([row]))
    assert report.errors == [] and report.saved
    member = Member.objects.get()
    assert (member.id_number, member.mobile, member.bank_card) == (number, "13905310000", card)


def test_numbers_typed_as_numbers_are_refused(tree):
    row = person(1)
    row[1] = int(row[1][:-1] + "0") if row[1][-1] != "X" else 370102198506131230
    row[3] = float(row[3])
    report = run(tree.unit_a, xlsx([row], text_cells=False))
    assert {(e.column, e.code) for e in report.errors} == {
        ("身份证号码", "id_not_text"),
        ("工商银行卡号", "card_not_text"),
    }


def test_shares_and_phone_typed_as_numbers_are_fine(tree):
    row = person(1)
    row[2], row[4] = 13905310000, 2
    assert run(tree.unit_a, xlsx([row], text_cells=False)).saved


def test_the_same_person_twice(tree):
    report = run(tree.unit_a, xlsx([person(1), person(2), person(1, 姓名="重复")]))
    (error,) = report.errors
    assert (error.row, error.code) == (4, "duplicate")
    assert "第2行" in error.message


def test_the_roster_is_found_on_a_later_sheet(tree):
    """A workbook that opens with a sheet of instructions or an empty Sheet1 is read from the
    first visible sheet with the roster's header; a hidden sheet is never read."""
    roster = [HEADER, person(1), person(2)]
    hidden = [HEADER, person(3)]
    data = workbook(
        ("填表说明", INSTRUCTIONS, "visible"),
        ("旧名册", hidden, "hidden"),
        ("Sheet1", [], "visible"),
        ("名册", roster, "visible"),
    )
    report = run(tree.unit_a, data)
    assert report.saved and (report.rows, report.created, report.sheet) == (2, 2, "名册")
    assert sorted(Member.objects.values_list("name", flat=True)) == ["职工1", "职工2"]
    # one sheet: nothing to name; no sheet with the header: the first with content is judged
    assert run(tree.unit_b, xlsx([person(4)])).sheet == ""
    refused = run(
        tree.unit_b, workbook(("填表说明", INSTRUCTIONS, "visible"), ("空", [], "visible"))
    )
    assert refused.sheet == "填表说明" and refused.errors[0].code == "header_missing"


def test_xls_and_ods_rosters_are_read(tree):
    """The older Excel format (a file Excel 97-2003 saved) and LibreOffice's or WPS's .ods, each
    with a sheet of instructions before the roster."""
    from pathlib import Path

    old_excel = (Path(__file__).parent / "files" / "two_sheets.xls").read_bytes()
    assert old_excel[:4] == b"\xd0\xcf\x11\xe0"  # the OLE file of Excel 97-2003
    report = run(tree.unit_a, old_excel)
    assert report.saved and (report.created, report.sheet) == (2, "名册")
    office = ods(("填表说明", INSTRUCTIONS), ("名册", [HEADER, person(3), person(4, shares=3)]))
    report = run(tree.unit_b, office)
    assert report.saved and (report.created, report.sheet) == (2, "名册")
    shares = Membership.objects.filter(unit=tree.unit_b).values_list("shares", flat=True)
    assert sorted(shares) == [1, 3]


def test_formulas_and_merged_cells_are_found_on_the_sheet_read(tree):
    from openpyxl import Workbook

    book = Workbook()
    book.worksheets[0].append(["填表说明"])
    sheet = book.create_sheet("名册")
    sheet.append(HEADER)
    sheet.append(person(1))
    sheet.append(person(2))
    sheet["E3"] = "=1+1"
    sheet.merge_cells("A2:B2")
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(tree.unit_a, buffer.getvalue())
    assert {(2, "merged"), (3, "formula")} <= {(e.row, e.code) for e in report.errors}
    assert nothing_written()


def test_merged_cells_and_formulas_are_refused(tree):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(HEADER)
    sheet.append(person(1))
    sheet.append(person(2))
    sheet["E3"] = "=1+1"
    sheet.append(["合并", "", "", "", "", "", ""])
    sheet.merge_cells("A4:D4")
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(tree.unit_a, buffer.getvalue())
    found = issues(report)
    assert (3, "份数", "formula") in found
    assert any(row == 4 and code == "merged" for row, _, code in found)
    assert nothing_written()


def test_warnings_do_not_block(tree):
    odd_region = person(1, 身份证号码=resident_id(region="379999"))
    report = run(tree.unit_a, xlsx([odd_region, person(2, 工商银行卡号="6222020000000000001")]))
    assert report.saved and report.errors == []
    found = {(w["column"], w["code"]) for w in report.as_json()["warnings"]}
    assert found == {("身份证号码", "id_region_unknown"), ("工商银行卡号", "card_luhn")}


def test_annotated_workbook_marks_bad_cells(tree):
    report = run(tree.unit_a, xlsx([person(1), person(2, 份数="9")]))
    sheet = load_workbook(io.BytesIO(report.annotated)).worksheets[0]
    assert sheet.cell(row=1, column=8).value == "错误原因"
    assert "份数应为1至3" in sheet.cell(row=3, column=8).value
    assert sheet.cell(row=3, column=5).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=2, column=8).value is None


def test_annotated_workbook_keeps_the_users_rows_and_names_header_problems(tree):
    """Rows stay where the user had them (a blank row stays blank), a warning is yellow beside a
    red error, and a header problem is written on the header row."""
    rows = [
        person(1),
        ["", "", "", "", "", "", ""],
        person(2, 份数="9", 工商银行卡号="6222020200000000"),
    ]
    report = run(tree.unit_a, csv_bytes(rows))
    sheet = load_workbook(io.BytesIO(report.annotated)).worksheets[0]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["职工1", None, "职工2"]
    assert "份数应为1至3" in sheet.cell(row=4, column=8).value
    assert sheet.cell(row=4, column=5).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=4, column=4).fill.fgColor.rgb.endswith("FFEB9C")
    assert "份数应为1至3" in sheet.cell(row=4, column=5).comment.text
    assert sheet.cell(row=1, column=8).value == "错误原因" and sheet.cell(row=1, column=1).font.b
    headless = run(tree.unit_a, csv_bytes([person(3)], header=["姓名", "手机号码"]))
    sheet = load_workbook(io.BytesIO(headless.annotated)).worksheets[0]
    assert "表头缺少" in sheet.cell(row=1, column=8).value  # after the widest row
    assert sheet.cell(row=2, column=1).value == "职工3"
    assert nothing_written()


def test_cell_notes_stop_after_the_first_problems_but_every_row_keeps_its_reason(tree, monkeypatch):
    from huzhu.members import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_NOTES", 1)
    report = run(tree.unit_a, xlsx([person(1, 份数="9"), person(2, 份数="8")]))
    sheet = load_workbook(io.BytesIO(report.annotated)).worksheets[0]
    assert sheet.cell(row=2, column=5).comment is not None
    assert sheet.cell(row=3, column=5).comment is None
    assert sheet.cell(row=3, column=5).fill.fgColor.rgb.endswith("FFC7CE")
    assert "当前为“8”" in sheet.cell(row=3, column=8).value


def test_callers_without_use_for_the_annotated_workbook_skip_it(tree):
    bad = xlsx([person(1), person(2, 份数="9")])
    report = run(tree.unit_a, bad, annotate=False)
    assert [e.code for e in report.errors] == ["shares"] and report.annotated is None
    assert run(tree.unit_a, bad).annotated is not None
    assert nothing_written()


def test_a_new_card_in_a_reimport_is_audited_masked(tree):
    """E-4 and personal data: a re-imported row with another bank card changes the card; the
    audit entry shows both cards masked, never in full."""
    from huzhu.members.tests.rosters import bank_card
    from huzhu.rules.identity import mask_card

    run(tree.unit_a, xlsx([person(1)]))
    old, new = bank_card(1), bank_card(99)
    assert run(tree.unit_a, xlsx([person(1, 工商银行卡号=new)])).updated == 1
    member = Member.objects.get()
    assert member.bank_card == new
    entry = AuditEntry.objects.get(action="members.member.updated", target_code=member.code)
    assert (entry.before["bank_card"], entry.after["bank_card"]) == (mask_card(old), mask_card(new))
    assert old not in str(entry.before) and new not in str(entry.after)


def test_reimport_updates_and_moves_between_units(tree):
    run(tree.unit_a, xlsx([person(1), person(2)]))
    report = run(tree.unit_b, xlsx([person(1, 手机号码="13700000000", shares=3)]))
    assert (report.created, report.updated) == (0, 1)
    member = Member.objects.get(name="职工1")
    assert member.mobile == "13700000000"
    assert member.current_membership.unit == tree.unit_b
    assert member.memberships.get(unit=tree.unit_a).left is not None
    assert AuditEntry.objects.filter(
        action="members.member.moved", target_code=member.code
    ).exists()
    updated = AuditEntry.objects.get(action="members.member.updated", target_code=member.code)
    assert updated.after["mobile"] == "13700000000"


def test_roster_order_is_the_files_for_new_and_already_registered_people(tree, monkeypatch):
    """Roster order decides who is first for free shares: the places on the roster are written
    in the file's order, whoever was registered before, however many at a time are updated."""
    from huzhu.members import actions

    monkeypatch.setattr(actions, "CHUNK", 1)
    run(tree.unit_b, xlsx([person(1), person(2)]))
    report = run(tree.unit_a, xlsx([person(3), person(1), person(4), person(2)]))
    assert (report.created, report.updated) == (2, 2)
    places = Membership.objects.filter(unit=tree.unit_a).order_by("pk")
    assert [m.member.name for m in places] == ["职工3", "职工1", "职工4", "职工2"]
    assert not Membership.objects.filter(unit=tree.unit_b, left__isnull=True).exists()


def test_reimport_takes_as_many_queries_for_sixty_people_as_for_six(tree):
    """Updating registered people never goes row by row (a deferred field read per member, a
    statement per row): the number of statements does not grow with the roster."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(count):
        data = xlsx([person(i) for i in range(count)])
        run(tree.unit_a, data)
        with CaptureQueriesContext(connection) as queries:
            assert run(tree.unit_a, data).updated == count
        Membership.objects.all().delete()
        Member.objects.all().delete()
        return len(queries)

    assert statements(6) == statements(60)


def test_dry_run_writes_nothing(tree):
    report = run(tree.unit_a, xlsx([person(1)]), dry_run=True)
    assert report.accepted == 1 and not report.saved
    assert nothing_written()


def test_member_registered_by_another_import_meanwhile_changes_nothing(tree, monkeypatch):
    """Between the check (outside the transaction) and the save, another import registers one
    of the file's people: the save is refused whole with a Chinese message."""
    from huzhu.members import checks

    checked = checks.check_share_cap
    other = xlsx([person(2)])

    def other_import_finishes_first(rows, effective, unit):
        checked(rows, effective, unit)
        monkeypatch.setattr(checks, "check_share_cap", checked)
        import_roster(tree.unit_b, other, actor=None, effective=EFFECTIVE)

    monkeypatch.setattr(checks, "check_share_cap", other_import_finishes_first)
    report = run(tree.unit_a, xlsx([person(1), person(2)]))
    assert not report.saved
    assert [e.code for e in report.errors] == ["conflict"]
    assert "重新导入" in report.errors[0].message
    assert list(Member.objects.values_list("name", flat=True)) == ["职工2"]
    assert not Membership.objects.filter(unit=tree.unit_a).exists()


def test_control_characters_in_a_csv_still_get_an_annotated_workbook(tree):
    """Found by fuzzing: a workbook cannot store control characters; the report shows them."""
    report = run(tree.unit_a, csv_bytes([["职工\x01", "bad\x0b", "", "", "", "", ""]]))
    assert not report.saved and report.annotated is not None
    sheet = load_workbook(io.BytesIO(report.annotated)).worksheets[0]
    assert sheet["A2"].value == "职工\ufffd"
    assert nothing_written()


def test_replace_takes_the_unlisted_off_the_roster(tree):
    """K-5: with `replace` the file is the whole roster; workers it does not list leave today
    (audited), the listed stay. Without it an import only adds and updates."""
    assert run(tree.unit_a, xlsx([person(1), person(2), person(3)])).saved
    kept = run(tree.unit_a, xlsx([person(1), person(2)]))
    assert kept.saved and kept.left == 0
    assert Membership.objects.filter(unit=tree.unit_a, left__isnull=True).count() == 3
    report = run(tree.unit_a, xlsx([person(1), person(2)]), replace=True)
    assert report.saved and report.as_json()["left"] == 1
    gone = Membership.objects.get(member__name="职工3")
    assert gone.left is not None
    entry = AuditEntry.objects.get(action="members.member.left")
    assert entry.target_code == gone.member.code and "文件中没有该职工" in entry.after["reason"]
    assert Membership.objects.filter(unit=tree.unit_a, left__isnull=True).count() == 2


def test_replace_needs_every_row_to_pass(tree):
    """A refused row's worker is not in the file as far as the import can tell: `replace`
    with errors changes nothing, even with `accept_valid`."""
    assert run(tree.unit_a, xlsx([person(1), person(2)])).saved
    bad = xlsx([person(1), person(2, 份数="9")])
    report = run(tree.unit_a, bad, replace=True, accept_valid=True)
    assert not report.saved and "replace_partial" in [e.code for e in report.errors]
    assert run(tree.unit_a, bad, replace=True).saved is False
    assert Membership.objects.filter(unit=tree.unit_a, left__isnull=True).count() == 2
