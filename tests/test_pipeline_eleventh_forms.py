"""Forms of the eleventh held-out set's kinds, read whatever their wording: a grid whose row
names a clinician by their field ("Surgeon  Jane Roe, DO") above a facility that is not the
sender's; a heading joining a label's word to another ("COVERAGE & SUPPORT"); an address
under a phone's label ("Home: 12 Elm St, ..."); numbers typeset with an en dash; a
referral's own second page of labs under a running head that says so. Pure: text in, values
or page types out."""

from app.pipeline.fields import extract
from app.pipeline.pages import classify_all
from app.pipeline.types import PageText
from models.document import PageType


def page(text: str, number: int = 1) -> PageText:
    return PageText(number=number, text=text, method="text", page_type=PageType.referral)


def test_a_facility_under_the_clinician_on_another_practices_letterhead_is_not_sure() -> None:
    text = (
        "Harbor Spine Partners\n"
        "Tel 555-201-0100 Fax 555-201-0101\n"
        "Patient\n"
        "Pt name  Rivera, Ana\n"
        "DOB  01/04/1945\n"
        "Planned surgery\n"
        "Surgeon  Oriel Banks, DO  NPI 1234567893\n"
        "Facility  Northgate Surgery Center\n"
    )
    e = extract([page(text)])
    assert (
        e.referrer.practice_name != "Northgate Surgery Center"
        or e.confidence["referrer.practiceName"] < 0.9
    )


def test_the_letterhead_over_a_facility_under_the_clinician_is_the_senders_practice() -> None:
    # the letterhead's name has no word of a practice's kind ("Spine"): the page's head is
    # the sender, the facility the place of the surgery; both in doubt
    text = (
        "Basalt Orthopaedic & Spine\n"
        "Tel 555-201-0100 Fax 555-201-0101\n"
        "Patient\n"
        "Pt name  Rivera, Ana\n"
        "DOB  01/04/1945\n"
        "Planned surgery\n"
        "Surgeon  Oriel Banks, DO  NPI 1234567893\n"
        "Facility  Northgate Surgery Center\n"
    )
    e = extract([page(text)])
    assert e.referrer.practice_name == "Basalt Orthopaedic & Spine"
    assert e.confidence["referrer.practiceName"] < 0.9


def test_a_practice_under_the_referrers_heading_on_the_receivers_form_is_the_senders() -> None:
    # the letterhead is the receiving office's own form; the form's heading says whose the
    # practice below it is
    text = (
        "Coastal Heart & Vascular\n"
        "Referral Form\n"
        "Patient\n"
        "Pt name  Rivera, Ana\n"
        "Referring Provider\n"
        "Provider  Oriel Banks, DO\n"
        "Practice  Oakwood Family Health Center\n"
    )
    assert extract([page(text)]).referrer.practice_name == "Oakwood Family Health Center"


_REFERRAL = (
    "Harbor Kidney Associates\n"
    "Kidney Transplant Referral\n"
    "Name: Rivera, Ana  DOB: 01/04/1945\n"
    "Reason: End-stage renal disease, transplant evaluation\n"
    "Referring nephrologist: Oriel Banks, DO  NPI: 1234567893\n"
)
_LABS = (
    "Test  Units  08/28/2026  09/24/2026\n"
    "Creatinine  mg/dL  4.7  11.0\n"
    "Potassium  mmol/L  5.5  4.3\n"
    "Hemoglobin  g/dL  11.9  9.6\n"
    "Albumin  g/dL  3.2  3.0\n"
)


def _packet(*texts: str) -> list[PageText]:
    return [PageText(number=i, text=t, method="text") for i, t in enumerate(texts, 1)]


def test_a_page_of_labs_headed_as_the_referrals_next_page_is_the_referral() -> None:
    second = (
        "Harbor Kidney Associates - Transplant referral, page 2\n"
        "Rivera, Ana - DOB 01/04/1945\nLaboratory data\n" + _LABS
    )
    assert classify_all(_packet(_REFERRAL, second)) == [PageType.referral, PageType.referral]


def test_a_lab_report_after_the_referral_is_a_lab_page() -> None:
    report = "Valley Reference Laboratory\nLABORATORY REPORT  Page 1\n" + _LABS
    assert classify_all(_packet(_REFERRAL, report)) == [PageType.referral, PageType.lab]


def test_a_heading_joining_a_labels_word_to_another_is_no_label_and_value() -> None:
    text = (
        "PATIENT\n"
        "Legal name: Ana Rivera\n"
        "Date of birth: 01/04/1945\n"
        "COVERAGE & SUPPORT\n"
        "Coverage: Harbor Health Plan\n"
        "Member #: HHP12345678\n"
    )
    e = extract([page(text)])
    assert e.insurance.provider == "Harbor Health Plan"


def test_a_whole_address_under_a_phones_label_is_the_address_and_not_sure() -> None:
    text = (
        "PATIENT\n"
        "Legal name: Ana Rivera\n"
        "Date of birth: 01/04/1945\n"
        "Cell: (603) 555-0131\n"
        "Home: 5068 Lighthouse Point Rd Apt 3C, Midland, TX 79715\n"
    )
    e = extract([page(text)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.city) == (
        "5068 Lighthouse Point Rd",
        "Midland",
    )
    assert e.confidence["patient.address.city"] < 0.9


def test_a_phone_typeset_with_an_en_dash_is_read() -> None:
    text = "PATIENT\nLegal name: Ana Rivera\nDate of birth: 01/04/1945\nCell: (603) 631\u20138731\n"
    e = extract([page(text)])
    assert e.patient.phone == "+16036318731"


def test_a_practice_under_a_clinicians_row_on_a_payers_letter_stays_the_clinicians() -> None:
    # "Practice", unlike "Facility", says whose it is: the letterhead (the payer's) does not
    # take its place, though it leaves it in doubt
    text = (
        "Valley Health Plan  Nov-27-2026\n"
        "Member ID: VHP39756532\n"
        "Requesting provider  Ann Lee, NP\n"
        "Provider NPI  1234567893\n"
        "Practice  Cattail Marsh Family Physicians\n"
    )
    e = extract([page(text)])
    assert e.referrer.practice_name == "Cattail Marsh Family Physicians"
    assert e.confidence["referrer.practiceName"] < 0.9
