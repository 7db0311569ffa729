"""Command-line values checked with a Chinese message (argparse's own reads "invalid int value")."""

import argparse
from collections.abc import Callable

from huzhu.rules.dates import FIRST_YEAR, LAST_YEAR


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse `type`: an integer from `low` (to `high`)."""

    def read(text: str) -> int:
        span = f"{low} 至 {high}" if high is not None else f"不小于 {low}"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"应为 {span} 的整数：{text}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"应为 {span} 的整数：{text}")
        return value

    return read


YEAR = whole_number(FIRST_YEAR, LAST_YEAR)
