"""`huzhu quota-simulate FILE` (SPEC appendix B); `-` reads standard input."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.commands.adjudicate import read_input
from huzhu.rules.errors import RuleViolation
from huzhu.rules.quotafile import simulate_text


class Command(BaseCommand):
    help = "按先到先得规则模拟一个年度的普惠名额分配（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="模拟输入 JSON 文件，- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = simulate_text(read_input(options["file"]))
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
