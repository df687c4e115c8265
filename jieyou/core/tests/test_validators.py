import pytest
from django.core.exceptions import ValidationError

from jieyou.core.validators import (
    id_number_birth_year,
    id_number_gender,
    normalize_id_number,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("652328196803150022", "652328196803150022"),
        (" 6523 2819 6803 150022 ", "652328196803150022"),
        ("11010519491231002x", "11010519491231002X"),
    ],
)
def test_normalize_id_number(typed, stored):
    assert normalize_id_number(typed) == stored


def test_bad_checksum_is_named():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("652328196803150023")
    assert error.value.code == "checksum"
    assert error.value.messages == ["身份证号校验位错误"]


def test_wrong_length_says_how_long_it_is():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("65232819680315002")
    assert error.value.code == "length"
    assert "17位" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["", None, "65232819680315002Y"])
def test_other_bad_id_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_id_number(typed)


def test_birth_year_and_gender_come_from_the_number():
    assert id_number_birth_year("652328196803150022") == 1968
    assert id_number_gender("652328196803150022") == "F"
    assert id_number_gender("11010519491231001X") == "M"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0994-1234567", "+869941234567"),
        ("09941234567", "+869941234567"),
        ("010-12345678", "+861012345678"),
    ],
)
def test_normalize_phone(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [("abc", "format"), ("", "format"), ("138123", "invalid"), ("12345678901", "invalid")],
)
def test_bad_phone_numbers_are_refused_with_the_input_named(typed, code):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert error.value.code == code
    assert "电话号码" in error.value.messages[0]
    assert typed in error.value.messages[0]
