"""A form's vertical box rules painted over and its combs' letters set as words before OCR
(app.pipeline.rules), on drawn pages."""

import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.pipeline import ocr, rules

DPI = 200
PAPER = 230
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (1000, 300), PAPER)
    return image, ImageDraw.Draw(image)


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return int((np.asarray(image.crop(box)) < 128).sum())


def _comb(draw: ImageDraw.ImageDraw, x0: int, y: int, letters: str) -> None:
    """One letter a cell, 26 px apart, in a box 44 px tall (0.22 in)."""
    font = ImageFont.truetype(SERIF, 24)
    draw.line((x0, y, x0 + 26 * len(letters), y), fill=20, width=2)
    draw.line((x0, y + 44, x0 + 26 * len(letters), y + 44), fill=20, width=2)
    for i in range(len(letters) + 1):
        draw.line((x0 + 26 * i, y, x0 + 26 * i, y + 44), fill=20, width=2)
    for i, letter in enumerate(letters):
        draw.text((x0 + 26 * i + 6, y + 8), letter, font=font, fill=20)


def test_a_comb_reads_as_the_word_its_cells_spell() -> None:
    image, draw = _page()
    draw.text((20, 120), "Member ID", font=ImageFont.truetype(SERIF, 20), fill=20)
    _comb(draw, 200, 110, "PHC6575431")
    cleared = rules.clear(image, DPI)
    read = ocr.recognize(cleared, dpi=DPI, deadline=time.monotonic() + 30)
    assert "Member ID PHC6575431" in " ".join(read.text.split())
    as_drawn = ocr.recognize(image, dpi=DPI, deadline=time.monotonic() + 30)
    assert "PHC6575431" not in as_drawn.text.replace(" ", "")


def test_a_box_rule_beside_a_label_goes_and_the_label_stays() -> None:
    image, draw = _page()
    draw.rectangle((100, 100, 600, 144), outline=20, width=2)
    draw.line((300, 100, 300, 144), fill=20, width=2)
    draw.text((306, 110), "GROUP NO.", font=ImageFont.truetype(SERIF, 14), fill=20)
    cleared = rules.clear(image, DPI)
    assert _ink(cleared, (296, 104, 304, 140)) == 0
    assert _ink(cleared, (306, 105, 420, 140)) == _ink(image, (306, 105, 420, 140)) > 0


def test_a_tall_stem_on_an_underline_and_a_lone_bar_stay() -> None:
    image, draw = _page()
    draw.line((100, 150, 500, 150), fill=20, width=2)  # an underline for a written value
    draw.line((200, 100, 200, 150), fill=20, width=3)  # a stem standing on it
    draw.line((700, 60, 700, 200), fill=20, width=2)  # a bar joining no line
    assert np.array_equal(np.asarray(rules.clear(image, DPI)), np.asarray(image))
