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
