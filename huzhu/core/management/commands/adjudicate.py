"""`huzhu adjudicate FILE` (SPEC appendix A); `-` reads standard input."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.rules.casefile import adjudicate_text
from huzhu.rules.errors import RuleViolation


def read_input(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"无法读取文件 {name}：{exc}", returncode=2) from exc


class Command(BaseCommand):
    help = "按规则裁定一个救助案例（JSON），输出给付金额与逐行说明"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="案例 JSON 文件，- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = adjudicate_text(read_input(options["file"]))
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
