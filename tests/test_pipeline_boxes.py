"""Hand-ticked boxes as OCR reads them (``fields.boxes``), through the field readers."""

import pytest

from app.pipeline.fields.sex import read_sex
from app.pipeline.fields.urgency import read_urgency
from models.extraction import Sex, Urgency


@pytest.mark.parametrize(
    ("row", "sex"),
    [
        ("[ ] Male x Female [ ]X [ ] Unknown", Sex.F),  # the tick read as an x before the word
        ("[ ] Male Female {}]X [ ] Unknown", Sex.F),  # the box lost under the stroke
        ("[X] Male [ ] Female", Sex.M),  # typed
        ("{ ] Male JS Female [1X [] Unknown", None),  # two boxes that are not empty: no guess
        ("[ ] Male [ ] Female [ ] Unknown", None),  # nothing ticked
    ],
)
def test_the_one_box_that_is_not_empty_is_the_ticked_sex(row: str, sex: Sex | None) -> None:
    assert read_sex(row) == sex


@pytest.mark.parametrize(
    ("row", "urgency"),
    [
        ("{ ] Emergent [ ] ASAP [J Routine (2-4 weeks)", Urgency.routine),
        ("[ ] STAT [X] Urgent [ ] Routine", Urgency.urgent),
        ("[ ] STAT [ ] Urgent [ ] Routine", None),
        ("JS STAT [ ] Urgent [J Routine", None),
        # how soon, in brackets after an option's word, is that option's: no box before it
        ("[ ] Routine (2-4 weeks) [ ] Urgent (within 1 week) [ ] STAT (call us)", None),
        ("[ ] Routine (2-4 weeks) [ ] Urgent (within 1 week) [X] STAT (call us)", Urgency.stat),
    ],
)
def test_the_one_box_that_is_not_empty_is_the_ticked_urgency(
    row: str, urgency: Urgency | None
) -> None:
    assert read_urgency(row)[0] == urgency


def test_a_tick_read_as_letters_glued_to_its_option_is_still_the_odd_one() -> None:
    assert read_urgency("[ ]Emergent [ ] ASAP D<fRoutine (2-4 weeks)")[0] == Urgency.routine


def test_a_tick_read_as_a_capital_glued_to_its_sex_option_is_the_odd_one() -> None:
    assert read_sex("i /AMale [ ]Female [ ]X [ ] Unknown") == Sex.M


@pytest.mark.parametrize(
    ("row", "sex"),
    [
        ("i Amate [ ] Female [ ]X [ ] Unknown", Sex.M),  # "Male" under the tick, one letter off
        ("S<1Mate [ ]Female []X [ ] Unknown  +1 609 453 5123", Sex.M),  # the tick glued on
        ("[ ] Male [ ] Female [ ] Unknown", None),  # every option read: nothing to mend
        ("[ ] Male [ ] Female Mate [ ] Unknown", None),  # "Male" is there: "Mate" is no option
        ("i Amate", None),  # no box: no row of options
    ],
)
def test_an_option_word_a_tick_garbled_is_read_as_the_option_the_row_lacks(
    row: str, sex: Sex | None
) -> None:
    from app.pipeline.fields.sex import read_crossed_sex

    assert read_crossed_sex(row) == sex


def test_a_sex_read_from_a_garbled_option_is_scored_in_doubt() -> None:
    from app.pipeline.fields import extract
    from app.pipeline.types import PageText, Word
    from models.document import PageType

    text = "Patient\nLAST NAME\nBell\nSEX\ni Amate [ ] Female [ ]X [ ] Unknown\n"
    words = tuple(Word(w, 0.96) for w in text.split())
    got = extract([PageText(1, text, "ocr", 0.96, words, PageType.referral)])
    assert got.patient.sex == Sex.M
    assert got.confidence["patient.sex"] < 0.9


def test_an_urgency_read_from_a_row_of_boxes_whose_ticks_ocr_lost_is_in_doubt() -> None:
    from app.pipeline.fields import extract
    from app.pipeline.types import PageText, Word
    from models.document import PageType

    def urgency(line: str) -> tuple[Urgency | None, float]:
        text = f"Patient\nName: Ann Bell\n{line}\n"
        words = tuple(Word(w, 0.96) for w in text.split())
        got = extract([PageText(1, text, "ocr", 0.96, words, PageType.referral)])
        return got.clinical.urgency, got.confidence["clinical.urgency"]

    found, confidence = urgency("Urgency: [ Peasy  eer ] Emergent")  # the tick's row garbled
    assert found == Urgency.stat and confidence < 0.9
    found, confidence = urgency("Urgency: Emergent")  # said, no boxes: as sure as before
    assert found == Urgency.stat and confidence >= 0.9


def test_an_urgency_whose_only_odd_box_is_half_a_box_is_in_doubt() -> None:
    from app.pipeline.fields import extract
    from app.pipeline.types import PageText, Word
    from models.document import PageType

    def urgency(line: str) -> tuple[Urgency | None, float]:
        text = f"Patient\nName: Ann Bell\n{line}\n"
        words = tuple(Word(w, 0.96) for w in text.split())
        got = extract([PageText(1, text, "ocr", 0.96, words, PageType.referral)])
        return got.clinical.urgency, got.confidence["clinical.urgency"]

    # OCR lost the left half of an empty box as a tick might have: a guess
    found, confidence = urgency("gency.  ] Routine (2-4 weeks) [ ] Urgent [ ] STAT")
    assert found == Urgency.routine and confidence < 0.9
    # a stroke where the box was: as sure as before
    found, confidence = urgency("Urgency: JX Routine (2-4 weeks) [ ] Urgent [ ] STAT")
    assert found == Urgency.routine and confidence >= 0.9


def test_an_urgency_option_alone_after_a_box_read_as_a_bar_and_a_letter_is_in_doubt() -> None:
    from app.pipeline.fields import extract
    from app.pipeline.types import PageText, Word
    from models.document import PageType

    text = "Patient\nName: Ann Bell\nUrgency: | J Routine (2-4 weeks)\n"
    words = tuple(Word(w, 0.96) for w in text.split())
    got = extract([PageText(1, text, "ocr", 0.96, words, PageType.referral)])
    # the row's other options went elsewhere: this one's box may be empty
    assert got.confidence["clinical.urgency"] < 0.9
