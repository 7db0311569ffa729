"""`huzhu quota-simulate FILE` (SPEC appendix B); `-` reads standard input. Working days are
those of the live allocator's calendar (Q-2), the loaded holiday years included."""

from typing import Any

from huzhu.core.management.calendar import configured_calendar
from huzhu.core.management.jsoncommand import JsonFileCommand
from huzhu.rules.quotafile import simulate_text


class Command(JsonFileCommand):
    help = "按先到先得规则模拟一个年度的普惠名额分配（JSON）"

    def process(self, text: str) -> dict[str, Any]:
        return simulate_text(text, configured_calendar())
