"""Thin vertical rules of a form's boxes taken off a page image before OCR.

A form printed as a table of boxes puts a vertical rule at the edge of each box, a few
pixels from the small label inside it; at a fax's 200 dpi Tesseract reads the rule into
the label ("GROUP NO." as "_[srour NO.", "SPECIALTY" as "__[spectacry") or as a "|" among
the words. A box of character cells (a "comb": one printed letter a cell, as forms ask for
an ID or a date) fares worse: its teeth read as brackets and ones, "PHC65754317" as
"6 [517] 5]413[7 17]".

A *rule* here is a straight run of ink at least ``RULE_INCHES`` tall and no wider than
``THIN_INCHES``, meeting a horizontal line at both ends (the box's top and bottom): a
letter's stem is shorter than a box, and one as tall (a heading's "l", a handwritten
value's "H" standing on its underline) does not join two lines. Such rules are painted
over with the page's paper. Horizontal lines stay (a descender through an underline is
worse off without it; see ``leaders``), but for a comb's: a comb (``COMB_TEETH`` rules or
more of one height, evenly spaced) loses its top and bottom too, and its letters are set
side by side a small gap apart (``LETTER_GAP_INCHES``), so that Tesseract reads the cells
as the one word they spell, not one word a letter.

Pure: an 8-bit greyscale image in, a new one out (the same object when there is no rule).
"""

import itertools

import numpy as np
from PIL import Image
from scipy import ndimage

from app.pipeline.leaders import ink

# A vertical rule: at least this tall, at most this thick (inches).
RULE_INCHES = 0.18
THIN_INCHES = 0.025
# The horizontal line a rule meets: at least this long (inches), within a few pixels of
# the rule's end.
LINE_INCHES = 0.15
_REACH = 3
# A comb: at least this many teeth, this far apart at most (inches), centre to centre.
COMB_TEETH = 4
COMB_PITCH_INCHES = 0.3
# A comb's letters are set this far apart (inches), the space between a word's letters.
LETTER_GAP_INCHES = 0.015


def clear(image: Image.Image, dpi: int) -> Image.Image:
    """``image`` (mode "L") with the vertical rules of its boxes painted over and its combs'
    letters set as words."""
    inked = ink(image, dpi)
    if inked is None:
        return image
    pixels, paper, threshold = inked
    dark = (pixels <= threshold).astype(np.uint8)
    rules, combs, lines = _rules(dark, dpi)
    if not rules:
        return image
    erase = np.zeros(dark.shape, dtype=bool)
    for rows, cols in rules:
        erase[rows, cols] = True
    for teeth in combs:
        top, bottom = teeth[0][0].start, teeth[0][0].stop - 1
        left, right = teeth[0][1].start, teeth[-1][1].stop
        for end in (top, bottom):
            band = slice(max(end - _REACH, 0), end + _REACH + 1)
            erase[band, left:right] |= lines[band, left:right].astype(bool)
    # The rules and the pixels of grey edge around them.
    erase = ndimage.binary_dilation(erase, structure=np.ones((3, 7), dtype=bool))
    out = pixels.copy()
    out[erase] = paper
    for teeth in combs:
        _set_as_a_word(out, teeth, threshold, paper, dpi)
    return Image.fromarray(out, mode="L")


def _set_as_a_word(
    out: np.ndarray, teeth: list[tuple[slice, slice]], threshold: int, paper: int, dpi: int
) -> None:
    """The letters between a comb's teeth moved side by side, from its first tooth on."""
    rows = slice(teeth[0][0].start + _REACH + 1, teeth[0][0].stop - _REACH - 1)
    letters = []
    for (_, before), (_, after) in itertools.pairwise(teeth):
        cell = out[rows, before.stop + _REACH : after.start - _REACH]
        inked = np.flatnonzero((cell <= threshold).any(axis=0))
        if inked.size:
            letters.append(cell[:, inked[0] : inked[-1] + 1].copy())
    left, right = teeth[0][1].start, teeth[-1][1].stop
    out[rows, left:right] = paper
    gap = max(1, round(LETTER_GAP_INCHES * dpi))
    x = left + gap
    for letter in letters:
        out[rows, x : x + letter.shape[1]] = letter
        x += letter.shape[1] + gap


def _opened(dark: np.ndarray, length: int, axis: int) -> np.ndarray:
    """The ink of runs at least ``length`` long along ``axis``."""
    return ndimage.maximum_filter1d(
        ndimage.minimum_filter1d(dark, length, axis=axis), length, axis=axis
    )


Found = tuple[slice, slice]


def _rules(dark: np.ndarray, dpi: int) -> tuple[list[Found], list[list[Found]], np.ndarray]:
    """The page's rules (as boxes), its combs (each its teeth, left to right) and the ink
    of its horizontal lines."""
    tall = _opened(dark, max(3, round(RULE_INCHES * dpi)), axis=0)
    if not tall.any():
        return [], [], tall
    lines = _opened(dark, max(3, round(LINE_INCHES * dpi)), axis=1)
    thin = max(1, round(THIN_INCHES * dpi))
    labels, _ = ndimage.label(tall)
    rules = [
        (rows, cols)
        for rows, cols in (f for f in ndimage.find_objects(labels) if f is not None)
        if cols.stop - cols.start <= thin and _joins_two_lines(lines, rows, cols)
    ]
    return rules, _combs(rules, dpi), lines


def _combs(rules: list[Found], dpi: int) -> list[list[Found]]:
    """Rows of at least ``COMB_TEETH`` rules of one height, evenly spaced at most
    ``COMB_PITCH_INCHES`` apart."""
    combs = []
    by_x = sorted(rules, key=lambda f: f[1].start)
    used: set[int] = set()
    for i, (rows, _) in enumerate(by_x):
        if i in used:
            continue
        teeth = [by_x[i]]
        for j in range(i + 1, len(by_x)):
            r, c = by_x[j]
            if abs(r.start - rows.start) > _REACH or abs(r.stop - rows.stop) > _REACH:
                continue
            if c.start - teeth[-1][1].start > COMB_PITCH_INCHES * dpi:
                break
            teeth.append((r, c))
            used.add(j)
        if len(teeth) < COMB_TEETH:
            continue
        gaps = np.diff([c.start for _, c in teeth])
        if gaps.max() - gaps.min() <= 0.25 * float(np.median(gaps)) + 2:
            combs.append(teeth)
    return combs


def _joins_two_lines(lines: np.ndarray, rows: slice, cols: slice) -> bool:
    left, right = max(cols.start - _REACH, 0), cols.stop + _REACH
    return all(
        lines[max(end - _REACH, 0) : end + _REACH + 1, left:right].any()
        for end in (rows.start, rows.stop - 1)
    )
