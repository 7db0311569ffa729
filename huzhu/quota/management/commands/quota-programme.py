"""`huzhu quota-programme load FILE.json`: a programme year ({"year", "budget", "periods": [...]}
with periods as in SPEC appendix B)."""

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.jsoncommand import read_input
from huzhu.quota.actions import QuotaError, load_programme
from huzhu.rules.dates import FIRST_YEAR, LAST_YEAR
from huzhu.rules.errors import RuleViolation
from huzhu.rules.jsonio import bad, parse_json, read_amount, read_int, read_object, required
from huzhu.rules.quota import Period
from huzhu.rules.quotafile import read_periods

BUDGET_LIMIT = Decimal("1e12")  # the column holds 12 digits before the point


def read_budget(value: object) -> Decimal:
    """Q-1: the year's budget in yuan, exact to the fen, as the programme's column keeps it."""
    budget = read_amount(value, "budget")  # exact, to the fen
    if budget >= BUDGET_LIMIT:
        raise bad("budget", f"应为不超过 12 位整数、最多两位小数的金额：{value}")
    return budget


def within_year(periods: list[Period], year: int) -> None:
    """Q-2: a programme year's windows lie in that year (renewal ranges may reach outside it,
    but run forwards).
    A window in another year would be open at the same time as that year's own, and Q-3
    (once per programme year) would count the unit's grant against the wrong year."""
    for i, period in enumerate(periods):
        for key, day in (("opens", period.opens), ("closes", period.closes)):
            if day.year != year:
                raise bad(f"periods[{i}].{key}", f"申请期应在 {year} 年内，当前为 {day}")
        # as the admin refuses it: a range written backwards contains no end date, so every
        # renewing unit would be refused not_eligible in that period
        if period.renewal_end_to < period.renewal_end_from:
            raise bad(
                f"periods[{i}].renewal_end_to",
                f"续会终止日范围的结束日不能早于开始日，当前为 {period.renewal_end_from}"
                f" 至 {period.renewal_end_to}",
            )


class Command(BaseCommand):
    help = "载入一个普惠年度的预算与各期名额、申请时间"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_object(parse_json(read_input(options["file"])), "(根)")
            year = read_int(required(data, "year", "(根)"), "year", FIRST_YEAR, LAST_YEAR)
            budget = read_budget(required(data, "budget", "(根)"))
            periods = read_periods(required(data, "periods", "(根)"))
            within_year(periods, year)
            programme = load_programme(year, budget, periods, actor=None)
        except (RuleViolation, QuotaError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"已载入 {programme.year} 年：{len(periods)} 期，预算 {programme.budget} 元"
        )
