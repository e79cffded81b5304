"""Doubtful words read again enlarged (app.pipeline.reread), on a drawn form row: small bold
capital labels, as a fax's form prints them, beside values in a larger type."""

import time

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from app.pipeline import ocr, reread

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _row() -> Image.Image:
    image = Image.new("L", (900, 120), 225)
    draw = ImageDraw.Draw(image)
    label, value = ImageFont.truetype(BOLD, 10), ImageFont.truetype(REGULAR, 17)
    for x, text, font in (
        (20, "HOME ADDRESS", label),
        (140, "447 Buckeye Rd", value),
        (600, "PRIORITY", label),
        (680, "Routine", value),
    ):
        draw.text((x, 40 if font is label else 36), text, font=font, fill=40)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def _read(image: Image.Image) -> ocr.OcrResult:
    return ocr.recognize(image, dpi=200, deadline=time.monotonic() + 30)


def test_small_capital_labels_misread_are_read_again_and_mended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = _row()
    mended = _read(image)
    assert "ADDRESS  447 Buckeye Rd" in mended.text
    assert "PRIORITY" in mended.text
    monkeypatch.setattr(reread, "DOUBTFUL", 0.0)  # no second look
    first = _read(image)
    assert "ADDRESS" not in first.text
    assert "PRIORITY" not in first.text
    # a second look mends a word's text, never its confidence
    assert [w.confidence for w in mended.words] == [w.confidence for w in first.words]


def test_a_second_reading_less_sure_than_the_first_is_not_taken() -> None:
    blank = Image.new("L", (200, 60), 225)
    words = [("Ogden", (20, 20, 80, 40), 0.5)]  # nothing there to read again
    assert reread.reread(blank, 200, words) == ["Ogden"]
    assert reread.reread(_row(), 200, [("HOME", (20, 40, 60, 52), 0.9)]) == ["HOME"]


def test_a_second_reading_that_drops_letters_is_not_taken() -> None:
    image = Image.new("L", (300, 80), 225)
    ImageDraw.Draw(image).text((20, 20), "net", font=ImageFont.truetype(REGULAR, 22), fill=40)
    # the box held more than the second look reads ("@att.net" read as "net")
    assert reread.reread(image, 200, [("@att.net", (16, 16, 70, 50), 0.3)]) == ["@att.net"]
    assert reread.reread(image, 200, [("nct", (16, 16, 70, 50), 0.3)]) == ["net"]
