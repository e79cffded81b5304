"""A PDF page's own text layer, and whether it is good enough to stand in for OCR."""

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_WORD = re.compile(r"[A-Za-z]{2,}")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")

# Fewer letters than this and the layer is a stamp or a page number, not the page's text.
MIN_LETTERS = 20
# A page mostly covered by an image and with less text than this is a scan carrying a
# small typed overlay (a fax server's header, a Bates number): read the picture instead.
SCAN_TEXT_LETTERS = 200
SCAN_COVERAGE = 0.5


@dataclass(frozen=True)
class TextLayer:
    text: str
    usable: bool


def text_layer(page: pdfium.PdfPage) -> TextLayer:
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_range()
    finally:
        textpage.close()
    text = clean(raw)
    return TextLayer(text=text, usable=is_readable(text) and not _is_scan(page, text))


def clean(raw: str) -> str:
    """Unix line breaks, no trailing spaces, at most one blank line in a row."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = text.replace("\ufffe", "").replace("\x02", "-")  # pdfium's soft hyphen marker
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    return _BLANK_RUNS.sub("\n\n", text).strip()


def is_readable(text: str) -> bool:
    """Enough letters, and words rather than the glyph soup of a font without a Unicode map."""
    letters = sum(c.isalpha() for c in text)
    if letters < MIN_LETTERS:
        return False
    printable = sum(c.isprintable() or c in "\n\t" for c in text)
    if printable < 0.95 * len(text):
        return False
    words = _WORD.findall(text)
    if not words:
        return False
    voweled = sum(1 for w in words if _VOWEL.search(w))
    return voweled >= 0.6 * len(words)


def _is_scan(page: pdfium.PdfPage, text: str) -> bool:
    if sum(c.isalpha() for c in text) >= SCAN_TEXT_LETTERS:
        return False
    width, height = page.get_size()
    area = max(width * height, 1.0)
    covered = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return covered / area >= SCAN_COVERAGE
