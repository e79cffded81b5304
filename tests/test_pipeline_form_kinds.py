"""Kinds of form layout the reader must handle whatever their wording: captions printed under
their values, values followed by their caption after a dash, a patient's name told by the
birth date after it. Pure: word boxes or text in, text or an extraction out."""

from app.pipeline.fields import extract
from app.pipeline.fields.labels import _caption_after, is_label
from app.pipeline.layout import Box, arrange
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


def test_small_captions_under_values_label_the_values_above_them() -> None:
    words = [
        *line(100, 30, (100, "Okonkwo"), (600, "Adaeze"), (1100, "04/11/1977")),
        *line(140, 20, (100, "Last name"), (600, "First name"), (1100, "Date of birth")),
        *line(200, 30, (100, "41 Birch Road")),
        *line(240, 20, (100, "Street"), (1100, "Phone")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Last name",
        "Okonkwo",
        "First name",
        "Adaeze",
        "Date of birth",
        "04/11/1977",
        "Street",
        "41 Birch Road",
        "Phone",
    ]


def test_small_labels_above_values_still_read_downwards() -> None:
    """The same small type above each value, nearer the value below it: a label over its
    value, not a caption of the value above (a heading, a value of the previous label)."""
    words = [
        *line(100, 30, (100, "ATTENDING PHYSICIAN")),
        *line(150, 20, (100, "Phone")),
        *line(175, 30, (100, "555-201-0100")),
        *line(220, 20, (100, "Fax")),
        *line(245, 30, (100, "555-201-0101")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "ATTENDING PHYSICIAN",
        "Phone",
        "555-201-0100",
        "Fax",
        "555-201-0101",
    ]


def test_captions_in_the_same_type_as_the_values_are_not_captions() -> None:
    words = [
        *line(100, 30, (100, "Okonkwo"), (600, "Adaeze")),
        *line(140, 30, (100, "Last name"), (600, "First name")),
        *line(180, 30, (100, "Okafor"), (600, "Chidi")),
    ]
    assert arrange(words, is_label).split("\n")[:2] == ["Okonkwo  Adaeze", "Last name"]


def test_a_value_then_its_caption_after_a_dash() -> None:
    assert _caption_after("Adaeze Okonkwo - patient") == "patient: Adaeze Okonkwo"
    assert _caption_after("555-201-0100 \u2014 clinic phone 555-201-0101 \u2014 fax") == (
        "clinic phone: 555-201-0100   fax: 555-201-0101"
    )
    # a dash before something that labels nothing, or a label before the dash: as it is
    assert _caption_after("Seen today - follow up in 2 weeks") == (
        "Seen today - follow up in 2 weeks"
    )
    assert _caption_after("Phone - 555-201-0100") == "Phone - 555-201-0100"


def test_a_name_with_a_birth_date_under_it_is_the_patients_after_the_senders_block() -> None:
    text = "\n".join(
        [
            "Northside Family Practice",
            "Referring provider: Dr. Lena Ortiz",
            "Clinic phone: 555-201-0100",
            "Last name",
            "Okonkwo",
            "First name",
            "Adaeze",
            "Date of birth",
            "04/11/1977",
            "Phone",
            "555-301-7788",
            "Reason for referral: chronic knee pain",
        ]
    )
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert (e.patient.first_name, e.patient.last_name) == ("Adaeze", "Okonkwo")
    assert e.patient.phone == "+15553017788"
    assert e.referrer.phone == "+15552010100"
