"""The rules' commands as a user runs them: real processes, exit codes, one-line errors."""

import json
import os
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huzhu.claims.actions import load_holiday_year
from huzhu.core.tests.processes import huzhu

CASES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "cases"
SEED_1 = CASES / "adjudication" / "seed_case1_uremia_three_shares.json"


def test_adjudicate_file_and_stdin():
    from_file = huzhu("adjudicate", str(SEED_1))
    assert from_file.returncode == 0, from_file.stderr
    assert json.loads(from_file.stdout)["amount"] == "15000.00"
    from_stdin = huzhu("adjudicate", "-", stdin=SEED_1.read_text())
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("{", "JSON 格式错误"),
        (
            '{"contracts": [], "claim": {"type": "critical_illness", "event_date": "2023-01-02",'
            ' "submitted_date": "2023-01-03", "disease": "CI99"}}',
            "claim.disease",
        ),
    ],
)
def test_adjudicate_bad_input_exits_2_with_one_line(stdin, words):
    result = huzhu("adjudicate", "-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_quota_simulate_and_workdays_commands(capsys):
    call_command("quota-simulate", str(CASES / "quota" / "example_year.json"))
    assert json.loads(capsys.readouterr().out)["returned_to_budget"] == 11
    call_command("workdays", "add", "2025-09-26", "10")
    assert capsys.readouterr().out.strip() == "2025-10-16"
    call_command("workdays", "add", "2026-12-25", "10")
    assert capsys.readouterr().out.strip() == "2027-01-08 provisional"


@pytest.mark.django_db(transaction=True)
def test_workdays_and_quota_simulate_count_on_the_loaded_calendar(tmp_path, capsys):
    """C-5, Q-2: a year chinesecalendar does not know counts on the calendar loaded for it, as
    an approval's due date and the live allocator do; before, both commands ignored it."""
    window = {
        "no": 1,
        "quota": 10,
        "opens": "2027-01-04",
        "closes": "2027-01-08",
        "renewal_end_from": "2027-01-01",
        "renewal_end_to": "2027-03-31",
    }
    asks = [
        {"id": "holiday", "unit": "U1", "kind": "new", "current_end": None, "members": 3,
         "submitted_at": "2027-01-04T10:00:00+08:00"},
        {"id": "workday", "unit": "U2", "kind": "new", "current_end": None, "members": 3,
         "submitted_at": "2027-01-05T10:00:00+08:00"},
    ]  # fmt: skip
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"periods": [window], "applications": asks}))

    def simulated():
        call_command("quota-simulate", str(case))
        answers = json.loads(capsys.readouterr().out)["applications"]
        return [(a["status"], a["reason"]) for a in answers]

    call_command("workdays", "add", "2026-12-25", "10")
    assert capsys.readouterr().out.strip() == "2027-01-08 provisional"
    assert simulated() == [("granted", None), ("granted", None)]
    # 2027 (an example): 1-4 January off, Saturday 9 January a make-up working day
    days = {date(2027, 1, 1): False, date(2027, 1, 4): False, date(2027, 1, 9): True}
    load_holiday_year(2027, days, actor=None)
    call_command("workdays", "add", "2026-12-25", "10")
    assert capsys.readouterr().out.strip() == "2027-01-11"  # 4 in 2026, 5-9 and 11 January
    assert simulated() == [("refused", "outside_hours"), ("granted", None)]


def test_workdays_without_a_database_counts_on_chinesecalendar(tmp_path):
    """A machine with no migrated database (nothing loaded) still answers, quietly."""
    env = {k: v for k, v in os.environ.items() if k != "HUZHU_DATABASE_URL"}
    env["HUZHU_VAR_DIR"] = str(tmp_path)
    result = huzhu("workdays", "add", "2025-09-26", "10", env=env)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "2025-10-16", "")


@pytest.mark.parametrize(
    "args",
    [
        ("workdays", "add", "2025-02-30", "1"),
        ("workdays", "add", "2025-02-03", "x"),
        ("workdays", "add", "2025-02-03", "3000000"),
        ("adjudicate", "/no/such/file.json"),
        ("quota-simulate", "/no/such/file.json"),
    ],
)
def test_commands_refuse_bad_arguments_with_exit_2(args):
    with pytest.raises(CommandError) as caught:
        call_command(*args)
    assert caught.value.returncode == 2


def test_a_file_that_cannot_be_read_is_named_in_chinese(tmp_path):
    """Before: `[Errno 2] No such file or directory` and a UnicodeDecodeError's English."""
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"说明": "中文"}'.encode("gbk"))
    for name, reason in [
        (tmp_path / "missing.json", "文件或目录不存在"),
        (tmp_path, "这是一个目录，不是文件"),
        (gbk, "不是 UTF-8 编码的文本"),
    ]:
        with pytest.raises(CommandError) as caught:
            call_command("adjudicate", str(name))
        assert (caught.value.returncode, str(caught.value)) == (2, f"无法读取文件 {name}：{reason}")


def test_quota_simulate_bad_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"periods": "no"}')
    with pytest.raises(CommandError, match="periods") as caught:
        call_command("quota-simulate", str(bad))
    assert caught.value.returncode == 2


def programme_file(tmp_path, budget, year=2025, **more):
    periods = json.loads((CASES / "quota" / "example_year.json").read_text())["periods"]
    path = tmp_path / "programme.json"
    path.write_text(json.dumps({"year": year, "budget": budget, "periods": periods, **more}))
    return path


@pytest.mark.django_db
def test_quota_programme_load_keeps_the_budget_exact(tmp_path, capsys):
    from huzhu.quota.models import Programme

    call_command("quota-programme", "load", str(programme_file(tmp_path, "7000000.50")))
    assert "预算 7000000.50 元" in capsys.readouterr().out
    assert str(Programme.objects.get(year=2025).budget) == "7000000.50"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("budget", "words"),
    [
        ("abc", "不是有效金额"),
        ("NaN", "不是有效金额"),
        ("-5", "不能为负数"),
        ("100.005", "最多两位小数"),
        ("1e30", "不超过 12 位整数"),
        (True, "应为金额"),
    ],
)
def test_quota_programme_load_refuses_a_bad_budget_in_chinese(tmp_path, budget, words):
    from huzhu.quota.models import Programme

    with pytest.raises(CommandError) as caught:
        call_command("quota-programme", "load", str(programme_file(tmp_path, budget)))
    assert caught.value.returncode == 2
    assert str(caught.value).startswith("budget: ") and words in str(caught.value)
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_quota_programme_load_keeps_whom_units_call_for_help(tmp_path, capsys):
    """The brochure's table names the online application's technical support; the file may
    carry it, and loading the year again without it clears it."""
    from huzhu.quota.models import Programme

    support = "0531-81285015（武老师）"
    call_command("quota-programme", "load", str(programme_file(tmp_path, "1", support=support)))
    assert f"线上申请技术支持：{support}" in capsys.readouterr().out
    assert Programme.objects.get(year=2025).support == support
    call_command("quota-programme", "load", str(programme_file(tmp_path, "1")))
    assert "技术支持" not in capsys.readouterr().out
    assert Programme.objects.get(year=2025).support == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("support", "words"),
    [
        (81285015, "应为非空字符串"),
        ("  ", "应为非空字符串"),
        ("0531-81285015\n武老师", "应为一行、不超过 200 字"),
        ("电话" * 101, "应为一行、不超过 200 字"),
    ],
)
def test_quota_programme_load_refuses_a_bad_support_line(tmp_path, support, words):
    from huzhu.quota.models import Programme

    path = programme_file(tmp_path, "1", support=support)
    with pytest.raises(CommandError) as caught:
        call_command("quota-programme", "load", str(path))
    assert caught.value.returncode == 2
    assert str(caught.value).startswith("support: ") and words in str(caught.value)
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_quota_programme_load_refuses_windows_outside_its_year(tmp_path):
    """Q-2, Q-3: 2025's windows loaded as 2026 would be a second open period beside 2025's own."""
    from huzhu.quota.models import Programme

    with pytest.raises(CommandError) as caught:
        call_command("quota-programme", "load", str(programme_file(tmp_path, "7000000", 2026)))
    assert (caught.value.returncode, str(caught.value)) == (
        2,
        "periods[0].opens: 申请期应在 2026 年内，当前为 2025-02-28",
    )
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_quota_programme_load_refuses_a_renewal_range_written_backwards(tmp_path):
    """Q-2: as the admin already refused it. No end date lies in such a range, so every
    renewing unit would have been refused not_eligible in that period."""
    from huzhu.quota.models import Programme

    path = programme_file(tmp_path, "7000000")
    data = json.loads(path.read_text())
    first = data["periods"][0]
    first["renewal_end_from"], first["renewal_end_to"] = "2025-03-31", "2024-11-01"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as caught:
        call_command("quota-programme", "load", str(path))
    assert (caught.value.returncode, str(caught.value)) == (
        2,
        "periods[0].renewal_end_to: 续会终止日范围的结束日不能早于开始日，"
        "当前为 2025-03-31 至 2024-11-01",
    )
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (("stats", "--year", "abc"), "abc"),
        (("stats", "--year", "1800"), "1800"),
        (("holidays", "load", "20x7", "calendar.json"), "20x7"),
        (("rotate-field-key", "--batch", "0"), "0"),
    ],
)
def test_a_bad_number_on_the_command_line_is_refused_in_chinese(args, bad):
    result = huzhu(*args)
    assert result.returncode == 2
    assert f"的整数：{bad}" in result.stderr, result.stderr
    assert "invalid int value" not in result.stderr
