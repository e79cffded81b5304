"""Dot leaders and rule lines painted over before OCR (app.pipeline.leaders), on drawn pages."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from app.pipeline import leaders
from app.pipeline.read import read_page

DPI = 200
PAPER = 230


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (1000, 300), PAPER)
    return image, ImageDraw.Draw(image)


def _dots(draw: ImageDraw.ImageDraw, x0: int, y: int, count: int, pitch: int) -> None:
    for i in range(count):
        x = x0 + i * pitch
        draw.rectangle((x, y, x + 2, y + 2), fill=20)


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return int((np.asarray(image.crop(box)) < 128).sum())


def _word(draw: ImageDraw.ImageDraw, x: int, y: int, text: str) -> None:
    draw.text((x, y), text, fill=0, font=ImageFont.load_default(size=28))


def test_a_leader_between_label_and_value_goes_and_the_words_stay() -> None:
    image, draw = _page()
    _word(draw, 20, 40, "Name")
    _dots(draw, 120, 64, 20, 14)
    _word(draw, 420, 40, "Smith")
    cleared = leaders.clear(image, DPI)
    assert _ink(cleared, (115, 55, 400, 75)) == 0
    assert _ink(cleared, (0, 30, 110, 80)) == _ink(image, (0, 30, 110, 80)) > 0
    assert _ink(cleared, (410, 30, 600, 80)) == _ink(image, (410, 30, 600, 80)) > 0


def test_a_few_dots_an_uneven_row_or_a_dot_among_letters_stay() -> None:
    image, draw = _page()
    _dots(draw, 100, 60, 3, 14)  # an ellipsis
    for x in (100, 130, 190, 200, 290):  # specks, not evenly spaced
        draw.rectangle((x, 150, x + 2, 152), fill=20)
    _word(draw, 20, 200, "A.B.C.D.E.F")  # full stops with letters between them
    cleared = leaders.clear(image, DPI)
    assert np.array_equal(np.asarray(cleared), np.asarray(image))


def test_rules_and_bars_stay() -> None:
    image, draw = _page()
    draw.rectangle((100, 100, 700, 102), fill=10)  # a thin rule
    draw.rectangle((100, 150, 800, 180), fill=180)  # a shaded heading bar
    draw.rectangle((100, 200, 140, 201), fill=10)  # a dash
    assert np.array_equal(np.asarray(leaders.clear(image, DPI)), np.asarray(image))


def test_letters_broken_into_pieces_are_not_a_leader() -> None:
    image, draw = _page()
    # evenly spaced specks with more ink over each: the pieces of a faint word's letters
    for i in range(8):
        x = 100 + i * 14
        draw.rectangle((x, 120, x + 2, 122), fill=20)
        draw.rectangle((x, 108, x + 1, 113), fill=20)
    assert np.array_equal(np.asarray(leaders.clear(image, DPI)), np.asarray(image))


def test_sizes_scale_with_resolution() -> None:
    image, draw = _page()
    # dots 14 px apart are a leader at 100 dpi (0.14 in) and at 200; the same dots 8 px
    # wide are too big for full stops at 200 dpi but not at 400
    _dots(draw, 100, 60, 10, 14)
    for dpi in (100, 200):
        assert _ink(leaders.clear(image, dpi), (95, 55, 320, 70)) == 0
    big, pen = _page()
    for i in range(10):
        pen.rectangle((100 + i * 40, 60, 107 + i * 40, 67), fill=20)
    assert _ink(leaders.clear(big, 200), (95, 55, 520, 75)) > 0
    assert _ink(leaders.clear(big, 400), (95, 55, 520, 75)) == 0


def test_a_blank_page_comes_back_as_it_was() -> None:
    image = Image.new("L", (400, 400), 255)
    assert leaders.clear(image, DPI) is image


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="greyscale"):
        leaders.clear(Image.new("RGB", (10, 10)), DPI)
    with pytest.raises(ValueError, match="dpi"):
        leaders.clear(Image.new("L", (10, 10)), 0)


def _dashes(draw: ImageDraw.ImageDraw, x0: int, y: int, count: int) -> None:
    # "-" printed in a monospaced font at 200 dpi: 8 px long, 3 thick, 13 px apart
    for i in range(count):
        x = x0 + i * 13
        draw.rectangle((x, y, x + 7, y + 2), fill=20)


def test_a_dashed_rule_under_captions_goes_and_the_captions_stay() -> None:
    image, draw = _page()
    _word(draw, 20, 40, "NAME")
    _word(draw, 300, 40, "ST")
    _dashes(draw, 20, 90, 16)  # "----------------" under the first caption
    _dashes(draw, 300, 90, 2)  # "--" under a two-letter one
    cleared = leaders.clear(image, DPI)
    assert _ink(cleared, (15, 85, 340, 100)) == 0
    assert _ink(cleared, (0, 30, 340, 80)) == _ink(image, (0, 30, 340, 80)) > 0


def test_hyphens_among_digits_and_a_lone_dash_stay() -> None:
    image, draw = _page()
    _word(draw, 20, 40, "555-201-3344 1-2-3-4")
    _dashes(draw, 600, 60, 1)
    assert np.array_equal(np.asarray(leaders.clear(image, DPI)), np.asarray(image))


def test_where_each_leader_ran_is_kept_for_the_reading_order() -> None:
    image, draw = _page()
    _word(draw, 20, 40, "Name")
    _dots(draw, 120, 64, 20, 14)
    _word(draw, 420, 40, "Smith")
    cleared, found = leaders.clear_and_find(image, DPI)
    assert _ink(cleared, (115, 55, 400, 75)) == 0
    assert [(b.x0, b.x1) for b in found] == [(120, 120 + 19 * 14 + 3)]  # first to last dot
    assert found[0].y0 <= 65 <= found[0].y1


def test_a_scanned_value_led_to_its_label_on_the_right_reads_label_first() -> None:
    # "ROE, JANE ........ Patient" on a 200-dpi scan: the dots are gone before OCR, but where
    # they ran still pairs each value with its label
    image = Image.new("L", (1700, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    rows = [("ROE, JANE", "Patient"), ("03/04/1961", "Date of birth"), ("F", "Sex")]
    for i, (value, label) in enumerate(rows):
        y = 100 + i * 60
        draw.text((100, y), value, fill=0, font=font)
        _dots(draw, round(120 + draw.textlength(value, font=font)), y + 30, 40, 17)
        draw.text((1000, y), label, fill=0, font=font)
    data = io.BytesIO()
    image.save(data, format="PNG", dpi=(DPI, DPI))
    text = read_page(data.getvalue(), "image/png", 0, number=1).text
    assert text.split("\n") == ["Patient  ROE, JANE", "Date of birth  03/04/1961", "Sex  F"]
