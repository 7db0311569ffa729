"""Money: exact Decimal yuan with 2 places (SPEC P-1); rounding happens here and only here."""

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up (the one rounding rule of the system)."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, float):
        raise TypeError("money is never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# what people and bank files write around an amount: spaces, thousands separators, ¥ and 元
_AROUND_AMOUNT = re.compile(r"[\s,，¥￥元]")


def read_yuan(text: str) -> Decimal | None:
    """An amount in yuan as it is typed or exported: 1600, 1,600.00, ￥1600, 1600元, full-width
    digits; None when it is none (a word, NaN, an infinity, nothing). Exact: not rounded here,
    so a caller can refuse what is finer than the fen (P-1)."""
    try:
        amount = Decimal(_AROUND_AMOUNT.sub("", text))
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None


def split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` in cents across lines in proportion to `weights` (each > 0), summing exactly to
    `total`: each share rounded down to the cent, then the cents left over one at a time, first
    to lines that would otherwise get nothing, then in order. A reviewer's amount that differs
    from the engine's is spread this way over the contracts that pay, so each keeps its part
    of the history (P-7, P-9)."""
    cents = int(money(total) * 100)
    whole = sum(weights, Decimal(0))
    if cents <= 0 or not weights or whole <= 0:
        return [ZERO for _ in weights]
    shares = [int(cents * w / whole) for w in weights]  # floor: every weight is positive
    left = cents - sum(shares)
    order = [i for i, s in enumerate(shares) if s == 0] + [i for i, s in enumerate(shares) if s]
    for index in order[:left]:  # fewer cents are left than there are lines
        shares[index] += 1
    return [money(Decimal(s) / 100) for s in shares]


def _four_digits(number: int) -> str:
    """0 < number < 10000 in capitals, with inner zeros spoken once (1001 → 壹仟零壹)."""
    text = ""
    zero_pending = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def _integer_capitals(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or group < 1000):
            text += "零"
        text += _four_digits(group) + _BIG_UNITS[index]
        need_zero = False
    return text


def chinese_capitals(amount: Decimal) -> str:
    """Amount in Chinese capitals for payment notices (SPEC C-7):
    15000 → 壹万伍仟元整, 1600.50 → 壹仟陆佰元伍角, 1600.05 → 壹仟陆佰元零伍分."""
    value = money(amount)
    if value < 0:
        return "负" + chinese_capitals(-value)
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer_capitals(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def format_yuan(amount: Decimal) -> str:
    """'15,000.00' style for screens (SPEC C-7: 2 decimals)."""
    return f"{money(amount):,.2f}"
