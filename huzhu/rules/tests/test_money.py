from decimal import Decimal

import pytest

from huzhu.rules.money import chinese_capitals, format_yuan, money, read_yuan, split


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("15000", "壹万伍仟元整"),
        ("1600.50", "壹仟陆佰元伍角"),
        ("1600.05", "壹仟陆佰元零伍分"),
        ("1600.55", "壹仟陆佰元伍角伍分"),
        ("3000", "叁仟元整"),
        ("3600", "叁仟陆佰元整"),
        ("1001", "壹仟零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("10010", "壹万零壹拾元整"),
        ("100000", "壹拾万元整"),
        ("105000", "壹拾万伍仟元整"),
        ("1000001", "壹佰万零壹元整"),
        ("100000001", "壹亿零壹元整"),
        ("0.50", "伍角"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("-1.00", "负壹元整"),
        ("8127.3", "捌仟壹佰贰拾柒元叁角"),
    ],
)
def test_chinese_capitals(amount, text):
    assert chinese_capitals(Decimal(amount)) == text


def test_money_rounds_half_up_to_the_cent():
    assert money(Decimal("0.005")) == Decimal("0.01")
    assert money(Decimal("1.234")) == Decimal("1.23")
    assert money(20) == Decimal("20.00")
    assert str(money("1600")) == "1600.00"


def test_format_yuan_for_screens():
    assert format_yuan(Decimal("15000")) == "15,000.00"


def test_money_refuses_float():
    with pytest.raises(TypeError, match="never float"):
        money(1.5)


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        ("12000", ["10000", "5000"], ["8000.00", "4000.00"]),
        ("100", ["1", "1", "1"], ["33.34", "33.33", "33.33"]),
        ("0.02", ["10000", "1"], ["0.01", "0.01"]),  # the line that would get 0 gets the cent
        ("0.01", ["1", "1"], ["0.01", "0.00"]),  # one cent cannot go to both
        ("0", ["1", "2"], ["0.00", "0.00"]),
        ("5", [], []),
        ("7.5", ["3"], ["7.50"]),
    ],
)
def test_split_spreads_an_amount_in_proportion_to_the_cent(total, weights, shares):
    parts = split(Decimal(total), [Decimal(w) for w in weights])
    assert [str(p) for p in parts] == shares
    if weights:
        assert sum(parts, Decimal(0)) == money(Decimal(total))


def test_split_never_loses_or_invents_a_cent():
    for cents in range(1, 400):
        total = Decimal(cents) / 100
        parts = split(total, [Decimal("5000"), Decimal("3000"), Decimal("1600")])
        assert sum(parts, Decimal(0)) == money(total) and min(parts) >= 0


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1600", Decimal("1600")),
        ("1,600.00", Decimal("1600.00")),
        (" ￥1，600.50元 ", Decimal("1600.50")),
        ("¥ 800", Decimal("800")),
        ("１６００", Decimal("1600")),  # full-width digits
        ("800.005", Decimal("800.005")),  # not rounded: the caller refuses what is finer
        ("-5", Decimal("-5")),  # read; the caller refuses a negative amount
        ("一千", None),
        ("NaN", None),
        ("Infinity", None),
        ("", None),
        ("元", None),
    ],
)
def test_an_amount_is_read_as_it_is_typed_or_exported(text, amount):
    assert read_yuan(text) == amount
