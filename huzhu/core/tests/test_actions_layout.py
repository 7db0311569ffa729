"""STYLE: an action's transaction is the outermost one (`transaction.atomic(durable=True)`), so
an action never runs unnoticed inside a caller's transaction that could still roll back what it
reported done, its audit entry with it."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from huzhu.organizations.actions import create_union
from huzhu.organizations.models import Union, UnionKind

APPS = Path(__file__).resolve().parents[2]

# actions that also run inside another action's transaction: create_batch in reissue (the new
# payment and the corrected card together), record_result in import_bank_results (all rows of
# the bank's file or none), recompute_due_dates in load_holiday_year and in the admin's save of
# a calendar correction (the calendar and the due dates it moves together), and
# unlist_empty_holiday_year in that save too (the day deleted and its year unlisted together)
COMPOSED = {
    ("payments", "create_batch"),
    ("payments", "record_result"),
    ("claims", "recompute_due_dates"),
    ("claims", "unlist_empty_holiday_year"),
}


def _outermost_atomics(function: ast.FunctionDef) -> list[ast.withitem]:
    found: list[ast.withitem] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            items = [i for i in getattr(child, "items", []) if "atomic" in ast.unparse(i)]
            if isinstance(child, ast.With) and items:
                found.extend(items)  # what is nested inside is a savepoint
                continue
            visit(child)

    visit(function)
    return found


def _durable(item: ast.withitem) -> bool:
    call = item.context_expr
    return isinstance(call, ast.Call) and any(
        k.arg == "durable" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def test_every_actions_outermost_transaction_is_durable():
    checked, offenders = 0, []
    for source in sorted(APPS.glob("*/actions.py")):
        app = source.parent.name
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for item in _outermost_atomics(node):
                checked += 1
                if _durable(item) == ((app, node.name) in COMPOSED):
                    offenders.append(f"{app}.{node.name}: {ast.unparse(item)}")
    assert offenders == []
    assert checked > 25


def test_an_action_refuses_to_run_inside_a_callers_transaction(db):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        create_union(actor=None, code="inner", name="内层工会", kind=UnionKind.CITY, parent=None)
    assert not Union.objects.filter(code="inner").exists()
