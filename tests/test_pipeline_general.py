"""The reader on layouts and wordings its lexicon does not list (no OCR, no database).

Each text here uses labels, boxes and phrasings that the lexicon in ``labels.py`` does not
name: the reader must understand them from their words and arrangement.
"""

from app.pipeline.fields import extract
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.label_words import compose
from app.pipeline.fields.lexicon import is_label
from app.pipeline.fields.urgency import read_urgency
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Sex, Urgency


def page(text: str) -> PageText:
    return PageText(number=1, text=text, method="text", page_type=PageType.referral)


ORDER = """Lakeview Hospital   Outpatient Order
Enrollee full name: Rivera, Ana    Chart no.: 5512
Enrollee birth date: 04/02/1971   Legal gender: F
Enrollee tel.: 555-201-3344
Health coverage: United Healthcare   Enrollee ID number: UHC55123   Plan group: 7781
Ordering clinician: Dr. Paul Ames Type 2 NPI: 1234567893
Ordering facility: Lakeview Family Clinic
"""


def test_labels_the_lexicon_does_not_list_are_read_from_their_words() -> None:
    e = extract([page(ORDER)])
    assert (e.patient.first_name, e.patient.last_name) == ("Ana", "Rivera")
    assert e.patient.dob == "1971-04-02"
    assert e.patient.sex == Sex.F
    assert e.patient.phone == "+15552013344"
    assert e.insurance.provider == "United Healthcare"
    assert (e.insurance.member_id, e.insurance.group_number) == ("UHC55123", "7781")
    assert e.referrer.provider_name == "Paul Ames"  # "Type 2" is the NPI label's, not his
    assert e.referrer.npi == "1234567893"
    assert e.referrer.practice_name == "Lakeview Family Clinic"


def test_a_value_read_under_a_guessed_label_is_not_shown_as_sure() -> None:
    e = extract([page(ORDER)])
    assert e.insurance.member_id == "UHC55123"
    assert e.confidence_of("insurance.memberId") < 0.9
    assert e.confidence_of("referrer.practiceName") < 0.9


def test_an_unknown_label_ends_the_value_before_it() -> None:
    e = extract([page("Patient name: Grace Kim   Religion: None\nDOB: 01/02/1980\n")])
    assert (e.patient.first_name, e.patient.last_name) == ("Grace", "Kim")


def test_label_words_compose_owner_and_field() -> None:
    assert compose("Beneficiary ID") == ("member_id", "insurance")
    assert compose("Requesting clinician") == ("name", "referrer")
    assert compose("Office fax number") == ("fax", "referrer")
    assert compose("Blue Cross") is None


def test_numbered_boxes_are_labels_over_their_values() -> None:
    text = """Prior Authorization Request
7. ENROLLEE NAME
LEE, KIM
8. PLAN ID 9. GENDER
MALE
10. HOME ADDRESS 11. ENROLLEE PHONE
555-201-3344
12. ORDERING CLINICIAN
Ann Roe, NP
"""
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Kim", "Lee")
    assert e.patient.sex == Sex.M
    assert e.patient.phone == "+15552013344"
    assert e.patient.address is None  # the box left empty takes nothing
    assert e.insurance.member_id is None
    assert e.referrer.provider_name == "Ann Roe"
    assert is_label("8. PLAN ID") and not is_label("1. Hypertension")


def test_urgency_comes_only_from_a_ticked_box() -> None:
    assert read_urgency("Service type: [X] Regular [ ] Expedited / urgent") == (
        Urgency.routine,
        True,
    )
    assert read_urgency("[ ] Regular [X] Expedited / emergent")[0] == Urgency.urgent
    assert read_urgency("[ ] Normal [ ] Expedited / urgent")[0] is None


MEMO = """To: Lakeside Dermatology intake
From: Hillcrest Family Practice
Subject: new patient request - Nguyen, Thanh, DOB 03/04/1990
Good morning,
Could you kindly see Thanh Nguyen within the next 2 days for changing mole on the upper
back (D48.5). The patient's number is 555-303-1212. Coverage is Cigna (member CG7781234).
Thank you,
Ann Roe, NP
Hillcrest Family Practice
NPI 1234567893
"""


def test_a_request_in_sentences_gives_its_facts() -> None:
    e = extract([page(MEMO)])
    assert (e.patient.first_name, e.patient.last_name) == ("Thanh", "Nguyen")
    assert e.patient.dob == "1990-03-04"
    assert e.patient.phone == "+15553031212"
    assert (e.insurance.provider, e.insurance.member_id) == ("Cigna", "CG7781234")
    assert e.referrer.practice_name == "Hillcrest Family Practice"
    assert e.clinical.reason == "changing mole on the upper back"
    assert e.clinical.urgency == Urgency.urgent
    assert e.confidence_of("clinical.urgency") < 0.9


def test_a_one_letter_value_under_its_label_is_read() -> None:
    e = extract([page("Enrollee name:\nLEE, KIM\nLegal sex:\nF\nHome phone:\n555-201-3344\n")])
    assert e.patient.sex == Sex.F


def test_a_sender_that_is_a_practice_is_no_provider() -> None:
    text = "From: St. Luke's Community Clinic\nTo: Lakeside Dermatology\nRE: Kim Lee\n"
    e = extract([page(text)])
    assert e.referrer.provider_name is None
    assert e.referrer.practice_name == "St. Luke's Community Clinic"


def test_a_label_takes_no_word_of_the_value_before_it() -> None:
    text = "Requesting office: Dayton Family Health     Office phone: 555-777-1111\n"
    e = extract([page(text)])
    assert e.referrer.practice_name == "Dayton Family Health"
    assert e.referrer.phone == "+15557771111"


LETTER = """Dear colleague,
I would be grateful if you could see my patient, Mr. Ahmed Khan (DOB 05/06/1970), at your
earliest convenience for evaluation of persistent atrial fibrillation.
Sincerely,
Dr. Helen Park, MD
"""


def test_a_letter_names_its_titled_patient_and_how_soon() -> None:
    e = extract([page(LETTER.replace("your\nearliest", "your earliest"))])
    assert (e.patient.first_name, e.patient.last_name) == ("Ahmed", "Khan")
    assert e.clinical.urgency == Urgency.routine
    assert e.confidence_of("clinical.urgency") < 0.9


def test_a_header_row_of_unlisted_labels_takes_its_values_by_shape() -> None:
    text = """Referral
Enrollee Name Enrollee ID Birth Date Callback Number
Jones, Ann XK1234567 01/02/1960 555-222-1111
"""
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Ann", "Jones")
    assert e.insurance.member_id == "XK1234567"
    assert e.patient.dob == "1960-01-02"
    assert e.patient.phone == "+15552221111"


def test_an_unlisted_label_alone_on_its_line_labels_the_line_under_it() -> None:
    e = extract([page("Health plan\nAetna\nPlan member ID\nXK1234567\n")])
    assert (e.insurance.provider, e.insurance.member_id) == ("Aetna", "XK1234567")


def test_label_words_do_not_reach_over_a_colon_or_a_date() -> None:
    labels = find_labels("Date of service: 11/3/26 Provider: Chloe Ruiz, DO")
    assert [label.kind for label in labels] == ["skip", "provider"]
    assert not is_label("Patient referral")  # "RE:  Patient referral" is a value


def test_a_listed_label_with_a_hint_keeps_the_lexicons_weight() -> None:
    e = extract([page("DIAGNOSIS CODE(S)\nI48.91, R00.2\n")])
    assert e.clinical.diagnosis_codes == ["I48.91", "R00.2"]
    assert e.confidence_of("clinical.diagnosisCodes") >= 0.9


def test_box_numbers_as_ocr_reads_them() -> None:
    text = """1. NAME OF ENROLLEE  2 DOB/AGE
LEE, KIM  5/12/2005
TT. CLINIC NAME
Riverside Primary Care
@ ENROLLEE TEL
512-774-2141
15. SERVICE REQUESTED / REASON
Iron deficiency anemia
"""
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Kim", "Lee")
    assert e.patient.dob == "2005-05-12"
    assert e.referrer.practice_name == "Riverside Primary Care"
    assert e.patient.phone == "+15127742141"
    assert e.clinical.reason == "Iron deficiency anemia"


def test_a_fax_headers_sender_practice_is_no_provider() -> None:
    e = extract([page("FROM: RIVERSIDE PRIMARY CARE 804-668-0894 TO: 508-621-3664\nRE: Kim Lee\n")])
    assert e.referrer.provider_name is None
