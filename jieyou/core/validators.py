"""Checks of identity numbers and phone numbers, with messages in the user's language."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    """Return the canonical 18-character ID-card number or raise ValidationError."""
    number = (value or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，现为%(n)d位") % {"n": len(number)}, code="length"
        )
    try:
        return ric.validate(number)
    except ric.InvalidChecksum:
        raise ValidationError(_("身份证号校验位错误"), code="checksum") from None
    except ric.InvalidComponent:
        raise ValidationError(_("身份证号中的出生日期或地区码无效"), code="component") from None
    except Exception:
        raise ValidationError(_("身份证号格式不正确"), code="format") from None


def normalize_phone(value: str) -> str:
    """Return the number in E.164 (`+8613812345678`) or raise ValidationError.

    Mobile numbers, by far the most common, take a fast path; landlines such as
    `0994-1234567` go through phonenumbers.
    """
    raw = (value or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits):
        return "+86" + digits
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确：%(v)s") % {"v": raw}, code="format") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码无效：%(v)s") % {"v": raw}, code="invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def id_number_birth_year(number: str) -> int:
    return int(number[6:10])


def id_number_gender(number: str) -> str:
    """`M` or `F` from the sequence digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"
