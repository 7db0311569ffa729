"""`huzhu import-roster UNIT_CODE FILE [--effective DATE] [--report OUT.xlsx] [--accept-valid]
[--dry-run] [--replace]`: prints the JSON summary of the import (issue 4)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.oserror import why
from huzhu.members.actions import import_roster
from huzhu.organizations.models import Unit
from huzhu.rules.errors import RuleViolation
from huzhu.rules.jsonio import read_date


class Command(BaseCommand):
    help = "导入单位职工名册（xlsx 或 csv），默认有错误则不导入；输出 JSON 摘要"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit_code")
        parser.add_argument("file")
        parser.add_argument(
            "--effective",
            help="预计生效日 YYYY-MM-DD（核对年龄），默认今天；合同在保的单位默认其终止日",
        )
        parser.add_argument("--report", help="把标注了错误的表格写到该 xlsx 文件")
        parser.add_argument("--accept-valid", action="store_true", help="只导入没有错误的行")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="名册以本文件为准：本单位名册中文件没有的职工移出名册（须每行都通过校验）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit_code"]).first()
        if unit is None:
            raise CommandError(f"单位不存在：{options['unit_code']}", returncode=2)
        try:
            effective = (
                read_date(options["effective"], "--effective") if options["effective"] else None
            )
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=2) from exc
        # `-` reads standard input as bytes: an xlsx piped in is no UTF-8 text (it was read as
        # text and refused)
        data = sys.stdin.buffer.read() if options["file"] == "-" else _bytes(options["file"])
        report_path = _writable(options["report"]) if options["report"] else None
        report = import_roster(
            unit,
            data,
            actor=None,
            effective=effective,
            accept_valid=options["accept_valid"],
            dry_run=options["dry_run"],
            annotate=bool(options["report"]),
            replace=options["replace"],
        )
        self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        if report_path is not None and report.annotated is not None:
            try:
                report_path.write_bytes(report.annotated)
            except OSError as exc:  # the disk filled up meanwhile
                raise CommandError(f"无法写入报告文件 {report_path}：{why(exc)}") from exc
        if report.errors and not report.saved:
            raise CommandError("名册有错误，未导入任何数据", returncode=1)


def _bytes(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {name}：{why(exc)}", returncode=2) from exc


def _writable(name: str) -> Path:
    """The report's path, tried before the import: one that cannot be written used to fail
    after the rows were saved, with a traceback instead of the summary. (The report is
    written only when there are errors to mark, so a file made by the try is removed.)"""
    path = Path(name)
    existed = path.exists()
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        raise CommandError(f"无法写入报告文件 {name}：{why(exc)}", returncode=2) from exc
    if not existed:
        path.unlink()
    return path
