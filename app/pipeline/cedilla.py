"""A "ç" put back from the picture: neither OCR model knows it.

The English and the German models read "François" as "Francois" or "Frangois": the cedilla
is below the line, where no other mark goes, so the models either drop it or take the
letter for a "g" (whose tail hangs there too). The picture settles it: a small blot of ink
below the word's baseline, under the letter one model read as "c" and the other as "c" or
"g", no wider than a letter, is a cedilla. A "g" both models read stays a "g"; a "c" with
nothing under it stays a "c"; a word with another letter hanging below the line next to
that one (g j p q y, a comma) is left as read.

Pure: a word's picture (its box, padded) and its two readings in, the word out.
"""

import numpy as np
from PIL import Image

from app.pipeline.ink import levels

_CEDILLA = {"c": "ç", "C": "Ç"}
# Letters and punctuation whose ink hangs below the baseline: ink there may be theirs.
_DESCENDERS = frozenset("gjpqyQJ,;()[]{}|")
# A row is part of the letters' body when it holds at least this part of the fullest
# row's ink; the lowest such row is the baseline.
_BODY_ROW = 0.25
# Rows right under the baseline are left out: a blurred letter's foot spreads there.
_BELOW = 2
# A blot smaller than this (pixels) is a speck of the fax, not a mark.
_MIN_INK = 3


def with_cedilla(read: str, again: str | None, crop: Image.Image, *, pad: int = 0) -> str:
    """``read`` with its "c" made "ç" where the picture shows a cedilla under it.

    ``again`` is the second model's reading of the same word (None when it was not sure):
    where one model read "c" and the other "g" at the same letter, that letter is the one.
    ``crop`` is the word's box with ``pad`` pixels of paper around it.
    """
    candidates = [at for at, c in enumerate(read) if c in _CEDILLA]
    if again is not None and len(again) == len(read):
        candidates += [
            at for at, (a, b) in enumerate(zip(read, again, strict=True)) if {a, b} == {"c", "g"}
        ]
    if not candidates:
        return read
    pitch = (crop.width - 2 * pad) / len(read)  # one letter's width, on average
    found = set()
    for left, right in ink_below_baseline(crop):
        middle = (left + right) / 2 - pad
        near = {at for at in candidates if abs((at + 0.5) * pitch - middle) <= pitch * 0.75}
        if not near:
            continue  # a comma's or a tail's ink, under another letter
        if len(near) > 1 or right - left + 1 > pitch * 1.2:
            return read  # which letter it hangs from is unclear, or it is an underline
        found |= near
    if len(found) != 1:
        return read
    at = found.pop()
    if any(c in _DESCENDERS for c in read[max(0, at - 1) : at + 2] if c != read[at]):
        return read
    letter = "C" if read[at] == "C" else "c"
    return read[:at] + _CEDILLA[letter] + read[at + 1 :]


def ink_below_baseline(crop: Image.Image) -> list[tuple[int, int]]:
    """The runs of columns (first, last) holding ink that hangs below the word's baseline,
    specks of the fax left out."""
    grey = levels(crop)
    if grey is None:
        return []
    pixels, low, high = grey
    ink = pixels < (low + high) / 2
    rows = ink.sum(axis=1)
    body = np.nonzero(rows >= _BODY_ROW * rows.max())[0]
    if not len(body):
        return []
    per_column = ink[int(body[-1]) + _BELOW :].sum(axis=0)
    runs: list[tuple[int, int]] = []
    start = None
    for x, count in enumerate([*per_column.tolist(), 0]):
        if count and start is None:
            start = x
        elif not count and start is not None:
            if int(per_column[start:x].sum()) >= _MIN_INK:
                runs.append((start, x - 1))
            start = None
    return runs
