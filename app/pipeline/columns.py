"""Columns side by side on a page image, found before OCR so that each is read on its own.

Tesseract is asked to read a page as one column (``ocr``): a form's label and value stay on
one line. A page with a column *beside* its body text (a sidebar of particulars next to a
letter's prose) then reads badly: the two columns' lines stand at unrelated heights, and
Tesseract's line finder, taking a body line and the sidebar line beside it for one line,
drops the sidebar's small labels ("Name", "Sex", "ID") and runs words of one column into the
other. Read as two images, each column reads as cleanly as a page of its own.

A *gutter* is a band of paper at least ``GUTTER_INCHES`` wide running down the page for at
least ``MIN_HEIGHT_INCHES`` (a vertical rule in it does not count as ink), with at least
``MIN_LINES`` text lines close to it on each side. The columns are read apart only when
their lines do not line up: a key/value table or a grid has a gutter too, but its label
and value stand on one line, which is what reading the page as one column keeps.

Pure: an 8-bit greyscale image in, the split (or None) out. Sizes are in inches.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

# Pixels darker than this are ink (a grey sidebar's background and shaded bars are not).
INK = 150
# The image is looked at in square cells of this many pixels (any ink in a cell: ink).
_CELL = 4
# A text line is at least this many cells tall (7-point type is about 3).
_LINE_CELLS = 3
GUTTER_INCHES = 0.06
MIN_HEIGHT_INCHES = 2.0
# Text lines within this distance of the gutter, on each side, are the columns' lines.
NEAR_INCHES = 1.0
MIN_LINES = 3
# A vertical rule: ink running down at least this far (a letter is far shorter).
RULE_INCHES = 0.3
# When this share of the lines right of a gutter stand level with lines on its left, the two
# sides are one table (two unrelated columns of the corpus: 0.21-0.27; a page's patient
# label beside its title, which reads better whole: 0.43).
ALIGN_SHARE = 0.35
# A row of the page with at most one dark pixel in this many is blank (a fax's speckles).
SPECKLES = 400
# A run of inked rows shorter than this is speckle, not a line of text.
LINE_INCHES = 0.04


# Box: left, top, right, bottom (pixels).
Box = tuple[int, int, int, int]
# A page is split at most this many times.
MAX_SPLITS = 3


@dataclass(frozen=True)
class Split:
    """A gutter at ``x`` between rows ``top`` and ``bottom`` (pixels of the image)."""

    x: int
    top: int
    bottom: int


def find_split(grey: Image.Image, dpi: int, left_lines: int = MIN_LINES) -> Split | None:
    """The gutter between two columns whose lines do not line up, or None; ``left_lines``
    lines of text close to it on its left (``MIN_LINES`` on its right)."""
    pixels = np.asarray(grey)
    ink, ruled = _ink_cells(pixels, dpi)
    height, width = ink.shape
    gutter = max(1, round(GUTTER_INCHES * dpi / _CELL))
    near = max(2, round(NEAR_INCHES * dpi / _CELL))
    min_height = round(MIN_HEIGHT_INCHES * dpi / _CELL)
    sums = np.concatenate([np.zeros((height, 1), np.int32), np.cumsum(ink, axis=1)], axis=1)
    # columns of pixels outside any vertical rule
    keep = np.concatenate([np.repeat(~ruled, _CELL), np.ones(pixels.shape[1] % _CELL, bool)])
    blank = _blank_rows(pixels, keep)

    def any_ink(x0: int, x1: int) -> np.ndarray:
        x0, x1 = max(0, x0), min(width, x1)
        return np.asarray((sums[:, x1] - sums[:, x0]) > 0)

    found: list[tuple[int, int, Split]] = []  # score, right edge of the right band, split
    for x in range(near, width - near - gutter):
        paper = ~any_ink(x, x + gutter)
        if paper.sum() < min_height:
            continue
        runs, count = ndimage.label(paper)
        left, right = any_ink(x - near, x), any_ink(x + gutter, x + gutter + near)
        for run in ndimage.find_objects(runs)[:count]:
            top, bottom = run[0].start, run[0].stop
            if bottom - top < min_height:
                continue
            lefts, rights = (
                _runs(left[top:bottom], _LINE_CELLS),
                _runs(right[top:bottom], _LINE_CELLS),
            )
            if len(lefts) < left_lines or len(rights) < MIN_LINES:
                continue
            # cut where the page is blank across (a cut through a line loses it): under the
            # line above the gutter, over the line below it
            first = _blank_row(blank, top * _CELL, down=True)
            last = _blank_row(blank, bottom * _CELL, down=False)
            if first is None or last is None or last - first < min_height * _CELL:
                continue
            split = Split(x=(x + gutter // 2) * _CELL, top=first, bottom=last)
            found.append((min(len(lefts), len(rights)), (x + gutter + near) * _CELL, split))
    # the longest gutter first (of equals, the one beside most lines, then the leftmost),
    # the first whose columns' lines do not line up
    tried: set[tuple[int, int]] = set()
    ranked = sorted(found, key=lambda f: (f[2].top - f[2].bottom, -f[0], f[2].x))
    for _, edge, split in ranked:
        if (split.top, split.bottom) in tried:
            continue  # the same rows beside a gutter a little to the left: the same answer
        tried.add((split.top, split.bottom))
        if not _rows_line_up(pixels, keep, split, edge, dpi):
            return split
    return None


def regions(
    grey: Image.Image, dpi: int, depth: int = MAX_SPLITS, left_lines: int = MIN_LINES
) -> list[Box]:
    """The boxes of the page to read one by one, in reading order: the whole page, or above
    two columns, the left column, the right column and below them, the parts above and
    below split again the same way. A body line running into the gutter ends one split
    while the columns go on under it, beside as little as one line of the body: below a
    split, one line on the left will do."""
    whole = (0, 0, grey.width, grey.height)
    split = find_split(grey, dpi, left_lines) if depth > 0 else None
    if split is None:
        return [whole]
    boxes: list[Box] = []
    for top, bottom in ((0, split.top), (split.top, split.bottom), (split.bottom, grey.height)):
        if bottom <= top:
            continue
        if top == split.top:
            boxes += [(0, top, split.x, bottom), (split.x, top, grey.width, bottom)]
            continue
        part = grey.crop((0, top, grey.width, bottom))
        inner = regions(part, dpi, depth - 1, 1 if top == split.bottom else left_lines)
        boxes += [(x0, y0 + top, x1, y1 + top) for x0, y0, x1, y1 in inner]
    return boxes


def _ink_cells(pixels: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells holding ink, vertical rules taken out; and the columns of cells with a rule."""
    height = pixels.shape[0] // _CELL * _CELL
    width = pixels.shape[1] // _CELL * _CELL
    dark = pixels[:height, :width] < INK
    cells = np.asarray(dark.reshape(height // _CELL, _CELL, width // _CELL, _CELL).any(axis=(1, 3)))
    # a rule left slightly tilted by the deskew steps from one column of cells to the next:
    # it is found in pairs of columns
    pairs = cells[:, :-1] | cells[:, 1:]
    tall = np.ones((max(2, round(RULE_INCHES * dpi / _CELL)), 1), bool)
    found = np.asarray(ndimage.binary_opening(pairs, structure=tall))
    rules = np.zeros_like(cells)
    rules[:, :-1] |= found
    rules[:, 1:] |= found
    return np.asarray(cells & ~rules), np.asarray(rules.any(axis=0))


def _blank_rows(pixels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows of pixels holding no ink across the page (in the columns ``keep``, a few
    speckles apart): where the page can be cut without cutting a line."""
    dark = pixels[:, keep] < INK
    return np.asarray(dark.sum(axis=1) <= max(2, dark.shape[1] // SPECKLES))


def _blank_row(blank: np.ndarray, row: int, *, down: bool) -> int | None:
    """The nearest blank row from ``row`` downwards, or (``down`` False) the end of the
    nearest one above ``row``; None if there is none."""
    if down:
        found = np.nonzero(blank[row:])[0]
        return row + int(found[0]) if len(found) else None
    found = np.nonzero(blank[:row])[0]
    return int(found[-1]) + 1 if len(found) else None


def _runs(rows: np.ndarray, shortest: float) -> list[tuple[int, int]]:
    """The runs of true rows at least ``shortest`` long, first row and the row after the
    last: a column's text lines, shorter runs being speckle."""
    labels, count = ndimage.label(rows)
    return [
        (s[0].start, s[0].stop)
        for s in ndimage.find_objects(labels)[:count]
        if s[0].stop - s[0].start >= shortest
    ]


def _rows_line_up(
    pixels: np.ndarray, keep: np.ndarray, split: Split, right_edge: int, dpi: int
) -> bool:
    """Whether the lines just right of the gutter stand level with lines on its left: at
    least ``ALIGN_SHARE`` of them overlap a line on the left by half the height of the
    shorter, as a table's value stands level with its label, whatever their type sizes.
    Lines of two unrelated columns overlap so only by chance. Too few lines on either side
    to tell (the values on a form's writing lines run into one another, a heading alone
    left of a column of labels): they are taken as level.
    (Vertical rules, outside ``keep``, are no lines.)"""
    band = pixels[split.top : split.bottom]
    left = _line_rows(band[:, : split.x], keep[: split.x], dpi)
    right = _line_rows(band[:, split.x : right_edge], keep[split.x : right_edge], dpi)
    if len(left) < MIN_LINES or len(right) < MIN_LINES:
        return True
    level = sum(1 for line in right if any(_level(line, other) for other in left))
    return level >= ALIGN_SHARE * len(right)


def _level(one: tuple[int, int], other: tuple[int, int]) -> bool:
    overlap = min(one[1], other[1]) - max(one[0], other[0])
    return overlap >= 0.5 * min(one[1] - one[0], other[1] - other[0])


def _line_rows(pixels: np.ndarray, keep: np.ndarray, dpi: int) -> list[tuple[int, int]]:
    """The text lines in a strip of the page, first and last row (runs of rows holding ink
    in the columns ``keep``, speckles too short to be a line left out)."""
    return _runs(np.asarray((pixels[:, keep] < INK).any(axis=1)), LINE_INCHES * dpi)
