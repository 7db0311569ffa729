"""导出当前名册: the roster in the template's columns with the full numbers, so a unit can edit
it and upload it again; an unmasked view of every worker on it, so each export is audited."""

import io

import pytest
from openpyxl import load_workbook

from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.checks import check_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import HEADER, person, xlsx


@pytest.fixture
def roster(tree, settings):
    settings.HUZHU_TODAY = "2025-03-03"
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    rows = [person(3, shares=2), person(1, 人员类别="困难职工、海右人才"), person(2, shares=3)]
    assert import_roster(tree.unit_a, xlsx(rows), actor=None).saved
    return rows


def export_url(unit) -> str:
    return f"/units/{unit.code}/roster/export.xlsx"


def test_the_export_is_the_roster_as_uploaded_and_is_audited(tree, people, login, roster):
    client = login(people.officer_a)
    assert (
        'data-testid="export-roster"'
        in client.get(f"/units/{tree.unit_a.code}/roster/").content.decode()
    )
    response = client.post(export_url(tree.unit_a))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    expected = [[str(v) if v != "" else None for v in row] for row in roster]
    assert values[0] == HEADER
    assert [[v or None for v in row] for row in values[1:]] == expected  # roster order kept
    assert sheet["B2"].number_format == "@"
    entry = AuditEntry.objects.get(action="members.roster.exported")
    assert (entry.actor, entry.target_code, entry.after["rows"]) == (
        people.officer_a,
        tree.unit_a.code,
        3,
    )
    codes = set(Member.objects.values_list("code", flat=True))
    assert set(entry.after["members"]) == codes


def test_the_export_uploads_again_without_a_change(tree, people, login, roster):
    data = login(people.officer_a).post(export_url(tree.unit_a)).content
    report, _, _ = check_roster(data, unit=tree.unit_a)
    assert (report.errors, report.accepted) == ([], 3)
    written = AuditEntry.objects.filter(action="members.member.updated").count()
    report = import_roster(tree.unit_a, data, actor=None, replace=True)
    assert report.saved and (report.updated, report.created, report.left) == (3, 0, 0)
    assert AuditEntry.objects.filter(action="members.member.updated").count() == written


def test_leavers_are_not_exported_and_strangers_get_nothing(tree, people, login, roster):
    officer = login(people.officer_a)
    leaver = Member.objects.get(name="职工2")
    officer.post(f"/units/{tree.unit_a.code}/roster/{leaver.code}/leave/", {"reason": "离职"})
    sheet = load_workbook(io.BytesIO(officer.post(export_url(tree.unit_a)).content)).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["职工3", "职工1"]
    assert officer.get(export_url(tree.unit_a)).status_code == 405  # only a deliberate click
    assert login(people.officer_b).post(export_url(tree.unit_a)).status_code == 404
    assert login(people.union_officer).post(export_url(tree.unit_a)).status_code == 403
    assert AuditEntry.objects.filter(action="members.roster.exported").count() == 1
