"""A name's accents (and inner capitals: "LaRue"), taken from where the packet writes the
same name with them.

OCR loses accents far more often than it invents them: a name read "Hernandez" on the
referral and "Hernández" on the cover sheet is "Hernández", the marks having survived on
one page's print and not on the other's. So each word of a chosen name takes the marks of
the packet's other readings of that word, when they only add marks to its letters and agree
among themselves (the commonest reading wins; a tie leaves the word as read).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from app.pipeline.diacritics import bare
from app.pipeline.types import PageText

_WORD = re.compile(r"[^\W\d_]{3,}")


def with_packet_accents(value: str, pages: Sequence[PageText]) -> str:
    """``value`` (a name) with each word's accents as the packet's other readings show them."""
    readings = Counter(
        unicodedata.normalize("NFC", w) for p in pages for w in _WORD.findall(p.text)
    )
    return _WORD.sub(lambda m: _marked(m.group(0), readings), unicodedata.normalize("NFC", value))


def _marked(word: str, readings: Counter[str]) -> str:
    found = Counter[str]()
    for reading, count in readings.items():
        marked = adds_marks(word, reading)
        if marked is None or marked == word:
            marked = _inner_capitals(word, reading)
        if marked is not None and marked != word:
            found[marked] += count
    ranked = found.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return word
    return ranked[0][0]


def _inner_capitals(word: str, reading: str) -> str | None:
    """ "Larue" (a name printed "LARUE", put in title case) as "LaRue", where the packet writes
    it so: a reading of the same letters with a capital inside the word; else None."""
    if word != word.capitalize() or reading.casefold() != word.casefold():
        return None
    if reading.isupper() or reading == reading.capitalize() or not reading[0].isupper():
        return None
    return reading


def adds_marks(word: str, reading: str) -> str | None:
    """``word`` in its own case with ``reading``'s marks, if ``reading`` is ``word`` with marks
    added and none taken away or changed ("Padraig", "PÁDRAIG" → "Pádraig"); else None.

    Exceptions, the English model's stand-ins for letters it lacks: its "é" for any marked
    vowel, so an "é" where the reading has a marked a, o or u is that letter ("Bjérn", "BJÖRN"
    → "Björn"; "é" and "ë" stay a change of mark, which is unknown); its "i" for a "ü", whose
    dots it takes for an i's ("Miller", "Müller" → "Müller")."""
    if len(reading) != len(word):
        return None
    out = []
    for plain, other in zip(word, reading, strict=True):
        if plain.casefold() == other.casefold():
            out.append(plain)
        elif bare(plain) == plain and bare(other).casefold() == plain.casefold():
            out.append(other.upper() if plain.isupper() else other.lower())  # a mark added
        elif plain in "éÉ" and other != bare(other) and bare(other).casefold() in "aou":
            out.append(other.upper() if plain.isupper() else other.lower())  # é stood in
        elif plain in "iI" and other in "üÜ":
            out.append(other.upper() if plain.isupper() else other.lower())  # i stood in
        else:
            return None  # another letter, or a mark the word has changed or taken away
    return "".join(out)
