"""A second look at the words Tesseract read with little confidence, each enlarged.

At a fax's 200 dpi a form's small capital labels are 7 pixels tall, and Tesseract's line
reader guesses at them: "HOME ADDRESS" came out as "Home aporess", "CITY" as "crry", "NPI"
as "npt", "PRIORITY" as "Prioniry", each below 0.75 confidence, and the field under the
label was lost. The same word cut out, enlarged three times and read as a line of its own
reads right, and sure of itself ("ADDRESS" at 0.96).

So each doubtful word (below ``DOUBTFUL``; the least sure ``MOST`` of a page) is read
again so, and the new reading taken only where it is one word, read with at least
``SURE`` confidence and more than the first reading, and as long as the first give or take
a letter (``LENGTH_SLACK``). It keeps the first reading's confidence: a second look may
mend a label, but a value it mends stays as doubtful as it was read (never raised). About
4 ms a word.
"""

from collections.abc import Sequence

from PIL import Image

from app.pipeline import tesseract

# A word read below this confidence (0..1) gets a second look.
DOUBTFUL = 0.75
# The second reading is taken at this confidence (0..1) or more, and above the first's.
SURE = 0.85
# The second reading has as many characters as the first, give or take this many.
LENGTH_SLACK = 1
# Words looked at again per page, the least sure first: a page of noise does not cost more.
MOST = 30
# Enlargement of the word's crop, and paper (pixels at the page's resolution) kept around it.
SCALE = 3
PAD = 4

Box = tuple[int, int, int, int]


def _reader():  # type: ignore[no-untyped-def]
    return tesseract.engine("eng", "SINGLE_LINE")


def reread(image: Image.Image, dpi: int, words: Sequence[tuple[str, Box, float]]) -> list[str]:
    """The words' texts, each doubtful one read again where the second reading is sure."""
    texts = [text for text, _, _ in words]
    doubtful = sorted(
        (i for i, (text, _, confidence) in enumerate(words) if text and confidence < DOUBTFUL),
        key=lambda i: words[i][2],
    )[:MOST]
    if not doubtful:
        return texts
    api = _reader()
    try:
        for i in doubtful:
            again = _read_enlarged(api, image, dpi, words[i][1])
            if again is not None and _mends(words[i][0], *again, first=words[i][2]):
                texts[i] = again[0]
    finally:
        api.Clear()
    return texts


def _mends(text: str, again: str, confidence: float, *, first: float) -> bool:
    """The second reading is sure, surer than the first, and of the same length give or
    take a letter: one that drops or adds letters ("@att.net" read as "net") has read
    another crop, not mended this word."""
    return confidence > max(SURE, first) and abs(len(again) - len(text)) <= LENGTH_SLACK


def _read_enlarged(api, image: Image.Image, dpi: int, box: Box) -> tuple[str, float] | None:  # type: ignore[no-untyped-def]
    left, top, right, bottom = box
    crop = image.crop((left - PAD, top - PAD, right + PAD, bottom + PAD))
    crop = crop.resize((crop.width * SCALE, crop.height * SCALE), Image.Resampling.BICUBIC)
    api.SetImage(crop)
    api.SetSourceResolution(dpi * SCALE)
    text = api.GetUTF8Text().strip()
    if not text or any(c.isspace() for c in text):
        return None
    return text, api.MeanTextConf() / 100
