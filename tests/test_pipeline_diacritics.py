"""Accents on scanned names: the second look with the German model, on real rendered faxes."""

import random
import time

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from app.pipeline import diacritics, ocr
from tests.pipeline_samples import typed_pdf

NAMES_HTML = """<html><body style="font-family: Helvetica; font-size: 11pt">
<p>Patient name: Jana {last}</p>
<p>Referring provider: {first} Schmidt, MD</p>
</body></html>"""


def _fax(html: str, seed: int = 3, dpi: int = 200) -> Image.Image:
    """The top of ``html``'s page as a fax delivers it: blurred, tilted, speckled, grey."""
    pdf = pdfium.PdfDocument(typed_pdf(html))
    page = pdf[0]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    page.close()
    pdf.close()
    image = image.crop((0, 0, image.width, image.height // 5))
    rng = random.Random(seed)
    image = image.filter(ImageFilter.GaussianBlur(0.9))
    image = image.rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=255)
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    image = Image.blend(image, noise, 0.08)
    return image.point(lambda v: 20 + 215 * v // 255)


def _words(html: str) -> list[str]:
    result = ocr.recognize(ocr.prepare(_fax(html)), dpi=200, deadline=time.monotonic() + 30)
    return [w.text for w in result.words]


@pytest.mark.parametrize(("first", "last"), [("Björn", "Müller"), ("Jürgen", "Schröder")])
def test_umlauts_in_scanned_names_are_read(first: str, last: str) -> None:
    words = _words(NAMES_HTML.format(first=first, last=last))
    assert last in words
    assert first in words


@pytest.mark.parametrize(("first", "last"), [("Sánchez", "Gómez"), ("Jürgen", "Hernández")])
def test_acute_accents_the_german_model_reads_as_umlauts_are_read_as_acute(
    first: str, last: str
) -> None:
    words = _words(NAMES_HTML.format(first=first, last=last))
    assert last in words
    assert first in words


def test_a_mark_beside_an_i_is_left_off_rather_than_guessed() -> None:
    words = _words(NAMES_HTML.format(first="Pádraig", last="Ramírez"))
    assert "Padraig" in words or "Pádraig" in words
    assert "Ramirez" in words or "Ramírez" in words


def test_names_without_accents_are_left_as_they_are() -> None:
    words = _words(NAMES_HTML.format(first="Bjorn", last="Muller"))
    assert "Muller" in words
    assert "Bjorn" in words


def test_second_look_at_a_word_box_puts_the_mark_back_on_the_english_reading() -> None:
    image = ocr.prepare(_fax(NAMES_HTML.format(first="Dieter", last="Müller")))
    box = _box(image, ("Muller", "Miller", "Müller"))
    assert diacritics.restore(image, 200, [("Muller", box)]) == ["Müller"]
    # Letters the second look reads otherwise are not taken: only marks are.
    assert diacritics.restore(image, 200, [("Mellor", box)]) == ["Mellor"]
    assert len(diacritics.marks_above(_crop(image, box))) == 2  # the ü's two dots


def test_past_the_page_deadline_the_second_look_keeps_the_first_reading() -> None:
    image = ocr.prepare(_fax(NAMES_HTML.format(first="Dieter", last="Müller")))
    box = _box(image, ("Muller", "Miller", "Müller"))
    spent = time.monotonic() - 1
    read = diacritics.restore(image, 200, [("Muller", box)], deadline=spent)
    assert read == ["Muller"]


def test_a_word_without_marks_on_its_picture_keeps_the_english_reading() -> None:
    image = ocr.prepare(_fax(NAMES_HTML.format(first="Dieter", last="Muller")))
    crop = _crop(image, _box(image, ("Muller",)))
    assert diacritics.marks_above(crop) == []
    assert diacritics.settle("Muller", "Müller", crop) == "Muller"


def _box(image: Image.Image, readings: tuple[str, ...]) -> diacritics.Box:
    """Where the English model, reading the whole picture, put one of ``readings``."""
    import tesserocr

    api = ocr._reader()
    api.SetImage(image)
    api.Recognize()
    level = tesserocr.RIL.WORD
    boxes = [
        item.BoundingBox(level)
        for item in tesserocr.iterate_level(api.GetIterator(), level)
        if item.GetUTF8Text(level).strip() in readings
    ]
    api.Clear()
    return boxes[0]


def _crop(image: Image.Image, box: diacritics.Box) -> Image.Image:
    x0, y0, x1, y1 = box
    pad = diacritics.PAD
    return image.crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad))


@pytest.mark.parametrize(
    ("read", "again", "kept"),
    [
        ("Muller", "Müller", "Müller"),
        ("Miller", "Müller", "Müller"),  # English's stand-in for the ü it lacks
        ("Bjorn,", "Björn,", "Björn,"),
        ("Renée", "Renee", "Renée"),  # a mark is never taken away
        ("Lopez", "Lópex", "Lopez"),  # nor a letter changed
        ("Mill", "Müll", "Müll"),
        ("Moll", "Müll", "Moll"),
        ("Muller", "Müler", "Muller"),
        ("Zoé", "Zoë", "Zoë"),  # English's one mark where the letter bears two
        ("Zoé", "Zoö", "Zoë"),  # two dots over the English "é": the German model's "ö"
        ("Zoe", "Zoö", "Zoe"),  # over a bare "e" the German "ö" is another letter
    ],
)
def test_only_added_marks_are_taken(read: str, again: str, kept: str) -> None:
    assert diacritics.with_accents(read, again) == kept


@given(st.text(max_size=12), st.text(max_size=12))
def test_what_is_taken_reads_as_the_first_reading_without_its_marks(read: str, again: str) -> None:
    kept = diacritics.with_accents(read, again)
    assert kept == read or len(kept) == len(read)
    for plain, marked in zip(read, kept, strict=True):
        stand_in = (plain, marked) in (("i", "ü"), ("é", "ë"))
        assert marked == plain or diacritics.bare(marked) == plain or stand_in


@pytest.mark.parametrize(
    ("word", "worth"),
    [("Müller", True), ("Ramirez,", True), ("O'Brien", True), ("Ruiz-Lopez.", True),
     ("müller", False), ("12/03", False), ("A.", False), ("NPI:1234", False)],
)  # fmt: skip
def test_capitalised_words_of_letters_get_a_second_look(word: str, worth: bool) -> None:
    assert diacritics.worth_a_look(word) is worth


def _word_picture(marks: list[tuple[int, int, int, int]]) -> Image.Image:
    """Three letters as ink blocks (the last one short, like an "e"), marks drawn above it."""
    from PIL import ImageDraw

    picture = Image.new("L", (60, 40), 255)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((4, 8, 14, 34), fill=0)  # "Z"
    draw.rectangle((20, 18, 30, 34), fill=0)  # "o"
    draw.rectangle((36, 18, 46, 34), fill=0)  # "e"
    for box in marks:
        draw.rectangle(box, fill=0)
    return picture


def test_two_dots_over_the_english_readings_e_acute_make_it_e_diaeresis() -> None:
    two_dots = _word_picture([(37, 12, 38, 13), (43, 12, 44, 13)])
    assert diacritics.settle("Zoé", "Zoë", two_dots) == "Zoë"
    one_stroke = _word_picture([(40, 10, 41, 14)])
    assert diacritics.settle("Zoé", "Zoë", one_stroke) == "Zoé"  # the English reading stands


@pytest.mark.parametrize(
    ("read", "again", "plain"),
    [
        ("Miiller,", "Müller,", "Muller,"),  # a ü's two dots read as two i's
        ("Hawaii", "Hawai", "Hawaii"),  # no ü read there: as read
        ("Miiller", "Möller", "Miiller"),
        ("Kiiri", "Küra", "Kiiri"),  # other letters differ: as read
    ],
)
def test_an_ii_the_second_model_reads_as_u_umlaut_is_a_u(read: str, again: str, plain: str) -> None:
    assert diacritics._without_split_umlaut(read, again) == plain


def _mark(slant: float, *, over_stem: bool = True, top: int = 2, left: int = 10) -> diacritics.Mark:
    return diacritics.Mark(
        height=3, width=3, share=0.2, over_stem=over_stem, slant=slant, top=top, left=left
    )


@pytest.mark.parametrize(
    ("read", "slants", "kept"),
    [
        ("Ramirez", [1.0], "Ramírez"),  # a stroke leaning right over the i's stem
        ("Ramirez", [0.0], "Ramirez"),  # a dot: its halves one over the other
        ("Garcia", [0.2], "Garcia"),
        ("Patricia", [1.0, 0.0], "Patrícia"),  # each i's mark on its own
        ("Olivia", [1.0], "Olivia"),  # two i's, one mark: which one is unknown
        ("RAMIREZ", [1.0], "RAMÍREZ"),  # an I has no dot: a leaning stroke is its accent
        ("RAMIREZ", [0.0], "RAMIREZ"),
    ],
)
def test_an_acute_over_an_i_is_read_from_its_lean(
    read: str, slants: list[float], kept: str
) -> None:
    marks = [_mark(s, left=10 * n) for n, s in enumerate(slants)]
    assert diacritics.from_the_picture(read, marks) == kept


def test_two_level_dots_over_an_e_acute_make_it_e_diaeresis_without_the_second_model() -> None:
    level = [_mark(0, over_stem=False, left=30), _mark(0, over_stem=False, left=36)]
    assert diacritics.from_the_picture("Zoé", level) == "Zoë"
    broken_stroke = [_mark(0, over_stem=False, left=30, top=5), _mark(0, over_stem=False, left=33)]
    assert diacritics.from_the_picture("Zoé", broken_stroke) == "Zoé"


@pytest.mark.parametrize("bold", [False, True])
def test_english_words_with_dotted_is_gain_no_acute(bold: bool) -> None:
    words = "Patient Referring Specialists Capital Medicine Clinic William"
    html = f"<p>{'<b>' if bold else ''}{words}{'</b>' if bold else ''}</p>"
    read = _words(NAMES_HTML.format(first="Dieter", last="Muller") + html)
    assert not any("í" in w or "Í" in w for w in read)


def test_a_scanned_i_acute_is_read_from_its_stroke() -> None:
    read = _words(NAMES_HTML.format(first="Lucía", last="Ramírez"))
    assert "Lucía" in read
    assert "Ramírez" in read or "Ramirez" in read  # a stroke not seen to lean: left off


def _padraig(mark_over: int) -> Image.Image:
    """ "Padraig" as ink blocks ten pixels apart, its i's stem without its dot (the fax lost
    it), one small stroke drawn over the letter at ``mark_over``."""
    from PIL import ImageDraw

    pad = diacritics.PAD
    picture = Image.new("L", (2 * pad + 70, 40), 255)
    draw = ImageDraw.Draw(picture)
    for at, letter in enumerate("Padraig"):
        x = pad + 10 * at
        top = 8 if letter in "Pd" else 20
        right = x + 3 if letter == "i" else x + 8
        draw.rectangle((x + 1, top, right, 32), fill=0)
    x = pad + 10 * mark_over + 4
    draw.rectangle((x, 14, x + 1, 16), fill=0)
    return picture


def test_a_stroke_over_the_marked_letter_is_its_acute_where_the_is_dot_was_lost() -> None:
    assert diacritics.settle("Padraig", "Pädraig", _padraig(1)) == "Pádraig"
    # a stroke over another letter than the one the second model marked says nothing
    assert diacritics.settle("Padraig", "Pädraig", _padraig(4)) == "Padraig"


def _capitals(
    letters: int, mark: tuple[int, int, int, int] | None, *, lean: int = 0
) -> Image.Image:
    """A capitals word as a fax draws it: flat-topped letters 10 px wide and 4 apart between
    3 px of paper, and a mark (x, y, width, height) touching the letter under it, its upper
    half ``lean`` px right of its lower half."""
    from PIL import ImageDraw

    image = Image.new("L", (6 + 14 * letters - 4, 30), 235)
    draw = ImageDraw.Draw(image)
    for n in range(letters):
        draw.rectangle((3 + 14 * n, 8, 12 + 14 * n, 25), fill=40)
    if mark is not None:
        x, y, w, h = mark
        half = h // 2
        draw.rectangle((x + lean, y, x + lean + w - 1, y + half - 1), fill=90)
        draw.rectangle((x, y + half, x + w - 1, y + h - 1), fill=90)
    return image


@pytest.mark.parametrize(
    ("mark", "lean", "kept"),
    [
        ((32, 5, 7, 3), 0, "BJÖRN"),  # a level smudge across the O: two dots run together
        ((35, 2, 3, 6), 1, "BJÓRN"),  # one stroke taller than wide, leaning right: an acute
        ((35, 2, 3, 6), 0, "BJORN"),  # an upright bar: neither clearly, left as read
        ((31, 4, 7, 4), 2, "BJÓRN"),  # wider than tall but leaning steeply: an acute
        ((31, 4, 7, 4), 0, "BJÖRN"),  # as wide, standing level: two dots
        ((36, 2, 2, 2), 0, "BJÖRN"),  # a dot floating over the letter: not an acute
        (None, 0, "BJORN"),  # no ink above the cap line: the second model's dots are its own
        ((4, 5, 7, 3), 0, "BJORN"),  # ink over the B, not the letter the second model marked
    ],
)
def test_a_capitals_accent_touching_its_letter_is_read_from_the_ink_above_the_cap_line(
    mark: tuple[int, int, int, int] | None, lean: int, kept: str
) -> None:
    crop = _capitals(5, mark, lean=lean)
    rises = diacritics.raised_above_capitals(crop)
    assert diacritics.over_capitals("BJORN", "BJÖRN", rises, crop.width) == kept
    assert diacritics.settle("BJORN", "BJÖRN", crop) == kept


def test_a_stroke_over_the_one_capital_i_is_its_acute() -> None:
    stroke = _capitals(7, (3 + 14 * 3 + 4, 2, 3, 6), lean=1)  # over the I of RAMIREZ
    assert diacritics._second_look("RAMIREZ", None, stroke) == "RAMÍREZ"
    smudge = _capitals(7, (3 + 14 * 3 + 1, 5, 8, 3))  # a level smudge: not an I's accent
    assert diacritics._second_look("RAMIREZ", None, smudge) == "RAMIREZ"
    assert diacritics._second_look("RAMIREZ", None, _capitals(7, None)) == "RAMIREZ"
    upright = _capitals(7, (3 + 14 * 3 + 4, 2, 3, 6))  # a bar standing up: no accent's lean
    assert diacritics._second_look("RAMIREZ", None, upright) == "RAMIREZ"


def test_a_u_umlauts_dots_run_into_one_over_the_bowl_english_read_as_an_i_make_it_u() -> None:
    # "Miller" where the German model reads "Müller": the mark stands over a bowl, not a stem
    over_bowl = _word_picture([(37, 12, 44, 13)])
    assert diacritics.settle("Zoi", "Zoü", over_bowl) == "Zoü"
    assert diacritics.settle("Zoi", "Zoü", _word_picture([])) == "Zoi"  # no mark: English's
    from PIL import ImageDraw

    over_stem = _word_picture([])  # a real "i": its dot over a narrow stem
    draw = ImageDraw.Draw(over_stem)
    draw.rectangle((36, 18, 46, 34), fill=255)
    draw.rectangle((40, 18, 42, 34), fill=0)
    draw.rectangle((40, 13, 42, 15), fill=0)
    assert diacritics.settle("Zoi", "Zoü", over_stem) == "Zoi"
