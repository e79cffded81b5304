"""Columns side by side found on a page image, to be read apart (app.pipeline.columns)."""

from PIL import Image, ImageDraw, ImageFont

from app.pipeline import columns

DPI = 200
PAPER = 230
PROSE = "Admitted on the eighth of November, discharged on the tenth; stable at discharge"


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (1700, 1400), PAPER)
    return image, ImageDraw.Draw(image)


def _text(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, size: int = 28) -> None:
    draw.text((x, y), text, fill=0, font=ImageFont.load_default(size=size))


def _body(draw: ImageDraw.ImageDraw, lines: int = 20) -> None:
    """Prose lines across the left of the page, wrapped short of x 1040."""
    for i in range(lines):
        _text(draw, 60, 200 + 45 * i, PROSE[: 72 + i % 5])


def _side(draw: ImageDraw.ImageDraw, first: int, pitch: int) -> None:
    """A column of small labels over their values, right of x 1100."""
    for i in range(10):
        y = first + pitch * i
        _text(draw, 1100, y, "Label", size=18)
        _text(draw, 1100, y + 26, "Value of it")


def test_a_sidebar_beside_prose_is_split_off_at_its_gutter() -> None:
    image, draw = _page()
    header = (
        "11/10/2026 14:45 FAX (517) 695-3143 -> (804) 803-0487  Valle Grande Medical Center  p1/1"
    )
    _text(draw, 60, 60, header)  # across the page, over both columns
    _body(draw, 6)  # a short letter beside a long sidebar
    draw.rectangle((1060, 190, 1062, 1160), fill=20)  # the sidebar's rule
    _side(draw, 213, 92)
    split = columns.find_split(image, DPI)
    assert split is not None
    assert 1000 < split.x < 1100
    assert split.top <= 213 and split.bottom >= 213 + 92 * 9 + 26
    assert split.top > 85  # under the fax header, read across the page above
    boxes = columns.regions(image, DPI)
    assert boxes[:3] == [
        (0, 0, 1700, split.top),
        (0, split.top, split.x, split.bottom),
        (split.x, split.top, 1700, split.bottom),
    ]


def test_a_key_value_table_is_read_across() -> None:
    """Labels left, values right, each value level with its label: one table, no split."""
    image, draw = _page()
    for i in range(20):
        _text(draw, 60, 200 + 45 * i, "Referring Practice:")
        _text(draw, 380, 200 + 45 * i, "St. Luke's Community Clinic")
    assert columns.find_split(image, DPI) is None


def test_a_page_of_prose_alone_is_one_column() -> None:
    image, draw = _page()
    _body(draw)
    assert columns.find_split(image, DPI) is None


def test_a_heading_and_specks_left_of_a_column_of_labels_make_no_column() -> None:
    """Labels set flush right against their values, a section heading alone left of them and
    a fax's specks: the heading is no column of text beside the labels."""
    image, draw = _page()
    labels = ("Provider:", "Individual NPI:", "Referring practice:", "Scheduling phone:", "Fax:")
    for i, label in enumerate(labels * 2):
        y = 300 + 45 * i
        font = ImageFont.load_default(size=28)
        width = int(draw.textlength(label, font=font))
        _text(draw, 530 - width, y, label)
        _text(draw, 538, y, "Kofi Mwangi, DO")
    _text(draw, 60, 300 + 45 * 6, "Referred to")
    for x, y in ((150, 420), (170, 520), (120, 700), (180, 800), (160, 380)):
        draw.rectangle((x, y, x + 2, y + 2), fill=40)  # specks
    assert columns.find_split(image, DPI) is None


def test_a_speck_is_no_line_of_text_beside_a_gutter() -> None:
    """A fax's speck (one cell of ink) counted as a line made a column of a lone heading."""
    import numpy as np

    rows = np.zeros(40, bool)
    rows[3] = True  # a speck
    rows[10:15] = True  # a line of text
    assert len(columns._runs(rows, columns._LINE_CELLS)) == 1
