"""huzhu.rules decides money: it must not depend on Django (STYLE.md)."""

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent


def test_rules_import_no_django():
    offenders = []
    for source in RULES.rglob("*.py"):
        if "tests" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{source.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
    assert any(RULES.glob("*.py"))
