"""`huzhu adjudicate FILE` (SPEC appendix A); `-` reads standard input."""

from typing import Any

from huzhu.core.management.jsoncommand import JsonFileCommand
from huzhu.rules.casefile import adjudicate_text


class Command(JsonFileCommand):
    help = "按规则裁定一个救助案例（JSON），输出给付金额与逐行说明"

    def process(self, text: str) -> dict[str, Any]:
        return adjudicate_text(text)
