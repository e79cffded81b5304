"""Labels of forms the reader was not tuned on: unlisted first cells, semicolons parting cells,
a party named in a line's first cell. Each test one general mechanism, hand-written text."""

from app.pipeline.fields import extract
from app.pipeline.fields.label_find import find_labels
from app.pipeline.types import PageText
from models.document import PageType


def _referral(*lines: str) -> PageText:
    return PageText(1, "\n".join(lines), "text", page_type=PageType.referral)


def _kinds(line: str) -> list[str]:
    return [label.kind for label in find_labels(line)]


def test_an_unlisted_first_cell_before_listed_labels_is_a_label() -> None:
    # the first cell's words compose a label; the later cells' labels are the lexicon's
    assert _kinds("Plan carrier  Lone Star Health  Policy #  LS8812") == [
        "insurer",
        "member_id",
    ]
    assert _kinds("Office callback  (412) 555-0148 x12  Fax (412) 555-0199") == ["phone", "fax"]
    e = extract(
        [
            _referral(
                "Referring physician",
                "Name  Ada Quill, MD",
                "Office callback  (412) 555-0148 x12  Fax (412) 555-0199",
            )
        ]
    )
    assert (e.referrer.phone, e.referrer.fax) == ("+14125550148", "+14125550199")


def test_a_semicolon_parts_two_cells_when_a_number_follows_the_label() -> None:
    assert _kinds("Callback  412-555-0148; fax 412-555-0199") == ["phone", "fax"]
    # a clause after a semicolon is no cell
    assert _kinds("Notes: she has asthma; phone calls upset her") == ["skip"]


def test_a_party_named_in_the_first_cell_owns_the_lines_labels() -> None:
    e = extract(
        [
            _referral(
                "Ordering physician  Ada Quill, MD",
                "Phone  412-555-0148",
                "Patient contact  phone 724.555.0101; address 88 Elm Row, Erie, PA 16501",
            )
        ]
    )
    assert e.referrer.phone == "+14125550148"
    assert e.patient.phone == "+17245550101"
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("88 Elm Row", "16501")


def test_label_words_for_a_place_a_callback_and_who_ordered() -> None:
    e = extract(
        [
            _referral(
                "Ordered by  QUILL, ADA, DO",
                "Ordering location  Harbor Point Clinic",
                "Callback #  412-555-0148",
                "Fax results to  412-555-0199",
            )
        ]
    )
    assert e.referrer.practice_name == "Harbor Point Clinic"
    assert (e.referrer.phone, e.referrer.fax) == ("+14125550148", "+14125550199")


def test_a_compound_label_parts_its_value_as_it_parts_its_names() -> None:
    e = extract([_referral("Pt: Quill, Ada", "DOB/Age/Sex: 1950-02-03 / 76 / F")])
    assert (e.patient.dob, e.patient.sex) == ("1950-02-03", "F")
    # a value not parted the same way is the first field's alone
    e = extract([_referral("Pt: Quill, Ada", "DOB/Sex: 1950-02-03")])
    assert (e.patient.dob, e.patient.sex) == ("1950-02-03", None)


def test_an_age_and_sex_after_a_birth_date_give_the_sex_in_doubt() -> None:
    e = extract([_referral("QUILL, ADA B", "MRN 4411 FIN 88", "DOB 03-FEB-1950  76Y F")])
    assert e.patient.sex == "F"
    assert e.confidence["patient.sex"] < 0.9


def test_a_sex_word_alone_beside_a_banners_birth_date() -> None:
    page = ("QUILL, ADA B", "Admit 11/02/2026", "DOB 02/03/1950 (76 y)", "Room 12", "Female")
    e = extract([_referral(*page)])
    assert e.patient.sex == "F"
    assert e.confidence["patient.sex"] < 0.9
    # far from any birth date a lone word is no one's sex
    e = extract([_referral("Female", "", "", "", "", "Reason: cough")])
    assert e.patient.sex is None


def test_a_terse_portals_abbreviated_labels() -> None:
    e = extract(
        [
            _referral(
                "Pt: Quill, Ada",
                "Em: ada_quill7@example.org",
                "Ref: HOLT, MARA, MD | NPI 1234567893",
                "Org: Harbor Point Clinic | P 814.555.0140 | F 814.555.0141",
                "Coverage  Lone Star Health, member ID LS8812",
            )
        ]
    )
    assert e.patient.email == "ada_quill7@example.org"
    assert e.confidence["patient.email"] < 0.9  # its label is not known: in doubt
    assert e.referrer.provider_name == "Mara Holt"
    assert e.referrer.practice_name == "Harbor Point Clinic"
    assert (e.referrer.phone, e.referrer.fax) == ("+18145550140", "+18145550141")
    assert e.insurance.provider == "Lone Star Health"


def test_a_name_printed_in_capitals_takes_the_packets_inner_capitals() -> None:
    notes = PageText(2, "Ordering: DeWitt, Mara", "text", page_type=PageType.clinical_notes)
    e = extract([_referral("Referring physician: MARA DEWITT, MD"), notes])
    assert e.referrer.provider_name == "Mara DeWitt"


def test_a_headings_text_stops_at_a_forms_row() -> None:
    e = extract(
        [
            _referral(
                "Patient: Ada Quill",
                "4. Reason for consultation",
                "Consult requested  Endocrinology",
                "Reason  Thyroid nodule, 2 cm",
                "Transport  Wheelchair",
            )
        ]
    )
    assert e.clinical.reason == "Thyroid nodule, 2 cm"


def test_a_code_status_ends_the_value_before_it() -> None:
    line = "Home address  88 Elm Row, Erie, PA 16501  Code status  Full"
    e = extract([_referral("Resident name  Ada Quill", line)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("88 Elm Row", "16501")


def test_a_label_wrapped_in_its_cell_with_its_value() -> None:
    e = extract(
        [
            _referral(
                "Resident name  Ada Quill  Date of birth  02/03/1950",
                "Home address (before  88 Elm Row,  Allergies  None",
                "the stay)  Erie, PA 16501",
            )
        ]
    )
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.city) == ("88 Elm Row", "Erie")
    assert e.patient.address.zip == "16501"


def test_a_compound_labels_value_parted_by_bare_slashes() -> None:
    # OCR lost the spaces around the slashes; a date's own slashes part nothing
    e = extract([_referral("Pt: Quill, Ada", "DOB/Age/Sex: 02/03/1950/76/F")])
    assert (e.patient.dob, e.patient.sex) == ("1950-02-03", "F")
    e = extract([_referral("Pt: Quill, Ada", "DOB/Age/Sex: 02/03/1950")])
    assert (e.patient.dob, e.patient.sex) == ("1950-02-03", None)


def test_an_unknown_labels_address_with_a_space_before_its_at() -> None:
    e = extract([_referral("Pt: Quill, Ada", "Em: ada_quill7 @example.org")])
    assert e.patient.email == "ada_quill7@example.org"
