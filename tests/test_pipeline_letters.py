"""Letters and clinical notes as people write them: a letterhead at the foot, the sender's
particulars on one line, ids said with the payer, SBAR notes, titles, sentences."""

from app.pipeline.fields import extract
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Sex


def page(text: str) -> PageText:
    return PageText(number=1, text=text, method="text", page_type=PageType.referral)


LETTER = """March 3, 2026
Dear colleagues at Lakeside Heart Associates,
Re: Ms. Maria Olsen (born May 2, 1961)
Thank you for agreeing to see this patient regarding palpitations with presyncope. She lives
at 12 Birch Road, Albany, NY 12203. Telephone 518.555.0142. Aetna covers the visit
(ID W123456789). Working diagnoses: R00.2.
Yours sincerely,
Dr Peter Quill
MD
North Shore Family Practice · 9 Harbor St, Albany, NY 12207 · Tel 518.555.0100 · Fax 518.555.0101
"""


def test_a_letter_with_its_letterhead_at_the_foot() -> None:
    got = extract([page(LETTER)])
    assert got.referrer.practice_name == "North Shore Family Practice"
    assert got.referrer.phone == "+15185550100"
    assert got.referrer.fax == "+15185550101"
    assert got.referrer.provider_name == "Peter Quill"
    assert got.patient.sex == Sex.F
    assert got.patient.phone == "+15185550142"
    assert got.insurance.provider == "Aetna"
    assert got.insurance.member_id == "W123456789"
    assert got.clinical.reason == "palpitations with presyncope"


def test_the_practice_a_letter_is_addressed_to_is_not_the_senders() -> None:
    text = "Dear colleagues at Lakeside Heart Associates,\nRe: Maria Olsen\nPlease see her.\n"
    assert extract([page(text)]).referrer.practice_name is None


def test_a_number_said_alone_after_a_sentence_about_someone_else_is_not_the_patients() -> None:
    text = (
        "Her mother drives her to visits and lives nearby in the same town as the family. "
        "Telephone 518.555.0199. Nothing else to add here at all.\n"
    )
    assert extract([page(text)]).patient.phone is None


SBAR = """Referral - Cardiology
Patient: Maria Olsen DOB: 5/2/1961
Insurance: Oscar Health / ID OSC12345678 (grp 4455)
S: Palpitations with presyncope.
B: Two episodes last month.
A: R00.2
R: Please evaluate.
Referring: Dr. Peter Quill (MD) - North Shore Family Practice - tel 518-555-0100 - fax 518-555-0101
"""


def test_an_sbar_note_and_its_one_line_referrer() -> None:
    got = extract([page(SBAR)])
    assert got.clinical.reason == "Palpitations with presyncope"
    assert got.insurance.provider == "Oscar Health"
    assert got.insurance.member_id == "OSC12345678"
    assert got.insurance.group_number == "4455"
    assert got.referrer.practice_name == "North Shore Family Practice"
    assert got.referrer.phone == "+15185550100"
    assert got.referrer.fax == "+15185550101"


def test_an_s_line_with_no_note_after_it_is_not_a_reason() -> None:
    text = "Patient: Maria Olsen DOB: 5/2/1961\nS: 3\nSigned today\n"
    assert extract([page(text)]).clinical.reason is None


def test_a_label_the_lexicon_lacks_ends_at_a_column_gap() -> None:
    text = "Patient name    Maria Olsen\nClinical reason    Palpitations with presyncope\n"
    assert extract([page(text)]).clinical.reason == "Palpitations with presyncope"
    # a single word is no label by its gap alone
    assert extract([page("Service    Cardiology\n")]).clinical.reason is None


def test_a_title_names_the_patients_sex_and_mx_is_other() -> None:
    assert extract([page("Re: Mr. John Olsen\n")]).patient.sex == Sex.M
    assert extract([page("Re: Mx. Sam Olsen\n")]).patient.sex == Sex.X
    assert extract([page("Re: John Olsen\n")]).patient.sex is None


def test_a_number_in_a_clause_whose_subject_ocr_lost_is_the_patients() -> None:
    # "He can be reached at …" with "He" lost at the start of a line
    text = (
        "Thank you for seeing Tyrone Baker, a 79 year old male whom I am referring for low\n"
        "back pain radiating down the left leg. MRI shows L4-L5 disc bulge. can be reached\n"
        "at 609.760.6927.\n"
    )
    got = extract([page(text)])
    assert got.patient.phone == "+16097606927"
    assert got.confidence["patient.phone"] < 0.9
    # spoken of someone else just before: not the patient's
    other = text.replace("disc bulge.", "His wife is his caregiver.")
    assert extract([page(other)]).patient.phone is None


def test_a_member_id_said_after_an_id_ocr_read_as_1d_is_the_member_id() -> None:
    text = "Diagnosis: K21.9. Her insurance is Aetna, member 1D W262815015.\n"
    got = extract([page(text)])
    assert got.insurance.member_id == "W262815015"
    assert got.confidence["insurance.memberId"] < 0.9


MEMBER_LETTER = """Valley Health Plan  Nov-27-2026
Utilization Management · P.O. Box 14219 · Wausau, WI 54491
Member ID: VHP39756532
OCTAVIA G. RASMUSSEN
9691 CREOSOTE WAY APT 207
VICTORIA TX 77995-2638
Dear Octavia Rasmussen:
We have reviewed the referral your provider asked for and it is approved as shown below.
"""


def test_a_letter_to_the_member_names_the_patient_in_its_envelope_window() -> None:
    got = extract([page(MEMBER_LETTER)])
    assert (got.patient.first_name, got.patient.last_name) == ("Octavia", "Rasmussen")
    address = got.patient.address
    assert address is not None
    assert (address.line1 or "").lower() == "9691 creosote way"
    assert (address.city or "").lower() == "victoria"
    assert address.zip == "77995-2638"
    # nothing but the greeting ties the window to the patient: in doubt
    assert got.confidence["patient.lastName"] < 0.9
    assert got.confidence["patient.address.line1"] < 0.9


def test_a_window_greeted_by_title_and_last_name_is_the_same_person() -> None:
    text = MEMBER_LETTER.replace("Dear Octavia Rasmussen:", "Dear Ms. Rasmussen,")
    assert extract([page(text)]).patient.last_name == "Rasmussen"


def test_a_letter_to_a_clinician_or_to_someone_else_names_no_patient_in_its_window() -> None:
    to_doctor = MEMBER_LETTER.replace("OCTAVIA G. RASMUSSEN", "ANN LEE, MD").replace(
        "Dear Octavia Rasmussen:", "Dear Ann Lee, MD:"
    )
    assert extract([page(to_doctor)]).patient.last_name is None
    other = MEMBER_LETTER.replace("Dear Octavia Rasmussen:", "Dear Ms. Fairclough,")
    got = extract([page(other)])
    assert got.patient.last_name is None
    assert got.patient.address is None or got.patient.address.line1 is None
