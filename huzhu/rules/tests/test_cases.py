"""Every example case passes: the rulebook's public cases (copied into tests/cases) plus any
folder named by HUZHU_CASES_DIR (with adjudication/ and quota/ inside), compared on the fields
the cases' README says must match exactly."""

import json
import os
from pathlib import Path

import pytest

from huzhu.rules.casefile import adjudicate_text
from huzhu.rules.quotafile import simulate_text

HERE = Path(__file__).resolve().parent / "cases"
FOLDERS = [HERE] + [Path(p) for p in os.environ.get("HUZHU_CASES_DIR", "").split(":") if p]


def _cases(kind: str) -> list[Path]:
    return sorted(f for folder in FOLDERS for f in (folder / kind).glob("*.json"))


def test_the_case_folders_are_there():
    assert len(_cases("adjudication")) >= 8
    assert len(_cases("quota")) >= 1


def _line_key(line):
    return (line["contract_no"], line["shares"], line["amount"])


def _denial_key(denial):
    return (denial["contract_no"], denial["shares"], denial["reason"])


@pytest.mark.parametrize("path", _cases("adjudication"), ids=lambda p: p.stem)
def test_adjudication_case(path):
    case = json.loads(path.read_text())
    expect = case["expect"]
    got = adjudicate_text(path.read_text())
    assert got["payable"] == expect["payable"]
    assert got["amount"] == expect["amount"]
    assert sorted(map(_line_key, got["lines"])) == sorted(map(_line_key, expect["lines"]))
    assert sorted(map(_denial_key, got["denials"]), key=str) == sorted(
        map(_denial_key, expect["denials"]), key=str
    )
    assert set(got["ends_coverage"]) == set(expect["ends_coverage"])
    for denial in got["denials"]:
        assert denial["clause"].startswith(("P-", "C-"))
        assert denial["message"]
    for line in got["lines"]:
        assert "P-4" in line["clauses"]


@pytest.mark.parametrize("path", _cases("quota"), ids=lambda p: p.stem)
def test_quota_case(path):
    expect = json.loads(path.read_text())["expect"]
    got = simulate_text(path.read_text())
    fields = ("id", "period", "status", "granted", "reason")
    assert [{k: a[k] for k in fields} for a in got["applications"]] == [
        {k: a[k] for k in fields} for a in expect["applications"]
    ]
    period_fields = ("no", "base", "rollover_in", "advance_deducted", "effective_quota", "granted")
    assert [{k: p[k] for k in period_fields} for p in got["periods"]] == [
        {k: p[k] for k in period_fields} for p in expect["periods"]
    ]
    assert got["returned_to_budget"] == expect["returned_to_budget"]
