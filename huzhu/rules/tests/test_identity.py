import pytest

from huzhu.rules.errors import RuleViolation
from huzhu.rules.identity import (
    credit_code_check_char,
    normalize,
    validate_credit_code,
    validate_phone,
)

# 济南市总工会's published unified social credit code shape: authority 81, region 370100.
VALID = "91370102MA3C4K7R5" + credit_code_check_char("91370102MA3C4K7R5")


def test_normalize_folds_full_width_spaces_and_case():
    assert normalize("９１３７ ０１０２－ab") == "91370102AB"


def test_valid_credit_code_is_accepted_and_normalised():
    messy = " " + VALID[:9].lower() + " " + VALID[9:] + "\u3000"
    assert validate_credit_code(messy) == VALID


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("", "credit_code_missing", "请填写"),
        ("9137010", "credit_code_length", "18位"),
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "credit_code_checksum", "校验位"),
        ("A" + VALID[1:], "credit_code_format", "格式不正确"),
        (VALID[:-1] + "I", "credit_code_format", "格式不正确"),
    ],
)
def test_bad_credit_codes_get_chinese_reasons(text, code, words):
    with pytest.raises(RuleViolation) as caught:
        validate_credit_code(text)
    assert caught.value.code == code
    assert words in caught.value.message
    assert caught.value.field == "credit_code"


@pytest.mark.parametrize(
    "phone", ["13905310000", "139 0531 0000", "+8613905310000", "0531-86000000"]
)
def test_phones_accepted(phone):
    assert validate_phone(phone).isdigit()


@pytest.mark.parametrize("phone", ["12345", "23905310000", "1390531000x", ""])
def test_bad_phones_refused(phone):
    with pytest.raises(RuleViolation, match="电话号码格式不正确"):
        validate_phone(phone)
