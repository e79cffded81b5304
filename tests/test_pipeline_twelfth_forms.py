"""Forms of the twelfth held-out set's kinds, read whatever their wording: an EHR order printing
the patient's problem list with its codes beside the order's own diagnoses; a chart banner's
sex as one letter on its line; a scheduling screen's three columns of abbreviated labels
("REF PRACTICE", "ADDR 1", "CITY/ST/ZIP") under side-by-side headings; a home health
agency's form signed by its nurse for the supervising physician, with a wound's "Location"
and a caregiver's cell phone. Pure: text in, values out."""

from app.pipeline.fields import extract
from app.pipeline.types import PageText
from models.document import PageType


def page(text: str, number: int = 1) -> PageText:
    return PageText(number=number, text=text, method="text", page_type=PageType.referral)


_ORDER = (
    "Harbor Health  Printed 17 Nov 2026\n"
    "RIVERA, ANA\n"
    "MRN 12345678\n"
    "DOB 4 Jan 1945\n"
    "(81 yrs)\n"
    "F\n"
    "Ambulatory referral to Rheumatology\n"
    "Referring provider  Oriel Banks, DO (NPI 1234567893)\n"
    "Referring department  Elm Street Family Physicians P: 555-201-0100 F: 555-201-0101\n"
    "Reason for referral  Shoulder and hip girdle pain, suspected polymyalgia rheumatica\n"
)
_PROBLEMS = (
    "Problem List (active)\n"
    "Problem\n"
    "Gastro-esophageal reflux disease\n"
    "Hyperlipidemia, unspecified\n"
    "ICD-10-CM\n"
    "K21.9\n"
    "E78.5\n"
    "Noted\n"
    "6 Jul 2025\n"
    "18 Jan 2023\n"
)


def test_a_problem_lists_codes_are_not_the_orders_diagnoses() -> None:
    text = _ORDER + "Diagnoses associated with this order  Polymyalgia rheumatica [M35.3]\n"
    e = extract([page(text), page(_PROBLEMS, 2)])
    assert e.clinical.diagnosis_codes == ["M35.3"]


def test_codes_read_only_under_a_problem_list_are_in_doubt() -> None:
    e = extract([page(_ORDER), page(_PROBLEMS, 2)])
    assert e.confidence["clinical.diagnosisCodes"] < 0.9


def test_codes_labelled_under_a_past_medical_history_are_in_doubt() -> None:
    text = (
        "Referral to Cardiology\n"
        "Patient: Ana Rivera  DOB: 01/04/1945\n"
        "Past medical history\n"
        "Hypertension  ICD-10: I10\n"
        "Type 2 diabetes  ICD-10: E11.9\n"
    )
    e = extract([page(text)])
    assert e.confidence["clinical.diagnosisCodes"] < 0.9


def test_a_banners_sex_letter_alone_under_the_age() -> None:
    e = extract([page(_ORDER)])
    assert e.patient.sex == "F"
    assert e.confidence["patient.sex"] < 0.9


def test_the_referring_department_is_the_practice_not_the_systems_letterhead() -> None:
    e = extract([page(_ORDER)])
    assert e.referrer.practice_name == "Elm Street Family Physicians"


_SCREEN = (
    "Referral Desk · Referral Detail  Printed 30 Nov 2026 by Jo Lee\n"
    "Patient  Coverage / Authorization  Referral\n"
    "PT NAME  RIVERA, ANA  PLAN  SELF PAY  REF #  997504\n"
    "DOB  04 Jan 1945  RECEIVED  27 Nov 2026\n"
    "SEX  F  REF PROVIDER  Oriel Banks, DO\n"
    "HOME PH  555-478-0034  REF PROV NPI  1234567893\n"
    "WORK PH  555-916-4557  REF PRACTICE  Elm Street Internal Medicine\n"
    "ADDR 1  12 Elm St  REF PHONE  555-530-2419\n"
    "ADDR 2  Ste 5  VISITS APPROVED  3  REF FAX  555-902-1876\n"
    "CITY/ST/ZIP  Erie, PA 16501  VALID  11/14/2026 - 11/14/2027\n"
    "DX  M54.42\n"
    "REASON  Low back pain with left sciatica\n"
)


def test_a_scheduling_screens_abbreviated_referrer_labels() -> None:
    e = extract([page(_SCREEN)])
    assert e.referrer.practice_name == "Elm Street Internal Medicine"
    assert e.referrer.phone == "+15555302419"
    assert e.referrer.fax == "+15559021876"
    assert e.referrer.npi == "1234567893"


def test_a_scheduling_screens_numbered_address_lines_and_city_state_zip() -> None:
    e = extract([page(_SCREEN)])
    assert e.patient.address is not None
    assert e.patient.address.line1 == "12 Elm St"
    assert e.patient.address.line2 == "Ste 5"
    assert (e.patient.address.city, e.patient.address.state) == ("Erie", "PA")
    assert e.patient.address.zip == "16501"


def test_side_by_side_column_headings_label_nothing() -> None:
    e = extract([page(_SCREEN)])
    assert e.insurance.provider is None or "Authorization" not in e.insurance.provider


def test_a_row_of_cells_ending_in_a_credential_is_no_signature() -> None:
    # "SEX  F  REF PROVIDER  Oriel Banks, DO" does not make the patient's work phone below it
    # the sender's
    e = extract([page(_SCREEN)])
    assert e.referrer.phone != "+15559164557"


_AGENCY = (
    "Bellwether Home Health Services  WOUND CLINIC REFERRAL\n"
    "Medicare-certified home health agency · Office 555 551 1908 · Fax 555 631 8353\n"
    "To: Harbor Wound Center · New patient intake · fax 555 954 5689\n"
    "Patient  Rivera, Ana  DOB  5 Oct 1945\n"
    "Gender  Female  Phone  555 861 6831\n"
    "Home address  12 Elm St, Erie, PA 16501\n"
    "Supervising physician (signs the home health plan of care)\n"
    "Oriel Banks, DO · NPI 1234567893\n"
    "Elm Street Geriatrics · 60 Oak St, Erie · Tel 555 774 0994 · Fax 555 502 6351\n"
    "Reason for referral\n"
    "Non-healing venous stasis ulcer of the right lower leg.\n"
    "Wound assessment\n"
    "Location\n"
    "R medial gaiter\n"
    "Completed and signed by: Wren Hale, RN, BSN, case manager · cell 555 422 4852\n"
    "Caregiver: Cole Rivera (husband), 555 677 9772.\n"
)


def test_a_nurses_cell_on_her_signature_line_is_not_the_patients() -> None:
    e = extract([page(_AGENCY)])
    assert e.patient.phone == "+15558616831"


def test_the_supervising_physician_not_the_nurse_who_signs() -> None:
    e = extract([page(_AGENCY)])
    assert e.referrer.provider_name == "Oriel Banks"


def test_a_wounds_location_is_no_practice() -> None:
    e = extract([page(_AGENCY)])
    assert e.referrer.practice_name != "R medial gaiter"


def test_the_practice_under_the_clinicians_npi_line() -> None:
    e = extract([page(_AGENCY)])
    assert e.referrer.practice_name == "Elm Street Geriatrics"


def test_a_childs_address_after_lives_at() -> None:
    text = (
        "CHILD\n"
        "Name: Ana Rivera\n"
        "DOB: MAR 23, 2020 (age 6 y 8 m)\n"
        "Lives at: 12 Elm St, Erie, PA 16501\n"
        "PARENT / LEGAL GUARDIAN\n"
        "Rivera, Cole (father)\n"
    )
    e = extract([page(text)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("12 Elm St", "16501")


def test_a_chart_label_after_the_signature_is_the_patients() -> None:
    text = (
        "Elm Street Spine\n"
        "12 Elm St · Erie, PA 16501\n"
        "Phone 555-868-4707 · Fax 555-734-3303\n"
        "Dear colleagues,\n"
        "I am asking you to see Ms. Rivera for chronic low back pain.\n"
        "Sincerely,\n"
        "Oriel Banks, MD\n"
        "NPI 1234567893 · Elm Street Spine\n"
        "RIVERA, ANA\n"
        "DOB JUL 22, 1987 39Y F\n"
        "MRN 23595155\n"
        "PH 555-480-7605\n"
    )
    e = extract([page(text)])
    assert e.referrer.phone != "+15554807605"
    assert e.patient.phone == "+15554807605"


def test_a_school_plan_is_no_payer() -> None:
    text = (
        "CHILD\n"
        "Name: Ana Rivera\n"
        "DOB: 03/23/2020\n"
        "Insurance\n"
        "IEP / 504 plan: IEP for speech - Parent signed release to talk with the school: yes\n"
    )
    e = extract([page(text)])
    assert e.insurance.provider is None


def test_a_payer_named_in_label_words() -> None:
    text = (
        "Name: Ana Rivera\nDOB: 01/04/1945\n"
        "Insurance\nPhysicians Health Plan\nMember ID\nPHP47627353\n"
    )
    e = extract([page(text)])
    assert e.insurance.provider == "Physicians Health Plan"


def test_the_clinicians_npi_line_with_ocrs_dash_for_the_dot() -> None:
    text = _AGENCY.replace("DO · NPI", "DO - NPI").replace(
        "Geriatrics · 60 Oak St", "Geriatrics - 60 Oak St"
    )
    e = extract([page(text)])
    assert e.referrer.provider_name == "Oriel Banks"
    assert e.referrer.practice_name == "Elm Street Geriatrics"
