import pytest

from jieyou.core.masking import mask_id_number, mask_phone, mask_text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+8613812345678", "138****5678"),
        ("13812345678", "138****5678"),
        ("8613812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+869941234567", "0994***4567"),  # a landline as normalize_phone stores it
        ("0994-1234567", "0994***4567"),
        ("09941234567", "0994***4567"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(stored, shown):
    assert mask_phone(stored) == shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("652328196803150022", "652328********0022"),
        ("11010519491231002X", "110105********002X"),
        ("652328680315002", "652328*****5002"),  # old 15-digit card
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(stored, shown):
    assert mask_id_number(stored) == shown


def test_mask_text_masks_numbers_typed_into_free_text():
    text = (
        "李女士（身份证652328196803150022，电话13912345678）反映："
        "邻居11010519491231002X 的电话 +86 138-1234-5678，物业座机0994-1234567。"
    )
    masked = mask_text(text)
    assert masked == (
        "李女士（身份证652328********0022，电话139****5678）反映："
        "邻居110105********002X 的电话 138****5678，物业座机0994-***4567。"
    )


def test_mask_text_masks_a_lowercase_x_and_an_old_card():
    assert mask_text("证件11010519491231002x") == "证件110105********002x"
    assert mask_text("旧证652328680315002。") == "旧证652328*****002。"


def test_mask_text_leaves_other_numbers_alone():
    text = "2025-03-03 9:30，7号楼301室，工单20250303000123，金额1200元，编号ABC652328196803150022"
    assert mask_text(text) == text


@pytest.mark.parametrize("empty", ["", None])
def test_mask_text_of_nothing_is_empty(empty):
    assert mask_text(empty) == ""
