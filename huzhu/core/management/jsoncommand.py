"""Base of the commands that read one JSON file and print one JSON answer (exit 2 on bad input)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.core.oserror import why
from huzhu.rules.errors import RuleViolation


def read_input(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"无法读取文件 {name}：{why(exc)}", returncode=2) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"无法读取文件 {name}：不是 UTF-8 编码的文本", returncode=2) from exc


class JsonFileCommand(BaseCommand):
    """Subclasses set `help` and `process` (text → JSON-ready dict, RuleViolation on bad input)."""

    def process(self, text: str) -> dict[str, Any]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON 文件，- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.process(read_input(options["file"]))
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
