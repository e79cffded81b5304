"""Labels OCR misread by a letter, mended by the shape of the value after them."""

from app.pipeline.fields import extract
from app.pipeline.fields.value_named_labels import mended
from app.pipeline.types import PageText
from models.document import PageType


def test_a_label_a_letter_off_before_a_value_of_its_fields_shape_is_mended() -> None:
    assert mended("prone ( 970) 655 - 1452") == "Phone ( 970) 655 - 1452"
    assert mended("Pnone: 555-201-0100") == "Phone: 555-201-0100"
    assert mended("city Rapid City state SD zp 57741") == "city Rapid City state SD Zip 57741"


def test_words_of_a_sentence_and_values_of_another_shape_are_left() -> None:
    for line in (
        "please call 1-256-475-5303 and destroy all copies",
        "Call (555) 123-4567 with questions",
        "Room 12345",
        "prone 3 times a day",
        "zp 1234",
    ):
        assert mended(line) == line


def test_a_phone_under_a_misread_label_is_read() -> None:
    page = PageText(
        1,
        "SPECIALTY REFERRAL\nA. PATIENT\nLastname Desrosiers\nFirstname Agnieszka\n"
        "prone ( 970) 655 - 1452\nStreet 5504 W Orchard Grove Rd\n"
        "city Rapid City state SD zp 57741",
        "ocr",
        page_type=PageType.referral,
    )
    e = extract([page])
    assert e.patient.phone == "+19706551452"
    assert e.patient.address.zip == "57741"


def test_a_label_phrase_with_a_word_misread_by_a_letter_is_mended() -> None:
    from app.pipeline.fields.misread_phrases import mended as phrase_mended

    assert phrase_mended("Reason Tor referral: Left rotator cuff tear") == (
        "Reason For referral: Left rotator cuff tear"
    )
    assert phrase_mended("Reler to: Summit Orthopedics") == "Refer to: Summit Orthopedics"
    # a label already, a label of a field not read, and no label near: as they are
    for line in ("Reason for referral: x", "Date of servide: 11/12/2026", "Seen by: Jo Roe"):
        assert phrase_mended(line) == line


def test_the_reason_under_a_misread_label_is_read_in_doubt() -> None:
    page = PageText(
        1,
        "REFERRAL FORM\nPatient: Kwame Okonkwo\nReason Tor referral: Left rotator cuff tear",
        "ocr",
        page_type=PageType.referral,
    )
    e = extract([page])
    assert e.clinical.reason == "Left rotator cuff tear"
    assert e.confidence["clinical.reason"] < 0.9


def test_a_two_word_label_whose_space_ocr_lost_is_spaced_again() -> None:
    from app.pipeline.fields.label_lines import restore_glued_labels

    assert restore_glued_labels("PLANNAME AmeriHealth Caritas") == ("PLAN NAME AmeriHealth Caritas")
    assert restore_glued_labels("Statement of Information") == "Statement of Information"
    page = PageText(
        1,
        "REFERRAL FORM\nPatient: Kwame Okonkwo\nINSURANCE\nPLANNAME AmeriHealth Caritas",
        "ocr",
        page_type=PageType.referral,
    )
    assert extract([page]).insurance.provider == "AmeriHealth Caritas"
