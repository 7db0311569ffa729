"""Identity numbers of units and people: normalisation and validation (SPEC E-2, E-4)."""

import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from huzhu.rules.dates import EARLIEST, age_on
from huzhu.rules.errors import RuleViolation

_SPACES = re.compile(r"[\s\u3000\-]+")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def visible(text: str) -> str:
    """Text without its invisible format characters (Unicode Cf): zero-width spaces, byte-order
    marks, and the direction marks that a number copied out of a contacts or chat app brings
    along (U+202D 13905310000 U+202C). Unseen, they made a correct number "19 digits" or a name
    one the user could not correct. Control characters (Cc) are kept, to be refused."""
    if text.isprintable():  # the common case: nothing to drop
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalize(text: str) -> str:
    """Full-width digits and letters to ASCII, invisible format characters, spaces and dashes
    removed, upper case, and a leading apostrophe dropped: Excel's mark for "keep this number
    as text", which people also type into CSV files (where it stays part of the value)."""
    if text.isascii() and text.isalnum():  # the common case, already clean
        return text.upper()
    folded = visible(unicodedata.normalize("NFKC", text or ""))
    return _SPACES.sub("", folded).lstrip("'").upper()


_BLANKS = re.compile(r"\s+")
# look-alikes of the middle dot that ID cards print in names such as 阿依古丽·买买提 (U+00B7)
_DOTS = re.compile(r"[.\u2022\u2027\u2219\u22c5\u30fb\uff0e\uff65]")


def clean_name(text: str) -> str:
    """A person's name as on the ID card: blanks and invisible format characters dropped, a
    look-alike of its middle dot made that dot (the bank's file and the certificates carry
    names as stored)."""
    return _DOTS.sub("\u00b7", _BLANKS.sub("", visible(text)))


def validate_credit_code(text: str) -> str:
    """The unified social credit code (统一社会信用代码, GB 32100) with its check character."""
    code = normalize(text)
    if not code:
        raise RuleViolation("credit_code_missing", "请填写统一社会信用代码", "credit_code")
    if len(code) != 18:
        raise RuleViolation(
            "credit_code_length",
            f"统一社会信用代码应为18位，当前为{len(code)}位",
            "credit_code",
        )
    try:
        uscc.validate(code)
    except InvalidChecksum as exc:
        raise RuleViolation(
            "credit_code_checksum", "统一社会信用代码校验位不正确，请核对", "credit_code"
        ) from exc
    except ValidationError as exc:
        raise RuleViolation(
            "credit_code_format",
            "统一社会信用代码格式不正确（前8位为数字，其余为数字或大写字母，不含I、O、Z、S、V）",
            "credit_code",
        ) from exc
    return str(code)


def credit_code_check_char(first17: str) -> str:
    """The check character that completes a 17-character credit-code stem."""
    return str(uscc.calc_check_digit(first17))


def validate_phone(text: str) -> str:
    """A mobile number (11 digits) or a landline with area code (0531xxxxxxxx)."""
    phone = normalize(text).removeprefix("+86")
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return phone
    raise RuleViolation(
        "phone_format", "电话号码格式不正确：手机号为11位，座机请带区号（如053186000000）", "phone"
    )


# ---- resident ID numbers (GB 11643, SPEC E-4) ----

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
PROVINCES = frozenset(
    (
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    )
)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F": the 17th digit, odd for men
    region: str  # the place name, "" when the code is unknown
    warnings: tuple[str, ...] = ()

    @property
    def sex_label(self) -> str:
        return "男" if self.sex == "M" else "女"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def masked(self) -> str:
        """SPEC W-1: 3701**********1234."""
        return mask_id(self.number)


_ID_WEIGHT_SUM = sum(_ID_WEIGHTS)


def id_check_char(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError("the check character needs the first 17 digits")
    # the digits as their ASCII codes (48 + digit), so the sum runs in C: a roster has
    # tens of thousands of them
    weighted = sum(map(operator.mul, first17.encode(), _ID_WEIGHTS)) - 48 * _ID_WEIGHT_SUM
    return _ID_CHECK[weighted % 11]


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """The county-level place of a 6-digit region code in any era, or "" when unknown.
    (The code is where the number was issued and is kept for life, so era does not matter.)"""
    from stdnum import numdb

    parts = dict(numdb.get("cn/loc").info(code))
    names = str(parts.get(code[2:], {}).get("county", ""))
    return ",".join(n.split("]")[-1] for n in names.split(",")) if names else ""


def validate_resident_id(text: str, today: date) -> ResidentId:
    """An 18-character resident ID with a valid check character and a real birth date not after
    `today`. An unknown region code is only a warning (SPEC E-4); stdnum's cn.ric is not used
    because it ties the region code to the birth year and refuses real numbers."""
    number = normalize(text)
    if not number:
        raise RuleViolation("id_missing", "请填写身份证号码", "id_number")
    if len(number) == 15 and number.isdigit():
        raise RuleViolation("id_15_digits", "请使用18位身份证号码", "id_number")
    if (
        len(number) != 18
        or not number.isascii()  # isdigit() alone also takes other scripts' digits
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise RuleViolation(
            "id_format",
            f"身份证号码应为18位（前17位为数字，末位为数字或X），当前为{len(number)}位",
            "id_number",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise RuleViolation(
            "id_birth_date", f"身份证号码中的出生日期 {number[6:14]} 不存在", "id_number"
        ) from exc
    if birth > today or birth < EARLIEST:
        raise RuleViolation("id_birth_date", f"身份证号码中的出生日期 {birth} 不合理", "id_number")
    if id_check_char(number[:17]) != number[17]:
        raise RuleViolation("id_checksum", "身份证号码校验位不正确，请核对", "id_number")
    warnings = []
    region = region_name(number[:6]) if number[:2] in PROVINCES else ""
    if not region:
        warnings.append(f"未能识别身份证号码的地区代码 {number[:6]}，请核对")
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number, birth, sex, region, tuple(warnings))


def mask_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "****"


# ---- bank cards and mobile numbers ----


@dataclass(frozen=True)
class BankCard:
    number: str
    warnings: tuple[str, ...] = ()

    @property
    def masked(self) -> str:
        return mask_card(self.number)


_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")  # digit doubled, digits summed


def luhn_ok(digits: str) -> bool:
    # digit sums via ASCII codes (48 + digit), as in id_check_char
    kept = sum(digits[-1::-2].encode())
    doubled = sum(digits[-2::-2].translate(_LUHN_DOUBLED).encode())
    return (kept + doubled - 48 * len(digits)) % 10 == 0


def validate_bank_card(text: str) -> BankCard:
    """An ICBC card number of 16-19 digits; a Luhn mismatch is a warning only (SPEC E-4)."""
    number = normalize(text)
    if not number:
        raise RuleViolation("card_missing", "请填写工商银行卡号", "bank_card")
    if not (number.isascii() and number.isdigit()) or not 16 <= len(number) <= 19:
        raise RuleViolation(
            "card_format", f"银行卡号应为16至19位数字，当前为“{number}”", "bank_card"
        )
    warnings = () if luhn_ok(number) else ("银行卡号校验未通过，请与持卡人核对卡号",)
    return BankCard(number, warnings)


def mask_card(number: str) -> str:
    """SPEC W-1: 6222 **** **** 1234."""
    return f"{number[:4]} **** **** {number[-4:]}" if len(number) >= 8 else "****"


def validate_mobile(text: str) -> str:
    phone = normalize(text).removeprefix("+86")
    if not MOBILE.match(phone):
        raise RuleViolation("mobile_format", "手机号码应为以1开头的11位数字", "mobile")
    return phone
