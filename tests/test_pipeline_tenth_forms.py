"""Forms of the tenth held-out set's kinds, read whatever their wording: rows of cells with
their captions printed under them in type as tall as theirs, a label's words running on into
a name, a number under a town's caption. Pure: word boxes or text in, text or values out."""

from app.pipeline.fields import extract
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.lexicon import is_label
from app.pipeline.layout import arrange
from app.pipeline.lines import Box
from app.pipeline.types import PageText
from models.document import PageType


def line(y: int, height: int, *cells: tuple[int, str]) -> list[Box]:
    """Words of one line of type ``height`` px high: each cell starts at x."""
    boxes = []
    for x, text in cells:
        for word in text.split():
            width = (height * 3 // 5) * len(word)
            boxes.append(Box(word, x, y, x + width, y + height))
            x += width + height // 2
    return boxes


def page(text: str) -> PageText:
    return PageText(number=1, text=text, method="text", page_type=PageType.referral)


def test_rows_of_cells_and_rows_of_captions_in_turn_ending_in_captions_read_upwards() -> None:
    # captions as tall as the values (a "g" and a "y" reach as low as a value's capitals),
    # set as far from the row above as from the row below; a heading over the first row
    words = [
        *line(100, 30, (90, "Referral source")),
        *line(160, 24, (100, "Jo Roe, MD"), (900, "1234567893")),
        *line(220, 24, (100, "Referring physician"), (900, "NPI")),
        *line(280, 24, (100, "Elm Family Practice"), (900, "555-201-0100")),
        *line(340, 24, (100, "Practice"), (900, "Office tel.")),
        *line(420, 24, (90, "Attending physician after admission: the referring physician")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Referral source",
        "Referring physician",
        "Jo Roe, MD",
        "NPI",
        "1234567893",
        "Practice",
        "Elm Family Practice",
        "Office tel.",
        "555-201-0100",
        "Attending physician after admission: the referring physician",
    ]


def test_rows_of_captions_and_values_in_turn_ending_in_values_still_read_downwards() -> None:
    words = [
        *line(160, 24, (100, "Referring physician"), (900, "NPI")),
        *line(220, 24, (100, "Jo Roe, MD"), (900, "1234567893")),
        *line(280, 24, (100, "Practice"), (900, "Office tel.")),
        *line(340, 24, (100, "Elm Family Practice"), (900, "555-201-0100")),
    ]
    assert arrange(words, is_label).split("\n")[:2] == ["Referring physician", "Jo Roe, MD"]


def test_a_labels_words_running_on_into_a_name_or_a_caption_are_no_label() -> None:
    assert find_labels("Health Plan of Nevada  Nov-27-2026") == []
    assert find_labels("Indication for study") == []
    assert find_labels("Reason for referral: knee pain")  # the lexicon's own label
    assert find_labels("Plan  Priority Health")  # a key, a gap, its value


def test_a_payer_named_with_a_labels_words_heads_no_value_of_its_own() -> None:
    e = extract([page("Health Plan of Nevada  Nov-27-2026\nMember ID: HPN39756532\n")])
    assert e.insurance.provider != "of Nevada"


def test_a_number_under_a_towns_caption_is_no_city() -> None:
    e = extract([page("Patient: Ana Rivera\nCity\n628527451\nState / ZIP\nNM 87476\n")])
    assert e.patient.address.city is None


def test_a_bare_label_with_a_note_in_brackets_labels_the_value_under_it() -> None:
    e = extract([page("Ordering clinician (print)\nRosalie K. Galbraith, MD\n")])
    assert e.referrer.provider_name == "Rosalie K. Galbraith"


def test_a_reason_beside_its_label_cut_by_the_paragraphs_wrap_is_not_shown_as_sure() -> None:
    text = (
        "PLEASE SCHEDULE. PT: RIVERA, ANA DOB 01041945 DX Z12.11 REASON: SCREENING\n"
        "COLONOSCOPY, FAMILY HISTORY OF COLON CANCER. PRIORITY ROUTINE.\n"
    )
    e = extract([page(text)])
    assert e.clinical.reason is None or e.confidence["clinical.reason"] < 0.9
