"""app/pipeline/pages.py: page types from general cues, on layouts the corpus never makes,
and on the corpus's own packets (typed, and one scanned)."""

import pytest

from app.pipeline.pages import classify, classify_all, document_type_of
from app.pipeline.read import read_packet
from app.pipeline.types import PageText
from bench.corpus import generate, layouts
from models.document import DocumentType, PageType

# Pages written by hand in styles the generator does not use (other wording, other labels,
# other structure), as a fax or a text layer would give them.
REFERRAL_FORM = """ORTHOPAEDIC ASSOCIATES OF THE VALLEY
OUTPATIENT CONSULTATION REQUEST
Patient name: KOWALSKI, ANNA          Sex: F      DOB 07-04-1958
Home address: 41 Birch Road, Dayton OH 45402      Cell: 937 555 0182
Primary insurance: Aetna PPO   Policy #: W112233445
Requesting clinician: Lena Ortiz, FNP    NPI# 1457399011
Service requested: [X] Orthopaedic surgery  [ ] Sports medicine
Clinical question: chronic left hip pain, ?avascular necrosis. Evaluate and treat.
Priority: [ ] STAT  [X] within 2 weeks  [ ] routine
"""
REFERRAL_LETTER = """Westside Pediatrics
12 March 2026
To whom it may concern,
I am sending Liam Chen, age 9, to your clinic for evaluation of recurrent
abdominal pain with weight loss over the past four months. Celiac serology was
positive. I would be grateful if he could be seen for an endoscopy.
His mother can be reached at (555) 310-2299. Insurance: Kaiser, member 88812.
With thanks,
Dr. P. Adeyemi
"""
DISCHARGE_SUMMARY = """DISCHARGE SUMMARY
Admission date: 10/02/2026   Discharge date: 10/06/2026
Admitting diagnosis: community acquired pneumonia
Hospital course: The patient was treated with ceftriaxone and azithromycin,
improved clinically and was weaned off oxygen on day 3.
Discharge medications: amoxicillin-clavulanate 875 mg twice daily for 5 days.
Follow-up: primary care in one week.
"""
SOAP_NOTE = """S: 54 yo M with 3 weeks of exertional chest tightness, no rest pain.
O: BP 148/92, HR 78, lungs clear, RRR no murmur. ECG NSR.
A: Stable angina, likely.
P: Start aspirin 81 mg, atorvastatin 40 mg. Stress test. Return in 2 weeks.
"""
CBC_REPORT = """QUEST DIAGNOSTICS
COMPLETE BLOOD COUNT W/ DIFF
TEST                 RESULT    FLAG   UNITS        REF INTERVAL
WBC                  11.8      H      x10E3/uL     3.4-10.8
RBC                  4.21             x10E6/uL     3.77-5.28
HEMOGLOBIN           10.9      L      g/dL         11.1-15.9
HEMATOCRIT           33.0      L      %            34.0-46.6
PLATELETS            402              x10E3/uL     150-450
"""
PATHOLOGY = """SURGICAL PATHOLOGY REPORT
Specimen: skin, left forearm, shave biopsy
Gross description: a tan-brown shave of skin measuring 0.6 x 0.5 cm.
Microscopic description: atypical melanocytic proliferation.
Final diagnosis: compound dysplastic nevus with moderate atypia, margins involved.
"""
XRAY = """XR KNEE 3 VIEWS LEFT
HISTORY: knee pain after fall.
COMPARISON: none.
There is moderate medial joint space narrowing with osteophytes. No fracture.
IMPRESSION: Moderate medial compartment osteoarthritis.
"""
ULTRASOUND = """US ABDOMEN COMPLETE
Indication: elevated liver enzymes
The liver is echogenic, consistent with hepatic steatosis. The gallbladder is
without stones. Common bile duct measures 4 mm.
Conclusion: Hepatic steatosis. Otherwise normal abdominal ultrasound.
"""
MEDICARE_CARD = """MEDICARE HEALTH INSURANCE
Name/Nombre JOHN L SMITH
Medicare Number/Número de Medicare 1EG4-TE5-MK73
Entitled to/Con derecho a Coverage starts/Cobertura empieza
HOSPITAL (PART A) 03-01-2016
MEDICAL (PART B) 03-01-2016
"""
PLAN_CARD = """UnitedHealthcare
Choice Plus
Member: MARIA GARCIA
Member ID: 912345678   Group Number: 705214
Payer ID: 87726
Rx Bin: 610279  Rx PCN: 9999  Rx Grp: UHEALTH
Copays: Office $20  Specialist $40  ER $150
"""
COVER_SHEET = """FAX
Date: 11/30/2026
To: Dr. Lee, Cardiology     Fax: 555-201-9988
From: Sunrise Family Clinic Phone: 555-201-3344
Number of pages (including this one): 5
Comments: referral and notes attached
"""
AUTHORIZATION = """AUTHORIZATION FOR RELEASE OF HEALTH INFORMATION
I authorize the release of my records from the facility named below to the
recipient named below for the purpose of continuity of care. This authorization
expires one year from the date signed. I may revoke it in writing at any time.
Signature of patient or legal representative: ____________  Date: _______
"""

MORE_PAGES = [
    (
        "referral",
        """e-Referral  #20931
From: Family Health Center, Dr. S. Romero
To: Dermatology
Patient Details
Name: Okafor, Chidi   Gender: M   Birthdate: 1988-06-30
Contact number: 555 882 1200
Coverage: Medicaid  ID 00493381
Clinical summary: enlarging mole on the back, bleeds occasionally.
Requested action: assess and biopsy if indicated. Timeframe: 2-4 weeks.
""",
    ),
    (
        "referral",
        """Dr. Hana Kim
Sleep Medicine
Re: Paul Davies  D.O.B. 9/9/1961
Paul is a 65 year old man with loud snoring, witnessed apneas and daytime sleepiness
(Epworth 16). I would be grateful if you could arrange a sleep study and advise on
treatment. He is on amlodipine 10 mg.
Kind regards,
Dr. Jo Grant
""",
    ),
    (
        "clinical_notes",
        """Visit Note - 11/02/2026
Reason for visit: diabetes follow-up
A1c 8.9 today. Reports adherence to metformin. Feet: normal monofilament.
Plan: add empagliflozin 10 mg daily, dietitian, recheck A1c in 3 months.
""",
    ),
    (
        "clinical_notes",
        """PROBLEM LIST
1. Type 2 diabetes mellitus without complication (E11.9)
2. Essential hypertension (I10)
3. Hyperlipidemia (E78.5)
ALLERGIES: sulfa (rash)
IMMUNIZATIONS: influenza 10/2026, Tdap 2022
""",
    ),
    (
        "lab",
        """Lipid Panel
Total Cholesterol  242 mg/dL   High   <200
HDL                 38 mg/dL   Low    >40
LDL (calc)         171 mg/dL   High   <100
Triglycerides      165 mg/dL   High   <150
Specimen collected 11/18/2026 08:02  Received 11/18/2026 09:15
""",
    ),
    (
        "lab",
        """MICROBIOLOGY
Source: urine, clean catch
Culture: >100,000 CFU/mL Escherichia coli
Susceptibility: ampicillin R, nitrofurantoin S, ciprofloxacin S, TMP/SMX R
""",
    ),
    (
        "imaging",
        """ECHOCARDIOGRAM REPORT
Left ventricle: mildly dilated, ejection fraction estimated 35-40%.
Right ventricle: normal size and function.
Valves: mild mitral regurgitation.
Summary: reduced LV systolic function, mild MR.
""",
    ),
    (
        "imaging",
        """CT CHEST W/O
Lungs: 8 mm solid nodule in the right upper lobe (series 3, image 41). No consolidation.
Mediastinum: no lymphadenopathy.
IMPRESSION: 8 mm RUL nodule. Recommend follow-up CT in 3 months per Fleischner.
""",
    ),
    (
        "insurance_card",
        """Aetna
Open Access Managed Choice
ID W123456789   GRP 0845210-10-001
MEMBER JANE Q PUBLIC
PCP $25  SPECIALIST $50  ER $250
RxBIN 610502  RxPCN ADV  RxGRP RX8827
""",
    ),
    (
        "cover_sheet",
        """TRANSMITTAL
Attention: New Patient Coordinator
Sender: Lakeview Clinic
Total pages incl. cover: 6
Notice: the information in this fax is intended only for the named recipient.
""",
    ),
    (
        "other",
        """PATIENT QUESTIONNAIRE
Do you smoke?  [ ] yes  [ ] no
How many alcoholic drinks per week? ____
Do you exercise regularly?  [ ] yes  [ ] no
Signature ______________
""",
    ),
    (
        "referral",
        """PATIENT REFERRAL FORM
Referred to: Dr. Amit Shah, Gastroenterology
Patient: Robert Nguyen  Date of Birth: 02/11/1970
Address: 88 Lake St, Austin TX 78701  Phone: 512-555-0134
Insurance carrier: Cigna  ID: U1234567
Diagnosis/ICD-10: K21.9 GERD
Services requested: EGD
Referring physician signature: __________ NPI: 1982736450
""",
    ),
    (
        "referral",
        """Dear Dr. Patel,
Thank you for agreeing to see Mrs. Helen Brooks (DOB 4/2/1948), who has had progressive
shortness of breath on exertion. Echo shows EF 35%. I would value your advice regarding
further management of her heart failure.
Yours sincerely,
Dr. Mark Ellis, Internal Medicine
""",
    ),
    (
        "clinical_notes",
        """HISTORY AND PHYSICAL
Chief Complaint: headache x 3 days
HPI: 32F with throbbing bifrontal headache, photophobia, no fever.
PMH: migraine. Meds: sumatriptan PRN. Allergies: penicillin.
Exam: alert, neuro intact, no meningismus.
Impression: migraine without aura. Plan: NSAID, hydration, follow up PRN.
""",
    ),
    (
        "clinical_notes",
        """MEDICATION LIST
Lisinopril 20 mg PO daily
Metformin 500 mg PO BID
Atorvastatin 40 mg PO nightly
Aspirin 81 mg PO daily
Reviewed with patient 11/02/2026
""",
    ),
    (
        "lab",
        """Comprehensive Metabolic Panel     Collected 11/20/2026 07:45
Glucose            128 H   (65-99) mg/dL
BUN                 18     (6-24) mg/dL
Creatinine         1.42 H  (0.57-1.00) mg/dL
eGFR                41 L   (>59) mL/min/1.73
Sodium             139     (134-144) mmol/L
""",
    ),
    (
        "lab",
        """URINALYSIS
Color: yellow   Clarity: cloudy
Specific gravity 1.025
Protein: 2+ (A)   Glucose: negative
Leukocyte esterase: positive (A)   Nitrite: positive (A)
Microscopic: WBC >50 /hpf, bacteria many
""",
    ),
    (
        "imaging",
        """MRI LUMBAR SPINE WITHOUT CONTRAST
Clinical information: low back pain radiating to left leg.
L4-L5: broad-based disc bulge with left paracentral protrusion contacting the traversing
left L5 nerve root. Mild bilateral foraminal narrowing.
L5-S1: no significant stenosis.
Summary: L4-5 left paracentral disc protrusion with L5 nerve root contact.
""",
    ),
    (
        "imaging",
        """Bilateral Screening Mammogram
Breast composition: scattered areas of fibroglandular density.
No suspicious masses, calcifications or architectural distortion.
BI-RADS 1: Negative. Recommend routine annual screening.
""",
    ),
    (
        "insurance_card",
        """BlueCross BlueShield of Texas
Subscriber: JAMES T WILSON
Identification No. ZGP123456789
Plan: BlueChoice PPO   Group: 120394
Dependents: 01 02
In-network Office Visit $30
Pharmacy Benefit Manager: Prime Therapeutics
""",
    ),
    (
        "insurance_card",
        """Back of card
Members: call 1-800-555-0199 for benefits and eligibility.
Providers: verify coverage at availity.com or call 1-800-555-0100.
Mail claims to: PO Box 660044, Dallas TX 75266
Pre-certification required for inpatient admissions.
""",
    ),
    (
        "cover_sheet",
        """Facsimile Transmission
DATE: 11/29/26
TO: Intake Dept, Riverbend Ortho      FAX #: (555) 410-2200
FROM: Dr. Hollis office               PHONE #: (555) 410-9921
PAGES: 3
MESSAGE: Please see attached.
The documents accompanying this transmission contain confidential health information.
""",
    ),
    (
        "other",
        """PATIENT FINANCIAL RESPONSIBILITY POLICY
I understand that I am financially responsible for all charges not covered by my plan.
Payment is due at the time of service. Returned checks incur a $35 fee.
Patient signature ____________________ Date ________
""",
    ),
    ("other", """Page intentionally left blank"""),
]
HAND_WRITTEN = [
    (REFERRAL_FORM, PageType.referral),
    (REFERRAL_LETTER, PageType.referral),
    (DISCHARGE_SUMMARY, PageType.clinical_notes),
    (SOAP_NOTE, PageType.clinical_notes),
    (CBC_REPORT, PageType.lab),
    (PATHOLOGY, PageType.lab),
    (XRAY, PageType.imaging),
    (ULTRASOUND, PageType.imaging),
    (MEDICARE_CARD, PageType.insurance_card),
    (PLAN_CARD, PageType.insurance_card),
    (COVER_SHEET, PageType.cover_sheet),
    (AUTHORIZATION, PageType.other),
    *((text, PageType(kind)) for kind, text in MORE_PAGES),
]


def _page(text: str, **kwargs: object) -> PageText:
    return PageText(number=1, text=text, method="text", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    HAND_WRITTEN,
    ids=[f"{t.value}-{i}" for i, (_, t) in enumerate(HAND_WRITTEN)],
)
def test_page_of_an_unseen_layout_is_classified_by_general_cues(
    text: str, expected: PageType
) -> None:
    assert classify(_page(text)) == expected


def test_empty_page_is_other() -> None:
    assert classify(_page("")) == PageType.other


def test_fax_header_does_not_make_a_page_a_cover_sheet() -> None:
    header = "11/30/2026 09:14 FROM: 555-201-3344 TO: 555-201-9988 FAX P. 3/5\n"

    assert classify(_page(header + XRAY, fax_header_lines=1)) == PageType.imaging


def test_page_that_continues_takes_the_type_of_the_page_before() -> None:
    referral = _page(REFERRAL_FORM)
    follow_on = PageText(number=2, text="Order comments\nnone\nPage 2 of 2", method="text")
    alone = PageText(number=2, text="Order comments\nnone", method="text")
    other_file = PageText(number=2, text=follow_on.text, method="text", document_index=1)

    assert classify_all([referral, follow_on]) == [PageType.referral, PageType.referral]
    assert classify_all([referral, alone]) == [PageType.referral, PageType.other]
    assert classify_all([referral, other_file]) == [PageType.referral, PageType.other]


def test_corpus_typed_packets_are_classified_page_by_page() -> None:
    right = total = 0
    for seed in range(1):
        for layout in layouts():
            packet = generate(seed, layout, scanned=False)
            pages = read_packet([(f.data, f.content_type) for f in packet.files])
            assert len(pages) == len(packet.page_types)
            right += sum(p.page_type == t for p, t in zip(pages, packet.page_types, strict=True))
            total += len(pages)
    assert right >= 0.95 * total


def test_corpus_scanned_packet_is_classified_after_ocr() -> None:
    packet = generate(1, "table", scanned=True)  # two PNG pages: OCR stays quick

    pages = read_packet([(f.data, f.content_type) for f in packet.files])

    assert [p.method for p in pages] == ["ocr"] * len(pages)
    assert [p.page_type for p in pages] == packet.page_types


@pytest.mark.parametrize(
    ("page_types", "expected"),
    [
        ([PageType.cover_sheet, PageType.referral, PageType.lab], DocumentType.referral),
        ([PageType.lab, PageType.lab], DocumentType.lab),
        ([PageType.cover_sheet, PageType.imaging], DocumentType.imaging),
        ([PageType.clinical_notes], DocumentType.summary),
        ([PageType.insurance_card], DocumentType.other),
        ([], DocumentType.other),
    ],
)
def test_document_type_follows_its_pages(
    page_types: list[PageType], expected: DocumentType
) -> None:
    assert document_type_of(page_types) == expected


DISCHARGE_WITH_REFERRAL = """St. Anne's Regional Hospital
Discharge Summary / Referral to Outpatient Cardiology
Hospital course
Admitted with palpitations; new atrial fibrillation, rate controlled with metoprolol 25 mg.
Discharge diagnoses
I48.91 Atrial fibrillation
Discharge medications: metoprolol, apixaban 5 mg bid. Follow-up in clinic.
Patient
Name
Tomasz Nowak
Date of birth
March 3, 1950
Gender
Male
Phone
(555) 201-7788
Address
9 Elm Row, Springfield, IL 62701
Attending physician
Dr. R. Patel
"""


def test_page_titled_a_referral_that_states_the_patient_is_a_referral() -> None:
    """Patient identity (labels above values, no colons) plus a title naming a referral
    outweighs the clinical vocabulary of a discharge summary around it."""
    assert classify(_page(DISCHARGE_WITH_REFERRAL)) == PageType.referral
    # the same page without the referral in its title is the hospital's notes
    untitled = DISCHARGE_WITH_REFERRAL.replace(" / Referral to Outpatient Cardiology", "")
    assert classify(_page(untitled)) == PageType.clinical_notes
    # and without a birth date it says whom it is about too loosely to outweigh them
    nameless = DISCHARGE_WITH_REFERRAL.replace("Date of birth\nMarch 3, 1950\n", "")
    assert classify(_page(nameless)) == PageType.clinical_notes


INPATIENT_CONSULT_REQUEST = """Granite Peak Regional Medical Center
Inpatient Consult Request - Dermatology
KACZMAREK, TARIQ M DOB 12/14/1998 MRN 19060629
Room 219-B Admitted 11/11/2026 Attending: Delphine Tran-Okoro, MD
Consultant requested: Bayview Dermatology (Dermatology)
Question for the consultant: Changing pigmented lesion on back
HPI
27 y/o male admitted 11/11/2026 for observation. Irregular borders, grew over 3 months.
Labs this morning: Na 145, K 4.1, Cr 0.80, WBC 10.3. Telemetry unremarkable overnight.
Active problems
Neoplasm of uncertain behavior of skin (D48.5)
Requesting hospitalist
Delphine Tran-Okoro, MD NPI 1465894404
"""


def test_an_inpatient_consult_request_with_its_hpi_is_a_referral_not_notes() -> None:
    # it asks a consultant a question: the HPI and problems it carries do not make it notes
    assert classify(_page(INPATIENT_CONSULT_REQUEST)) == PageType.referral


CLINICAL_SUMMARY_FIRST = """Ironwood Physicians Group
Referral for Gastroenterology consultation - clinical summary
Prepared 2026-11-12 Page 1 of 2
History of present illness
This 46-year-old woman presents for screening colonoscopy. Father diagnosed with colon cancer.
Past medical history
Hypertension; Obesity.
Current medications
Lisinopril 10 mg daily
Family and social history
Non-smoker. Works full time.
Examination
BP 150/71, pulse 66, weight 176 lb, SpO2 95% on room air.
Assessment and plan
Z12.11 - Encounter for screening for malignant neoplasm of colon
"""
PARTICULARS_SECOND = """Ironwood Physicians Group Referral to Digestive Health Page 2 of 2
Patient
Name  Van Wyk, Leopold
Date of birth  1954-09-25
Sex  Male
Phone  +1 316 225 9000
Address  2250 E Kessler Blvd, Lexington, KY 40583
Coverage
Insurance  Wellmark Blue Cross Blue Shield
Member ID  W41445118
Referring provider  Priyanka W. L'Heureux, PA-C
NPI  2053918746
"""


def test_a_referral_that_opens_with_its_clinical_story_is_a_referral_from_its_first_page() -> None:
    first, second = _page(CLINICAL_SUMMARY_FIRST), _page(PARTICULARS_SECOND)
    assert classify(first) == PageType.clinical_notes  # alone, it reads as notes
    second = PageText(number=2, text=PARTICULARS_SECOND, method="text")
    assert classify_all([first, second]) == [PageType.referral, PageType.referral]


# A hospital's progress note whose plan orders the referral: a note first, a referral second.
NOTE_WITH_ORDER = """PROGRESS NOTE - Internal Medicine
Chief complaint: right knee pain for 4 months.
History of present illness: 61 yo F with worsening knee pain despite physical therapy.
Exam: effusion, crepitus. Assessment and plan: primary osteoarthritis of the right knee.
Referral placed to Orthopedic Surgery for evaluation of knee replacement.
Reason for referral: failed conservative management.
Referring provider: Dana Whitfield, MD   NPI 1234567893
"""


def _packet(*texts: str) -> list[PageText]:
    return [PageText(number=i, text=t, method="text") for i, t in enumerate(texts, 1)]


def test_a_packet_without_a_referral_page_takes_the_page_most_like_one() -> None:
    packet = _packet(COVER_SHEET, NOTE_WITH_ORDER, CBC_REPORT)

    assert classify(packet[1]) == PageType.clinical_notes  # on its own, a note
    assert classify_all(packet) == [PageType.cover_sheet, PageType.referral, PageType.lab]


def test_a_packet_with_a_referral_page_keeps_its_notes_notes() -> None:
    packet = _packet(REFERRAL_FORM, NOTE_WITH_ORDER)

    assert classify_all(packet) == [PageType.referral, PageType.clinical_notes]


def test_a_page_that_says_too_little_of_a_referral_is_not_made_one() -> None:
    packet = _packet(COVER_SHEET, SOAP_NOTE, CBC_REPORT)

    assert classify_all(packet) == [PageType.cover_sheet, PageType.clinical_notes, PageType.lab]


def _pages(*texts: str) -> list[PageText]:
    return [PageText(number=i + 1, text=t, method="text") for i, t in enumerate(texts)]


def test_a_fax_cover_whose_comments_hold_the_referral_is_the_referral() -> None:
    cover = (
        "fax\nTo:  Digestive Health  From:  Jo Roe\nFax:  555-201-0100  Pages:  4\n"
        "Re:  New referral  Date:  Nov-14-2026\n[ ] Urgent [ ] For Review\nComments:\n"
        "PLEASE SCHEDULE NEW PATIENT REFERRAL. PT: RIVERA, ANA DOB AUG-07-2001 F DX D50.9 "
        "REASON: IRON DEFICIENCY ANEMIA. REF BY JO ROE MD, NPI 1234567893.\n"
        "If you received this fax in error, notify the sender. Confidential.\n"
    )
    plain = cover.replace("PT: RIVERA, ANA DOB AUG-07-2001 F DX D50.9 REASON: IRON DEFICIENCY "
                          "ANEMIA. ", "")  # fmt: skip
    assert classify_all(_pages(cover)) == [PageType.referral]
    assert classify_all(_pages(plain)) == [PageType.cover_sheet]


def test_a_visit_note_whose_plan_orders_the_referral_with_its_reason_is_the_referral() -> None:
    note = (
        "Video visit\nROE, ANA · DOB May-10-1976 · Female\nSubjective\nWorse dyspnea.\n"
        "Assessment\n1. Heart failure (I50.22)\nPlan\n1. Referral to Cardiology: Heart & "
        "Vascular. Reason: Heart failure with reduced ejection fraction.\n2. Continue "
        "medications.\nElectronically signed: Jo Roe, DO\n"
    )
    assert classify_all(_pages(note)) == [PageType.referral]
    assert classify_all(_pages(note.replace("Reason: ", ""))) == [PageType.clinical_notes]


def test_a_page_after_the_referral_naming_the_patients_birth_date_again_is_the_referral() -> None:
    referral = (
        "Hospice Referral\nPatient name  ROE, ANA\nDOB  Feb-26-1936\nGender  Female\n"
        "Home tel.  555-201-0100\nReferral priority  Routine\nTerminal diagnosis  COPD\n"
        "Referring physician  Jo Roe, MD\nNPI  1234567893\n"
    )
    certificate = (
        "Certification of Terminal Illness\nPatient: Ana Roe Date of birth: Feb-26-1936\n"
        "Signature ____ Date Nov-16-2026\n"
    )
    assert classify_all(_pages(referral, certificate))[1] == PageType.referral
