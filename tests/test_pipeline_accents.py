"""A name's accents taken from the packet's other readings of it (no OCR, no database)."""

import pytest

from app.pipeline.fields import extract
from app.pipeline.fields.accents import adds_marks, with_packet_accents
from app.pipeline.types import PageText, Word
from models.document import PageType


def ocr_page(text: str, number: int, page_type: PageType = PageType.referral) -> PageText:
    words = tuple(Word(w, 0.9) for w in text.split())
    return PageText(number, text, "ocr", 0.9, words, page_type)


@pytest.mark.parametrize(
    ("word", "reading", "marked"),
    [
        ("Padraig", "PÁDRAIG", "Pádraig"),  # the word's case, the reading's marks
        ("Hernandez", "Hernández", "Hernández"),
        ("Zoé", "Zoë", None),  # a mark changed, not added: which is right is unknown
        ("Bjérn", "BJÖRN", "Björn"),  # English's "é" for a marked vowel it cannot read
        ("Bjérn", "BJORN", None),  # no mark there: the letter is in doubt, not its mark
        ("Bjérn", "Bjïrn", None),  # a marked i is no vowel English reads as "é"
        ("Miller", "Müller", "Müller"),  # English's "i" for a "ü", its dots taken for a dot
        ("Miller", "Möller", None),
        ("Müller", "Muller", None),  # a mark taken away
        ("Hernandez", "Fernández", None),  # another name
        ("Lee", "Lees", None),
    ],
)
def test_adds_marks_only_where_the_reading_adds_marks_to_the_same_letters(
    word: str, reading: str, marked: str | None
) -> None:
    assert adds_marks(word, reading) == marked


def test_a_word_takes_the_commonest_marked_reading_and_a_tie_leaves_it() -> None:
    pages = [ocr_page("RE: Ruiz-López Ruiz-López Ruiz-Lopéz", 1)]
    assert with_packet_accents("Ana Ruiz-Lopez", pages) == "Ana Ruiz-López"
    tie = [ocr_page("RE: Ruiz-López Ruiz-Lopéz", 1)]
    assert with_packet_accents("Ana Ruiz-Lopez", tie) == "Ana Ruiz-Lopez"


def test_a_name_read_without_its_accents_takes_them_from_another_page() -> None:
    cover = ocr_page(
        "FAX\nFrom: Mei Doe\nRE: Referral - Pádraig Hernández\n", 1, PageType.cover_sheet
    )
    referral = ocr_page("Patient Name: Padraig Hernandez\nDOB: 01/02/1980\n", 2)
    e = extract([cover, referral])
    assert (e.patient.first_name, e.patient.last_name) == ("Pádraig", "Hernández")
    assert extract([referral]).patient.last_name == "Hernandez"  # no other reading: as read
