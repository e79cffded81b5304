"""Field extraction on hand-written page text in several layouts (no OCR, no database)."""

import pytest

from app.pipeline.fields import extract
from app.pipeline.types import PageText, Word
from models.document import PageType
from models.extraction import Sex, Urgency


def page(text: str, number: int = 1, page_type: PageType | None = PageType.referral) -> PageText:
    return PageText(number=number, text=text, method="text", page_type=page_type)


FORM = """VALLEY FAMILY MEDICINE
123 Oak Ave, Springfield, IL 62701  Phone: (555) 200-1111  Fax: (555) 200-2222

REFERRAL FORM
Date: 03/01/2024
PATIENT INFORMATION
Name: Doe, Jane A.    DOB: 03/15/1985   Sex: F
Address: 123 Main St, Apt 4B
City: Anytown  State: CA  Zip: 90210
Phone: (555) 123-4567   Email: jane@example.com
Patient ID: 44556
Insurance: Blue Cross Blue Shield   Member ID: XYZ123456   Group #: GRP456
Referring Provider:
Dr. John Smith, MD
NPI: 1234567893
Practice: Valley Family Medicine
Referred To: Dr. Ann Lee, Orthopedics   NPI: 1245319599
Reason for Referral:
Right knee pain, worsening over 6 months.
Failed conservative therapy.

Diagnosis: M17.11 Unilateral primary osteoarthritis, right knee
Urgency: [X] Urgent [ ] Routine
"""


def test_a_label_value_form_gives_every_field_normalised() -> None:
    e = extract([page(FORM)])
    assert (e.patient.first_name, e.patient.last_name) == ("Jane", "Doe")
    assert e.patient.dob == "1985-03-15"
    assert e.patient.sex == Sex.F
    assert e.patient.phone == "+15551234567"
    assert e.patient.email == "jane@example.com"
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.line2) == ("123 Main St", "Apt 4B")
    assert (e.patient.address.city, e.patient.address.state, e.patient.address.zip) == (
        "Anytown",
        "CA",
        "90210",
    )
    assert e.insurance.provider == "Blue Cross Blue Shield"
    assert (e.insurance.member_id, e.insurance.group_number) == ("XYZ123456", "GRP456")
    assert e.referrer.provider_name == "John Smith"
    assert e.referrer.npi == "1234567893"  # not the recipient's NPI
    assert e.referrer.practice_name == "Valley Family Medicine"
    assert (e.referrer.phone, e.referrer.fax) == ("+15552001111", "+15552002222")
    assert (
        e.clinical.reason
        == "Right knee pain, worsening over 6 months. Failed conservative therapy."
    )
    assert e.clinical.diagnosis_codes == ["M17.11"]
    assert e.clinical.urgency == Urgency.urgent
    assert e.method == "text"
    assert e.source_pages["patient.dob"] == 1
    assert e.confidence_of("patient.dob") >= 0.9


def test_a_field_not_found_is_null_with_confidence_zero() -> None:
    e = extract([page("Patient Name: Jane Doe\nDOB: 03/15/1985\n")])
    assert e.insurance.member_id is None
    assert e.confidence["insurance.memberId"] == 0.0
    assert e.clinical.urgency is None
    assert e.confidence["clinical.urgency"] == 0.0
    assert "insurance.memberId" not in e.source_pages


LETTER = """Springfield Cardiology Associates
400 Elm Street, Springfield, IL 62704
Tel 555-300-4000

March 3, 2024

Dear Dr. Patel,

I am referring my patient Maria Gonzalez (DOB 07/04/1962), a 61-year-old female, for
evaluation of exertional chest pain. She has a history of hypertension (I10).
Please see her urgently.

Sincerely,

Robert Chen, MD
NPI 1679576722
"""


def test_a_narrative_letter_gives_patient_referrer_and_reason() -> None:
    e = extract([page(LETTER)])
    assert (e.patient.first_name, e.patient.last_name) == ("Maria", "Gonzalez")
    assert e.patient.dob == "1962-07-04"
    assert e.patient.sex == Sex.F
    assert e.referrer.provider_name == "Robert Chen"
    assert e.referrer.npi == "1679576722"
    assert e.referrer.practice_name == "Springfield Cardiology Associates"
    assert e.clinical.diagnosis_codes == ["I10"]
    assert e.clinical.urgency == Urgency.urgent
    assert e.clinical.reason is not None and "chest pain" in e.clinical.reason
    # Read from a sentence, not a label: shown, but never as sure.
    assert e.confidence["patient.firstName"] < 0.9


COVER = """FAX COVER SHEET
To: Lakeside Orthopedics        Fax: (555) 777-8888
From: Dr. Sam Wu                Fax: (555) 444-5555
Phone: (555) 444-6666
Pages: 3
CONFIDENTIAL
"""


def test_a_cover_sheet_never_gives_the_patient_or_the_referrer_name() -> None:
    referral = "Patient: Roe, Richard\nDOB: 1/2/1950\nReferring Physician: Dr. Amy Bell\n"
    e = extract([page(COVER, 1, PageType.cover_sheet), page(referral, 2)])
    assert (e.patient.first_name, e.patient.last_name) == ("Richard", "Roe")
    assert e.referrer.provider_name == "Amy Bell"
    assert e.referrer.phone is None
    assert e.patient.phone is None
    # The sender's fax is all a cover sheet gives, and never as a sure value.
    assert e.referrer.fax == "+15554445555"
    assert e.source_pages["referrer.fax"] == 1
    assert e.confidence["referrer.fax"] < 0.9


def test_the_referral_pages_fax_wins_over_the_cover_sheets() -> None:
    referral = "Referring Provider: Dr. Amy Bell\nFax: 555-321-0000\n"
    e = extract([page(COVER, 1, PageType.cover_sheet), page(referral, 2)])
    assert e.referrer.fax == "+15553210000"


TABLE = """Patient Name      SMITH, JOHN
Date of Birth     11/30/1971
Gender            Male
Home Phone        555.987.6543
Insurance         Aetna PPO
Subscriber ID     W123456789
Group Number      55501
Referring Physician    Karen O'Neil, DO
Priority          ROUTINE
Diagnosis         E11.9, I10
"""


def test_a_two_column_table_without_colons() -> None:
    e = extract([page(TABLE)])
    assert (e.patient.first_name, e.patient.last_name) == ("John", "Smith")
    assert e.patient.dob == "1971-11-30"
    assert e.patient.sex == Sex.M
    assert e.patient.phone == "+15559876543"
    assert e.insurance.provider == "Aetna PPO"
    assert e.insurance.member_id == "W123456789"
    assert e.insurance.group_number == "55501"
    assert e.referrer.provider_name == "Karen O'Neil"
    assert e.clinical.urgency == Urgency.routine
    assert e.clinical.diagnosis_codes == ["E11.9", "I10"]


def test_check_box_styles_for_urgency() -> None:
    for line, expected in [
        ("Urgency: ☒ Urgent ☐ Routine", Urgency.urgent),
        ("Priority: [ ] STAT [ ] Urgent [x] Routine", Urgency.routine),
        ("X Urgent   Routine", Urgency.urgent),
        ("[X] STAT  [ ] Urgent  [ ] Routine", Urgency.stat),
    ]:
        assert extract([page(line)]).clinical.urgency == expected, line


def test_no_box_ticked_is_no_urgency() -> None:
    e = extract([page("Urgency: [ ] Urgent [ ] Routine")])
    assert e.clinical.urgency is None


def test_emergency_contact_and_subscriber_are_not_the_patient() -> None:
    text = """PATIENT
Name: Lee, Ann
Phone: 555-111-2222
EMERGENCY CONTACT
Name: Bob Lee
Phone: 555-999-0000
"""
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Ann", "Lee")
    assert e.patient.phone == "+15551112222"


def test_ocr_confusions_are_repaired_and_checked() -> None:
    text = "Patient Name: Jane Doe\nDOB: O3/l5/1985\nNPI: l234567893\nDx: M17.l1\n"
    words = tuple(Word(w, 0.95) for w in text.split())
    ocr = PageText(1, text, "ocr", 0.95, words, PageType.referral)
    e = extract([ocr])
    assert e.patient.dob == "1985-03-15"
    assert e.referrer.npi == "1234567893"
    assert e.clinical.diagnosis_codes == ["M17.11"]
    assert e.method == "ocr"


def test_an_npi_failing_its_check_digit_is_never_confident() -> None:
    e = extract([page("Referring Provider: Dr. Amy Bell\nNPI: 1234567890\n")])
    assert e.confidence["referrer.npi"] < 0.5


def test_a_code_outside_icd10_cm_is_not_a_diagnosis_code() -> None:
    e = extract([page("Diagnosis: M99.99 and Z00.00\n")])
    assert e.clinical.diagnosis_codes == ["Z00.00"]


def test_clinical_notes_names_do_not_beat_the_referral() -> None:
    notes = "Progress note\nPatient: Doe, Jane\nMother: Mary Doe\nVisit date: 02/02/2024\n"
    referral = "Patient Name: Jane Doe\nDOB: 03/15/1985\n"
    e = extract([page(referral, 1), page(notes, 2, PageType.clinical_notes)])
    assert e.patient.dob == "1985-03-15"
    assert e.source_pages["patient.firstName"] == 1
    # the same name on two pages is more sure than on one
    alone = extract([page(referral, 1)])
    assert e.confidence["patient.lastName"] > alone.confidence["patient.lastName"]


def test_labels_above_values() -> None:
    text = "Patient Name:\nJane Doe\nDate of Birth:\n03/15/1985\n"
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name, e.patient.dob) == (
        "Jane",
        "Doe",
        "1985-03-15",
    )


def test_mixed_methods() -> None:
    ocr = PageText(2, "Insurance: Cigna\nMember ID: C99887766\n", "ocr", 0.9, (), PageType.referral)
    e = extract([page("Patient Name: Jane Doe\n"), ocr])
    assert e.method == "mixed"


EHR = """Mercy Health System Printed 11/28/2026 13:51 by Ann Clerk [12800]
RAMIREZ, THUY
MRN: 43102516
DOB: 02/03/1990, Age: 36 y.o. Sex: F
Home: 804-900-8476
7771 Oak Ave, Apt 4B
Tulsa, OK 74142
REFERRAL ORDER
Referral to Bone & Joint Institute (Orthopedics)
Ordering Provider Esther T. Yamamoto, MD [NPI: 1245319599]
Department Lakeside Internal Medicine
Dept Phone / Fax 217-714-7431 / 217-303-8196
Reason for referral Low back pain with left sciatica
Diagnoses
Lumbago with sciatica, left side [M54.42]
Coverage
Payor Plan Subscriber ID Group Subscriber
TRICARE TRICARE MEDICARE
ADV
63624912603 MACLEOD,
BERNADETTE
Order comments
"""


def test_an_ehr_printout_with_a_banner_and_a_coverage_table() -> None:
    e = extract([page(EHR)])
    assert (e.patient.first_name, e.patient.last_name) == ("Thuy", "Ramirez")
    assert e.patient.phone == "+18049008476"
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("7771 Oak Ave", "74142")
    assert e.referrer.provider_name == "Esther T. Yamamoto"
    assert e.referrer.npi == "1245319599"
    assert e.referrer.practice_name == "Lakeside Internal Medicine"
    assert (e.referrer.phone, e.referrer.fax) == ("+12177147431", "+12173038196")
    assert e.clinical.diagnosis_codes == ["M54.42"]
    assert e.insurance.provider == "TRICARE"
    assert e.insurance.member_id == "63624912603"
    # a banner is read by its shape alone: shown, never as sure
    assert e.confidence["patient.lastName"] < 0.9


HEADER_ROWS = """Riverside Primary Care
Patient Name Birthdate Sex at birth Mobile
Okafor, Fatima 02/21/1953 FEMALE 614.815.3290
Addr Primary Insurance Subscriber ID Group No.
2397 Park Ave
Reno, NV 89503
BCBS of Texas ZGP221580717 275461
Reason for referral: Left rotator cuff tear
Keisha D. Hernandez, MD | NPI 1837569288 | Riverside Primary Care | T 775.222.5736 | F 775.955.1613
"""


def test_a_header_row_over_its_values_matches_them_by_shape() -> None:
    e = extract([page(HEADER_ROWS)])
    assert (e.patient.first_name, e.patient.last_name) == ("Fatima", "Okafor")
    assert (e.patient.dob, e.patient.sex) == ("1953-02-21", Sex.F)
    assert e.patient.phone == "+16148153290"
    assert e.patient.address is not None and e.patient.address.city == "Reno"
    assert e.insurance.provider == "BCBS of Texas"
    assert (e.insurance.member_id, e.insurance.group_number) == ("ZGP221580717", "275461")
    assert e.referrer.provider_name == "Keisha D. Hernandez"
    assert e.referrer.npi == "1837569288"
    assert (e.referrer.phone, e.referrer.fax) == ("+17752225736", "+17759551613")


def test_a_letters_sentences_give_address_phone_insurance_and_urgency() -> None:
    text = """Dear Colleague,
Thank you for seeing Hannah Jackson, date of birth 01/10/1949, a 77 year old female whom I am
referring for iron deficiency anemia. She lives at 3515 Park Ave, Baton Rouge, LA 70808-6498 and
can be reached at (503) 206-2906. Her insurance is Molina Healthcare, member ID 71091569324,
group GRP516552. This referral is urgent.
Sincerely,
Thuy Muller, PA-C
NPI: 1245319599
"""
    e = extract([page(text)])
    assert e.patient.dob == "1949-01-10"
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.city) == ("3515 Park Ave", "Baton Rouge")
    assert e.patient.address.zip == "70808-6498"
    assert e.patient.phone == "+15032062906"
    assert e.insurance.provider == "Molina Healthcare"
    assert (e.insurance.member_id, e.insurance.group_number) == ("71091569324", "GRP516552")
    assert e.clinical.urgency == Urgency.urgent
    assert e.clinical.reason is not None and e.clinical.reason.startswith("iron deficiency")
    assert e.referrer.provider_name == "Thuy Muller"
    assert e.referrer.npi == "1245319599"


def test_a_family_members_phone_in_the_notes_is_not_the_patients() -> None:
    notes = "Accompanied by wife, Robert Okafor, who can be reached at (515) 471-1396.\n"
    e = extract([page("Patient Name: Ann Okafor\n"), page(notes, 2, PageType.clinical_notes)])
    assert e.patient.phone is None


TWO_COLUMNS = """REFERRAL FORM
Patient Information
Pt Name:

DOB (mm/dd/yyyy):
Sex at birth:
Contact #:
Home Address:
Insurance
Insurance:
Policy #:
Group #:
Referring Provider
Ordering Provider:
NPI #:
Clinic:
Referral Details
Specialty:
Referral Reason:
Diagnosis:
Urgency:

John Lindqvist
3/11/47
male
1-608-259-3218
5053 W Jefferson St
Omaha, NE 68183
UnitedHealthcare
909774819
34454
Jean-Luc Thompson, DO
2781292836
Valley Family Medicine
Cardiology
Chest pain on exertion, rule out coronary artery disease
R07.9, 110
ROUTINE
"""


def ocr_page(text: str, number: int = 1) -> PageText:
    words = tuple(Word(w, 0.96) for w in text.split())
    return PageText(number, text, "ocr", 0.96, words, PageType.referral)


def test_ocr_of_two_columns_reads_every_label_then_every_value_in_order() -> None:
    e = extract([ocr_page(TWO_COLUMNS)])
    assert (e.patient.first_name, e.patient.last_name) == ("John", "Lindqvist")
    assert (e.patient.dob, e.patient.sex) == ("1947-03-11", Sex.M)
    assert e.patient.phone == "+16082593218"
    assert e.patient.address is not None and e.patient.address.zip == "68183"
    assert e.insurance.provider == "UnitedHealthcare"
    assert (e.insurance.member_id, e.insurance.group_number) == ("909774819", "34454")
    assert e.referrer.provider_name == "Jean-Luc Thompson"
    assert e.referrer.npi == "2781292836"
    assert e.referrer.practice_name == "Valley Family Medicine"
    assert e.clinical.reason == "Chest pain on exertion, rule out coronary artery disease"
    assert e.clinical.diagnosis_codes == ["R07.9", "I10"]  # "110" is I10 misread
    assert e.clinical.urgency == Urgency.routine


def test_ocr_text_no_check_confirms_is_never_shown_as_sure() -> None:
    e = extract([ocr_page("Patient Name: Jose Hernandez\nDOB: 01/02/1980\nMember ID: X0O1234\n")])
    assert e.patient.last_name == "Hernandez"
    assert e.confidence["patient.lastName"] < 0.9  # it may have been "Hernández"
    assert e.confidence["insurance.memberId"] < 0.9
    assert e.confidence["patient.dob"] >= 0.9  # a valid date: OCR's reading holds


def test_a_header_row_name_with_a_non_ascii_letter_is_no_sex_and_the_id_is_the_insurers() -> None:
    text = """REFERRAL
Pt Name DOB (mm/dd/yyyy) Sex at birth Contact #
Brittany Müller 1/6/77 +1 907 779 0658
Street Address Primary Insurance ID # Group Number
4150 Magnolia Way
Madison, WI 53712-3903
Medicaid HJ13356868
"""
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Brittany", "Müller")
    assert e.patient.sex is None
    assert e.insurance.member_id == "HJ13356868"


def test_a_state_code_with_a_digit_for_its_letter_still_ends_the_address() -> None:
    text = "Patient\nHOME ADDRESS\n7533 Highland Ave Des Moines, 1A 50332\n"
    address = extract([page(text)]).patient.address
    assert address is not None
    assert (address.line1, address.city, address.state, address.zip) == (
        "7533 Highland Ave",
        "Des Moines",
        "IA",
        "50332",
    )


@pytest.mark.parametrize("read_as", ["1A", "|A", "!A"])
def test_a_state_code_whose_i_ocr_read_as_a_digit_bar_or_bang_is_still_one(read_as: str) -> None:
    text = f"Patient\nAddress: 7640 Cedar Ln Des Moines, {read_as} 50306\n"
    address = extract([page(text)]).patient.address
    assert address is not None
    assert (address.line1, address.city, address.state, address.zip) == (
        "7640 Cedar Ln",
        "Des Moines",
        "IA",
        "50306",
    )


def test_two_bare_labels_then_two_values_pair_in_order() -> None:
    text = "PATIENT: DOE, JANE\nSEX: F\nDOB:\nPH:\n3/6/00\n1-609-553-8271\nADDR: 1 MAIN ST\n"
    e = extract([ocr_page(text)])
    assert e.patient.dob == "2000-03-06"
    assert e.patient.phone == "+16095538271"


def test_a_bare_label_above_a_bare_label_with_one_value_under_it_stays_empty() -> None:
    # "DOB:" left blank: the one line under "PH:" is the phone's, not a column of two
    text = "PATIENT: DOE, JANE\nDOB:\nPH:\n1-609-553-8271\nADDR: 1 MAIN ST\n"
    e = extract([ocr_page(text)])
    assert e.patient.dob is None
    assert e.patient.phone == "+16095538271"


def test_a_row_of_sex_boxes_whose_label_ocr_lost_still_gives_the_sex() -> None:
    text = "Patient\nLAST NAME\nOkafor\nME\n[ ]Male [X] Female [ ]X [ ] Unknown\n"
    assert extract([page(text)]).patient.sex == Sex.F


def test_a_whole_address_under_a_merged_email_label_is_the_address() -> None:
    text = (
        "Patient\nLAST NAME\nThompson\nFIRST NAME\nThuy\nBIRTH DATE\nDecember 30, 1939\n"
        "PHONE\n559-276-0038\nADOR EMAIL ADDRESS\n8538 Mill Rd Raleigh, NC 27608\n"
    )
    e = extract([page(text)])
    assert e.patient.email is None
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("8538 Mill Rd", "27608")


def test_a_hash_read_as_at_still_labels_a_member_number_split_by_ocr() -> None:
    text = (
        "Insurance\nINS  MEMBER @  GROUP NUMBER\nMolina Healthcare  24608097 109\n"
        "Referring Provider\n"
    )
    e = extract([page(text, page_type=None)])
    assert e.insurance.provider == "Molina Healthcare"
    assert e.insurance.member_id == "24608097109"


def test_the_letterhead_under_a_fax_header_names_the_practice() -> None:
    text = (
        "FROM: NORTHGATE MEDICAL GROUP (608) 892-8096 TO: 208-765-5374 11/12/2026 P.001/002\n"
        "Northgate Medical Group\n"
        "9498 W Jefferson St, Richmond, VA 23274 Phone: (608) 909-7341\n"
        "REFERRAL\n"
    )
    scanned = PageText(1, text, "ocr", 0.95, page_type=PageType.referral, fax_header_lines=1)
    assert extract([scanned]).referrer.practice_name == "Northgate Medical Group"


def test_a_column_of_bare_labels_takes_its_column_of_values_a_lone_f_included() -> None:
    text = (
        "Patient Information\nPt:  Esther O'Connor\nDate of Birth:  5/21/17\n"
        "Sex at birth:\nMobile:\nE-mail:\nAddress:\nF\n(912) 235-4569\n"
        "eoconnor16@ gmail.com\n3498 Pine Rd\nHartford, CT 06163\nInsurance\n"
    )
    e = extract([ocr_page(text)])
    assert (e.patient.sex, e.patient.phone) == (Sex.F, "+19122354569")
    assert e.patient.email == "eoconnor16@gmail.com"
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("3498 Pine Rd", "06163")


def test_a_diagnosis_under_a_label_ocr_cut_and_a_pound_sign_for_e_are_codes() -> None:
    assert extract([ocr_page("PATIENT\nx: 150.22\n")]).clinical.diagnosis_codes == ["I50.22"]
    assert extract([ocr_page("DX: £11.65\n")]).clinical.diagnosis_codes == ["E11.65"]


def test_a_complaint_label_cut_by_ocr_still_labels_the_reason() -> None:
    text = "REFERRAL\njet Complaint: Heart failure with reduced ejection fraction\n"
    assert extract([ocr_page(text)]).clinical.reason == (
        "Heart failure with reduced ejection fraction"
    )


@pytest.mark.parametrize(
    ("line", "email"),
    [
        ("Email Address:  Ischmidt6@ gmail.com", "lschmidt6@gmail.com"),
        ("E-mail  jabernathy1 1 @outlook.com", "jabernathy11@outlook.com"),
        ("Email: rwhitfieldS7 @ icloud.com", "rwhitfield57@icloud.com"),
        ("Email: epatel98@outlook.com", "epatel98@outlook.com"),
    ],
)
def test_ocr_misreadings_of_an_email_are_mended(line: str, email: str) -> None:
    assert extract([ocr_page(f"PATIENT\n{line}\n")]).patient.email == email


def test_an_email_alone_on_its_line_whose_label_ocr_garbled_is_the_patients() -> None:
    text = "Form\nPatient\nSURNAME\nO'Brien\nEMAK ADORESS\nmobrien30@yahoo.com\nInsurance\n"
    assert extract([ocr_page(text)]).patient.email == "mobrien30@yahoo.com"


def test_a_header_row_with_a_birth_date_is_the_patients_under_the_recipients_line() -> None:
    text = (
        "Referral / Consult Request\nAttention: Diabetes & Thyroid Clinic 11/19/26\n"
        "Name Birthdate Gender Contact #\nFrançois Schmidt 9/7/56 MALE (508) 837-9048\n"
    )
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("François", "Schmidt")
    assert e.patient.phone == "+15088379048"


def test_pt_heading_a_header_row_is_the_name_column() -> None:
    text = (
        "Referral\nPt DOB (mm/dd/yyyy) Sex at birth Contact #\n"
        "Renée MacLeod October 8, 1968 F 1-907-311-6057\n"
    )
    e = extract([page(text)])
    assert (e.patient.first_name, e.patient.last_name) == ("Renée", "MacLeod")
    assert e.patient.phone == "+19073116057"


def test_an_address_cell_wrapped_before_its_zip_is_no_member_id() -> None:
    text = (
        "Name DOB (mm/dd/yyyy) M/F Home Phone\nPádraig Cohen 4/24/1987 518.386.6688\n"
        "Street Address Insurance Policy Number Group #\n4266 Elm Street\nAnchorage, AK\n"
        "99508-5837\nAetna W867361209 03376181\n"
    )
    e = extract([page(text)])
    assert e.patient.address is not None
    assert (e.patient.address.city, e.patient.address.zip) == ("Anchorage", "99508-5837")
    assert (e.insurance.member_id, e.insurance.group_number) == ("W867361209", "03376181")


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        ("Migraine without aura, not intractable [643.009]", ["G43.009"]),  # G read as 6
        ("Type 2 diabetes mellitus with hyperglycemia [E1 1.65]", ["E11.65"]),
        ("Encounter for screening for malignant neoplasm of colon [212.11]", ["Z12.11"]),
        (
            "Polyneuropathy, unspecified [G62.9]\nType 2 diabetes with polyneuropathy [E 11.42]",
            ["G62.9", "E11.42"],
        ),
    ],
)
def test_an_ehr_list_of_diagnoses_reads_its_bracketed_codes_as_ocr_spelled_them(
    lines: str, codes: list[str]
) -> None:
    text = f"REFERRAL ORDER\nPriority  Routine\nDiagnoses\n{lines}\nCoverage\n"
    assert extract([ocr_page(text)]).clinical.diagnosis_codes == codes


def test_the_code_set_picks_the_letter_a_leading_zero_stands_for() -> None:
    text = "Referral\nDIAGNOSIS CODE(S)\n050.9 - Iron deficiency anemia, unspecified\n"
    assert extract([ocr_page(text)]).clinical.diagnosis_codes == ["D50.9"]


@pytest.mark.parametrize(
    ("line", "member_id"),
    [("Member ID  ZGP61 1446091", "ZGP611446091"), ("Member ID: XYZ123456", "XYZ123456")],
)
def test_a_member_id_ocr_split_with_a_space_is_read_whole(line: str, member_id: str) -> None:
    text = f"Insurance\nInsurance Carrier  BCBS of Texas\n{line}\nGroup No  364468\n"
    e = extract([ocr_page(text)])
    assert (e.insurance.member_id, e.insurance.group_number) == (member_id, "364468")


@pytest.mark.parametrize(
    "line",
    ["‘eason for Referral: Iron deficiency anemia", "ndication: Iron deficiency anemia"],
)
def test_a_label_whose_first_letter_ocr_cut_still_labels_its_value(line: str) -> None:
    text = f"REFERRAL\nGroup\n{line}\nICD-10: D50.9 - Iron deficiency anemia, unspecified\n"
    assert extract([ocr_page(text)]).clinical.reason == "Iron deficiency anemia"


@pytest.mark.parametrize(
    ("lines", "parts"),
    [
        (
            "3725 Sunset Blvd, Suite\n200\nReno, NV 89567",
            ("3725 Sunset Blvd", "Suite 200", "Reno", "NV", "89567"),
        ),
        (
            "416 Washington Blvd, Apt | Anthem Blue Cross\n221\nSpringfield, IL 62759",
            ("416 Washington Blvd", "Apt 221", "Springfield", "IL", "62759"),
        ),
        (
            "7311 Washington Bivd Savannah, GA 31495",
            ("7311 Washington Blvd", None, "Savannah", "GA", "31495"),
        ),
        (
            "9371 River Rd, Apt 221, Des Moines, |A 50391",
            ("9371 River Rd", "Apt 221", "Des Moines", "IA", "50391"),
        ),
    ],
)
def test_an_address_cell_as_ocr_wrapped_and_misread_it(
    lines: str, parts: tuple[str | None, ...]
) -> None:
    text = f"Patient\nName\nSean Okafor\nHome Address\n{lines}\nHealth Plan\n"
    address = extract([ocr_page(text)]).patient.address
    assert address is not None
    got = (address.line1, address.line2, address.city, address.state, address.zip)
    assert got == parts


def test_a_comma_ocr_read_for_a_codes_dot_is_mended_only_into_a_real_code() -> None:
    text = "REFERRAL\nDiagnosis: G43,009 - Migraine without aura\n"
    assert extract([ocr_page(text)]).clinical.diagnosis_codes == ["G43.009"]
    listed = "REFERRAL\nDiagnosis: I10,E11.9\n"
    assert extract([ocr_page(listed)]).clinical.diagnosis_codes == ["I10", "E11.9"]


@pytest.mark.parametrize(
    ("street", "line1"),
    [("9005 N Sth St", "9005 N 5th St"), ("12 Ist Ave", "12 1st Ave"), ("40 Ost Rd", "40 Ost Rd")],
)
def test_an_ordinal_whose_digit_ocr_read_as_a_letter_is_mended_when_its_suffix_agrees(
    street: str, line1: str
) -> None:
    text = f"PATIENT\nAddr: {street}\nTucson, AZ 85746\n"
    address = extract([ocr_page(text)]).patient.address
    assert address is not None
    assert address.line1 == line1


def test_a_sentence_wrapped_at_its_subject_is_no_label() -> None:
    text = (
        "Dear Dr. Lee,\nHeartburn despite omeprazole for 3 months. His\n"
        "insurance is Anthem Blue Cross, member ID YRK195724968.\n"
    )
    assert extract([page(text)]).insurance.provider == "Anthem Blue Cross"
    labelled = "PATIENT\nReason: Is unable to climb stairs\n"
    assert extract([page(labelled)]).clinical.reason == "Is unable to climb stairs"


@pytest.mark.parametrize(
    ("line", "payer", "member_id"),
    [
        ("Insurance: Priority Health / ID PH89675200 (grp 9116)", "Priority Health", None),
        ("Insurance: Aetna, member W123456789", "Aetna", None),
        ("Insurance: 1199SEIU Benefit Funds", "1199SEIU Benefit Funds", None),
        ("Insurance: Blue Cross Blue Shield   Member ID: XGK123456789", "Blue Cross Blue Shield",
         "XGK123456789"),
    ],
)  # fmt: skip
def test_a_payers_name_ends_where_the_id_written_after_it_starts(
    line: str, payer: str, member_id: str | None
) -> None:
    e = extract([page(f"Patient: Jane Doe\nDOB: 01/02/1980\n{line}\n")])
    assert e.insurance.provider == payer
    if member_id is not None:
        assert e.insurance.member_id == member_id


def test_a_code_that_is_none_as_read_takes_its_one_look_alike_code() -> None:
    e = extract([ocr_page("Dx: E04.7 - Nontoxic single thyroid nodule\nReason: Thyroid nodule\n")])
    assert e.clinical.diagnosis_codes == ["E04.1"]  # "1" read as "7"; E04.7 is no code
    assert e.confidence["clinical.diagnosisCodes"] < 0.9


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("E04.7", "E04.1"),  # the one look-alike that is a code
        ("K27.9", "K27.9"),  # a code as read stands
        ("E04.71", None),  # no one-digit look-alike is a code
        ("E04", "E04"),
    ],
)
def test_read_code_mends_one_digit_only_when_one_look_alike_is_a_code(
    read: str, meant: str | None
) -> None:
    from app.pipeline.fields.clinical import read_code

    assert read_code(read)[0] == meant
    if meant != read:
        assert read_code(read, ocr=False)[0] is None  # typed text: "E04.7" is what was meant


def test_a_code_with_two_look_alike_codes_is_left_unread() -> None:
    from app.pipeline.fields import icd10
    from app.pipeline.fields.clinical import read_code

    # "K21.8" is no code; its "8" could be K21.0's "0" or K21.9's "9": a guess, so none
    assert not icd10.is_code("K21.8") and icd10.is_code("K21.0") and icd10.is_code("K21.9")
    assert read_code("K21.8") == (None, False)


def test_one_letter_changed_gives_every_word_one_misread_letter_away() -> None:
    from app.pipeline.fields.edits import one_letter_changed

    near = set(one_letter_changed("ADOR"))
    assert "addr" in near and "ador" not in near
    assert "adorx" not in near and "dor" not in near  # same length only
    assert len(near) == 4 * 25


def test_a_capitals_label_ocr_misread_by_one_letter_still_labels_its_value() -> None:
    text = (
        "Patient\nLAST NAME\nThompson\nPHONE\n559-276-0038\nADOR\n8538 Mill Rd Raleigh, NC 27608\n"
    )
    e = extract([ocr_page(text)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("8538 Mill Rd", "27608")
    assert e.confidence["patient.address.line1"] < 0.9  # the label is a guess
    # typed text has no misread letters: the same page as a text layer reads no address
    assert extract([page(text)]).patient.address is None


def test_a_capitals_value_under_its_label_is_no_misread_label() -> None:
    # "BELL" is one letter from "CELL", but under "LAST NAME" it is the name
    text = "Patient\nFIRST NAME\nAnn\nLAST NAME\nBELL\nCELL\n559-276-0038\n"
    e = extract([ocr_page(text)])
    assert e.patient.last_name is not None and e.patient.last_name.upper() == "BELL"
    assert e.patient.phone == "+15592760038"


def test_a_misread_label_under_an_empty_number_label_is_a_label_not_its_value() -> None:
    # "PHONE" left blank: the line under it is the next cell's label, misread ("ADDR")
    text = "Patient\nFIRST\nAnn\nPHONE\nADOR\n4112 Maple Dr Anchorage, AK 99557\nE-MAIL\n"
    e = extract([ocr_page(text)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("4112 Maple Dr", "99557")
    assert e.patient.phone is None
    # under a label of words a capitals word stays the value ("LAST NAME" / "BELL")
    e = extract([ocr_page("Patient\nFIRST NAME\nAnn\nLAST NAME\nBELL\nCELL\n559-276-0038\n")])
    assert e.patient.last_name is not None and e.patient.last_name.upper() == "BELL"


def test_an_area_code_ocr_read_a_letter_into_is_the_phones_not_a_labels_hint() -> None:
    # "(S20)": S for 5; a bracket after a label is a hint ("Phone (cell)") only if no number
    text = "Referring Provider\nDept Phone / Fax  (S20) 534-3648 / (520) 380-8022\n"
    e = extract([ocr_page(text)])
    assert (e.referrer.phone, e.referrer.fax) == ("+15205343648", "+15203808022")
    assert e.confidence["referrer.phone"] < 0.9  # a digit repaired
    e = extract([ocr_page("Patient\nPhone (cell): 555-201-3344\n")])
    assert e.patient.phone == "+15552013344"


def test_a_labels_colon_ocr_read_as_a_semicolon_still_labels_its_value() -> None:
    text = "Referring Provider\nJane Roe, MD\nTel; +1 608 421 0118 | Fax No.: +1 608 905 0757\n"
    e = extract([ocr_page(text)])
    assert e.referrer.phone == "+16084210118"
    # typed text says what it says; and a clause after a semicolon is no value
    assert extract([page(text)]).referrer.phone is None
    from app.pipeline.fields.labels import _SEMICOLON_AFTER_LABEL, _colon_for_semicolon

    assert _SEMICOLON_AFTER_LABEL.sub(_colon_for_semicolon, "Patient; she was seen") == (
        "Patient; she was seen"
    )


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Members: Customer Service 1-520-500-9363", True),  # a plural is a word, not a misread
        ("Objective", True),  # not in capitals, no colon: no label's place
        ("DATA", True),  # "DATE" names no field read: not worth the guess
        ("Pian: Aetna", False),  # "Plan:"
    ],
)
def test_only_a_label_in_a_labels_place_and_of_a_read_field_is_mended(
    line: str, kept: bool
) -> None:
    from app.pipeline.fields.label_lines import _restore_garbled_label

    assert (_restore_garbled_label(line) == line) is kept


def test_a_dollar_sign_in_a_phone_number_is_a_five() -> None:
    from app.pipeline.fields.phones import read_phone

    assert read_phone("+1 $15 205 0661 | Office Fax") == ("+15152050661", True)
    assert read_phone("§15-205-0661") == ("+15152050661", True)
    assert read_phone("$1500 copay")[0] is None  # money is no phone


def test_an_npi_whose_space_before_it_ocr_lost_is_still_read() -> None:
    text = "Referral\nREF BY: DOE, JANE B.  PA-CNPI:  1499478893\n"
    assert extract([ocr_page(text)]).referrer.npi == "1499478893"
    # the check digit is the evidence: a number that fails it is not taken as sure
    bad = extract([ocr_page(text.replace("1499478893", "1499478894"))])
    assert bad.confidence["referrer.npi"] < 0.9


def test_a_payer_whose_cell_wrapped_its_last_word_reads_whole() -> None:
    text = "Coverage\nPayor\nBLUE CROSS BLUE\nSHIELD\nSubscriber ID\nXK1234567\n"
    e = extract([page(text)])
    assert e.insurance.provider == "BLUE CROSS BLUE SHIELD"
    assert e.insurance.member_id == "XK1234567"


@pytest.mark.parametrize(
    "after",
    [
        "CHOICE POS II",  # longer than the payer's line: a plan, not the payer's tail
        "Choice",  # another case: not the same cell's text
    ],
)
def test_a_line_after_a_payer_that_is_no_wrapped_tail_stays_out(after: str) -> None:
    text = f"Coverage\nPayor\nAETNA HEALTH\n{after}\nSubscriber ID\nXK1234567\n"
    assert extract([page(text)]).insurance.provider == "AETNA HEALTH"


@pytest.mark.parametrize("label", ["M/F", "M|F", "MF", "M / F"])
def test_an_m_slash_f_label_is_the_sex_however_ocr_read_its_slash(label: str) -> None:
    text = f"Surname  Martinez\nPatient First Name  Fatima\n{label}  Unknown\n"
    assert extract([ocr_page(text)]).patient.sex == Sex.U


def test_a_cut_diagnosis_label_before_a_code_whose_dot_ocr_lost_still_gives_the_code() -> None:
    e = extract([ocr_page("Ofc Fax: 1-225-502-3937\nx: D485\nReason: Lesion\n")])
    assert e.clinical.diagnosis_codes == ["D48.5"]
    # a two-letter label before a long id is no diagnosis ("ID: W123456789")
    assert extract([ocr_page("ID: W123456789\n")]).clinical.diagnosis_codes == []


def test_a_codes_e_read_twice_as_e_and_pound_sign_is_one_e() -> None:
    e = extract([ocr_page("DX: E£04.1\nREASON: THYROID NODULE\n")])
    assert e.clinical.diagnosis_codes == ["E04.1"]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("OCG6VW6HH74", "0CG6VW6HH74"),  # at the start
        ("8TQOEN7WC80", "8TQ0EN7WC80"),  # between letters
        ("XGAO18800057", "XGA018800057"),  # before digits
        ("OSC6428O049", "OSC64280049"),  # a letter prefix's O clear of the digits is a letter
    ],
)
def test_an_o_in_an_ocr_read_member_id_is_a_zero(written: str, read: str) -> None:
    text = f"Insurance: Aetna\nMember ID: {written}\nGroup: GO12345\n"
    e = extract([ocr_page(text)])
    assert e.insurance.member_id == read
    assert e.insurance.group_number == "G012345"
    # typed text is what it says; an id of fewer than three digits keeps its O
    assert extract([page(text)]).insurance.member_id == written
    assert extract([ocr_page("Member ID: BOX12\n")]).insurance.member_id == "BOX12"


def test_a_reasons_capital_i_ocr_read_as_a_lower_case_l_is_an_i() -> None:
    text = "Reason: lron deficiency, lmaging for low back pain, lbs lost\n"
    reason = extract([ocr_page(text)]).clinical.reason
    assert reason == "Iron deficiency, Imaging for low back pain, lbs lost"


@pytest.mark.parametrize(
    ("row", "urgency"),
    [
        ("{ ] STAT  JASAP [ ] Routine", Urgency.urgent),  # the tick read as a J glued to ASAP
        ("[ ] STAT [ ] ASAP XROUTINE", Urgency.routine),
        ("[ ] STAT [ ] ASAP [ ] Routine", None),  # nothing ticked
    ],
)
def test_a_hand_tick_read_as_a_letter_glued_to_a_capitals_option_ticks_it(
    row: str, urgency: Urgency | None
) -> None:
    assert extract([ocr_page(f"Reason: Chest pain\nPRIORITY\n{row}\n")]).clinical.urgency == urgency


@pytest.mark.parametrize(
    ("written", "dob", "sure"),
    [
        ("03/15/1985", "1985-03-15", True),
        ("03/15/85", "1985-03-15", True),  # 2085 is in the future: no doubt
        ("01/02/24", "2024-01-02", False),  # or 1924, for a patient of 102
    ],
)
def test_a_two_digit_year_in_this_century_is_read_but_not_vouched_for(
    written: str, dob: str, sure: bool
) -> None:
    e = extract([page(FORM.replace("DOB: 03/15/1985", f"DOB: {written}"))])
    assert e.patient.dob == dob
    assert (e.confidence_of("patient.dob") >= 0.9) is sure


def test_a_comma_between_two_codes_read_as_a_digit_is_dropped_when_the_code_set_says_so() -> None:
    e = extract([ocr_page("PATIENT\nx: D50.97 K92.1\nReason: Anemia\n")])
    assert e.clinical.diagnosis_codes == ["D50.9", "K92.1"]
    assert e.confidence["clinical.diagnosisCodes"] < 0.9  # a repaired list is not sure
    # typed text is what was meant; a last code (no other after it) is not cut
    assert extract([page("Dx: D50.97 K92.1\n")]).clinical.diagnosis_codes == ["K92.1"]
    assert extract([ocr_page("Dx: D50.97\n")]).clinical.diagnosis_codes == []


def test_a_code_with_one_letter_read_as_two_takes_the_one_code_left_by_dropping_one() -> None:
    e = extract([ocr_page("DX CODES\nMS54.42\nDIAGNOSIS / REASON\nLow back pain\n")])
    assert e.clinical.diagnosis_codes == ["M54.42"]
    assert e.confidence["clinical.diagnosisCodes"] < 0.9


def test_a_diagnosis_label_ocr_lost_but_its_colon_and_ts_for_ones_still_give_the_code() -> None:
    e = extract([ocr_page("Fax: +1 520 402 5043\n: ETT.65\nRe: Uncontrolled type 2 diabetes\n")])
    assert e.clinical.diagnosis_codes == ["E11.65"]


def test_a_first_option_read_with_its_hand_tick_as_one_token_is_the_ticked_one() -> None:
    e = extract([ocr_page("PRIORITY\nXistar [ ] Urgent [ ] Routine (2-4 weeks)\n")])
    assert e.clinical.urgency == Urgency.stat
    assert e.confidence["clinical.urgency"] < 0.9  # read out of a garbled token: a guess
    # a word that is no option one letter away, or a ticked box elsewhere, decides nothing
    plain = extract([ocr_page("PRIORITY\nPatient [ ] Urgent [ ] Routine\n")])
    assert plain.clinical.urgency is None
    ticked = extract([ocr_page("PRIORITY\nXistar [X] Urgent [ ] Routine\n")])
    assert ticked.clinical.urgency == Urgency.urgent


def test_a_header_row_label_ocr_misread_by_one_letter_still_heads_its_column() -> None:
    text = "Patient's Name  BOB.  Sex at birth\nBjorn Ruiz-Lopez  1993-01-04  male\n"
    e = extract([ocr_page(text)])
    assert e.patient.sex == Sex.M
    assert e.confidence["patient.sex"] < 0.9


def test_a_fax_headers_sender_does_not_make_a_referrer_section_named_already() -> None:
    text = (
        "FROM: MOUNTAIN VIEW FAMILY PHYSICIANS 614-931-2526 TO: 907-948-8197 11/15/2026 P.001\n"
        "Referral to Pulmonology\nPATIENT\nName: Rahul Adeyemi\nDOB: 04/20/1995\n"
        "Phone: 1-208-403-1250\nREFERRING PROVIDER\nName: Wren A. Lindgren, PA-C\n"
        "NPI: 2504934623\nPhone: 1-614-271-6870\nFax: 1-614-931-2526\n"
    )
    pg = ocr_page(text)
    e = extract([PageText(1, text, "ocr", 0.96, pg.words, PageType.referral, 0, 1)])
    assert (e.patient.first_name, e.patient.phone) == ("Rahul", "+12084031250")
    assert e.referrer.provider_name == "Wren A. Lindgren"
    assert (e.referrer.phone, e.referrer.fax) == ("+16142716870", "+16149312526")


def test_a_letters_reason_after_a_name_with_an_abbreviation_is_read() -> None:
    text = (
        "Dear Colleague,\nI would appreciate your consultation on Tyrone St. Clair (born "
        "9/17/1958) regarding new onset\nseizure. He lives at 1 Elm Street.\n"
    )
    assert extract([page(text)]).clinical.reason == "new onset seizure"
    # a sentence's full stop still ends the search: no reason from the next sentence
    text = "Dear Colleague,\nI saw him in consultation. He asked regarding parking.\n"
    assert extract([page(text)]).clinical.reason is None


def test_an_id_label_whose_i_ocr_read_as_a_one_is_the_id_label() -> None:
    e = extract([ocr_page("Insurance: Priority Health Member 1D: PH61540083\n")])
    assert e.insurance.member_id == "PH61540083"
    assert e.insurance.provider == "Priority Health"


@pytest.mark.parametrize("payer", ["Priority Health", "Harvard Pilgrim Health Care"])
def test_a_payer_named_like_a_label_under_plan_is_the_payer(payer: str) -> None:
    text = f"Patient last name  Haddad\nZIP  93763\nPlan  {payer}\nMember ID  PH58646756\n"
    e = extract([page(text)])
    assert e.insurance.provider == payer
    assert e.insurance.member_id == "PH58646756"
    assert e.clinical.urgency is None  # "Priority" here names no urgency


def test_a_generic_label_means_the_field_of_its_sections_party() -> None:
    # a grid read column by column: the payer's "Name" is the payer, the provider's "ID" her
    # NPI, and "Organization / group" the provider's practice but the coverage's group
    e = extract(
        [
            page(
                "PATIENT\nName: Eun-ji Fairbanks\nID: 64337034\n"
                "REFERRING PROVIDER\nName: Thaddeus Okonkwo-Reyes, MD\nID: 1258810203\n"
                "Organization / group: Kettle River Health Associates\n"
                "COVERAGE\nName: Regence BlueShield\nID: ZRG23242846\n"
                "Organization / group: 25669\n"
            )
        ]
    )
    assert e.insurance.provider == "Regence BlueShield"
    assert (e.insurance.member_id, e.insurance.group_number) == ("ZRG23242846", "25669")
    assert e.referrer.npi == "1258810203"
    assert e.referrer.practice_name == "Kettle River Health Associates"


def test_a_value_among_other_cells_of_its_row_is_never_shown_as_sure() -> None:
    # a grid read across, its column headings lost: the first cell after the label may be
    # another party's (a chart number before the member id, a birth date before a date)
    e = extract([page("Patient Name: Ana Pena\nMember ID  64337034  ZRG23242846\n")])
    assert e.insurance.member_id == "64337034"
    assert e.confidence["insurance.memberId"] < 0.9
    alone = extract([page("Patient Name: Ana Pena\nMember ID  ZRG23242846\n")])
    assert alone.confidence["insurance.memberId"] >= 0.9


def test_a_phone_taken_by_nearness_from_several_on_its_line_is_never_shown_as_sure() -> None:
    # OCR closed the gap between two cells: the label's number is only the nearer one
    e = extract([page("Patient Name: Ana Pena\nPhone: 505.974.3181 928.480.8059\n")])
    assert e.patient.phone == "+15059743181"
    assert e.confidence["patient.phone"] < 0.9
    alone = extract([page("Patient Name: Ana Pena\nPhone: 505.974.3181\n")])
    assert alone.confidence["patient.phone"] >= 0.9


def test_an_npi_ocr_had_to_repair_is_never_shown_as_sure_though_its_check_digit_holds() -> None:
    e = extract([ocr_page("Referring Provider: Dr. Amy Bell\nNPI: l234567893\n")])
    assert e.referrer.npi == "1234567893"
    assert e.confidence["referrer.npi"] < 0.9
    clean = extract([ocr_page("Referring Provider: Dr. Amy Bell\nNPI: 1234567893\n")])
    assert clean.confidence["referrer.npi"] >= 0.9


def test_an_address_with_a_word_before_it_is_never_shown_as_sure() -> None:
    # the text layer dropped the "_" of "ambrose_dellorto8@…": the word before may be its start
    e = extract([page("Patient Name: Ana Pena\nE-mail  ambrose dellorto8@fastmail.com\n")])
    assert e.confidence["patient.email"] < 0.9
    alone = extract([page("Patient Name: Ana Pena\nE-mail  ambrose_dellorto8@fastmail.com\n")])
    assert alone.patient.email == "ambrose_dellorto8@fastmail.com"
    assert alone.confidence["patient.email"] >= 0.9


def test_a_label_of_a_number_under_a_carrier_label_is_no_payer() -> None:
    # a claim block read as its column of labels, then its column of values
    e = extract([page("Patient Name: Ana Pena\nCarrier\nClaim number\nDate of injury\n")])
    assert e.insurance.provider is None


def test_a_slash_joined_label_of_one_fields_two_names_keeps_its_field_in_a_partys_section() -> None:
    e = extract(
        [
            page(
                "REFERRING PROVIDER\nName: Aaliyah Whitfield, MD\n"
                "Service requested / reason: Iron deficiency anemia, evaluate for GI blood loss\n"
            )
        ]
    )
    assert e.clinical.reason == "Iron deficiency anemia, evaluate for GI blood loss"


def test_a_letterheads_numbers_after_their_words_are_the_referrers() -> None:
    e = extract(
        [
            page(
                "Ironwood Physicians Group\n"
                "7350 Tamarack Way, Fargo, ND 58199 Tel 406.418.9520 Fax 406.709.2952\n"
                "Dear Coordinator,\nI am referring Mr. Ignatius Ekwueme for migraine.\n"
            )
        ]
    )
    assert (e.referrer.phone, e.referrer.fax) == ("+14064189520", "+14067092952")
    assert e.confidence["referrer.phone"] < 0.9  # a letterhead's number, by its word alone


PA_LETTER = """Ironwood Physicians Group
11/21/2026
Re: Ignatius Ekwueme, born 11/5/2020
Dear Coordinator,
I am writing on behalf of Dr. Zainab P. St-Pierre, DO, who has asked me to refer Mr. Ignatius
Ekwueme to your neurology service for migraine without aura.
Kind regards,
Saoirse O'Hare, PA-C
Physician Assistant to Dr. Zainab P. St-Pierre, DO
"""


def test_a_letter_written_on_a_physicians_behalf_names_the_physician_as_referrer() -> None:
    e = extract([page(PA_LETTER)])
    assert e.referrer.provider_name == "Zainab P. St-Pierre"


def test_the_title_of_the_one_referred_gives_the_patients_sex() -> None:
    e = extract([page(PA_LETTER)])
    assert e.patient.sex == Sex.M
    assert e.confidence["patient.sex"] < 0.9  # said in a sentence, not labelled


def test_a_referral_to_a_practice_for_a_complaint_gives_the_reason() -> None:
    e = extract(
        [
            page(
                "Assessment and plan\nReferral to Bone & Joint Institute for low back pain with"
                " left sciatica, to be seen within one week. Continue current medications.\n"
            )
        ]
    )
    assert e.clinical.reason is not None
    assert e.clinical.reason.startswith("low back pain with left sciatica")


def test_a_chart_banner_with_the_birth_date_after_the_name_names_the_patient() -> None:
    e = extract(
        [
            page(
                "Northshore Memorial Hospital\nInpatient Consult Request - Endocrinology\n"
                "FAIRBANKS, NIAMH M DOB 9/14/2017 MRN 52397633\n"
                "Room 631-B Admitted 11/17/2026\n"
            )
        ]
    )
    assert (e.patient.first_name, e.patient.last_name) == ("Niamh", "Fairbanks")


def test_a_payers_name_ends_where_ocrs_1d_for_id_starts_its_member_id() -> None:
    e = extract([ocr_page("Patient Name: Ana Pena\nInsurance: Tufts Health Plan, 1D 800890920\n")])
    assert e.insurance.provider == "Tufts Health Plan"


def test_a_practices_capital_i_that_ocr_read_as_an_l_is_an_i() -> None:
    e = extract(
        [ocr_page("Referring Provider: Dr. Amy Bell\nPractice: lronwood Physicians Group\n")]
    )
    assert e.referrer.practice_name == "Ironwood Physicians Group"


@pytest.mark.parametrize("gap", ["  ", " "])
def test_a_forms_captioned_cells_on_one_line_are_city_state_and_zip_and_an_empty_unit_no_street(
    gap: str,
) -> None:
    # "Apt/Unit" is the caption of a cell left empty; "State" and "ZIP" caption the cells
    # after the city's, however little space the form left between them.
    text = (
        "A. PATIENT\nLast name Mwangi  First name Clementine\n"
        "Street 2220 W Orchard Grove Rd Apt/Unit\n"
        f"City Mobile{gap}State AL{gap}ZIP 36667\nB. INSURANCE\n"
    )
    address = extract([page(text)]).patient.address
    assert address is not None
    assert (address.line1, address.line2, address.city, address.state, address.zip) == (
        "2220 W Orchard Grove Rd",
        None,
        "Mobile",
        "AL",
        "36667",
    )


def test_a_label_left_empty_takes_no_section_heading_for_its_value() -> None:
    text = "A. PATIENT\nLast name Begay First name Ottilie\nStreet  Apt/Unit\nCity\nB. INSURANCE\n"
    assert extract([page(text)]).patient.address is None


def test_a_code_ocr_split_with_a_space_leaves_the_list_in_doubt() -> None:
    # "E11.42" read "El 1.42": the list read is short of it, so not shown as sure
    e = extract([ocr_page("Patient\nName: Ann Bell\nICD-10  G62.9, El 1.42\n")])
    assert e.clinical.diagnosis_codes == ["G62.9"]
    assert e.confidence["clinical.diagnosisCodes"] < 0.9
    e = extract([ocr_page("Patient\nName: Ann Bell\nICD-10  G62.9, E11.42\n")])
    assert e.clinical.diagnosis_codes == ["G62.9", "E11.42"]
    assert e.confidence["clinical.diagnosisCodes"] >= 0.9


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("Street 6508 Tanager Ct ApvUnit", "Street 6508 Tanager Ct Apt/Unit"),  # "t" read as "v"
        ("street 5504 W Orchard Rd_ AptUnit Bldg 2", "street 5504 W Orchard Rd_ Apt/Unit Bldg 2"),
        ("Datename Statement", "Datename Statement"),  # labels of two fields, or none: words
        ("Insurance Information", "Insurance Information"),
    ],
)
def test_two_labels_of_one_field_ocr_glued_into_a_word_are_parted(line: str, read: str) -> None:
    from app.pipeline.fields.label_lines import restore_glued_labels

    assert restore_glued_labels(line) == read


def test_a_glued_label_after_a_street_ends_the_street_not_joins_it() -> None:
    text = "A. PATIENT\nLast name Mwangi First name Ottilie\nStreet 7660 Ridgecrest Pkwy ApwUnit\n"
    address = extract([ocr_page(text)]).patient.address
    assert address.line1 == "7660 Ridgecrest Pkwy"
    assert address.line2 is None


def test_a_pen_forms_writing_line_read_as_underscores_is_no_part_of_label_or_value() -> None:
    text = (
        "A. PATIENT\nLast name Mwangi First name Ottilie\n"
        "street_ 1532 N Bellwether St_ Apt/Unit Bldg 2\n"
    )
    address = extract([ocr_page(text)]).patient.address
    assert (address.line1, address.line2) == ("1532 N Bellwether St", "Bldg 2")
    from app.pipeline.fields.labels import _WRITING_LINE

    assert _WRITING_LINE.sub(" ", "Email: a_b@x.com") == "Email: a_b@x.com"  # inside a word


def test_a_category_read_off_a_fax_is_in_doubt_where_a_typed_one_is_not() -> None:
    # "C34.11" faxed, its ".11" lost to OCR: "C34" is a code, but one more specific codes
    # extend, so a coordinator checks it; a leaf code (I10) read the same way stays sure
    text = "REFERRAL\nDiagnosis: C34 - Malignant neoplasm of bronchus and lung\n"
    e = extract([ocr_page(text)])
    assert e.clinical.diagnosis_codes == ["C34"]
    assert e.confidence["clinical.diagnosisCodes"] < 0.9
    typed = PageText(1, text, "text", 1.0, (), PageType.referral)
    assert extract([typed]).confidence["clinical.diagnosisCodes"] >= 0.9
    leaf = extract([ocr_page("REFERRAL\nDiagnosis: I10 - Essential hypertension\n")])
    assert leaf.clinical.diagnosis_codes == ["I10"]
    assert leaf.confidence["clinical.diagnosisCodes"] >= 0.9
