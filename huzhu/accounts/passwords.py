"""Password rule beyond Django's (length 10, not common, not all digits, not like the name):
at least three of the four character classes, as 等保 level 3 reviews expect."""

import re
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "符号"),
)


class CharacterClassValidator:
    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if present < self.classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少{self.classes}类",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"至少10位，包含小写字母、大写字母、数字、符号中的至少{self.classes}类。"
