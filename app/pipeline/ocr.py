"""OCR of one page image with Tesseract (tesserocr), after cleaning up what a fax does to it.

The engines are made once per process and kept (``tesseract``).

Choices, measured by ``bench/ocr.py`` on the corpus's faxes (200 dpi, grey, tilted,
speckled), word accuracy against the typed text and CPU seconds per page on one core:
- the ``tessdata_fast`` English model: as accurate here as the larger one, 25% faster;
- page segmentation "single column" (PSM 4): a form's label and value stay on one line
  (automatic segmentation reads the labels as one column and the values as another);
- a 3×3 median filter, then deskew: speckles made both OCR and the skew estimate worse;
  binarizing ourselves lost accuracy (Tesseract's own thresholding does better); scaling a
  200-dpi fax up to 300 dpi cost 30% more time for no gain.

The English model reads no accent but "é": ``diacritics`` gives each capitalised word a
second look for the marks of names like "Müller" and "López".
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from app.pipeline import columns, diacritics, reread, tesseract
from app.pipeline.fields.lexicon import is_label, is_party
from app.pipeline.layout import arrange
from app.pipeline.lines import Box
from app.pipeline.ocr_fixes import mend
from app.pipeline.types import PipelineTimeout, Word

# Skew is looked for within ±MAX_SKEW degrees; below MIN_SKEW the page is left as it is
# (Tesseract's line finder copes with a small slope, and a rotation blurs the glyphs).
MAX_SKEW = 3.0
MIN_SKEW = 0.3
_SKEW_WIDTH = 600  # the page is shrunk to this width to estimate its skew
# A page read with less confidence or fewer words than this may be upside down or sideways.
UPRIGHT_CONFIDENCE = 0.6
UPRIGHT_WORDS = 10
# Radius (pixels at the fax's own resolution) of the blur that greys a bilevel fax's dots.
BILEVEL_BLUR = 1.2


@dataclass(frozen=True)
class OcrResult:
    text: str
    words: tuple[Word, ...]
    confidence: float


# The models read: English for the page, Tesseract's own for its orientation.
def _reader():  # type: ignore[no-untyped-def]
    return tesseract.engine("eng", "SINGLE_COLUMN")


def _orientation():  # type: ignore[no-untyped-def]
    return tesseract.engine("osd", "OSD_ONLY", oem="DEFAULT")


def prepare(image: Image.Image) -> Image.Image:
    """Greyscale, speckles removed, skew straightened: what Tesseract reads best.

    A black-and-white fax (one bit a pixel) prints grey as a pattern of dots: a median
    filter would wipe out a light label with the dots, so a blur turns the dots back into
    grey (``BILEVEL_BLUR``) and Tesseract's own threshold then sets text apart from them.
    On the corpus's black-and-white faxes this took a referral form's page from reading
    none of its small grey labels to reading them all.
    """
    grey = greyscale(image)
    if is_bilevel(image, grey):
        return straighten(grey.filter(ImageFilter.GaussianBlur(BILEVEL_BLUR)))
    return straighten(grey.filter(ImageFilter.MedianFilter(3)))


def is_bilevel(image: Image.Image, grey: Image.Image) -> bool:
    """One bit a pixel, or a greyscale picture holding only black and white."""
    if image.mode == "1":
        return True
    histogram = grey.histogram()
    return sum(1 for count in histogram if count) <= 2


def straighten(grey: Image.Image) -> Image.Image:
    angle = skew_angle(grey)
    if abs(angle) < MIN_SKEW:
        return grey
    return grey.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255, expand=True)


def read_upright(
    image: Image.Image, *, dpi: int, deadline: float, leaders: Sequence[Box] = ()
) -> OcrResult:
    """``recognize``, and if the page reads badly, again the right way up.

    A page fed upside down or sideways reads as a few low-confidence scraps. Only then is
    Tesseract's orientation detector asked (about 0.35 s a page, so not for every page),
    and the turned page kept if it reads better. ``leaders`` (where dot leaders were taken
    off the page) stand where they were on the page as it is, not on a turned one.
    """
    result = read_columns(image, dpi=dpi, deadline=deadline, leaders=leaders)
    if result.confidence >= UPRIGHT_CONFIDENCE and len(result.words) >= UPRIGHT_WORDS:
        return result
    turn = _turn_needed(image, dpi)
    if not turn:
        return result
    upright = straighten(image.rotate(turn, expand=True))
    turned = read_columns(upright, dpi=dpi, deadline=deadline)
    return turned if _weight(turned) > _weight(result) else result


def _turn_needed(image: Image.Image, dpi: int) -> int:
    """Degrees (counter-clockwise) that put the page upright: 0, 90, 180 or 270."""
    api = _orientation()
    api.SetImage(image)
    api.SetSourceResolution(dpi)
    try:
        found = api.DetectOrientationScript()
    except RuntimeError:
        found = None  # too little text to tell
    finally:
        api.Clear()
    return int(found["orient_deg"]) if found else 0


def _weight(result: OcrResult) -> float:
    return result.confidence * len(result.words)


def greyscale(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    if image.mode == "I;16" or image.mode.startswith("I;16"):
        image = image.point(lambda v: v / 256)
    grey = image.convert("L")
    # A negative scan (white text on black) reads as nothing: put it right side out.
    if _mean(grey) < 100:
        grey = ImageOps.invert(grey)
    return grey


def skew_angle(grey: Image.Image) -> float:
    """Degrees to rotate (counter-clockwise) so that text lines run level.

    Projection profile: for each candidate angle the dark pixels are sheared onto rows;
    level lines make sharp peaks, so the angle with the largest sum of squared row counts
    wins. Done on a shrunk copy (one text line still spans a few rows there).
    """
    scale = _SKEW_WIDTH / grey.width
    if scale < 1:
        small = grey.resize((_SKEW_WIDTH, max(1, round(grey.height * scale))), Image.Resampling.BOX)
    else:
        small = grey
    pixels = np.asarray(small)
    ys, xs = np.nonzero(pixels < 128)
    if len(ys) < 50:
        return 0.0
    centred = xs - small.width / 2
    best, best_score = 0.0, -1.0
    for step, span in ((0.5, MAX_SKEW), (0.1, 0.5)):
        centre = best
        for angle in np.arange(centre - span, centre + span + step / 2, step):
            rows = np.round(ys + centred * math.tan(math.radians(angle))).astype(np.int64)
            rows -= rows.min()
            score = float(np.square(np.bincount(rows)).sum())
            if score > best_score:
                best, best_score = float(angle), score
    return -best


def read_columns(
    image: Image.Image, *, dpi: int, deadline: float, leaders: Sequence[Box] = ()
) -> OcrResult:
    """``recognize``, each of two columns side by side read on its own (``columns``)."""
    boxes = columns.regions(image, dpi)
    if len(boxes) == 1:
        return recognize(image, dpi=dpi, deadline=deadline, leaders=leaders)
    parts = [
        recognize(image.crop(box), dpi=dpi, deadline=deadline, leaders=_within(leaders, box))
        for box in boxes
    ]
    words = tuple(w for part in parts for w in part.words)
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrResult(
        text="\n".join(part.text for part in parts if part.text),
        words=words,
        confidence=round(confidence, 3),
    )


def _within(leaders: Sequence[Box], region: tuple[int, int, int, int]) -> list[Box]:
    """The leaders inside a region of the page, in the region's own pixels."""
    x0, y0, x1, y1 = region
    return [
        Box(b.text, b.x0 - x0, b.y0 - y0, b.x1 - x0, b.y1 - y0)
        for b in leaders
        if x0 <= b.x0 and b.x1 <= x1 and y0 <= b.middle <= y1
    ]


def recognize(
    image: Image.Image, *, dpi: int, deadline: float, leaders: Sequence[Box] = ()
) -> OcrResult:
    """Text in reading order (lines kept), every word with Tesseract's confidence (0..1)."""
    import tesserocr

    api = _reader()
    api.SetImage(image)
    api.SetSourceResolution(dpi)
    remaining_ms = int((deadline - time.monotonic()) * 1000)
    if remaining_ms <= 0 or not api.Recognize(timeout=remaining_ms):
        api.Clear()
        raise PipelineTimeout("reading the page took too long")
    text = api.GetUTF8Text()
    read: list[tuple[str, diacritics.Box, float]] = []
    iterator = api.GetIterator() if text.strip() else None
    level = tesserocr.RIL.WORD
    if iterator is not None:
        for item in tesserocr.iterate_level(iterator, level):
            # An empty word (a picture Tesseract took for text) has no text to return.
            if item.Empty(level):
                continue
            box = item.BoundingBox(level)
            read.append((item.GetUTF8Text(level).strip(), box, item.Confidence(level) / 100))
    api.Clear()
    again = reread.reread(image, dpi, read)
    texts = diacritics.restore(
        image,
        dpi,
        [(t, box) for t, (_, box, _) in zip(again, read, strict=True)],
        deadline=deadline,
    )
    words: list[Word] = []
    boxes: list[Box] = []
    for raw, (_, box, confidence) in zip(texts, read, strict=True):
        word = MIDDLE_DOT if is_middle_dot(raw, box, dpi) else mend(raw)
        if word:
            words.append(Word(text=word, confidence=round(confidence, 3)))
            boxes.append(Box(word, *box))
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    arranged = arrange(boxes, is_label, is_party, leaders=leaders) if boxes else mend(text)
    return OcrResult(text=arranged, words=tuple(words), confidence=round(confidence, 3))


MIDDLE_DOT = "\u00b7"
# A hyphen's stroke is at least this wide (inches) in the smallest print a form uses (7 pt).
HYPHEN_INCHES = 0.025


def is_middle_dot(text: str, box: tuple[int, int, int, int], dpi: int) -> bool:
    """A lone "-" that is no hyphen's shape: Tesseract's English model reads a middle dot
    ("Jane Roe · DOB 1/2/1990 · Female", cells of one line) as a hyphen. A hyphen is a
    stroke wider than tall, and wider than ``HYPHEN_INCHES``; a dot is as tall as wide and
    narrower (its box may be taller still, joined to the ink of a rule)."""
    if text != "-":
        return False
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    return width < HYPHEN_INCHES * dpi or height > width


def _mean(grey: Image.Image) -> float:
    small = grey.reduce(8) if min(grey.size) >= 64 else grey
    return float(np.asarray(small).mean())
