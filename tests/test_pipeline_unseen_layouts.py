"""Layouts of a kind the reader was not tuned on: each test one general mechanism."""

from datetime import date

from app.pipeline.fields import extract
from app.pipeline.fields.label_find import find_labels
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Urgency


def _referral(*lines: str) -> PageText:
    return PageText(1, "\n".join(lines), "text", page_type=PageType.referral)


def test_a_cell_after_a_wide_gap_may_start_with_a_label_and_one_space() -> None:
    line = "Pt. Name Roe, Jane  D.O.B 9-Jun-1945  Sex F"
    assert [label.kind for label in find_labels(line)] == ["name", "dob", "sex"]
    # within a cell a label's word needs its colon: "Valley Street Clinic" is a name
    assert [label.kind for label in find_labels("Dr. Roe  Valley Street Clinic")] == []
    e = extract([_referral(line, "Addr. 12 Main St, Dayton, OH 45402")])
    assert (e.patient.dob, e.patient.sex) == ("1945-06-09", "F")


def test_a_ticked_option_that_says_how_soon_gives_the_urgency() -> None:
    e = extract([_referral("How soon", "[ ] Same day  [X] Within 1 week  [ ] Routine")])
    assert e.clinical.urgency == Urgency.urgent
    e = extract([_referral("How soon", "[X] Same day  [ ] Within 1 week  [ ] Routine")])
    assert e.clinical.urgency == Urgency.stat
    e = extract([_referral("[ ] Same day  [ ] Within 2 weeks  [ ] Routine")])
    assert e.clinical.urgency is None


def test_a_payers_review_type_and_a_slips_shorthand_give_the_urgency() -> None:
    e = extract([_referral("Review type: Urgent (72 hours)")])
    assert e.clinical.urgency == Urgency.urgent
    e = extract([_referral("Rsn Left rotator cuff tear", "Pri. Rout.")])
    assert e.clinical.urgency == Urgency.routine
    assert e.clinical.reason == "Left rotator cuff tear"


def test_a_letter_that_tells_the_patient_in_sentences() -> None:
    e = extract(
        [
            _referral(
                "Telephone +1 865 314 7059 Facsimile +1 865 487 1744",
                "Dear Dr. Roe,",
                "Thank you for agreeing to take on a patient of ours with thyroid nodule. More.",
                "The patient is Ms. Anouk MacAskill, born on October the 9th, 2011.",
            )
        ]
    )
    assert (e.patient.first_name, e.patient.last_name) == ("Anouk", "MacAskill")
    assert (e.patient.dob, e.patient.sex) == ("2011-10-09", "F")
    assert e.clinical.reason == "thyroid nodule"
    assert e.referrer.fax == "+18654871744"


def test_a_birth_date_in_words_with_the_day_before_the_month() -> None:
    from app.pipeline.fields.dates import read_date_text

    assert read_date_text("born the 26th of November, 1952")[0] == date(1952, 11, 26)
    assert read_date_text("born on 11 December 1952")[0] == date(1952, 12, 11)


def test_a_pediatric_referral_with_the_guardian_first() -> None:
    page = _referral(
        "Parent / legal guardian",
        "Name  Ada Roe",
        "Date of birth  1989-07-24",
        "Cell phone  555-608-8613",
        "Child's information",
        "Name  Ian Roe",
        "Date of birth  2021-02-28",
        "Emergency contact",
        "Name  Bea Lin",
        "Phone  555-415-1337",
        "Referring pediatrician",
        "Name  Jo Park, DO",
        "Phone  555-300-5026",
    )
    e = extract([page])
    assert (e.patient.first_name, e.patient.last_name, e.patient.dob) == (
        "Ian",
        "Roe",
        "2021-02-28",
    )
    assert e.patient.phone is None
    assert (e.referrer.provider_name, e.referrer.phone) == ("Jo Park", "+15553005026")


def test_a_hand_filled_form_with_character_boxes_and_tick_rows() -> None:
    page = _referral(
        "A. PATIENT",
        "Last name Roe  First name Ann",
        "Date of birth  1 0 3 1 1 9 9 2 M M D D Y Y Y Y  [ ] M  [X] F  [ ] X  [ ] Unk",
        "Phone ( 785 ) 421 - 3842",
        "Street 12 Elm Ct Apt/Unit Bldg 2",
        "B. INSURANCE",
        "Insurance company AvMed Group # 635202",
        "Member ID",
        "A 9 8 6 8 8 4 4 6 1 0",
        "C. REFERRING PROVIDER",
        "Name (print) Jo Park, MD",
        "Office phone ( 808 ) 203 - 3132 Fax ( 808 ) 844 - 4319",
    )
    e = extract([page])
    assert (e.patient.dob, e.patient.sex, e.patient.phone) == ("1992-10-31", "F", "+17854213842")
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.line2) == ("12 Elm Ct", "Bldg 2")
    assert (e.insurance.provider, e.insurance.group_number) == ("AvMed", "635202")
    assert e.insurance.member_id == "A9868844610"
    assert (e.referrer.provider_name, e.referrer.phone, e.referrer.fax) == (
        "Jo Park",
        "+18082033132",
        "+18088444319",
    )


def test_an_ehr_printout_in_two_columns_keeps_each_columns_party() -> None:
    page = _referral(
        "PATIENT  REFERRAL",
        "PATIENT  ROE, JANE  REFERRAL ID  OR-3749068",
        "DATE OF BIRTH  31-Aug-1956  CREATED  15-Nov-2026",
        "HOME PHONE  603.707.2951  REFER TO  NeuroCare Associates",
        "ADDRESS  6472 Stillwater Cir  REFER-TO PHONE  912.898.2929",
        "Greenville, SC 29618",
        "COVERAGE",
        "REFERRING",
        "PAYER  Blue Cross of Idaho  REFERRING PROVIDER  Jo Park, DO",
        "MEMBER ID  QIB636553896  NPI  2380645590",
        "GROUP  90817  LOCATION  Quarry Hollow Medical Group",
        "SUBSCRIBER  ROE, JANE  PHONE  808.758.5999",
        "RELATIONSHIP  Self  FAX  808.376.1654",
    )
    e = extract([page])
    assert (e.patient.first_name, e.patient.last_name) == ("Jane", "Roe")
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.city) == (
        "6472 Stillwater Cir",
        "Greenville",
    )
    assert e.referrer.practice_name == "Quarry Hollow Medical Group"
    assert (e.referrer.phone, e.referrer.fax) == ("+18087585999", "+18083761654")
    assert e.patient.phone == "+16037072951"


def test_a_grid_of_coverages_read_by_rows_and_in_doubt_read_by_columns() -> None:
    from app.pipeline.fields.insurance import coverage_grid_lines

    rows = _referral(
        "Insurance on file",
        "COB  Payer  Member ID  Group  Subscriber  Subscriber DOB  Rel.",
        "Primary  Sanford Health Plan  SHP950726564  Emeka Roe  1993-02-05  Self",
        "Secondary  AARP Medicare Supplement  7604567141  Emeka Roe  1993-02-05  Self",
        "Review type: Standard (14 days)",
    )
    e = extract([rows])
    assert (e.insurance.provider, e.insurance.member_id) == ("Sanford Health Plan", "SHP950726564")
    assert e.clinical.urgency == Urgency.routine
    columns = _referral(
        "Insurance on file",
        "Primary",
        "Secondary",
        "Payer",
        "Sanford Health Plan",
        "AARP Medicare Supplement",
        "Member ID",
        "7604567141",
        "Referring provider",
        "Name: Jo Park, MD",
    )
    assert coverage_grid_lines(columns) == set(range(1, 8))
    e = extract([columns])
    assert e.insurance.member_id == "7604567141"
    assert e.confidence["insurance.memberId"] < 0.9


def test_a_discharge_follow_up_gives_the_reason_and_uninsured_is_no_payer() -> None:
    page = _referral(
        "Referral",
        "Outpatient follow-up with Cardiology (Heartland Cardiology Associates) for",
        "heart failure with reduced ejection fraction, within 1 week.",
        "COVERAGE",
        "Plan",
        "Uninsured",
    )
    e = extract([page])
    assert e.clinical.reason == "heart failure with reduced ejection fraction"
    assert e.insurance.provider is None


def test_a_question_asking_for_several_fields_with_its_answer_below() -> None:
    page = _referral(
        "9. Insurance company and member ID:",
        "Florida Blue, F7632373461",
        "10. Who referred you (doctor's name)?",
        "Dr. Jo Park",
        "13. Referring office name, phone and fax:",
        "Desert Bloom Primary Care, (912) 822-9645, fax (912) 858-8188",
    )
    e = extract([page])
    assert (e.insurance.provider, e.insurance.member_id) == ("Florida Blue", "F7632373461")
    assert e.referrer.practice_name == "Desert Bloom Primary Care"
    assert (e.referrer.phone, e.referrer.fax) == ("+19128229645", "+19128588188")


def test_ocr_misreads_of_a_printout_state_npi_and_glued_name_labels() -> None:
    page = PageText(
        1,
        "\n".join(
            [
                "PATIENT  ROE, JANE",
                "ADDRESS  7043 Hollyhock Ln Erie, PA 16584  REFER To  Bone & Joint Institute",
                "REFERRING PROVIDER  Anouk Holmqvist, NP",
                "MEMBER ID  QZ280006200  Net  1237600980",
            ]
        ),
        "ocr",
        page_type=PageType.referral,
    )
    e = extract([page])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.state) == ("7043 Hollyhock Ln", "PA")
    assert e.referrer.npi == "1237600980"
    assert extract([_referral("Npt  1083759492")]).referrer.npi == "1083759492"
    e = extract([_referral("Lastname Nwachukwu  Firstname Philippa")])
    assert (e.patient.first_name, e.patient.last_name) == ("Philippa", "Nwachukwu")


def test_a_slips_letterhead_under_its_date_and_copy_note_names_the_practice() -> None:
    page = _referral(
        "REFERRAL SLIP",
        "Date 14-Nov-2026",
        "Office copy - fax to specialist with notes",
        "COBALT BAY PHYSICIANS",
        "Kofi B. Oyelaran, FNP",
        "Ph# 601-853-3205 Fax# 601-794-9248",
    )
    assert extract([page]).referrer.practice_name == "Cobalt Bay Physicians"


def test_a_notes_heading_is_no_reason_and_a_cells_rule_no_part_of_its_value() -> None:
    page = PageText(
        1,
        "REASON FOR REFERRAL\nCLINICAL NoTES\nLeft shoulder pain.\nIns. Capital Blue Cross —_",
        "ocr",
        page_type=PageType.referral,
    )
    e = extract([page])
    assert e.clinical.reason is None
    assert e.insurance.provider == "Capital Blue Cross"


def test_a_reason_heading_after_code_captions_takes_the_text_under_it() -> None:
    page = _referral(
        "DIAGNOSES",
        "I48.91",
        "Unspecified atrial fibrillation",
        "ICD-10-CM",
        "ICD-10-CM",
        "REASON FOR REFERRAL",
        "Atrial fibrillation, new onset",
        "CLINICAL NOTES",
        "Irregularly irregular rhythm on ECG.",
    )
    assert extract([page]).clinical.reason == "Atrial fibrillation, new onset"


def test_a_credential_or_a_name_parts_label_starts_the_next_cell_after_one_space() -> None:
    page = _referral(
        "A. PATIENT",
        "Last name Begay First name Ottilie",
        "C. REFERRING PROVIDER",
        "Name (print) Henrietta Ten Eyck, PA-C Office Cobalt Bay Physicians",
    )
    e = extract([page])
    assert (e.patient.first_name, e.patient.last_name) == ("Ottilie", "Begay")
    assert e.referrer.provider_name == "Henrietta Ten Eyck"
    assert e.referrer.practice_name == "Cobalt Bay Physicians"


def test_a_hospital_units_fax_after_a_pager_and_an_office_label_over_its_number() -> None:
    page = _referral(
        "Requesting hospitalist",
        "Jo Park, MD NPI 1299748982",
        "Pager 3227 Unit fax 1-423-640-6559",
    )
    assert extract([page]).referrer.fax == "+14236406559"
    assert extract(
        [_referral("Referring provider: Jo Park, MD", "Office 555-201-0100")]
    ).referrer.phone == ("+15552010100")


def test_a_heading_over_a_follow_up_list_is_no_wrapped_sentence() -> None:
    # the primary care visit's "within 7 days" is not the referral's urgency
    e = extract(
        [
            _referral(
                "Follow-up",
                "1. Primary care: Dr. Ada Quill within 7 days, office 412-555-0100.",
                "Referral to  Cardiology",
            )
        ]
    )
    assert e.clinical.urgency is None


def test_a_zip_wrapped_under_its_state_and_a_street_with_no_city_in_doubt() -> None:
    page = ("Patient: Ada Quill", "Address: 88 Elm Row, Suite 2, Erie, PA", "16501", "Sex: F")
    e = extract([_referral(*page)])
    assert e.patient.address is not None
    assert (e.patient.address.line1, e.patient.address.zip) == ("88 Elm Row", "16501")
    # no city read after the street's commas: where the street ends is a guess
    e = extract([_referral("Patient: Ada Quill", "Address: 88 Elm Row, Suite 2, Erie", "Sex: F")])
    assert e.confidence["patient.address.line1"] < 0.9


def test_a_list_of_diagnoses_wrapped_mid_diagnosis_keeps_the_code_on_the_next_line() -> None:
    e = extract(
        [
            _referral(
                "Diagnoses: Screening for neoplasm of colon (Z12.11); Family history of malignant",
                "neoplasm of digestive organs (Z80.0)",
                "Response requested: Routine",
            )
        ]
    )
    assert e.clinical.diagnosis_codes == ["Z12.11", "Z80.0"]


def test_an_authorization_forms_veteran_section_and_slashed_phone_numbers() -> None:
    e = extract(
        [
            _referral(
                "Veteran",
                "Veteran name  QUILLFEATHER, ODALYS",
                "Date of birth  4/9/1950",
                "Phone  406/625-4137",
                "Mailing address  12 Birch Rd, Helena, MT 59601",
                "Community care provider",
                "Provider / facility  Lakeside Cardiology",
                "Referring VA provider",
                "Provider  Tamsin Okonkwo, MD",
                "Clinic phone  478/411-1279 Ext. 446",
            )
        ]
    )
    assert (e.patient.first_name, e.patient.last_name) == ("Odalys", "Quillfeather")
    assert e.patient.phone == "+14066254137"
    assert e.patient.address.city == "Helena"
    # a facility under a provider's label is no provider's name
    assert e.referrer.provider_name == "Tamsin Okonkwo"
    assert e.referrer.phone == "+14784111279"


def test_a_heading_of_label_words_after_a_payers_label_word_is_no_payer() -> None:
    e = extract(
        [
            _referral(
                "Patient  Ann Bell",
                "Insurance Providers",
                "Payer name  Policy type  Member ID",
            )
        ]
    )
    assert e.insurance.provider is None


def test_a_printouts_abbreviated_captions_name_their_party() -> None:
    e = extract(
        [
            _referral(
                "PATIENT NAME",
                "ROE, JANE",
                "DOB",
                "01-02-1960",
                "PRIMARY INS",
                "GRANITE COMMUNITY PLAN",
                "REF PROV",
                "OKAFOR, AMOS DO",
                "OFC PHONE",
                "+1 269-954-6406",
            )
        ]
    )
    assert e.insurance.provider == "GRANITE COMMUNITY PLAN"
    assert e.referrer.provider_name == "Amos Okafor"
    # the office's phone, under the referring provider, is not the patient's
    assert e.referrer.phone == "+12699546406"
    assert e.patient.phone is None


def test_an_econsult_request_with_dotted_fields_and_a_question_for_the_specialist() -> None:
    e = extract(
        [
            _referral(
                "eConsult Request: Neurology",
                "Patient  Ann Bell",
                "Coverage  Granite Community Plan · Member ID GCP41836 · Group 42357",
                "Requesting clinician",
                "Tamsin Okonkwo, MD · NPI 1871199547",
                "Direct line 850 715 9680 · Fax 850 652 2404",
                "Reason for consult: New onset seizure",
                "Question for the specialist: Does this need an EEG, and how soon?",
            )
        ]
    )
    assert e.insurance.provider == "Granite Community Plan"
    assert (e.insurance.member_id, e.insurance.group_number) == ("GCP41836", "42357")
    assert e.referrer.provider_name == "Tamsin Okonkwo"
    assert e.referrer.npi == "1871199547"
    assert (e.referrer.phone, e.referrer.fax) == ("+18507159680", "+18506522404")
    # the specialty the request is for is no reason; the question only stands beside it
    assert e.clinical.reason == "New onset seizure"


def test_a_reason_sections_sentences_before_a_label_on_their_line_are_the_reason() -> None:
    e = extract(
        [
            _referral(
                "Patient  Ann Bell",
                "Reason for Referral",
                "Thyroid nodule. 1.8 cm left thyroid nodule on ultrasound. Priority: Routine.",
            )
        ]
    )
    assert e.clinical.reason is not None and e.clinical.reason.startswith("Thyroid nodule.")
    assert e.clinical.urgency == Urgency.routine


def test_a_label_word_with_of_after_it_is_part_of_a_name_not_a_label() -> None:
    assert find_labels("Piedmont Ridge Medical Center  Office of Community Care") == []
    assert find_labels("Department of Veterans Affairs") == []
    e = extract(
        [
            _referral(
                "Piedmont Ridge Medical Center · Office of Community Care",
                "Referring provider",
                "Provider  Tamsin Okonkwo, MD",
                "Facility / clinic  Piedmont Ridge Medical Center",
            )
        ]
    )
    assert e.referrer.practice_name == "Piedmont Ridge Medical Center"


def test_a_clinical_documents_author_custodian_and_payers_table() -> None:
    e = extract(
        [
            _referral(
                "Patient  Ann Bell",
                "Author  Tamsin Okonkwo, FNP",
                "Custodian  Granite Family Clinic",
                "Payers",
                "Payer name",
                "Granite Community Plan",
                "Covered party ID",
                "GCP41836",
            )
        ]
    )
    assert e.referrer.provider_name == "Tamsin Okonkwo"
    assert e.referrer.practice_name == "Granite Family Clinic"
    assert e.insurance.provider == "Granite Community Plan"
    assert e.insurance.member_id == "GCP41836"


def test_a_payer_whose_cell_wrapped_after_of_takes_its_next_line() -> None:
    e = extract(
        [
            _referral(
                "Patient  Ann Bell",
                "Payer name",
                "Granite Shield of",
                "Vermont",
                "Member ID  GCP41836",
            )
        ]
    )
    assert e.insurance.provider == "Granite Shield of Vermont"


def test_a_payer_cut_short_after_of_is_in_doubt() -> None:
    e = extract([_referral("Patient  Ann Bell", "Insurance: Granite Shield of", "")])
    assert e.insurance.provider == "Granite Shield of"
    assert e.confidence["insurance.provider"] < 0.9


def test_a_state_and_zip_cell_under_one_caption() -> None:
    e = extract(
        [
            _referral(
                "Patient  Ann Bell",
                "Street address",
                "12 Birch Rd",
                "City",
                "Lubbock",
                "State / ZIP",
                "TX 79414",
            )
        ]
    )
    assert (e.patient.address.state, e.patient.address.zip) == ("TX", "79414")


def test_a_diagnosis_lines_description_holding_a_label_word_stays_in_the_list() -> None:
    # "Type" is a label elsewhere ("Type: PPO"); after a code it is the code's description
    e = extract(
        [
            _referral(
                "Diagnoses",
                "G62.9 Polyneuropathy, unspecified",
                "E11.42 Type 2 diabetes mellitus with",
                "diabetic polyneuropathy",
                "Priority",
                "STAT",
            )
        ]
    )
    assert e.clinical.diagnosis_codes == ["G62.9", "E11.42"]
