import pytest  # noqa: I001

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
    # Excel's text mark, typed into a CSV (full width too, NFKC folds ＇ to ')
    assert normalize("'13905310000") == normalize("＇13905310000") == "13905310000"
    assert normalize(" '3701") == "3701" and normalize("37'01") == "37'01"


@pytest.mark.parametrize("mark", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202d", "\u00ad"])
def test_normalize_drops_invisible_format_characters_and_keeps_control_ones(mark):
    assert normalize(f"{mark}'1390531{mark}0000{mark}") == "13905310000"
    assert normalize("1390531\x000000") == "1390531\x000000"  # refused later, as it is


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


# ---- resident ID numbers ----

from datetime import date  # noqa: E402

from huzhu.rules.identity import (  # noqa: E402
    id_check_char,
    luhn_ok,
    mask_card,
    mask_id,
    validate_bank_card,
    validate_mobile,
    validate_resident_id,
)

TODAY = date(2026, 11, 29)


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


LIXIA_1970 = with_check("37010219700307123")  # 历下, born 1970: stdnum's era check refuses it


def test_real_lixia_number_born_before_1983_is_accepted():
    person = validate_resident_id(LIXIA_1970, TODAY)
    assert person.birth_date == date(1970, 3, 7)
    assert person.sex == "M"
    assert person.sex_label == "男"
    assert person.region == "历下区"
    assert person.warnings == ()
    assert person.age_on(date(2026, 3, 6)) == 55
    assert person.masked == "3701**********" + LIXIA_1970[-4:]


def test_female_and_lowercase_x_are_normalised():
    stem = next(
        s for s in (f"37010219850613{n:03d}" for n in range(0, 999, 2)) if id_check_char(s) == "X"
    )
    person = validate_resident_id(" " + stem + "x", TODAY)
    assert person.number == stem + "X"
    assert person.sex == "F"


def test_full_width_digits_and_spaces_are_normalised():
    full_width = LIXIA_1970.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert validate_resident_id(full_width[:6] + " " + full_width[6:], TODAY).number == LIXIA_1970


def test_digits_of_other_scripts_are_refused_not_read_as_numbers():
    # str.isdigit() accepts Arabic-Indic digits; NFKC leaves them as they are
    arabic = LIXIA_1970.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    with pytest.raises(RuleViolation) as raised:
        validate_resident_id(arabic, TODAY)
    assert raised.value.code == "id_format"
    with pytest.raises(RuleViolation) as raised:
        validate_bank_card("٦٢٢٢٠٢٠٢٠٠١١٢٢٣٣٤٤٥")
    assert raised.value.code == "card_format"


def test_check_sums_match_the_digit_by_digit_definitions():
    for number in (LIXIA_1970, with_check("37999919800101123"), with_check("11010519491231002")):
        weights = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11
        total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
        assert number[17] == "10X98765432"[total % 11]
    for card in ("6222020200112233445", "4111111111111111", "6222020200112233446"):
        digits = [int(d) for d in reversed(card)]
        total = sum(d if i % 2 == 0 else (2 * d) // 10 + (2 * d) % 10 for i, d in enumerate(digits))
        assert luhn_ok(card) is (total % 10 == 0)


def test_unknown_region_code_is_only_a_warning():
    person = validate_resident_id(with_check("37999919800101123"), TODAY)
    assert person.region == ""
    assert "地区代码" in person.warnings[0]
    foreign = validate_resident_id(with_check("99010219800101123"), TODAY)
    assert foreign.warnings


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("", "id_missing", "请填写"),
        ("370102700307123", "id_15_digits", "请使用18位身份证号码"),
        ("37010219700307123", "id_format", "18位"),
        ("3701021970030712AX", "id_format", "18位"),
        (LIXIA_1970[:-1] + ("0" if LIXIA_1970[-1] != "0" else "1"), "id_checksum", "校验位"),
        (with_check("37010219700230123"), "id_birth_date", "不存在"),  # 30 February
        (with_check("37010220300101123"), "id_birth_date", "不合理"),  # born in the future
        (with_check("37010218800101123"), "id_birth_date", "不合理"),
    ],
)
def test_bad_id_numbers_are_refused_in_chinese(text, code, words):
    with pytest.raises(RuleViolation) as caught:
        validate_resident_id(text, TODAY)
    assert caught.value.code == code
    assert words in caught.value.message


def test_born_today_is_accepted_born_tomorrow_is_not():
    assert validate_resident_id(with_check("37010220261129123"), TODAY).birth_date == TODAY
    with pytest.raises(RuleViolation):
        validate_resident_id(with_check("37010220261130123"), TODAY)


# ---- bank cards and mobiles ----


def test_bank_card_with_luhn_is_clean():
    number = "622202020011223344"
    check = next(str(c) for c in range(10) if luhn_ok(number + str(c)))
    ok = validate_bank_card(number[:4] + " " + number[4:] + check)
    assert ok.warnings == ()
    assert ok.masked == "6222 **** **** " + (number + check)[-4:]


def test_bank_card_luhn_mismatch_is_a_warning():
    number = "622202020011223344"
    wrong = next(str(c) for c in range(10) if not luhn_ok(number + str(c)))
    card = validate_bank_card(number + wrong)
    assert card.warnings == ("银行卡号校验未通过，请与持卡人核对卡号",)


@pytest.mark.parametrize("text", ["", "6222", "62220202001122334455", "6222abcd00112233"])
def test_bad_bank_cards_are_refused(text):
    with pytest.raises(RuleViolation, match="银行卡号|工商银行卡号"):
        validate_bank_card(text)


def test_mobile_numbers():
    assert validate_mobile("+86 139-0531-0000") == "13905310000"
    with pytest.raises(RuleViolation, match="手机号码"):
        validate_mobile("053186000000")


def test_masks_of_short_values_reveal_nothing():
    assert mask_id("1234") == "****"
    assert mask_card("1234") == "****"
