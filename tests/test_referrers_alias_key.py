"""``alias_key``: one key for the ways a fax spells the same referrer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.referrers import alias_key

NAME_TEXT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,-'", max_size=40
)


@pytest.mark.parametrize(
    "spelling",
    [
        "John Smith",
        "JOHN SMITH",
        "Dr. John Smith",
        "Dr John Smith, MD",
        "John Smith M.D.",
        "john  smith, m.d., f.a.c.p.",
        "Dr.-John Smith",
    ],
)
def test_spellings_of_one_provider_share_a_key(spelling: str) -> None:
    assert alias_key(spelling) == "john smith"


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Valley Family Medicine, P.A.", "valley family medicine"),
        ("Sainte-Thérèse Clinic", "sainte therese clinic"),
        ("O'Brien Orthopedics", "obrien orthopedics"),
        ("MD", "md"),  # never stripped to nothing
        ("Dr.", "dr"),
        ("", ""),
        (None, ""),
        ("...", ""),
    ],
)
def test_keys(spelling: str | None, key: str) -> None:
    assert alias_key(spelling) == key


def test_different_people_keep_different_keys() -> None:
    assert alias_key("John Smith") != alias_key("Jon Smith")
    assert alias_key("Smith, John") != alias_key("John Smith")  # order is not guessed


@given(NAME_TEXT)
def test_a_key_is_its_own_key(text: str) -> None:
    assert alias_key(alias_key(text)) == alias_key(text)


@given(NAME_TEXT)
def test_case_and_punctuation_do_not_matter(text: str) -> None:
    assert alias_key(text.upper()) == alias_key(text)
    assert alias_key(text.replace(".", " ").replace(",", " ")) == alias_key(text)
