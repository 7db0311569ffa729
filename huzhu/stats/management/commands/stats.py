"""`huzhu stats [--year Y] [--union CODE] --json`: the dashboard's figures (SPEC S-1)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.arguments import YEAR
from huzhu.organizations.models import Union
from huzhu.stats.figures import compute


class Command(BaseCommand):
    help = "输出统计数据（与统计页面相同）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=YEAR, default=None, help="年度；省略则为自开办以来")
        parser.add_argument("--union", default="", help="上级工会编码；省略则为全市")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（默认）")

    def handle(self, *args: Any, **options: Any) -> None:
        root = None
        if options["union"]:
            root = Union.objects.filter(code=options["union"]).first()
            if root is None:
                raise CommandError(f"没有编码为 {options['union']} 的上级工会")
        figures = compute(options["year"], root)
        self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
