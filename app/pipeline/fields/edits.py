"""Words one misread letter away from a word: what OCR may have read it from."""

from collections.abc import Iterator
from string import ascii_lowercase


def one_letter_changed(word: str, letters: str = ascii_lowercase) -> Iterator[str]:
    """Every word (lower case) that differs from ``word`` in one letter. OCR misreads a
    letter for another ("ADOR" for "ADDR", "Pian" for "Plan"); a letter added or dropped
    is more often a different word ("Members", "Member") than a misreading."""
    word = word.lower()
    for i, current in enumerate(word):
        for letter in letters:
            if letter != current:
                yield word[:i] + letter + word[i + 1 :]


def one_letter_added_or_dropped(word: str, letters: str = ascii_lowercase) -> Iterator[str]:
    """Every word (lower case) with one letter more or one fewer than ``word``: for a label
    whose value's shape says which it was ("prone" for "phone", "zp" for "zip"), where a
    letter added or dropped is no other word's."""
    word = word.lower()
    for i in range(len(word) + 1):
        if i < len(word):
            yield word[:i] + word[i + 1 :]
        for letter in letters:
            yield word[:i] + letter + word[i:]
