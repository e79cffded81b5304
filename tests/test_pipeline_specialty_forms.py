"""Specialty-referral paperwork of kinds the reader was not tuned on (a dental or therapy order,
an urgent-care summary, a referral log's wide table, a home-health order): each test one
general mechanism, on a small page."""

from app.pipeline.fields import extract
from app.pipeline.fields.phones import read_phone
from app.pipeline.pages import classify_all
from app.pipeline.types import PageText
from models.document import PageType


def _referral(*lines: str) -> PageText:
    return PageText(1, "\n".join(lines), "text", page_type=PageType.referral)


def _scanned(*lines: str) -> PageText:
    return PageText(1, "\n".join(lines), "ocr", confidence=0.97, page_type=PageType.referral)


def test_a_phone_whose_exchange_starts_with_0_or_1_is_in_doubt() -> None:
    # no North American exchange starts with 0 or 1: OCR likely misread a digit (958)
    assert read_phone("(301)-058-0432") == ("+13010580432", True)
    assert read_phone("(301)-958-0432") == ("+13019580432", False)
    e = extract([_scanned("Patient name  Roe, Jane", "Patient phone  (301)-058-0432")])
    assert e.patient.phone == "+13010580432"
    assert e.confidence["patient.phone"] < 0.9


def test_a_code_read_with_one_letter_as_two_leaves_the_list_in_doubt() -> None:
    # "DS50.9" is D50.9 read badly; the list without it is short of one
    e = extract([_scanned("Diagnosis (ICD-10)  DS50.9 Iron deficiency anemia K92.1 Melena")])
    assert "K92.1" in e.clinical.diagnosis_codes
    assert e.confidence["clinical.diagnosisCodes"] < 0.9


def test_a_cell_label_with_a_note_in_brackets_is_still_its_label() -> None:
    e = extract(
        [
            _referral(
                "Client name  Lavinia Urquhart",
                "Best phone (OK to leave message)  1.843.247.7678",
                "Presenting concern  Numbness and tingling of both feet",
            )
        ]
    )
    assert e.patient.phone == "+18432477678"
    assert e.clinical.reason == "Numbness and tingling of both feet"


def test_the_referrals_reason_wins_over_the_visits_chief_complaint() -> None:
    e = extract(
        [
            _referral(
                "Visit Summary",
                "Chief complaint",
                "A1c 10.2 on metformin and glipizide.",
                "Referral placed",
                "Reason  Uncontrolled type 2 diabetes",
            )
        ]
    )
    assert e.clinical.reason == "Uncontrolled type 2 diabetes"
    # alone, the chief complaint is the reason
    e = extract([_referral("Chief complaint: Knee pain for three months")])
    assert e.clinical.reason == "Knee pain for three months"


def test_a_page_repeating_the_heading_of_the_referral_before_it_is_the_referral() -> None:
    heading = [
        "ExpressMed Walk-In Clinic",
        "5897 Lamplighter Way, Sheboygan, WI 53028",
        "Office (229) 434 2493  Fax (229) 314 4303",
        "Visit Summary",
    ]
    referral = ["Referral placed", "Reason for referral: Asthma", "Priority  Routine"]
    registration = ["Patient registration", "Legal name  Roe, Jane", "Member ID  CC26023639"]
    first = PageText(1, "\n".join(heading + referral), "text")
    second = PageText(2, "\n".join(heading + registration), "text")
    assert classify_all([first, second]) == [PageType.referral, PageType.referral]
    other = PageText(2, "\n".join(["Quarterly newsletter", "Clinic hours", "Parking"]), "text")
    assert classify_all([first, other])[1] == PageType.other
