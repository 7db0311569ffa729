"""`huzhu quota-programme load FILE.json`: a programme year ({"year", "budget", "periods": [...]}
with periods as in SPEC appendix B, and optionally "support": whom units call for help with the
online application)."""

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.management.jsoncommand import read_input
from huzhu.quota.actions import QuotaError, load_programme
from huzhu.quota.models import SUPPORT_LENGTH
from huzhu.rules.dates import FIRST_YEAR, LAST_YEAR
from huzhu.rules.errors import RuleViolation
from huzhu.rules.jsonio import (
    bad,
    parse_json,
    read_amount,
    read_int,
    read_object,
    read_text,
    required,
)
from huzhu.rules.quota import Period, programme_problems
from huzhu.rules.quotafile import read_periods

BUDGET_LIMIT = Decimal("1e12")  # the column holds 12 digits before the point


def read_budget(value: object) -> Decimal:
    """Q-1: the year's budget in yuan, exact to the fen, as the programme's column keeps it."""
    budget = read_amount(value, "budget")  # exact, to the fen
    if budget >= BUDGET_LIMIT:
        raise bad("budget", f"应为不超过 12 位整数、最多两位小数的金额：{value}")
    return budget


def read_support(data: dict[str, Any]) -> str:
    """The optional "support": one line of text, as the programme's column keeps it."""
    value = data.get("support")
    if value is None:
        return ""
    text = read_text(value, "support")
    if len(text) > SUPPORT_LENGTH or not text.isprintable():
        raise bad("support", f"应为一行、不超过 {SUPPORT_LENGTH} 字的电话与联系人")
    return text


def within_year(periods: list[Period], year: int) -> None:
    """Q-2: each period's window lies in the programme's year and its renewal range runs
    forwards (`programme_problems`, which the admin applies too); the first problem found."""
    for i, period in enumerate(periods):
        problems = programme_problems(
            year, period.opens, period.closes, period.renewal_end_from, period.renewal_end_to
        )
        for key, message in problems.items():
            raise bad(f"periods[{i}].{key}", message)


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
            support = read_support(data)
            programme = load_programme(year, budget, periods, actor=None, support=support)
        except (RuleViolation, QuotaError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        helped = f"；线上申请技术支持：{support}" if support else ""
        self.stdout.write(
            f"已载入 {programme.year} 年：{len(periods)} 期，预算 {programme.budget} 元{helped}"
        )
