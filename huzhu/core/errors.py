"""Refusals of a workflow step, with every reason in Chinese (shown as messages or API details)."""


class StepRefused(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems
