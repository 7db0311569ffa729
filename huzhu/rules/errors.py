"""Errors of the rules layer: a code, the field it concerns and a Chinese message."""


class RuleViolation(ValueError):
    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
