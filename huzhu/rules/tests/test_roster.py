"""Pure roster rules: header matching, row validation, the share-cap sweep, participation."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from huzhu.rules.identity import id_check_char
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN
from huzhu.rules.roster import (
    mark_duplicates,
    match_headers,
    misplaced_header,
    participation_needed,
    peak_shares,
    validate_changes,
    validate_row,
)

TODAY = date(2025, 3, 1)


def row(**cells):
    stem = "37010219850613123"
    base = {
        "name": "王芳",
        "id_number": stem + id_check_char(stem),
        "mobile": "13905310000",
        "bank_card": "6222020200112233445",
        "shares": "2",
        "status": "在职",
        "tags": None,
    }
    return validate_row(2, base | cells, effective=TODAY, today=TODAY)


def test_headers_with_marks_aliases_and_duplicates():
    columns, issues = match_headers(
        ["姓名*", "身份证号", "手机号", "银行卡号", "份数（必填）", "人员状态", "备注", "姓名"]
    )
    assert columns["id_number"] == 1 and columns["name"] == 7
    assert [i.code for i in issues] == ["header_duplicate"]
    missing = match_headers(["姓名"])[1]
    assert missing[0].code == "header_missing" and missing[0].row == 1


def test_a_clean_row():
    result = row(tags="劳模工匠、困难职工", shares="2份")
    assert result.ok and result.shares == 2 and result.tags == ("劳模工匠", "困难职工")
    assert result.person is not None and result.person.sex == "M"


@pytest.mark.parametrize(
    "typed", ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽．买买提", "阿依古丽. 买买提"]
)
def test_a_names_middle_dot_is_the_id_cards_however_it_was_typed(typed):
    result = row(name=typed)
    assert result.ok and result.name == "阿依古丽\u00b7买买提"


@pytest.mark.parametrize("name", ["1234", "王" * 31])
def test_odd_names_are_refused(name):
    assert [e.code for e in row(name=name).errors] == ["name_format"]


@pytest.mark.parametrize("name", ["张\x00三", "李\x01四"])
def test_names_with_control_characters_are_refused(name):
    [error] = row(name=name).errors
    assert error.code == "name_control" and "控制字符" in error.message
    assert "\x00" not in error.message


def test_invisible_format_characters_copied_along_are_dropped():
    """A zero-width space, a byte-order mark, the direction marks a number copied out of a
    contacts app carries: unseen, the user could not remove them, and the row was refused
    (a name with control characters, an ID number of 19 digits, a phone of 13)."""
    stem = "37010219850613123"
    result = row(
        name="王\u200b五",
        id_number="\ufeff" + stem + id_check_char(stem) + "\u200b",
        mobile="\u202d13905310000\u202c",
        bank_card="6222\u2060020200112233445",
    )
    assert result.ok, result.errors
    assert (result.name, result.mobile) == ("王五", "13905310000")
    assert result.person is not None and result.person.number == stem + id_check_char(stem)
    assert result.card is not None and result.card.number == "6222020200112233445"


def test_empty_cells_are_reported_once_each():
    result = row(name=None, mobile=None, bank_card="", shares=None, status=" ")
    assert {e.column for e in result.errors} == {
        "姓名",
        "份数",
        "在职状态",
        "工商银行卡号",
        "手机号码",
    }
    assert {e.code for e in result.errors} == {"missing"}


def test_placeholder_tags_are_ignored():
    assert row(tags="无").tags == ()


@pytest.mark.parametrize(
    ("held", "peak"),
    [
        ([], 0),
        ([(date(2024, 6, 1), date(2025, 6, 1), 2)], 2),
        ([(date(2024, 6, 1), date(2025, 3, 1), 2)], 0),  # ends on the window's start day
        ([(date(2026, 3, 1), date(2027, 3, 1), 3)], 0),  # starts on the window's end day
        ([(date(2024, 6, 1), date(2025, 6, 1), 2), (date(2025, 6, 1), date(2026, 6, 1), 2)], 2),
        ([(date(2024, 6, 1), date(2025, 6, 1), 1), (date(2025, 5, 1), date(2026, 5, 1), 2)], 3),
    ],
)
def test_peak_shares_on_any_day_of_the_window(held, peak):
    assert peak_shares((date(2025, 3, 1), date(2026, 3, 1)), held) == peak


@pytest.mark.parametrize(("members", "needed"), [(10, 7), (11, 8), (1, 1), (100, 70), (0, 0)])
def test_participation_is_70_percent_rounded_up(members, needed):
    assert participation_needed(members) == needed


@pytest.mark.parametrize(
    ("threshold", "percent", "needed"),
    [("0.70", "70", 7), ("0.755", "75.5", 8), ("1", "100", 10), ("0.5", "50", 5)],
)
def test_participation_threshold_is_a_setting(threshold, percent, needed):
    plan = replace(CRITICAL_ILLNESS_PLAN, participation_threshold=Decimal(threshold))
    assert (plan.participation_percent, participation_needed(10, plan)) == (percent, needed)


def test_check_character_needs_17_digits():
    with pytest.raises(ValueError, match="17"):
        id_check_char("123")


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"id_number": 370102198506131230}, "身份证号码", "id_not_text"),
        ({"id_number": "370102198506131"}, "身份证号码", "id_15_digits"),
        (
            {"id_number": "37010220100101123" + id_check_char("37010220100101123")},
            "身份证号码",
            "age",
        ),
        ({"mobile": "1234"}, "手机号码", "mobile_format"),
        ({"bank_card": 6222020200112233445.0}, "工商银行卡号", "card_not_text"),
        ({"bank_card": "6222"}, "工商银行卡号", "card_format"),
        ({"shares": "4"}, "份数", "shares"),
        ({"shares": "两"}, "份数", "shares"),
        ({"status": "离职"}, "在职状态", "status"),
        ({"status": "退休"}, "在职状态", "retired"),
        ({"status": "已退休"}, "在职状态", "retired"),
        ({"tags": "劳模工匠,先进"}, "人员类别", "tags"),
    ],
)
def test_each_bad_cell_is_named(cells, column, code):
    result = row(**cells)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, column, code)]


@pytest.mark.parametrize("text", ["在职", "在岗", "在职在岗", " 在岗 "])
def test_in_service_as_hr_spreadsheets_write_it(text):
    result = row(status=text)
    assert result.ok and result.status == "in_service"


def test_warnings_for_unknown_region_and_luhn():
    stem = "37999919850613123"
    result = row(id_number=stem + id_check_char(stem), bank_card="6222020200112233440")
    assert result.ok
    found = {(w.column, w.code) for w in result.warnings}
    assert found == {("身份证号码", "id_region_unknown"), ("工商银行卡号", "card_luhn")}


def test_duplicates_name_the_first_row():
    first, second, third = row(), row(), row(id_number=None)
    second.row = 5
    mark_duplicates([first, second, third])
    assert first.ok and [e.message for e in second.errors] == ["与第2行是同一人（身份证号码重复）"]


def test_a_correction_is_checked_like_its_columns_but_needs_no_id_or_status():
    fixed = validate_changes(
        {
            "name": "王 芳",
            "mobile": "13905310000",
            "bank_card": "",
            "shares": "3",
            "tags": "劳模工匠",
        }
    )
    assert fixed.ok and (fixed.name, fixed.shares, fixed.tags, fixed.card) == (
        "王芳",
        3,
        ("劳模工匠",),
        None,  # no card given: the stored one is kept
    )
    wrong = validate_changes({"name": "", "mobile": "139", "bank_card": "62", "tags": "别的"})
    assert [(e.column, e.code) for e in wrong.errors] == [
        ("姓名", "missing"),
        ("份数", "missing"),
        ("手机号码", "mobile_format"),
        ("工商银行卡号", "card_format"),
        ("人员类别", "tags"),
    ]


def test_a_header_below_a_title_row_is_named():
    """A title row above the header (某单位职工名册) is a common habit: the message says where the
    header is instead of listing as missing headers the user can see."""
    header = ["姓名", "身份证号码", "手机号码", "工商银行卡号", "份数", "在职状态"]
    rows = [(2, ["某单位职工名册"]), (3, header), (4, ["张三"])]
    found = misplaced_header(rows)
    assert found is not None
    header_row, issue = found
    assert (header_row, issue.row, issue.code) == (3, 1, "header_not_first")
    assert "第3行" in issue.message and "2行" in issue.message
    assert misplaced_header([(2, ["张三", "370102199001011231"])]) is None
    assert misplaced_header([(n, ["x"]) for n in range(2, 7)] + [(7, header)]) is None
