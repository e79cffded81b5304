"""A PDF page's own text layer, and whether it is good enough to stand in for OCR.

The layer's own order is the order the page was drawn in: a table comes out row by row with
its cells run together by single spaces, and a cell that wraps breaks the row
("Street 8556 W Jefferson" / "St" / "City/State/ZIP Tulsa, OK"). So the layer is read the
way OCR'd words are (``layout.arrange``): the words with their boxes, put in reading order by
where they stand, cells apart.
"""

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.pipeline.fields.lexicon import is_label, is_party
from app.pipeline.layout import arrange
from app.pipeline.lines import Box

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_WORD = re.compile(r"[A-Za-z]{2,}")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
# A "word" that is a dot leader or a blank to fill in ("Name ........ Jane", "Name ____"):
# no word at all, and set apart from the line it leads along it is read as a line of its own.
_LEADER = re.compile(r"[._\u2026\u00b7\-]{3,}")
_DASHES = re.compile(r"-{2,}")

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


# Points to the integer units of a word box: 4 per point, about 288 dpi.
_SCALE = 4
_SPACES = frozenset(" \t\r\n\u00a0\u2002\u2003\u2009")


def text_layer(page: pdfium.PdfPage) -> TextLayer:
    textpage = page.get_textpage()
    try:
        text = clean(textpage.get_text_range())
        usable = is_readable(text) and not _is_scan(page, text)
        # the words' boxes only for a layer that stands in for OCR: a scan is read again
        boxes = words(textpage, page.get_height()) if usable else []
        # a printout's dashes under its column captions say where its columns are
        rules = [box for box in boxes if _DASHES.fullmatch(box.text)]
        leaders = [box for box in boxes if _LEADER.fullmatch(box.text) and box not in rules]
        boxes = [box for box in boxes if not (box in leaders or box in rules)]
    finally:
        textpage.close()
    if boxes:
        text = clean(arrange(boxes, is_label, is_party, rules, leaders))
    return TextLayer(text=text, usable=usable)


def words(textpage: pdfium.PdfTextPage, page_height: float) -> list[Box]:
    """The layer's words with their boxes, top left origin, in drawing order.

    A word ends at a space (pdfium writes one where the glyphs leave a gap) and where the next
    glyph does not follow on the same line (a cell's text drawn after its neighbour's).
    """
    found: list[Box] = []
    chars: list[str] = []
    left = top = right = bottom = 0.0

    def flush() -> None:
        if chars:
            found.append(
                Box(
                    "".join(chars),
                    round(left * _SCALE),
                    round((page_height - top) * _SCALE),
                    round(right * _SCALE),
                    round((page_height - bottom) * _SCALE),
                )
            )
            chars.clear()

    raw = textpage.raw
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        if char in _SPACES or not char.isprintable():
            flush()
            continue
        # across, the glyph's advance (a monospace space is as wide as a letter); up and
        # down, its ink, as OCR measures a word
        x0, loose_bottom, x1, loose_top = textpage.get_charbox(index, loose=True)
        _, y0, _, y1 = textpage.get_charbox(index)
        if char == "_":
            # its ink lies under the letters' ("ambrose_dellorto8@…"): it stands on the line
            y0, y1 = loose_bottom, loose_top
        if chars:
            height = max(top - bottom, 1.0)
            # another line: behind the word, or beside it in no part (a comma hangs below the
            # letters but still beside them)
            if x0 - right > height or x0 < left or y1 < bottom or y0 > top:
                flush()
        if not chars:
            left, bottom, right, top = x0, y0, x1, y1
        else:
            left, bottom = min(left, x0), min(bottom, y0)
            right, top = max(right, x1), max(top, y1)
        chars.append(char)
    flush()
    return found


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
