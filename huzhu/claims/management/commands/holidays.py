"""`huzhu holidays load YEAR FILE.json`: load a year's official calendar ({"2027-01-01": false,
"2027-02-06": true, ...}: false = day off, true = make-up working day); the due dates it
reaches, and the provisional ones, are recomputed (SPEC C-5)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.claims.actions import load_holiday_year
from huzhu.core.management.arguments import YEAR
from huzhu.core.management.jsoncommand import read_input
from huzhu.rules.errors import RuleViolation
from huzhu.rules.workdays import library_calendar, read_calendar


class Command(BaseCommand):
    help = "载入某年的法定节假日与调休安排，并重算受影响的应发放日"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="从 JSON 文件载入某年的安排")
        load.add_argument("year", type=YEAR)
        load.add_argument("file")
        seed = sub.add_parser("seed", help="把 chinesecalendar 已知年份的安排写入节假日表")
        seed.add_argument("years", type=YEAR, nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            for year in options["years"]:
                self._seed(year)
            return
        try:
            days = read_calendar(read_input(options["file"]), options["year"])
        except RuleViolation as exc:
            raise CommandError(f"文件格式不正确，未载入：{exc.message}", returncode=2) from exc
        changed = load_holiday_year(options["year"], days, actor=None)
        self.stdout.write(
            f"已载入 {options['year']} 年 {len(days)} 天的安排，重算 {changed} 件申请的应发放日"
        )

    def _seed(self, year: int) -> None:
        known = library_calendar(year)
        if not known:
            raise CommandError(
                f"chinesecalendar 没有 {year} 年的数据，请用 load 载入官方安排", returncode=2
            )
        days = {day: working for day, (working, _) in known.items()}
        load_holiday_year(year, days, actor=None, notes={d: n for d, (_, n) in known.items()})
        self.stdout.write(f"已写入 {year} 年 {len(days)} 天的安排")
