"""`huzhu workdays add DATE N`: the N-th working day after DATE on the Chinese calendar (with
the years loaded into the holiday table), followed by ` provisional` when a year without calendar
data was involved (SPEC C-5)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.calendar import configured_calendar
from huzhu.rules.errors import RuleViolation
from huzhu.rules.jsonio import read_date
from huzhu.rules.workdays import add_working_days

MAX_DAYS = 2500


class Command(BaseCommand):
    help = "按中国法定节假日（含调休）计算工作日"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="DATE 之后第 N 个工作日")
        add.add_argument("date")
        add.add_argument("n")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = read_date(options["date"], "DATE")
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=2) from exc
        # ten years of working days at most: N in the millions counted for a minute and ended
        # in an OverflowError past the year 9999
        if not options["n"].isdigit() or int(options["n"]) > MAX_DAYS:
            raise CommandError(
                f"N: 应为 0 至 {MAX_DAYS} 的整数，当前为 {options['n']}", returncode=2
            )
        self.stdout.write(str(add_working_days(start, int(options["n"]), configured_calendar())))
