"""Tesseract's misreadings mended from the shape of what it read."""

from app.pipeline.ocr import is_middle_dot
from app.pipeline.ocr_fixes import mend


def test_a_lone_dash_as_tall_as_wide_is_a_middle_dot() -> None:
    assert is_middle_dot("-", (100, 50, 104, 53), 200)  # 4 x 3 pixels at 200 dpi
    assert is_middle_dot("-", (100, 50, 105, 56), 200)  # taller than wide
    assert is_middle_dot("-", (100, 40, 108, 72), 200)  # joined to a rule's ink


def test_a_hyphen_stays_a_hyphen() -> None:
    assert not is_middle_dot("-", (100, 50, 107, 55), 200)  # "Associates - Scheduling"
    assert not is_middle_dot("-", (100, 50, 108, 56), 200)
    assert not is_middle_dot("-", (100, 50, 106, 54), 200)
    assert not is_middle_dot("--", (100, 50, 103, 53), 200)


def test_a_word_starting_with_l_and_a_consonant_started_with_a_capital_i() -> None:
    assert mend("lronweed") == "Ironweed"
    assert mend("3421 lronweed Ln") == "3421 Ironweed Ln"
    assert mend("lngrid") == "Ingrid"


def test_words_and_addresses_that_start_with_l_are_left() -> None:
    for text in ("lbs", "180 lbs", "lmartin@gmail.com", "lkim22", "lymph", "llama", "left"):
        assert mend(text) == text


def test_a_zip_whose_first_5_ocr_read_as_a_dollar_sign() -> None:
    from app.pipeline.fields.address import split_address

    parts = split_address("9667 Birchwood Ter, Duluth, MN $5810")
    assert parts is not None and (parts.get("state"), parts.get("zip")) == ("MN", "55810")
    # a state whose ZIPs start with another digit: no guess
    other = split_address("12 Elm St, Erie, PA $6501")
    assert other is None or other.get("zip") != "56501"


def test_an_identifiers_leading_1_before_capitals_and_digits_is_an_i() -> None:
    assert mend("1H080225364") == "IH080225364"
    assert mend("ID: 1HA724149451") == "ID: IHA724149451"
    for text in ("1EG4TE5MK73", "1H08A", "11H080225364", "A1H080225364", "1h080225364"):
        assert mend(text) == text
