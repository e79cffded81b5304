"""Specialty-referral paperwork of kinds the reader was not tuned on (a dental or therapy order,
an urgent-care summary, a referral log's wide table, a home-health order): each test one
general mechanism, on a small page."""

from app.pipeline.fields import extract
from app.pipeline.fields.phones import read_phone
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
