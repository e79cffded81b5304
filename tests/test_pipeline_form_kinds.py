"""Kinds of form layout the reader must handle whatever their wording: captions printed under
their values, values followed by their caption after a dash, a patient's name told by the
birth date after it. Pure: word boxes or text in, text or an extraction out."""

from app.pipeline.fields import extract
from app.pipeline.fields.label_lines import _banner, _caption_after, _question
from app.pipeline.fields.lexicon import is_label
from app.pipeline.layout import arrange
from app.pipeline.lines import Box
from app.pipeline.types import PageText
from models.document import PageType


def line(y: int, height: int, *cells: tuple[int, str]) -> list[Box]:
    """Words of one line of type ``height`` px high: each cell starts at x."""
    boxes = []
    for x, text in cells:
        for word in text.split():
            width = (height * 3 // 5) * len(word)
            boxes.append(Box(word, x, y, x + width, y + height))
            x += width + height // 2
    return boxes


def test_small_captions_under_values_label_the_values_above_them() -> None:
    words = [
        *line(100, 30, (100, "Okonkwo"), (600, "Adaeze"), (1100, "04/11/1977")),
        *line(140, 20, (100, "Last name"), (600, "First name"), (1100, "Date of birth")),
        *line(200, 30, (100, "41 Birch Road")),
        *line(240, 20, (100, "Street"), (1100, "Phone")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Last name",
        "Okonkwo",
        "First name",
        "Adaeze",
        "Date of birth",
        "04/11/1977",
        "Street",
        "41 Birch Road",
        "Phone",
    ]


def test_a_line_running_across_a_header_rows_columns_is_not_captioned_by_it() -> None:
    """A line above a header row in larger type is no row of values its labels caption when
    it runs on past the start of the next column: the header row labels the line under it."""
    words = [
        *line(100, 34, (100, "Attention: Valley Neurology Associates 19-Nov-2026")),
        *line(170, 26, (110, "Patient"), (700, "DOB"), (1200, "Gender"), (1700, "Contact #")),
        *line(235, 34, (110, "Nguyen, Ezekiel"), (700, "17-Jul-1985"), (1200, "male")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "Attention: Valley Neurology Associates 19-Nov-2026",
        "Patient",
        "Nguyen, Ezekiel",
        "DOB",
        "17-Jul-1985",
        "Gender",
        "male",
        "Contact #",
    ]


def test_small_labels_above_values_still_read_downwards() -> None:
    """The same small type above each value, nearer the value below it: a label over its
    value, not a caption of the value above (a heading, a value of the previous label)."""
    words = [
        *line(100, 30, (100, "ATTENDING PHYSICIAN")),
        *line(150, 20, (100, "Phone")),
        *line(175, 30, (100, "555-201-0100")),
        *line(220, 20, (100, "Fax")),
        *line(245, 30, (100, "555-201-0101")),
    ]
    assert arrange(words, is_label).split("\n") == [
        "ATTENDING PHYSICIAN",
        "Phone",
        "555-201-0100",
        "Fax",
        "555-201-0101",
    ]


def test_captions_in_the_same_type_as_the_values_are_not_captions() -> None:
    words = [
        *line(100, 30, (100, "Okonkwo"), (600, "Adaeze")),
        *line(140, 30, (100, "Last name"), (600, "First name")),
        *line(180, 30, (100, "Okafor"), (600, "Chidi")),
    ]
    assert arrange(words, is_label).split("\n")[:2] == ["Okonkwo  Adaeze", "Last name"]


def test_a_value_then_its_caption_after_a_dash() -> None:
    assert _caption_after("Adaeze Okonkwo - patient") == "patient: Adaeze Okonkwo"
    assert _caption_after("555-201-0100 \u2014 clinic phone 555-201-0101 \u2014 fax") == (
        "clinic phone: 555-201-0100   fax: 555-201-0101"
    )
    # a dash before something that labels nothing, or a label before the dash: as it is
    assert _caption_after("Seen today - follow up in 2 weeks") == (
        "Seen today - follow up in 2 weeks"
    )
    assert _caption_after("Phone - 555-201-0100") == "Phone - 555-201-0100"


def test_a_name_with_a_birth_date_under_it_is_the_patients_after_the_senders_block() -> None:
    text = "\n".join(
        [
            "Northside Family Practice",
            "Referring provider: Dr. Lena Ortiz",
            "Clinic phone: 555-201-0100",
            "Last name",
            "Okonkwo",
            "First name",
            "Adaeze",
            "Date of birth",
            "04/11/1977",
            "Phone",
            "555-301-7788",
            "Reason for referral: chronic knee pain",
        ]
    )
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert (e.patient.first_name, e.patient.last_name) == ("Adaeze", "Okonkwo")
    assert e.patient.phone == "+15553017788"
    assert e.referrer.phone == "+15552010100"


def test_a_numbered_question_is_the_label_of_its_answer() -> None:
    assert _question("3) Best phone to call you at: 555-201-0100") == "3) Best phone: 555-201-0100"
    assert _question("12. What is the reason for this consultation? chest pain") == (
        "12. reason for consultation: chest pain"
    )
    assert _question("\u2022 Who is your primary care physician? Dr. Lena Ortiz") == (
        "\u2022 primary care physician: Dr. Lena Ortiz"
    )
    # yes/no questions, questions about nothing we read, and plain lines stay as they are
    for line in (
        "8. Do you have health insurance? Yes",
        "6. How did you hear about us? A friend",
        "Phone: 555-201-0100",
    ):
        assert _question(line) == line


def test_a_question_asking_for_several_fields_gives_one_label_per_answer_part() -> None:
    assert _question("9. Insurance company and member ID: Aetna, W123456789") == (
        "9. Insurance company: Aetna   member ID: W123456789"
    )
    # the owner of the first field owns the others ("Referring ... phone and fax")
    assert _question(
        "4. Referring clinic name, phone and fax: Sunrise Clinic, 555-0100, 555-0101"
    ) == (
        "4. Referring clinic name: Sunrise Clinic   Referring phone: 555-0100   "
        "Referring fax: 555-0101"
    )
    # an answer of another number of parts (an address's commas) stays one value
    assert _question("5. Insurance company and member ID: Aetna") == (
        "5. Insurance company and member ID: Aetna"
    )


def test_a_questionnaire_gives_the_patient_insurance_and_referrer() -> None:
    text = "\n".join(
        [
            "New Patient Intake",
            "1. Your full name: Adaeze Okonkwo",
            "2. Date of birth: 04/11/1977",
            "3. What is the best phone number to reach you? 555-301-7788",
            "4. Insurance company and member ID: Aetna, W123456789",
            "5. Who referred you? Dr. Lena Ortiz",
            "6. Referring doctor's NPI, if known: 1457399011",
            "7. What is the main reason for your visit?",
            "   chronic knee pain",
        ]
    )
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert e.patient.phone == "+15553017788"
    assert (e.insurance.provider, e.insurance.member_id) == ("Aetna", "W123456789")
    assert e.referrer.npi == "1457399011"
    assert e.clinical.reason == "chronic knee pain"


def test_a_table_rows_first_cell_is_one_label_whose_words_say_whose_it_is() -> None:
    text = "\n".join(
        [
            "Referral Order",
            "Field  Value  Comment",
            "Ordering provider  Lena Ortiz, MD  NPI 1457399011",
            "Clinic phone  555-201-0100",
            "Department fax  555-201-0101  results to this fax",
            "Patient address  41 Birch Road, Dayton, OH 45402",
            "Patient e-mail  adaeze@example.com",
        ]
    )
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert e.referrer.fax == "+15552010101"
    assert (e.patient.address.line1, e.patient.address.city) == ("41 Birch Road", "Dayton")
    assert e.patient.email == "adaeze@example.com"


PAYER_FORM = "\n".join(
    [
        "Keystone Health Plan",
        "Precertification Request - Outpatient",
        "Member",
        "Member name  Okonkwo, Adaeze",
        "Member ID  KHP448812",
        "Member phone  555-301-7788",
        "Requesting provider",
        "Name  Lena Ortiz, MD",
        "Phone  555-201-0100",
        "Rendering provider / facility",
        "Name  Valley Orthopedics",
        "Phone  555-909-1212",
    ]
)


def test_a_servicing_or_rendering_provider_block_is_the_recipients() -> None:
    e = extract([PageText(1, PAYER_FORM, "text", page_type=PageType.referral)])
    assert (e.patient.first_name, e.patient.last_name) == ("Adaeze", "Okonkwo")
    assert e.patient.phone == "+15553017788"
    assert e.referrer.phone == "+15552010100"
    assert e.referrer.provider_name == "Lena Ortiz"


def test_a_payers_own_form_names_the_payer_in_its_title_weakly() -> None:
    e = extract([PageText(1, PAYER_FORM, "text", page_type=PageType.referral)])
    assert e.insurance.provider == "Keystone Health Plan"
    assert 0 < e.confidence["insurance.provider"] < 0.9
    # a labelled insurer wins over the title
    labelled = PAYER_FORM.replace("Member ID", "Plan  Aetna Better Health\nMember ID")
    e = extract([PageText(1, labelled, "text", page_type=PageType.referral)])
    assert e.insurance.provider == "Aetna Better Health"
    # a title over anything but a prior-authorization request names no payer
    plain = PAYER_FORM.replace("Precertification Request", "Referral Form")
    assert (
        extract([PageText(1, plain, "text", page_type=PageType.referral)]).insurance.provider
        is None
    )


PROSE = (
    "Admitted with chest pain and ruled out for infarction over two days.",
    "Stress echocardiogram showed inducible ischaemia in the anterior wall.",
    "Started on aspirin and a statin and discharged home in good condition.",
    "Please see her in the cardiology clinic for angiography within weeks.",
)
SIDE = ("PATIENT", "Name", "Adaeze Okonkwo", "Date of birth", "04/11/1977", "Phone")
SIDE += ("555-301-7788", "Address", "41 Birch Road")


def _sidebar_page() -> list[Box]:
    words = [*line(40, 30, (100, "Discharge Summary and Referral"))]
    for i, text in enumerate(PROSE):  # the body, wrapped at the sidebar's edge (x 1400)
        words += line(120 + 80 * i, 30, (100, text))
    for i, text in enumerate(SIDE):  # the sidebar, its lines between the body's
        words += line(100 + 40 * i, 30, (1400, text))
    return words


def test_a_side_column_beside_prose_reads_after_the_body_not_across_it() -> None:
    words = _sidebar_page()
    assert max(w.x1 for w in words if w.x0 < 1400) > 1280  # the prose runs up to the edge
    assert arrange(words, is_label).split("\n") == [
        "Discharge Summary and Referral",
        *PROSE,
        *SIDE,
    ]


def test_a_key_value_table_is_no_side_column() -> None:
    """Short labels on the left are no body text: the table reads row by row."""
    rows = ("Name", "Date of birth", "Phone", "Address", "Plan", "Member ID", "Group", "NPI")
    words = [
        w
        for i, label in enumerate(rows)
        for w in line(100 + 40 * i, 30, (100, label), (1500, f"value {i}"))
    ]
    assert arrange(words, is_label).split("\n")[:2] == ["Name  value 0", "Date of birth  value 1"]


def test_a_discharging_physicians_block_and_service_are_the_referrers() -> None:
    text = "\n".join(
        [
            "Discharge Summary and Referral",
            "Patient",
            "Name",
            "Adaeze Okonkwo",
            "Date of birth",
            "04/11/1977",
            "DISCHARGING PHYSICIAN",
            "Name",
            "Lena Ortiz, MD",
            "Service",
            "Riverside Internal Medicine Clinic",
        ]
    )
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert e.referrer.provider_name == "Lena Ortiz"
    assert e.referrer.practice_name == "Riverside Internal Medicine Clinic"
    assert e.clinical.reason is None  # a hospital's "Service" is a department, not a reason


def test_a_patient_banner_labels_its_cells() -> None:
    banner = "ROE, JANE  MRN 12345  DOB March 4, 1961 (65 y)  Female  Ph 555-201-0100"
    assert _banner(banner) == (
        "Patient: ROE, JANE   MRN: 12345   DOB: March 4, 1961 (65 y)   Sex: Female   "
        "Ph: 555-201-0100"
    )
    # without a birth date it is no banner; a first cell that is a label is no name
    for other in ("ROE, JANE  MRN 12345  Female", "Name  DOB 3/4/1961  Sex F"):
        assert _banner(other) == other
    e = extract([PageText(1, f"Printed by A. Clerk\n{banner}\nReferral Order", "text")])
    assert (e.patient.first_name, e.patient.last_name, e.patient.sex) == ("Jane", "Roe", "F")
    assert e.patient.phone == "+15552010100"


def test_a_follow_up_timeframe_wrapped_onto_the_next_line_gives_the_urgency() -> None:
    from app.pipeline.fields.urgency import read_when
    from models.extraction import Urgency

    assert read_when(
        "Follow-up with Cardiology (Heart Center) for palpitations, within 1 week."
    ) == (Urgency.urgent)
    assert read_when("Outpatient follow-up with Dermatology within 4-6 weeks") == Urgency.routine
    assert read_when("Follow-up within 2 weeks") is None  # neither soon nor routine: unsaid
    text = "Referral\nFollow-up with Neurology (Capital Neuro) for\nheadaches, within 1 week."
    e = extract([PageText(1, text, "text", page_type=PageType.referral)])
    assert e.clinical.urgency == Urgency.urgent
    assert 0 < e.confidence["clinical.urgency"] < 0.9
