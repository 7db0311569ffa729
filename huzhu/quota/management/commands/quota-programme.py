"""`huzhu quota-programme load FILE.json`: a programme year ({"year", "budget", "periods": [...]}
with periods as in SPEC appendix B)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.jsoncommand import read_input
from huzhu.quota.actions import QuotaError, load_programme
from huzhu.rules.errors import RuleViolation
from huzhu.rules.jsonio import parse_json, read_int, read_object, required
from huzhu.rules.quotafile import read_periods


class Command(BaseCommand):
    help = "载入一个普惠年度的预算与各期名额、申请时间"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_object(parse_json(read_input(options["file"])), "(根)")
            year = read_int(required(data, "year", "(根)"), "year", 2000, 2100)
            budget = Decimal(str(required(data, "budget", "(根)")))
            periods = read_periods(required(data, "periods", "(根)"))
            programme = load_programme(year, budget, periods, actor=None)
        except (RuleViolation, QuotaError, InvalidOperation) as exc:
            raise CommandError(str(exc) or "budget: 不是有效金额", returncode=2) from exc
        self.stdout.write(
            f"已载入 {programme.year} 年：{len(periods)} 期，预算 {programme.budget} 元"
        )
