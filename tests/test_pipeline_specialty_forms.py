"""Specialty-referral paperwork of kinds the reader was not tuned on (a dental or therapy order,
an urgent-care summary, a referral log's wide table, a home-health order): each test one
general mechanism, on a small page."""

from dataclasses import replace

from app.pipeline.fax_header import fax_header_lines, is_fax_header
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


def test_a_residence_is_the_patients_address_and_a_home_health_title_no_home() -> None:
    letterhead = ["Valley Family Medicine  Home Health Face-to-Face Encounter &", "Referral"]
    practice = ["4950 Ironweed Ln  Altoona, PA 16639", "Office (423) 920-5017"]
    patient = ["Patient  Huxtable, Eudora", "DOB  07/10/1967"]
    e = extract([_referral(*letterhead, *practice, *patient)])
    assert e.patient.address is None  # the practice's address, under the title
    e = extract([_referral(*patient, "Residence  12 Elm St, Erie, PA 16501")])
    assert (e.patient.address.line1, e.patient.address.city) == ("12 Elm St", "Erie")


def test_a_column_of_labels_then_values_gives_a_date_to_the_date_label() -> None:
    # the labels of a two-column table read one column after the other; the date of a
    # label we do not read is its own value, not the reason's
    e = extract(
        [
            _referral(
                "Patient  Roe, Jane",
                "Face-to-face encounter",
                "Date of encounter",
                "Primary reason for home health",
                "Diagnoses",
                "Clinical findings",
                "Homebound because",
                "November 7 2026",
                "Changing pigmented lesion on back",
                "D48.5 Neoplasm of uncertain behavior of skin",
                "Irregular borders, grew over 3 months.",
                "Leaving home requires a walker",
            )
        ]
    )
    assert e.clinical.reason == "Changing pigmented lesion on back"
    assert e.clinical.diagnosis_codes == ["D48.5"]


def test_a_dash_read_between_a_signature_and_its_npi_parts_two_cells() -> None:
    e = extract(
        [
            _scanned(
                "Patient  Roe, Jane",
                "Certifying physician: Lavinia J. Stoltzfus, DO - NPI 1234567893",
            )
        ]
    )
    assert e.referrer.npi == "1234567893"


def test_a_tables_rule_read_as_a_bracket_before_a_cell_label_is_no_word() -> None:
    e = extract([_scanned("Patient  Roe, Jane", "[Primary reason for home health  Thyroid nodule")])
    assert e.clinical.reason == "Thyroid nodule"


def test_a_form_of_labelled_particulars_and_an_agency_is_a_referral_not_imaging() -> None:
    page = "\n".join(
        [
            "Osage Orange Medical Group  Home Health Face-to-Face",
            "Patient  Dragomir, Eudora",
            "Sex  Female",
            "Phone  (410) 235 2431",
            "Residence  2536 Old Mill Pond Rd, Lewiston, ME 04215",
            "Payer  ConnectiCare",
            "Member ID  CC84742205",
            "Home health agency  Diabetes & Thyroid Clinic",
            "Clinical findings  1.8 cm left thyroid nodule on ultrasound.",
            "Diagnoses  E04.1 Nontoxic single thyroid nodule",
            "Certifying physician: Zenobia N. Dragomir, DO - NPI 2685144752",
        ]
    )
    assert classify_all([PageText(1, page, "ocr")]) == [PageType.referral]


_LOG = "Kettle Moraine Internal Medicine · Outgoing Referral Log · 11.11.2026 · Ph (229)-739-4070"


def test_a_log_rows_header_with_name_parts_an_initial_and_a_state_abbreviated() -> None:
    # "St" after "City" is the state's column; "F" before a phone is a sex's cell, no fax label
    header = "Last  First  MI  DOB  Sex  Phone  Street  City  St  ZIP"
    row = "Stoltzfus  Eudora  D  7.15.1955  F  (814)-793-4363 12 Elm St Apt 4  Erie  PA  16501"
    e = extract([_referral(_LOG, header, row)])
    assert (e.patient.first_name, e.patient.last_name) == ("Eudora", "Stoltzfus")
    assert (e.patient.sex, e.patient.phone) == ("F", "+18147934363")
    address = e.patient.address
    assert address is not None
    assert (address.line1, address.city, address.state, address.zip) == (
        "12 Elm St",
        "Erie",
        "PA",
        "16501",
    )
    e = extract([_referral(_LOG, header, "Roe  Jane  03/04/1961  F  (814)-793-4363")])
    assert (e.patient.first_name, e.patient.sex) == ("Jane", "F")


def test_a_letterhead_line_of_cells_gives_the_practice_and_is_no_fax_header() -> None:
    assert not is_fax_header(_LOG + " · Fax (229)-487-0853")
    assert is_fax_header("11/14/2026 16:26 FAX (870) 749-2583 -> (515) 393-6945 p2/3")
    page = PageText(1, f"{_LOG} · Fax (229)-487-0853\nPatient: Roe, Jane", "text")
    page = replace(page, fax_header_lines=fax_header_lines(page.text))
    e = extract([page])
    assert e.referrer.practice_name == "Kettle Moraine Internal Medicine"


def test_an_email_run_on_into_the_next_cells_words_ends_at_its_domain() -> None:
    run_on = "thomasina.zamora52@outlook.comOptima Health"
    e = extract([_referral("Patient: Roe, Jane", "Email", run_on, "Payer")])
    assert e.patient.email == "thomasina.zamora52@outlook.com"
    assert e.confidence["patient.email"] < 0.9


def test_an_urgency_in_capitals_set_among_a_reasons_lines_is_another_cells() -> None:
    lines = ("Reason", "Chest pain on exertion, URGENT", "rule out coronary", "artery disease")
    e = extract([_referral("Patient: Roe, Jane", *lines)])
    assert e.clinical.reason == "Chest pain on exertion, rule out coronary artery disease"
    assert e.confidence["clinical.reason"] < 0.9


def test_a_referring_clinician_named_by_their_field_is_the_referrer() -> None:
    line = "Referring dentist: Lavinia J. Aucoin, DMD · NPI 2345434411"
    e = extract([_referral("Patient: Roe, Jane", line)])
    assert e.referrer.provider_name == "Lavinia J. Aucoin"
