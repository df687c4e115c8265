"""A check for tests: no page or response may carry a full phone or ID-card number."""

import re

# A mainland mobile, bare or with +86, with or without the separators people type.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def personal_numbers(text: str) -> list[str]:
    """Every unmasked mobile or ID-card number found in text."""
    return _MOBILE.findall(text) + _ID_CARD.findall(text)


def assert_no_personal_numbers(text: str | bytes) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    found = personal_numbers(text)
    assert not found, f"unmasked personal numbers in output: {found}"
