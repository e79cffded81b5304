"""Header rows OCR read as one line of labels over one line of values, cells apart by gaps."""

from app.pipeline.fields import extract
from app.pipeline.fields.label_find import header_row
from tests.test_pipeline_fields import ocr_page


def test_surname_and_first_name_columns_take_their_cells_in_order() -> None:
    e = extract([ocr_page("SURNAME  FIRST NAME  DOB\nO'Brien  Malik  1939-10-26\n")])
    assert (e.patient.last_name, e.patient.first_name) == ("O'Brien", "Malik")
    assert e.patient.dob == "1939-10-26"
    assert e.confidence["patient.lastName"] < 0.9  # matched by count, not by a label of its own
    swapped = extract([ocr_page("FIRST NAME  LAST NAME  DOB\nJane  Van der Berg  1961-03-04\n")])
    assert (swapped.patient.first_name, swapped.patient.last_name) == ("Jane", "Van der Berg")


def test_name_cells_that_do_not_match_the_name_labels_one_for_one_are_not_read() -> None:
    for values in ("Doe Jane  1939-10-26", "Doe  Jane  Smith  1939-10-26", "Doe  J4ne  1939-10-26"):
        e = extract([ocr_page(f"SURNAME  FIRST NAME  DOB\n{values}\n")])
        assert (e.patient.last_name, e.patient.first_name) == (None, None)


def test_a_header_label_ocr_read_as_digits_still_heads_its_column() -> None:
    # "DOB" in capitals read as "008": the digits' look-alike capitals are one letter off
    assert header_row("SURNAME  FIRST NAME  008") == [
        ("last", None),
        ("first", None),
        ("dob", None),
    ]
    e = extract([ocr_page("Patient\nSURNAME  FIRST NAME  008\nO'Brien  Malik  1939-10-26\n")])
    assert (e.patient.last_name, e.patient.first_name, e.patient.dob) == (
        "O'Brien",
        "Malik",
        "1939-10-26",
    )
    assert header_row("SURNAME  FIRST NAME  2026") is None  # a number is no label
