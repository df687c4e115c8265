"""Masking of phone and ID-card numbers for display.

Numbers are stored once and shown masked everywhere (`138****5678`, `652328********1234`);
numbers that someone typed into free text are masked there too.
"""

import re

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_OLD_ID_CARD = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
# Only with a separator after the area code: a bare run of digits starting with 0 is too often
# something else (an order or case number).
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ](\d{3,4})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str:
    """`+8613812345678` or `13812345678` → `138****5678`; a landline keeps area code and last 4."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if phone.lstrip().startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        digits = digits[2:]
        if not digits.startswith("1"):
            # E.164 drops the trunk 0 of an area code: +869941234567 is 0994-1234567.
            digits = "0" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:4] if digits.startswith("0") else ""
    return f"{head}{'*' * (len(digits) - len(head) - 4)}{digits[-4:]}"


def mask_id_number(number: str | None) -> str:
    """`652328199001011234` → `652328********1234` (region kept, birth date hidden)."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_text(text: str | None) -> str:
    """Mask any phone or ID-card number found inside free text."""
    if not text:
        return text or ""
    text = _ID_CARD.sub(lambda m: f"{m[1]}********{m[3][-4:]}", text)
    text = _OLD_ID_CARD.sub(lambda m: f"{m[1]}*****{m[3]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}-{'*' * len(m[2])}{m[3]}", text)
    return _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
