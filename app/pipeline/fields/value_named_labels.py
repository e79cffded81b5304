"""A label OCR misread by a letter, mended where the value after it says which label it was.

A fax's small print loses a label's letter ("prone (970) 655-1452" for "Phone", "SD zp
57741" for "ZIP"), and the value beside it is then read as no one's. A word is mended only
when it is no label itself, one letter changed, added or dropped would make it a label, and
of the labels so made exactly one field's has the shape of the value that follows: a phone
number (ten digits) for a phone's or a fax's label, where a label starts (the line's start or
after a gap between cells), a ZIP code for a ZIP's. A word of a sentence before a number
("please call 555-0100", "Call (555) …") is left.
"""

import functools
import re

from app.pipeline.fields import edits
from app.pipeline.fields.lexicon import classify, is_label

# A short word right before a number, perhaps with a colon between them.
_WORD_BEFORE_NUMBER = re.compile(
    r"(?:(?<=^)|(?<=\s))(?P<cell>(?<=^)|(?<=\s\s)|(?<=\t))?(?P<word>[A-Za-z]{2,7})(?=\s*:?\s*(?P<value>[(+]?\s?\d[\d()\s.\-]{3,18}))"
)
_ZIP = re.compile(r"\d{5}(?:-\d{4})?(?!\S)")
# The fields whose labels a value's shape names.
_PHONE_KINDS = {"phone", "fax"}
_ZIP_KINDS = {"zip"}
# Words of a sentence one letter from a phone's label ("cell", "tel").
_SENTENCE_WORDS = {"call", "tell", "well", "sell", "bell", "come", "hope"}


def mended(line: str) -> str:
    """``line`` with each misread label before a value of its field's shape spelled right."""
    if not any(c.isdigit() for c in line):
        return line
    return _WORD_BEFORE_NUMBER.sub(_mend, line)


def _mend(match: re.Match[str]) -> str:
    word, value = match["word"], match["value"]
    if is_label(word):
        return word
    if _is_phone(value) and match["cell"] is not None and word.lower() not in _SENTENCE_WORDS:
        kinds = _PHONE_KINDS
    elif _ZIP.match(value):
        kinds = _ZIP_KINDS
    else:
        return word
    near = [label for label, kind in _labels_near(word.lower()) if kind in kinds]
    if len({classify(label)[0] for label in near}) != 1:
        return word
    label = min(near)
    return label.upper() if word.isupper() else label.capitalize()


def _is_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")


@functools.lru_cache(maxsize=4096)
def _labels_near(word: str) -> tuple[tuple[str, str], ...]:
    """The one-word labels one letter changed, added or dropped away, and their fields."""
    near = {*edits.one_letter_changed(word), *edits.one_letter_added_or_dropped(word)}
    return tuple(
        sorted((n, classify(n)[0]) for n in near if len(n) >= 2 and n != word and is_label(n))
    )
