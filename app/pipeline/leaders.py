"""Dot leaders taken off a page image before OCR.

A web portal's printout writes "Patient name ........ Smith". At a fax's 200 dpi Tesseract
reads the row of dots as a word of garbage that swallows the label before it (on the
held-out portal printouts a third of the fields were lost so). The dots carry nothing a
reader needs, so they are painted over with the page's background, found as connected
components (``scipy.ndimage``) of the page thresholded by Otsu's method.

A *leader* is a run of at least ``MIN_DOTS`` small dots on one line, evenly spaced, well
apart for their size, with only paper between them and above them to the height of the
letters: a full stop, an ellipsis, the dots of "i", a colon, speckles or the pieces of a
faint word broken up by the threshold never make one.

A *dashed rule* ("------------" under a printout's column captions, "=====" under its
heading) goes the same way: a run of short flat dashes, evenly spaced, alone on its line.
Tesseract read such a rule together with the captions over it (a report's "PATIENT NAME  DOB"
over its dashes came out as "eager  pean  eee", the captions lost).

Unbroken underlines and rules were tried too (a horizontal opening): they cost more than
they gave (a descender through an underline lost its tail, "g" read as "q"; a table without
its rules read worse), so lines stay for Tesseract, which copes with them.

Pure: an 8-bit greyscale image in, a new one out (the same object when there is nothing
to clear). Sizes are in inches, scaled by the page's resolution.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from app.pipeline.lines import Box

# A dot: at most this wide and tall (a full stop in 8-14 pt type is 0.01-0.02 in).
DOT_INCHES = 0.03
# Leader dots sit at most this far apart, centre to centre (a monospaced 12-pt "." is 0.1 in).
DOT_PITCH_INCHES = 0.16
MIN_DOTS = 4
# A leader's dots stand apart: centre to centre at least this many times a dot's width.
SPACED = 2.5
# Each gap of a leader within this factor of the run's median gap.
PITCH_SPREAD = 0.35
# Dots of one leader: centres within this of the previous dot's, vertically.
DOT_ROW_INCHES = 0.012
# Above a leader's dots, to the height of the letters beside them, there is only paper.
CLEAR_ABOVE_INCHES = 0.07
# A dash of a dashed rule: at most this long (a monospaced 12-pt "-" is 0.05 in), at least
# twice as long as it is thick, and no thicker than a dot.
DASH_INCHES = 0.08
DASH_LENGTH = 2.0
# The dashes of a rule stand apart by at least this many times a dash's length, centre to
# centre (paper between them: "------" printed in a monospaced font).
DASH_SPACED = 1.2
# A caption's rule may be as short as its caption: "--" under "ST".
MIN_DASHES = 2


@dataclass(frozen=True)
class _Dot:
    label: int
    x: float
    y: float
    size: int
    box: tuple[slice, slice]


def clear(image: Image.Image, dpi: int) -> Image.Image:
    """``image`` (mode "L") with its dot leaders painted over."""
    return clear_and_find(image, dpi)[0]


def clear_and_find(image: Image.Image, dpi: int) -> tuple[Image.Image, list[Box]]:
    """``image`` with its dot leaders painted over, and where each leader ran: a leader may
    lead from a value to its label ("ROE, JANE ....... Patient"), which the reading order
    needs to know (``layout.arrange``)."""
    inked = ink(image, dpi)
    if inked is None:
        return image, []
    pixels, paper, threshold = inked
    dark = pixels <= threshold
    erase, runs = _leaders(dark, dpi)
    if not erase.any():
        return image, []
    out = pixels.copy()
    out[erase] = paper
    return Image.fromarray(out, mode="L"), runs


def ink(image: Image.Image, dpi: int) -> tuple[np.ndarray, int, int] | None:
    """A greyscale (mode "L") page's pixels, its paper's grey and its ink's threshold, or
    None for a blank or flat page; what every cleaning of a page before OCR starts from."""
    if image.mode != "L":
        raise ValueError(f"clear() takes a greyscale (L) image, not mode {image.mode!r}")
    if dpi <= 0:
        raise ValueError("dpi must be positive")
    pixels = np.asarray(image)
    found = ink_threshold(pixels)
    return None if found is None else (pixels, *found)


def ink_threshold(pixels: np.ndarray) -> tuple[int, int] | None:
    """The paper's grey and the ink's threshold, or None for a blank or flat page (no ink
    to speak of)."""
    if int(np.median(pixels[::2, ::2])) - int(pixels.min()) < 40:
        return None
    return _levels(pixels)


def _levels(pixels: np.ndarray) -> tuple[int, int]:
    """The paper's grey (the median of a sample) and the ink's threshold (Otsu's)."""
    sample = pixels[::2, ::2]
    histogram = np.bincount(sample.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    mass = np.cumsum(histogram * levels)
    total, whole = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (whole * weight - total * mass) ** 2 / (weight * (total - weight))
    return int(np.median(sample)), int(np.nanargmax(between))


def _leaders(dark: np.ndarray, dpi: int) -> tuple[np.ndarray, list[Box]]:
    """Pixels of the dots of every leader on the page, and each leader's box."""
    labels, count = ndimage.label(dark, structure=np.ones((3, 3), dtype=bool))
    if not count:
        return np.zeros_like(dark), []
    most = max(2, round(DOT_INCHES * dpi))
    longest = max(4, round(DASH_INCHES * dpi))
    sizes = np.bincount(labels.ravel())
    dots: list[_Dot] = []
    dashes: list[_Dot] = []
    for index, found in enumerate(ndimage.find_objects(labels), start=1):
        if found is None:
            continue
        rows, cols = found
        height, width = rows.stop - rows.start, cols.stop - cols.start
        mark = _Dot(
            index,
            (cols.start + cols.stop - 1) / 2,
            (rows.start + rows.stop - 1) / 2,
            int(sizes[index]),
            found,
        )
        if height <= most and width <= most and max(height, width) <= 2.5 * min(height, width):
            dots.append(mark)
        elif height <= most and DASH_LENGTH * height <= width <= longest:
            dashes.append(mark)
    runs = _runs(dots, dpi, SPACED, MIN_DOTS) + _runs(dashes, dpi, DASH_SPACED, MIN_DASHES)
    cleared = np.zeros_like(dark)
    boxes: list[Box] = []
    for run in runs:
        if _alone(run, labels, most, round(CLEAR_ABOVE_INCHES * dpi)):
            boxes.append(_box(run))
            for dot in run:
                # The dot and the pixel of grey edge around it.
                rows, cols = dot.box
                cleared[
                    max(rows.start - 1, 0) : rows.stop + 1, max(cols.start - 1, 0) : cols.stop + 1
                ] = True
    return cleared, boxes


def _box(run: list[_Dot]) -> Box:
    """A run's box, as a word's (a leader is read as a "word" of dots)."""
    return Box(
        "." * len(run),
        min(dot.box[1].start for dot in run),
        min(dot.box[0].start for dot in run),
        max(dot.box[1].stop for dot in run),
        max(dot.box[0].stop for dot in run),
    )


def _runs(dots: list[_Dot], dpi: int, spaced: float, fewest: int) -> list[list[_Dot]]:
    """Rows of at least ``fewest`` evenly spaced, alike dots (or dashes), left to right,
    centres at least ``spaced`` times a dot's width apart."""
    pitch = DOT_PITCH_INCHES * dpi
    row = max(1.0, DOT_ROW_INCHES * dpi)
    chains: list[list[_Dot]] = []
    # The chains by the row of their last dot: a dot looks only at its own row and the two
    # beside it.
    tails: dict[int, list[list[_Dot]]] = {}
    for dot in sorted(dots, key=lambda d: d.x):
        key = round(dot.y / row)
        best: list[_Dot] | None = None
        for near in (key - 1, key, key + 1):
            for chain in tails.get(near, ()):
                last = chain[-1]
                if not (0 < dot.x - last.x <= pitch and abs(dot.y - last.y) <= row):
                    continue
                if best is None or abs(dot.y - last.y) < abs(dot.y - best[-1].y):
                    best = chain
        if best is None:
            best = []
            chains.append(best)
        else:
            old = tails[round(best[-1].y / row)]
            old[:] = [c for c in old if c is not best]
        best.append(dot)
        tails.setdefault(key, []).append(best)
    return [piece for chain in chains for piece in _even(chain, spaced, fewest)]


def _even(chain: list[_Dot], spaced: float, fewest: int) -> list[list[_Dot]]:
    if len(chain) < fewest:
        return []
    gaps = np.diff([d.x for d in chain])
    usual = float(np.median(gaps))
    widths = [d.box[1].stop - d.box[1].start for d in chain]
    if usual < spaced * float(np.median(widths)):
        return []  # dots as close as a letter's pieces: not a leader
    sizes = np.array([d.size for d in chain], dtype=float)
    alike = np.abs(sizes - np.median(sizes)) <= 0.6 * np.median(sizes) + 1
    pieces: list[list[_Dot]] = []
    piece = [chain[0]] if alike[0] else []
    for dot, gap, same in zip(chain[1:], gaps, alike[1:], strict=True):
        if same and piece and abs(gap - usual) <= PITCH_SPREAD * usual:
            piece.append(dot)
            continue
        if len(piece) >= fewest:
            pieces.append(piece)
        piece = [dot] if same else []
    if len(piece) >= fewest:
        pieces.append(piece)
    return pieces


def _alone(run: list[_Dot], labels: np.ndarray, most: int, above: int) -> bool:
    """Nothing but the run's own dots (and paper) in the band the run spans, up to the
    height of letters: the pieces of a faint word broken up by the threshold have the rest
    of their letters over them."""
    top = max(0, int(min(d.y for d in run)) - max(most, above))
    bottom = int(max(d.y for d in run)) + most + 1
    left, right = int(run[0].x), int(run[-1].x) + 1
    band = labels[top:bottom, left:right]
    found = np.unique(band)
    return bool(np.isin(found, [0, *(d.label for d in run)]).all())
