"""`huzhu import-units FILE [--check]`: member units from a spreadsheet (xlsx or csv, the
columns of the page 批量登记单位's template), all registered or none; prints a JSON summary
{"rows", "registered", "errors": [{"row", "column", "message"}]}."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from huzhu.core.oserror import why
from huzhu.organizations.actions import register_units
from huzhu.organizations.sheet import Problem, check_units

RACED = "文件中的单位刚被另一次操作登记，未登记任何单位；请重新运行"


class Command(BaseCommand):
    help = "从表格批量登记单位（xlsx 或 csv），有错误则不登记；输出 JSON 摘要"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="表格文件；- 从标准输入读取")
        parser.add_argument("--check", action="store_true", help="只检查，不登记")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {name}：{why(exc)}", returncode=2) from exc
        checked = check_units(data, None)
        registered = 0
        if checked.ok and not options["check"]:
            try:
                registered = len(register_units(checked.units, actor=None))
            except IntegrityError:
                checked.problems.append(Problem(0, "", RACED))
        self.stdout.write(json.dumps(checked.as_json(registered), ensure_ascii=False, indent=2))
        if checked.problems:
            raise CommandError("表格有错误，未登记任何单位", returncode=1)
