"""A "ç" neither OCR model knows, read from the ink below the baseline under its letter."""

import pytest
from PIL import Image, ImageDraw

from app.pipeline import cedilla
from tests.test_pipeline_diacritics import NAMES_HTML, _words

PAD = 3


def _word(letters: int, hanging: list[tuple[int, int]], *, pitch: int = 10) -> Image.Image:
    """``letters`` ink blocks standing on one baseline, with a blot hanging below it under
    each letter listed in ``hanging`` (index, width in pixels)."""
    picture = Image.new("L", (2 * PAD + letters * pitch, 34), 255)
    draw = ImageDraw.Draw(picture)
    for n in range(letters):
        x = PAD + n * pitch
        draw.rectangle((x + 1, 8, x + pitch - 2, 24), fill=0)
    for at, width in hanging:
        x = PAD + at * pitch + (pitch - width) // 2
        draw.rectangle((x, 27, x + width - 1, 30), fill=0)
    return picture


@pytest.mark.parametrize(
    ("read", "again", "hanging", "kept"),
    [
        ("Francois", None, [(4, 3)], "François"),
        ("FRANCOIS", "FRANCOIS", [(4, 3)], "FRANÇOIS"),
        ("Frangois", "Francois", [(4, 3)], "François"),  # one model read its tail as a g's
        ("Francois", "Frangois", [(4, 3)], "François"),
        ("Frangois", "Frangois", [(4, 3)], "Frangois"),  # a g both read stays a g
        ("Francois", None, [], "Francois"),  # nothing below: a c
        ("Francis,", None, [(7, 2)], "Francis,"),  # a comma's tail, under no c
        ("Francois", None, [(4, 3), (7, 2)], "François"),
        ("Lucy", None, [(2, 4)], "Lucy"),  # a y's tail beside the c may be the y's
        ("Francois", None, [(4, 30)], "Francois"),  # an underline, not a mark
        ("Marcos", None, [(4, 3)], "Marcos"),  # a speck under the letter after the c
    ],
)
def test_ink_below_a_c_is_its_cedilla(
    read: str, again: str | None, hanging: list[tuple[int, int]], kept: str
) -> None:
    picture = _word(len(read), hanging)
    assert cedilla.with_cedilla(read, again, picture, pad=PAD) == kept


def test_a_speck_below_the_line_is_no_cedilla() -> None:
    picture = _word(8, [])
    ImageDraw.Draw(picture).point((PAD + 45, 29), fill=0)
    assert cedilla.ink_below_baseline(picture) == []
    assert cedilla.with_cedilla("Francois", None, picture, pad=PAD) == "Francois"


@pytest.mark.parametrize("font", ["Helvetica", "Courier"])
def test_a_scanned_c_cedilla_is_read(font: str) -> None:
    html = NAMES_HTML.format(first="François", last="Gonçalves").replace("Helvetica", font)
    read = _words(html + "<p>FRANÇOIS Francis Cecil Craig Lucy Jacqueline</p>")
    assert "Gonçalves" in read
    assert "FRANÇOIS" in read
    # where both models read the cedilla's letter as a "g", it stays one: not guessed
    assert "François" in read or "Frangois" in read
    assert {"Francis", "Cecil", "Craig", "Lucy", "Jacqueline"} <= set(read)
