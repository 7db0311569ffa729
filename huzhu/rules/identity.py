"""Identity numbers of units and people: normalisation and validation (SPEC E-2, E-4)."""

import re
import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from huzhu.rules.errors import RuleViolation

_SPACES = re.compile(r"[\s\u3000\-]+")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalize(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces and dashes removed, upper case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).upper()


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
