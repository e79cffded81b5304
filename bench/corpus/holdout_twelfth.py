"""A twelfth held-out set (2026-12-06), written blind (without looking at the reader) and
never tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``open_access``: a gastroenterology group's open-access endoscopy form, filled in by a
  primary-care office: the GI group's name and numbers head the page, the referring office
  sits in a box below; procedure and anticoagulant check boxes, the open-access exclusions,
  a second page of bowel-prep instructions with the procedure day's dates; now and then a
  stool-test (FIT) result comes first;
- ``wound_clinic``: a home-health agency's referral to an outpatient wound center: the
  agency's letterhead (with its own NPI now and then), a wound measurement table, the
  supervising physician (the referrer) apart from the nurse who fills in and signs;
- ``devbeh_ref``: a pediatrician's referral to developmental-behavioral pediatrics: the
  child, a parent or guardian with a phone (and now and then an e-mail) of their own, the
  school and its contacts, screening scores with dates; now and then a teacher's rating
  scale comes first;
- ``rheum_ehr``: an EHR's printed rheumatology referral order: a banner, the order's
  associated diagnoses, a problem list of more codes than the order's, and the serology
  (ANA, RF, anti-CCP, ESR, CRP) inline with collection dates;
- ``sched_wide``: a landscape page printed from a referral-scheduling system: three columns
  of key/value blocks (patient, coverage and authorization, referral) over an activity log;
- ``pain_footer``: a narrative letter to interventional pain management whose demographics
  sit only in a bordered sticker strip at the foot of the page; now and then an MRI report
  comes first.

Names, places, payers and practices come from lists no other layout uses (``_CAST``); the
colonoscopy, wound, developmental, rheumatology and pain referrals carry their own reasons and
receivers. Dates run "3/14/1961", "14 Mar 1961", "MAR 14, 1961", "1961-03-14" or
"03-14-1961". Phones run "(218)555-0123", "218 555 0123", "218/555-0123", "218-555-0123" or
"1 (218) 555-0123", an office line sometimes with " ext. 214" or " x31" after it (the truth
is the E.164 number without it).
"""

import dataclasses
import logging
import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, Reason
from bench.corpus.writing import (
    MONTHS,
    Writer,
    esc,
    one_line,
    sex_word,
    street,
    urgency_word,
    with_credential,
    written_phone,
)
from models.document import PageType

_FIRST_F = ("Calliope", "Eulalia", "Frederica", "Gwendolyn", "Isolde", "Kalinda", "Maren",
            "Nerys", "Ondine", "Pernilla", "Rhiannon", "Solveig", "Ulrike", "Vesna",
            "Zinnia")  # fmt: skip
_FIRST_M = ("Hollis", "Isidore", "Jethro", "Kasimir", "Neville", "Roderick", "Boaz", "Cormac",
            "Lachlan", "Oswin", "Piers", "Rowan", "Torin", "Wystan")  # fmt: skip
_LAST = ("Alderete", "Bjornstad", "Cavendish", "Engstrom", "Hochberg", "Ingebretsen",
         "Montague", "Oberholtzer", "Prendergast", "Rosenkranz", "Uhlenbrock", "Villalobos",
         "Wainwright", "MacAllister", "Ahlquist", "Cardenas-Ruiz", "Eckersley", "Haugland",
         "Keswick", "Larrabee", "Mallory", "Trautmann", "Dela Rosa", "O'Shaughnessy")  # fmt: skip
_PAYERS = (
    ("Louisiana Healthcare Connections", "LHC{d9}", None),
    ("Amerigroup", "AGP{d9}", "{d5}"),
    ("Simply Healthcare", "{d10}", None),
    ("CalOptima", "{d9}", None),
    ("Texas Children's Health Plan", "TCH{d8}", None),
    ("Cook Children's Health Plan", "{d11}", None),
    ("Physicians Health Plan", "PHP{d8}", "{d6}"),
    ("Blue Cross Blue Shield of Kansas", "KSB{d9}", "{d6}"),
    ("Priority Partners", "PP{d9}", None),
    ("Banner Medicare Advantage", "BMA{d8}", "{d5}"),
)
_CITIES = (("Lufkin", "TX", "759"), ("Binghamton", "NY", "139"), ("Northampton", "MA", "010"),
           ("Idaho Falls", "ID", "834"), ("Dodge City", "KS", "678"),
           ("Walla Walla", "WA", "993"), ("Sheridan", "WY", "828"), ("Cedar City", "UT", "847"),
           ("Chico", "CA", "959"), ("Monroe", "LA", "712"), ("Danville", "VA", "245"),
           ("Aberdeen", "SD", "574"), ("Mason City", "IA", "504"), ("Hot Springs", "AR", "719"),
           ("Logan", "UT", "843"), ("Redding", "CA", "960"), ("Gainesville", "FL", "326"),
           ("Fitchburg", "MA", "014"), ("Kalispell", "MT", "599"), ("Kingsport", "TN", "376"),
           ("Athens", "OH", "457"))  # fmt: skip
_STREETS = ("Sassafras Ln", "Cobblestone Cir", "Mockingbird Hl", "E Granary St",
            "Thistledown Ct", "Old Ferry Rd", "Hawthorn Bend", "NW Tamarack Loop",
            "Shagbark Ridge Rd", "Lantern Hill Dr", "Wheelwright Way")  # fmt: skip
_LINE2 = ("Apt 2F", "Unit 14", "Bldg C Apt 7", "Ste 5", "# 11B")
_AREAS = ("936", "607", "413", "208", "620", "509", "307", "435", "530", "318", "434", "605",
          "641", "501", "352", "978", "406", "423", "740")  # fmt: skip
_EMAIL_DOMAINS = ("juno.com", "mail.com", "aim.com", "sbcglobal.net", "cox.net")
_PCP_PRACTICES = ("Tamarack Family Physicians", "Lantern Hill Primary Care",
                  "Shagbark Internal Medicine")  # fmt: skip
_HOME_HEALTH = ("Kindred Hearth Home Health", "Wheelwright Visiting Nurses",
                "Bellflower Home Health Services")  # fmt: skip
_SUPERVISING = ("Old Ferry Family Medicine", "Granary Street Geriatrics",
                "Thistledown Internal Medicine")  # fmt: skip
_PEDIATRICS = ("Little Acorns Pediatrics", "Puddle Jumpers Children's Clinic",
               "Cobblestone Pediatric Associates")  # fmt: skip
_SPINE = ("Hawthorn Spine & Orthopaedics", "Tamarack Physical Medicine")

# -- the referrals of this set's own kinds -----------------------------------------------------

_GI = (
    Reason("Gastroenterology", "Screening colonoscopy, average risk, age 45 or older",
           (("Z12.11", "Encounter for screening for malignant neoplasm of colon"),),
           "No prior colonoscopy; no GI symptoms."),
    Reason("Gastroenterology", "Positive fecal immunochemical test (FIT), diagnostic "
           "colonoscopy",
           (("R19.5", "Other fecal abnormalities"),
            ("Z12.11", "Encounter for screening for malignant neoplasm of colon")),
           "FIT positive on the mailed kit; no rectal bleeding seen."),
    Reason("Gastroenterology", "Surveillance colonoscopy, personal history of adenomatous "
           "colon polyps",
           (("Z86.0101", "Personal history of adenomatous and serrated colon polyps"),
            ("Z09", "Encounter for follow-up examination after completed treatment for "
                    "conditions other than malignant neoplasm")),
           "Three tubular adenomas removed five years ago."),
    Reason("Gastroenterology", "Screening colonoscopy, first-degree relative with colorectal "
           "cancer",
           (("Z12.11", "Encounter for screening for malignant neoplasm of colon"),
            ("Z80.0", "Family history of malignant neoplasm of digestive organs")),
           "Mother diagnosed with colon cancer at 58."),
    Reason("Gastroenterology", "Iron deficiency anemia, bidirectional endoscopy (EGD and "
           "colonoscopy)",
           (("D50.9", "Iron deficiency anemia, unspecified"),
            ("R19.5", "Other fecal abnormalities")),
           "Hemoglobin 9.8, ferritin 5; no overt bleeding."),
)  # fmt: skip
_WOUND = (
    Reason("Wound Care", "Non-healing venous stasis ulcer of the right lower leg",
           (("I87.311", "Chronic venous hypertension (idiopathic) with ulcer of right lower "
                        "extremity"),
            ("L97.812", "Non-pressure chronic ulcer of other part of right lower leg with fat "
                        "layer exposed")),
           "Ulcer present 14 weeks despite compression wraps twice weekly."),
    Reason("Wound Care", "Diabetic foot ulcer of the left plantar forefoot, evaluate for "
           "debridement and offloading",
           (("E11.621", "Type 2 diabetes mellitus with foot ulcer"),
            ("L97.522", "Non-pressure chronic ulcer of other part of left foot with fat layer "
                        "exposed")),
           "Plantar ulcer under the first metatarsal head, probes close to bone."),
    Reason("Wound Care", "Stage 3 pressure injury of the sacral region, not improving",
           (("L89.153", "Pressure ulcer of sacral region, stage 3"),),
           "Bed-bound since a stroke; slough at the base for three weeks."),
    Reason("Wound Care", "Dehiscence of abdominal surgical wound, evaluate for negative "
           "pressure wound therapy",
           (("T81.31XA", "Disruption of external operation (surgical) wound, NEC, initial "
                         "encounter"),),
           "Midline wound opened on day 9 after colectomy; packed twice daily."),
    Reason("Wound Care", "Arterial ulcer of the right great toe with peripheral artery "
           "disease, hyperbaric oxygen evaluation",
           (("I70.235", "Atherosclerosis of native arteries of right leg with ulceration of "
                        "other part of foot"),
            ("L97.512", "Non-pressure chronic ulcer of other part of right foot with fat "
                        "layer exposed")),
           "ABI 0.52 on the right; dry eschar at the toe tip."),
)  # fmt: skip
_DEVELOPMENT = (
    Reason("Developmental-Behavioral Pediatrics", "Speech delay and failed M-CHAT-R, "
           "evaluate for autism spectrum disorder",
           (("F80.2", "Mixed receptive-expressive language disorder"),
            ("R62.50", "Unspecified lack of expected normal physiological development in "
                       "childhood")),
           "Says about ten words; limited pointing and eye contact per parents."),
    Reason("Developmental-Behavioral Pediatrics", "Inattention and hyperactivity at home and "
           "school, evaluate for ADHD",
           (("R41.840", "Attention and concentration deficit"),
            ("F81.9", "Developmental disorder of scholastic skills, unspecified")),
           "Teacher and parent Vanderbilt scales both positive for inattention."),
    Reason("Developmental-Behavioral Pediatrics", "Global developmental delay, "
           "comprehensive developmental evaluation",
           (("F88", "Other disorders of psychological development"),
            ("R62.0", "Delayed milestone in childhood")),
           "Walked at 20 months; ASQ-3 below cutoff in four domains."),
    Reason("Developmental-Behavioral Pediatrics", "Reading difficulty and poor school "
           "performance, evaluate for learning disorder",
           (("F81.0", "Specific reading disorder"),),
           "Reading two grade levels behind; school evaluation pending."),
    Reason("Developmental-Behavioral Pediatrics", "Aggressive behavior and tantrums with "
           "sleep problems, behavioral evaluation",
           (("F91.9", "Conduct disorder, unspecified"), ("G47.9", "Sleep disorder, "
                                                                  "unspecified")),
           "Daily tantrums lasting over 30 minutes; sent home from daycare twice."),
)  # fmt: skip
_RHEUM = (
    Reason("Rheumatology", "Inflammatory polyarthritis with positive RF and anti-CCP, "
           "evaluate for rheumatoid arthritis",
           (("M06.4", "Inflammatory polyarthropathy"),
            ("R76.8", "Other specified abnormal immunological findings in serum")),
           "Symmetric MCP and wrist swelling, morning stiffness over an hour."),
    Reason("Rheumatology", "Positive ANA with joint pain and photosensitive rash, rule out "
           "systemic lupus erythematosus",
           (("R76.8", "Other specified abnormal immunological findings in serum"),
            ("M25.50", "Pain in unspecified joint"), ("L56.8", "Other specified acute skin "
                                                               "changes due to ultraviolet "
                                                               "radiation")),
           "Malar rash after sun exposure, oral ulcers, arthralgias of the hands."),
    Reason("Rheumatology", "Bilateral shoulder and hip girdle pain with high ESR, suspected "
           "polymyalgia rheumatica",
           (("M35.3", "Polymyalgia rheumatica"), ("R70.0", "Elevated erythrocyte "
                                                          "sedimentation rate")),
           "Cannot lift arms to comb hair in the morning; ESR 78."),
    Reason("Rheumatology", "Psoriatic arthritis with dactylitis, consider biologic therapy",
           (("L40.50", "Arthropathic psoriasis, unspecified"),),
           "Sausage digit of the left third toe; plaque psoriasis on both elbows."),
    Reason("Rheumatology", "Recurrent gout flares despite allopurinol",
           (("M10.9", "Gout, unspecified"), ("E79.0", "Hyperuricemia without signs of "
                                                      "inflammatory arthritis and tophaceous "
                                                      "disease")),
           "Four flares of the first MTP this year; uric acid 8.9 on allopurinol 300 mg."),
)  # fmt: skip
# Problem-list entries that are not the referral's reason.
_OTHER_PROBLEMS = (("I10", "Essential (primary) hypertension"),
                   ("E78.5", "Hyperlipidemia, unspecified"),
                   ("E66.9", "Obesity, unspecified"),
                   ("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
                   ("F41.1", "Generalized anxiety disorder"),
                   ("E03.9", "Hypothyroidism, unspecified"),
                   ("G47.33", "Obstructive sleep apnea (adult) (pediatric)"),
                   ("M81.0", "Age-related osteoporosis without current pathological "
                             "fracture"))  # fmt: skip
_PAIN = (
    Reason("Pain Management", "Chronic low back pain with right L5 radiculopathy, evaluate "
           "for epidural steroid injection",
           (("M54.16", "Radiculopathy, lumbar region"),
            ("M51.16", "Intervertebral disc disorders with radiculopathy, lumbar region")),
           "Right leg pain to the dorsum of the foot; MRI shows an L4-L5 protrusion."),
    Reason("Pain Management", "Lumbar facet arthropathy, evaluate for medial branch blocks "
           "and radiofrequency ablation",
           (("M47.816", "Spondylosis without myelopathy or radiculopathy, lumbar region"),),
           "Axial back pain worse with extension; no leg symptoms."),
    Reason("Pain Management", "Failed back surgery syndrome, evaluate for spinal cord "
           "stimulator trial",
           (("M96.1", "Postlaminectomy syndrome, not elsewhere classified"),
            ("G89.4", "Chronic pain syndrome")),
           "Persistent leg pain after an L5-S1 fusion two years ago."),
    Reason("Pain Management", "Cervical radiculopathy on the left, evaluate for cervical "
           "epidural injection",
           (("M54.12", "Radiculopathy, cervical region"),),
           "Left arm pain and numbness into the thumb and index finger."),
    Reason("Pain Management", "Complex regional pain syndrome of the right upper limb",
           (("G90.511", "Complex regional pain syndrome I of right upper limb"),),
           "Burning pain, swelling and color change of the right hand after a wrist fracture."),
)  # fmt: skip
_RECEIVERS = {
    "Gastroenterology": ("Riverbend Digestive Disease Consultants",
                         "Canal Street Endoscopy Center"),
    "Wound Care": ("Hawthorn Regional Wound & Hyperbaric Center",
                   "Lantern Hill Advanced Wound Clinic"),
    "Developmental-Behavioral Pediatrics": ("Kite Hill Child Development Center",
                                            "Bluebonnet Developmental Pediatrics"),
    "Rheumatology": ("Cedar Mesa Arthritis & Rheumatology", "Gristmill Rheumatology Clinic"),
    "Pain Management": ("Keel Ridge Interventional Pain", "Flatiron Spine & Pain Institute"),
    "Orthopedics": ("Wheelhouse Orthopaedic Clinic", "Quarry Bone & Joint"),
    "Cardiology": ("Lantern Heart Specialists", "Gristmill Cardiovascular Group"),
    "Neurology": ("Flatiron Neurology Associates", "Kite Hill Neuroscience Clinic"),
    "Endocrinology": ("Quarry Diabetes & Endocrine", "Keel Ridge Thyroid Center"),
    "Pulmonology": ("Canal Street Lung & Sleep", "Bluebonnet Pulmonary Clinic"),
    "Dermatology": ("Gristmill Skin Institute", "Wheelhouse Dermatology"),
}  # fmt: skip


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first)
    last = people.ascii_letters(patient.last)
    local = rng.choice((f"{first}.{last}", f"{last}{first[0]}", f"{first}_{last[:4]}"))
    return f"{local}{rng.randint(10, 999)}@{rng.choice(_EMAIL_DOMAINS)}"


_CAST = people.Cast(
    _FIRST_F,
    _FIRST_M,
    _LAST,
    _CITIES,
    _STREETS,
    _LINE2,
    _PAYERS,
    _AREAS,
    _PCP_PRACTICES,
    _email,
    middles="BCEGKLMPSTV",
    lowest=2,
)


def _own_reason(f: Facts, rng: random.Random, reason: Reason) -> Facts:
    return people.for_reason(f, rng, reason, _RECEIVERS)


# -- how this set writes values ----------------------------------------------------------------


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 3/14/1961, 14 Mar 1961, MAR 14, 1961, 1961-03-14 and
    03-14-1961."""
    month = MONTHS[d.month - 1]
    return (
        f"{d.month}/{d.day}/{d.year}",
        f"{d.day} {month[:3]} {d.year}",
        f"{month[:3].upper()} {d.day:02d}, {d.year}",
        d.isoformat(),
        f"{d.month:02d}-{d.day:02d}-{d.year}",
    )


def _date(d: date, style: int) -> str:
    return date_forms(d)[style]


_PHONE_FORMS = ("({a}){b}-{c}", "{a} {b} {c}", "{a}/{b}-{c}", "{a}-{b}-{c}", "1 ({a}) {b}-{c}")


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f" ext. {rng.randint(100, 480)}"
    if roll < 0.55:
        return f" x{rng.randint(10, 99)}"
    return ""


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(described[k])} ({esc(k)})" for k in c.f.codes)


def _urgency_boxes(c: Ctx, words: tuple[str, str, str]) -> str:
    return " &nbsp; ".join(
        c.box(c.f.urgency == key, word)
        for key, word in zip(("stat", "urgent", "routine"), words, strict=True)
        if word
    )


def _head(r: people.Referrer, ps: int, right: str = "") -> str:
    a = r.address
    return (
        f"<table><tr><td width='64%'><h1>{esc(r.practice)}</h1><span class='small'>"
        f"{esc(a.line1)} &middot; {esc(a.city)}, {esc(a.state)} {esc(a.zip)}<br/>"
        f"Phone {_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}</span></td>"
        f"<td class='right small'>{right}</td></tr></table><hr/>"
    )


# -- 1. a GI group's open-access endoscopy form, filled in by primary care --------------------


def _open_access(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address

    def cell(label: str, value: str, span: int = 1) -> str:
        return (
            f"<td colspan='{span}'><span class='above'>{label}</span><br/>{value or '&nbsp;'}</td>"
        )

    thinners = ("None", "Warfarin (Coumadin)", "Apixaban (Eliquis)", "Rivaroxaban (Xarelto)",
                "Dabigatran (Pradaxa)", "Clopidogrel (Plavix)", "Ticagrelor (Brilinta)",
                "Aspirin 325 mg")  # fmt: skip
    on = rng.choice(thinners)
    glp1 = rng.random() < 0.25
    prescriber = c.f.other_doctor
    procedures = ("Colonoscopy", "EGD", "EGD + colonoscopy")
    procedure = procedures[2] if "bidirectional" in f.reason.text else procedures[0]
    exclusions = ("BMI over 40", "Home oxygen", "Heart failure with EF under 30%",
                  "Dialysis", "Prior problem with sedation", "Needs an interpreter")  # fmt: skip
    flagged = "Needs an interpreter" if rng.random() < 0.2 else ""
    page1 = (
        f"<h1>{esc(f.receiver)}</h1>"
        f"<p class='small'>Open Access Endoscopy &middot; Scheduling "
        f"{_phone(f.receiver_phone, ps)} &middot; Fax completed form to "
        f"<b>{_phone(f.receiver_fax, ps)}</b></p>"
        "<h2>OPEN ACCESS COLONOSCOPY / EGD &mdash; DIRECT REFERRAL</h2>"
        "<p class='tiny'>For healthy adults who do not need an office visit first. All fields "
        "are required; incomplete forms are returned to the referring office.</p>"
        "<table class='grid small'><tr><td colspan='3'><b>REFERRING OFFICE</b></td></tr><tr>"
        + cell("Referring provider", with_credential(r.person, r.credential))
        + cell("NPI", r.npi)
        + cell("Office contact", f"{esc(Writer.full(f.sender))} "
               f"{_phone(f.sender_phone, ps, _extension(rng))}")
        + "</tr><tr>"
        + cell("Practice", esc(r.practice))
        + cell("Office phone", _phone(r.phone, ps))
        + cell("Office fax", _phone(r.fax, ps))
        + "</tr></table>"
        "<table class='grid small'><tr><td colspan='4'><b>PATIENT</b></td></tr><tr>"
        + cell("Last name", esc(f.patient.last))
        + cell("First name", esc(f.patient.first))
        + cell("MI", esc((f.patient.middle or "").rstrip(".")))
        + cell("Date of birth", esc(_date(f.dob, ds)))
        + "</tr><tr>"
        + cell("Sex", esc(sex_word(f, "X")))
        + cell("Best phone", _phone(f.phone, ps))
        + cell("E-mail", esc(f.email or ""), 2)
        + "</tr><tr>"
        + cell("Street", esc(street(a, ", ")) if a else "", 2)
        + cell("City / State / ZIP", esc(f"{a.city} {a.state} {a.zip}") if a else "", 2)
        + "</tr><tr>"
        + cell("Insurance", esc(f.payer or "Self-pay"))
        + cell("Member ID", esc(f.member_id or ""))
        + cell("Group", esc(f.group or ""))
        + cell("Policy holder", esc(Writer.full(f.subscriber)) if f.subscriber else "Self")
        + "</tr></table>"
        "<h3>Procedure requested</h3><p class='small'>"
        + " &nbsp; ".join(c.box(p == procedure, p) for p in procedures)
        + f"<br/>Indication: <b>{esc(f.reason.text)}</b><br/>ICD-10: {_codes_described(c)}"
        f"<br/>Last colonoscopy: "
        f"{rng.choice(('never', 'unknown', str(f.sent.year - rng.randint(5, 11))))}</p>"
        "<h3>Blood thinners / diabetes medicines</h3><p class='small'>"
        + " &nbsp; ".join(c.box(t == on, t) for t in thinners)
        + "<br/>"
        + c.box(glp1, "GLP-1 agonist (semaglutide, tirzepatide, dulaglutide)")
        + " &nbsp; "
        + c.box(rng.random() < 0.2, "Insulin")
        + (
            f"<br/>Prescribed by {esc(Writer.full(prescriber))}, "
            f"{_phone(people.phone(rng, rng.choice(_AREAS)), ps)} &mdash; we will ask the "
            "prescriber before holding it."
            if on != "None" else ""
        )
        + "</p><h3>Open-access exclusions (any checked: schedule an office consult)</h3>"
        "<p class='small'>"
        + " &nbsp; ".join(c.box(x == flagged, x) for x in exclusions)
        + "</p><p class='small'>Timing: "
        + _urgency_boxes(c, ("", "Urgent (within 2 weeks)", "Routine"))
        + "</p><p class='small'>Referring provider signature ______________________ "
        f"&nbsp; Date {esc(_date(f.sent, ds))}</p>"
    )  # fmt: skip
    day = f.sent + timedelta(days=rng.randint(14, 60))
    prep = rng.choice(("SUTAB", "GoLYTELY (split dose)", "MiraLAX / Gatorade split dose",
                       "Plenvu"))  # fmt: skip
    page2 = (
        f"<p class='head'>{esc(f.receiver)} &middot; Open access referral, page 2 of 2</p>"
        f"<p class='small'>Patient: {esc(Writer.full(f.patient))} &nbsp; DOB "
        f"{esc(_date(f.dob, ds))}</p>"
        "<h2>BOWEL PREPARATION INSTRUCTIONS (give this page to the patient)</h2>"
        f"<p class='small'>Tentative procedure date: {esc(_date(day, ds))}, arrive 60 minutes "
        f"early. Prep: <b>{esc(prep)}</b>, prescription sent to your pharmacy.</p>"
        f"<p class='small'><b>7 days before ({esc(_date(day - timedelta(days=7), ds))}):</b> "
        "stop iron pills, fiber supplements, nuts, seeds and popcorn. Stop GLP-1 injections "
        "one week before.<br/>"
        f"<b>The day before ({esc(_date(day - timedelta(days=1), ds))}):</b> clear liquids "
        "only all day: water, broth, apple juice, light-colored sports drinks. Nothing red or "
        "purple. Start the first half of the prep at 6 PM.<br/>"
        "<b>The day of the procedure:</b> take the second half 5 hours before arrival; "
        "nothing by mouth 2 hours before. Bring a driver; you cannot drive or take a taxi "
        "alone after sedation.</p>"
        "<p class='small'>Blood thinners: do not stop any blood thinner until our nurse calls "
        "you with instructions from the doctor who prescribes it.</p>"
        f"<p class='small'>Questions about your prep: GI nurse line "
        f"{_phone(people.phone(rng, rng.choice(_AREAS)), ps)} (weekdays 8-4:30). To cancel, "
        f"call {_phone(f.receiver_phone, ps)} at least 72 hours ahead.</p>"
    )
    return [page1, page2]


def _open_access_lead(c: Ctx) -> list[tuple[str, PageType]]:
    f, rng = c.f, c.rng
    if "R19.5" not in f.codes or rng.random() < 0.4:
        return []
    drawn = f.sent - timedelta(days=rng.randint(5, 40))
    lab = rng.choice(("Quarry Reference Laboratory", "Canal Street Clinical Labs"))
    page = (
        f"<h1>{lab}</h1><h2>LABORATORY REPORT</h2>"
        f"<p class='small'>Patient: {esc(Writer.last_first(f.patient, upper=True))} &nbsp; "
        f"DOB: {esc(c.w.dob(f.dob))} &nbsp; Collected: {esc(c.w.date(drawn))}</p>"
        f"<p class='small'>Ordering: {esc(Writer.full(f.referrer.person))}</p>"
        "<table class='grid small'><tr><th>Test</th><th>Result</th><th>Flag</th>"
        "<th>Reference</th></tr>"
        f"<tr><td>Fecal immunochemical test (FIT)</td><td>POSITIVE "
        f"({rng.randint(110, 900)} ng/mL)</td><td>A</td><td>Negative (&lt;100 ng/mL)</td></tr>"
        "</table><p class='small'>A positive FIT should be followed by colonoscopy.</p>"
        f"<p class='tiny'>Laboratory director: {esc(Writer.full(f.other_doctor))}, MD. "
        f"CLIA {rng.randint(10, 99)}D{rng.randint(1000000, 9999999)}</p>"
    )
    return [(page, PageType.lab)]


def _open_access_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_GI)
    f = _own_reason(_CAST.recast(f, rng, _PCP_PRACTICES, ("MD", "DO", "FNP-C", "PA-C")),
                    rng, reason)  # fmt: skip
    # open access is never same-day: a STAT request goes in as urgent
    f = dataclasses.replace(f, urgency="urgent" if f.urgency == "stat" else f.urgency)
    return people.aged(f, rng, 45, 75)


# -- 2. a home-health nurse's referral to a wound center --------------------------------------


def _wound_clinic(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    agency = rng.choice(_HOME_HEALTH)
    agency_area = rng.choice(_AREAS)
    agency_phone, agency_fax = people.phone(rng, agency_area), people.phone(rng, agency_area)
    agency_npi = people.npi(rng) if rng.random() < 0.5 else ""
    nurse = f.sender
    nurse_cred = rng.choice(("RN, WCC", "RN, CWOCN", "LPN", "RN, BSN"))
    soc = f.sent - timedelta(days=rng.randint(20, 120))
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    n_wounds = 1 if "sacral" in f.reason.text or "abdominal" in f.reason.text else \
        rng.randint(1, 3)  # fmt: skip
    place = {
        "venous": ("R medial gaiter", "R lateral lower leg", "L medial malleolus"),
        "foot": ("L plantar 1st MTH", "L 5th toe dorsal", "R heel"),
        "toe": ("R great toe tip", "R 2nd toe", "R lateral heel"),
    }
    sites = next((v for k, v in place.items() if k in f.reason.text),
                 ("Sacrum", "R ischium", "L heel"))  # fmt: skip
    kinds = {
        "venous": "Venous",
        "foot": "Diabetic",
        "sacral": "Pressure, stage 3",
        "abdominal": "Surgical dehiscence",
        "toe": "Arterial",
    }
    kind = next((v for k, v in kinds.items() if k in f.reason.text), "Other")
    rows = ""
    for i in range(n_wounds):
        measured = f.sent - timedelta(days=rng.randint(0, 6))
        length, width = rng.uniform(0.8, 9.5), rng.uniform(0.5, 6.0)
        rows += (
            f"<tr><td>{i + 1}</td><td>{esc(sites[i])}</td><td>{esc(kind)}"
            f"</td><td>{esc(_date(measured, ds))}</td><td>{length:.1f} x {width:.1f} x "
            f"{rng.uniform(0.1, 2.5):.1f}</td><td>{rng.choice(('none', '2 cm at 3 oclock', 'none', '0.5 cm at 12'))}"  # noqa: E501
            f"</td><td>{rng.choice(('scant serous', 'moderate serosang.', 'large purulent'))}</td>"
            f"<td>{rng.randint(20, 90)}% gran / {rng.randint(0, 60)}% slough</td></tr>"
        )
    page = (
        f"<table><tr><td width='62%'><h1>{esc(agency)}</h1><span class='small'>Medicare-"
        f"certified home health agency &middot; Office {_phone(agency_phone, ps)} &middot; "
        f"Fax {_phone(agency_fax, ps)}"
        + (f" &middot; Agency NPI {agency_npi}" if agency_npi else "")
        + "</span></td><td class='right small'>WOUND CLINIC REFERRAL<br/>"
        f"Sent {esc(_date(f.sent, ds))}</td></tr></table><hr/>"
        f"<p class='small'>To: <b>{esc(f.receiver)}</b> &middot; New patient intake &middot; "
        f"fax {_phone(f.receiver_fax, ps)}</p>"
        "<table class='grid small'>"
        f"<tr><td class='lab'>Patient</td><td>{esc(Writer.last_first(f.patient))}</td>"
        f"<td class='lab'>DOB</td><td>{esc(_date(f.dob, ds))}</td></tr>"
        f"<tr><td class='lab'>Gender</td><td>{esc(sex_word(f, 'Nonbinary'))}</td>"
        f"<td class='lab'>Phone</td><td>{_phone(f.phone, ps)}</td></tr>"
        f"<tr><td class='lab'>Home address</td><td colspan='3'>{one_line(f.address)}</td></tr>"
        f"<tr><td class='lab'>Payer</td><td>{esc(f.payer or 'Private pay')}</td>"
        f"<td class='lab'>Member ID</td><td>{esc(f.member_id or '')}</td></tr>"
        f"<tr><td class='lab'>Group</td><td>{esc(f.group or '')}</td>"
        f"<td class='lab'>Start of care</td><td>{esc(_date(soc, ds))}</td></tr>"
        "</table>"
        "<h3>Supervising physician (signs the home health plan of care)</h3>"
        f"<p class='small'>{with_credential(r.person, r.credential)} &middot; NPI {r.npi}"
        f"<br/>{esc(r.practice)} &middot; {esc(r.address.line1)}, {esc(r.address.city)} "
        f"&middot; Tel {_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}</p>"
        "<h3>Reason for referral</h3>"
        f"<p class='small'>{esc(f.reason.text)}. {esc(f.reason.note)}<br/>Diagnoses: "
        f"{_codes_described(c)}"
        + (f"<br/>Priority: <b>{esc(urgency)}</b>" if urgency else "")
        + "</p><h3>Wound assessment (cm, L x W x D)</h3>"
        "<table class='grid small'><tr><th>#</th><th>Location</th><th>Type</th>"
        "<th>Measured</th><th>L x W x D</th><th>Undermining</th><th>Exudate</th>"
        f"<th>Wound bed</th></tr>{rows}</table>"
        f"<p class='small'>Current dressing: "
        f"{rng.choice(('calcium alginate, foam border, change every 48 h', 'hydrofiber with silver, ABD pad, daily', 'Unna boot, changed twice weekly'))}"  # noqa: E501
        f". Braden score {rng.randint(11, 20)}. Last A1c "
        f"{rng.uniform(6.1, 10.4):.1f}. Pain {rng.randint(2, 8)}/10 at dressing change.</p>"
        "<p class='small'>Requested: wound evaluation and treatment plan; debridement as "
        "indicated; orders back to the agency and the supervising physician.</p>"
        f"<p class='small'>Completed and signed by: {esc(Writer.full(nurse))}, "
        f"{esc(nurse_cred)}, case manager &middot; cell "
        f"{_phone(f.sender_phone, ps)}<br/>Signature ______________________ &nbsp; "
        f"{esc(_date(f.sent, ds))}</p>"
        f"<p class='tiny'>Caregiver: {esc(Writer.full(f.relative))} ({esc(f.relation)}), "
        f"{_phone(people.phone(rng, rng.choice(_AREAS)), ps)}. Photos available on request."
        "</p>"
    )  # fmt: skip
    return [page]


def _wound_clinic_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_WOUND)
    f = _own_reason(_CAST.recast(f, rng, _SUPERVISING, ("MD", "DO")), rng, reason)
    return people.aged(dataclasses.replace(f, email=None, subscriber=None), rng, 50, 96)


# -- 3. a pediatrician's developmental-behavioral referral -------------------------------------


def _devbeh_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address
    parent = f.subscriber or f.relative
    relation = f.relation
    parent_cell = people.phone(rng, rng.choice(_AREAS))
    parent_mail = _email(parent, rng) if rng.random() < 0.5 else ""
    months = (f.sent.year - f.dob.year) * 12 + f.sent.month - f.dob.month - (f.sent.day < f.dob.day)
    school_kind = "Early Head Start" if months < 48 else rng.choice(
        ("Elementary School", "Primary School", "Academy")
    )  # fmt: skip
    school = f"{rng.choice(('Prairie Wind', 'Ferry Landing', 'Granary Hill', 'Tamarack'))} " \
        f"{school_kind}"  # fmt: skip
    grade = "preschool" if months < 60 else ("K", "1st", "2nd", "3rd", "4th", "5th", "6th",
                                             "7th")[min(7, months // 12 - 5)]  # fmt: skip
    teacher = _CAST.person(rng)
    concerns = ("Speech / language", "Motor", "Social interaction", "Attention",
                "Behavior", "Learning / academics", "Sleep")  # fmt: skip
    picked = {concerns[rng.randrange(len(concerns))] for _ in range(rng.randint(1, 3))}
    urgency = _urgency_boxes(c, ("Emergent (safety concern)", "Urgent (within 4 weeks)", "Routine"))
    tools = ("M-CHAT-R/F", "ASQ-3", "Vanderbilt (parent)", "Vanderbilt (teacher)", "PSC-17")
    scores = "".join(
        f"<tr><td>{t}</td><td>{esc(_date(f.sent - timedelta(days=rng.randint(3, 200)), ds))}"
        f"</td><td>{rng.choice(('positive', 'at risk', 'below cutoff', 'negative'))}</td></tr>"
        for t in rng.sample(tools, rng.randint(1, 3))
    )
    page = (
        _head(r, ps, f"Referral date<br/><b>{esc(_date(f.sent, ds))}</b>")
        + "<h2>Developmental-Behavioral Pediatrics Referral</h2>"
        f"<p class='small'>Referred to: {esc(f.receiver)} &middot; Intake fax "
        f"{_phone(f.receiver_fax, ps)}</p>"
        "<table><tr><td width='50%' class='box small'><b>CHILD</b><br/>"
        f"Name: {esc(Writer.full(f.patient))}<br/>"
        f"DOB: {esc(_date(f.dob, ds))} (age {months // 12} y {months % 12} m)<br/>"
        f"Sex: {esc(sex_word(f, 'X'))}<br/>"
        f"Home phone: {_phone(f.phone, ps)}<br/>"
        f"Lives at: {one_line(a)}</td>"
        "<td class='box small'><b>PARENT / LEGAL GUARDIAN</b><br/>"
        f"{esc(Writer.last_first(parent))} ({esc(relation)})<br/>"
        f"Cell: {_phone(parent_cell, ps)}"
        + (f"<br/>E-mail: {esc(parent_mail)}" if parent_mail else "")
        + f"<br/>Preferred language: {rng.choice(('English', 'Spanish', 'English'))}<br/>"
        f"Custody: {rng.choice(('both parents', 'mother', 'shared', 'grandparent (legal)'))}"
        "</td></tr></table>"
        "<h3>Insurance</h3><p class='small'>"
        f"{esc(f.payer or 'Uninsured / applying for CHIP')}"
        + (f" &middot; ID {esc(f.member_id)}" if f.member_id else "")
        + (f" &middot; Group {esc(f.group)}" if f.group else "")
        + (f" &middot; Subscriber: {esc(Writer.full(f.subscriber))}" if f.subscriber else "")
        + "</p><h3>School / child care</h3><p class='small'>"
        f"{esc(school)}, grade {grade} &middot; Teacher: {esc(Writer.full(teacher))} &middot; "
        f"School phone {_phone(people.phone(rng, rng.choice(_AREAS)), ps)}<br/>"
        f"IEP / 504 plan: {rng.choice(('none', 'IEP for speech', 'evaluation requested'))} "
        "&middot; Parent signed release to talk with the school: "
        f"{rng.choice(('yes', 'no'))}</p>"
        "<h3>Concerns</h3><p class='small'>"
        + " &nbsp; ".join(c.box(x in picked, x) for x in concerns)
        + f"</p><p class='small'><b>Reason for referral:</b> {esc(f.reason.text)}<br/>"
        f"{esc(f.reason.note)}<br/><b>Diagnosis codes:</b> {_codes_described(c)}</p>"
        "<table class='grid small'><tr><th>Screening tool</th><th>Date</th><th>Result</th>"
        f"</tr>{scores}</table>"
        f"<p class='small'>Priority: {urgency}</p>"
        f"<p class='small'>Referring pediatrician: {with_credential(r.person, r.credential)}"
        f" &middot; NPI {r.npi}<br/>Referral coordinator: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps, _extension(rng))}</p>"
    )
    return [page]


def _devbeh_lead(c: Ctx) -> list[tuple[str, PageType]]:
    f, rng = c.f, c.rng
    if rng.random() < 0.6:
        return []
    items = ("Fails to give attention to details", "Has difficulty sustaining attention",
             "Does not seem to listen", "Does not follow through on instructions",
             "Fidgets with hands or feet", "Leaves seat when remaining seated is expected",
             "Talks too much", "Interrupts or intrudes on others")  # fmt: skip
    rows = "".join(f"<tr><td>{i + 1}</td><td>{t}</td><td>{rng.randint(0, 3)}</td></tr>"
                   for i, t in enumerate(items))  # fmt: skip
    teacher = _CAST.person(rng)
    page = (
        "<h1>NICHQ Vanderbilt Assessment Scale &mdash; TEACHER Informant</h1>"
        f"<p class='small'>Teacher's name: {esc(Writer.full(teacher))} &nbsp; Class time: "
        f"{rng.choice(('full day', 'mornings'))}<br/>Child's name: "
        f"{esc(f.patient.first)} {esc(f.patient.last)} &nbsp; Grade level: "
        f"{rng.choice(('K', '1', '2', '3', '4'))}<br/>Today's date: "
        f"{esc(c.w.date(f.sent - timedelta(days=rng.randint(5, 30))))}</p>"
        "<p class='small'>0 = never, 1 = occasionally, 2 = often, 3 = very often</p>"
        f"<table class='grid small'><tr><th>#</th><th>Symptom</th><th>Score</th></tr>{rows}"
        "</table>"
    )
    return [(page, PageType.other)]


def _devbeh_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_DEVELOPMENT)
    f = _CAST.recast(f, rng, _PEDIATRICS, ("MD", "DO", "CPNP", "MD, FAAP"))
    f = _own_reason(f, rng, reason)
    relation = rng.choice(("mother", "father", "grandmother", "legal guardian"))
    parent = dataclasses.replace(_CAST.person(rng), last=f.patient.last) \
        if rng.random() < 0.7 else _CAST.person(rng)  # fmt: skip
    sex = f.sex if f.sex in ("F", "M") else rng.choice(("F", "M"))
    f = dataclasses.replace(
        f,
        sex=sex,
        phone=f.phone or people.phone(rng, rng.choice(_AREAS)),
        email=None,  # a child's referral gives the parent's address, never the child's
        subscriber=parent if f.payer and rng.random() < 0.8 else None,
        relative=parent,
        relation=relation,
    )
    return people.aged(f, rng, 2, 12)


# -- 4. an EHR's rheumatology referral order with serology and a problem list ----------------


def _rheum_ehr(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    system = rng.choice(("Granary Health", "Lantern Valley Health System"))
    printed = f"{_date(f.sent, ds)} {rng.randint(7, 18):02d}{rng.randint(0, 59):02d}"
    banner = (
        f"<table class='grid small'><tr><td width='32%'><b>"
        f"{esc(Writer.last_first(f.patient, upper=True))}</b></td>"
        f"<td width='15%'>MRN {esc(f.mrn)}</td><td width='23%'>DOB "
        f"{esc(_date(f.dob, ds))}<br/>({f.age} yrs)</td><td width='6%'>"
        f"{esc(f.sex or '-')}</td><td>PCP: {esc(Writer.last_first(r.person))}</td>"
        "</tr></table>"
    )
    order_id = rng.randint(10**7, 10**8 - 1)
    order_codes = set(f.codes)
    extra = rng.sample(_OTHER_PROBLEMS, rng.randint(2, 5))
    problems = [(k, d) for k, d in f.reason.codes if k in order_codes] + extra
    rng.shuffle(problems)
    problem_rows = "".join(
        f"<tr><td>{esc(d)}</td><td>{esc(k)}</td>"
        f"<td>{esc(_date(f.sent - timedelta(days=rng.randint(20, 3000)), ds))}</td></tr>"
        for k, d in problems
    )
    drawn = f.sent - timedelta(days=rng.randint(3, 40))
    ana = rng.choice(
        (
            "Positive (A) &nbsp;Titer 1:320 &nbsp;Pattern: speckled",
            "Positive (A) &nbsp;Titer 1:640 &nbsp;Pattern: homogeneous",
            "Negative",
            "Positive (A) &nbsp;Titer 1:80 &nbsp;Pattern: speckled",
        )
    )
    labs = (
        f"<p class='small'><b>ANA SCREEN, IFA</b> &nbsp; {ana}<br/>"
        f"<b>RHEUMATOID FACTOR</b> &nbsp; {rng.randint(5, 140)} IU/mL &nbsp; [&lt;14]<br/>"
        f"<b>CYCLIC CITRULLINATED PEPTIDE AB, IGG</b> &nbsp; {rng.randint(2, 250)} U/mL "
        "&nbsp; [&lt;20]<br/>"
        f"<b>SED RATE (ESR)</b> &nbsp; {rng.randint(8, 95)} mm/hr (H) &nbsp; [0-30]<br/>"
        f"<b>C-REACTIVE PROTEIN</b> &nbsp; {rng.uniform(0.2, 6.5):.1f} mg/dL &nbsp; [&lt;0.8]"
        f"<br/>Collected {esc(_date(drawn, ds))} &middot; Resulted "
        f"{esc(_date(drawn + timedelta(days=rng.randint(1, 3)), ds))}</p>"
    )
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    order = (
        f"<h2>Ambulatory referral to Rheumatology</h2>"
        "<table class='small'>"
        f"<tr><td width='28%'>Referral ID</td><td>{order_id}</td></tr>"
        f"<tr><td>Status</td><td>Signed, sent by fax</td></tr>"
        + (f"<tr><td>Priority</td><td>{esc(urgency)}</td></tr>" if urgency else "")
        + f"<tr><td>Referred to</td><td>{esc(f.receiver)} (fax "
        f"{_phone(f.receiver_fax, ps)})</td></tr>"
        f"<tr><td>Referring provider</td><td>{with_credential(r.person, r.credential)} "
        f"(NPI {r.npi})</td></tr>"
        f"<tr><td>Referring department</td><td>{esc(r.practice)}<br/>P: "
        f"{_phone(r.phone, ps)} &nbsp; F: {_phone(r.fax, ps)}</td></tr>"
        f"<tr><td>Reason for referral</td><td>{esc(f.reason.text)}</td></tr>"
        f"<tr><td>Diagnoses associated with this order</td><td>"
        + "<br/>".join(f"{esc(d)} [{esc(k)}]" for k, d in f.reason.codes if k in order_codes)
        + "</td></tr></table>"
        f"<p class='small'>Comments: {esc(f.reason.note)}</p>"
    )
    problem_list = (
        "<h3>Problem List (active)</h3><table class='grid small'><tr><th>Problem</th>"
        f"<th>ICD-10-CM</th><th>Noted</th></tr>{problem_rows}</table>"
    )
    a = f.address
    demographics = (
        "<h3>Patient demographics</h3><table class='small'>"
        f"<tr><td width='22%'>Address</td><td>{esc(street(a)) if a else 'Not on file'}"
        + (f"<br/>{esc(a.city)}, {esc(a.state)} {esc(a.zip)}" if a else "")
        + "</td></tr>"
        f"<tr><td>Mobile</td><td>{_phone(f.phone, ps) or 'Not on file'}</td></tr>"
        + (f"<tr><td>E-mail (portal)</td><td>{esc(f.email)}</td></tr>" if f.email else "")
        + f"<tr><td>Emergency contact</td><td>{esc(Writer.full(f.relative))} "
        f"({esc(f.relation)}) {_phone(people.phone(rng, rng.choice(_AREAS)), ps)}</td></tr>"
        "</table><h3>Coverage</h3>"
        + (
            "<table class='grid small'><tr><th>Payer</th><th>Member #</th><th>Group #</th>"
            "<th>Subscriber</th></tr>"
            f"<tr><td>{esc(f.payer)}</td><td>{esc(f.member_id)}</td><td>{esc(f.group or '')}"
            f"</td><td>{esc(Writer.full(f.subscriber or f.patient))}</td></tr></table>"
            if f.payer else "<p class='small'>Self-pay</p>"
        )
    )  # fmt: skip
    top = (
        f"<table class='small'><tr><td>{esc(system)}</td><td class='right'>Printed "
        f"{esc(printed)} by {esc(Writer.full(f.sender))}</td></tr></table>"
    )

    def foot(n: int, t: int) -> str:
        return (
            f"<p class='tiny'>{esc(Writer.last_first(f.patient))} &middot; MRN {esc(f.mrn)} "
            f"&middot; Page {n} of {t}</p>"
        )

    results = "<h3>Recent results</h3>" + labs
    if rng.random() < 0.4:
        return [
            top + banner + order + results + foot(1, 2),
            top + banner + problem_list + demographics + foot(2, 2),
        ]
    return [top + banner + order + problem_list + results + demographics + foot(1, 1)]


def _rheum_ehr_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_RHEUM)
    f = _CAST.recast(f, rng, _PCP_PRACTICES, ("MD", "DO", "NP", "PA-C"))
    return people.aged(_own_reason(f, rng, reason), rng, 22, 84)


# -- 5. a landscape referral-scheduling printout in three columns ------------------------------

# Two layouts set their own @page (landscape; a footer frame) over render.CSS's: xhtml2pdf
# warns that the page template is defined twice, which is the point. Keep the bench quiet.
logging.getLogger("xhtml2pdf.context").addFilter(
    lambda record: "has already been defined" not in record.getMessage()
)
_LANDSCAPE = "<style>@page { size: letter landscape; margin: 0.45in 0.5in 0.45in 0.5in; }</style>"


def _sched_wide(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address
    caps = rng.random() < 0.5

    def block(title: str, items: list[tuple[str, str]]) -> str:
        rows = "".join(
            f"<tr><td width='38%' class='above'>{esc(k.upper() if caps else k)}</td>"
            f"<td>{v}</td></tr>"
            for k, v in items
            if v
        )
        return f"<b>{esc(title)}</b><table class='small'>{rows}</table>"

    received = f.sent - timedelta(days=rng.randint(0, 3))
    auth_from = f.sent - timedelta(days=rng.randint(0, 5))
    auth_to = auth_from + timedelta(days=rng.choice((90, 180, 365)))
    specialist = _CAST.person(rng)
    patient = block("Patient", [
        ("Pt name", esc(Writer.last_first(f.patient, upper=True))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Sex", esc(f.sex or "")),
        ("Home ph", _phone(f.phone, ps)),
        ("Work ph", _phone(people.phone(rng, rng.choice(_AREAS)), ps)
         if rng.random() < 0.4 else ""),
        ("Email", esc(f.email or "")),
        ("Addr 1", esc(a.line1) if a else ""),
        ("Addr 2", esc(a.line2 or "") if a else ""),
        ("City/St/Zip", esc(f"{a.city}, {a.state} {a.zip}") if a else ""),
        ("Acct #", f"A{rng.randint(100000, 999999)}"),
    ])  # fmt: skip
    coverage = block("Coverage / Authorization", [
        ("Plan", esc(f.payer or "SELF PAY")),
        ("Subscriber ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Subscriber", esc(Writer.last_first(f.subscriber)) if f.subscriber else
         ("Self" if f.payer else "")),
        ("Auth #", f"{rng.choice(('AU', 'PA', 'R'))}{rng.randint(10**6, 10**8)}"
         if f.payer else ""),
        ("Visits approved", str(rng.choice((1, 3, 6))) if f.payer else ""),
        ("Valid", f"{esc(_date(auth_from, ds))} - {esc(_date(auth_to, ds))}"
         if f.payer else ""),
    ])  # fmt: skip
    referral = block("Referral", [
        ("Ref #", str(rng.randint(10**5, 10**6))),
        ("Received", esc(_date(received, ds))),
        ("Ref provider", with_credential(r.person, r.credential)),
        ("Ref prov NPI", r.npi),
        ("Ref practice", esc(r.practice)),
        ("Ref phone", _phone(r.phone, ps)),
        ("Ref fax", _phone(r.fax, ps)),
        ("Refer to", f"{esc(f.receiver)} &middot; {esc(Writer.full(specialist))}, MD"),
        ("Specialty", esc(f.reason.specialty)),
        ("Dx", esc(", ".join(f.codes))),
        ("Reason", esc(f.reason.text)),
        ("Priority", esc(urgency_word(f, ("STAT", "URGENT", "ROUTINE")))),
    ])  # fmt: skip
    users = [Writer.full(f.sender), Writer.full(_CAST.person(rng))]
    log = "".join(
        f"<tr><td>{esc(_date(f.sent + timedelta(days=i), ds))} {rng.randint(8, 16)}:"
        f"{rng.randint(0, 59):02d}</td><td>{esc(users[i % 2])}</td><td>{esc(note)}</td></tr>"
        for i, note in enumerate(rng.sample((
            "Referral received by fax, indexed",
            "Auth verified on payer portal",
            "Called pt, LM on voicemail to call back",
            "Pt called back, wants morning appt",
            "Awaiting records from referring office",
        ), rng.randint(2, 4)))
    )  # fmt: skip
    system = rng.choice(("SlotWise Referral Manager", "QueueRight Scheduling",
                         "BookLantern Referral Desk"))  # fmt: skip
    return [
        _LANDSCAPE + f"<table class='small'><tr><td><b>{esc(system)}</b> &middot; Referral Detail"
        f"</td><td class='right'>Printed {esc(_date(f.sent, ds))} by "
        f"{esc(users[0])} &middot; Queue: NEW REFERRALS</td></tr></table><hr/>"
        "<table><tr>"
        f"<td width='31%'>{patient}</td><td width='31%'>{coverage}</td><td>{referral}</td>"
        "</tr></table>"
        f"<p class='small'>Notes: {esc(f.reason.note)}</p>"
        "<table class='grid small'><tr><th width='18%'>Date/time</th><th width='20%'>User"
        f"</th><th>Activity</th></tr>{log}</table>"
        f"<p class='tiny'>Confidential: contains PHI. Scheduling line "
        f"{_phone(f.receiver_phone, ps)}.</p>"
    ]


def _sched_wide_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng, _PCP_PRACTICES)
    return dataclasses.replace(f, receiver=rng.choice(_RECEIVERS[f.reason.specialty]))


# -- 6. a narrative pain-management letter with the demographics in a sticker strip -----------

_STRIP_PAGE = (
    "<style>@page { size: letter; margin: 0.6in 0.7in 1.75in 0.7in; "
    "@frame strip { -pdf-frame-content: strip; left: 0.7in; width: 7.1in; top: 9.35in; "
    "height: 1.2in; } }</style>"
)


def _pain_footer(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    pronoun = {"F": "she", "M": "he"}.get(f.sex or "", "they")
    title = {"F": "Ms.", "M": "Mr."}.get(f.sex or "", "")
    who = f"{title} {f.patient.last}".strip() if title else f.patient.first
    therapist = _CAST.person(rng)
    injector = f.other_doctor
    injected = f.sent - timedelta(days=rng.randint(60, 400))
    pdmp = f.sent - timedelta(days=rng.randint(0, 10))
    mme = rng.choice((0, 0, 15, 22.5, 30, 45))
    meds = "gabapentin 300 mg three times daily, meloxicam 15 mg daily" + (
        f" and hydrocodone-acetaminophen, about {mme} MME a day" if mme else ""
    )
    closing = {
        "stat": "This is an emergent request; please call my office today.",
        "urgent": "I would consider this urgent and would be grateful for an appointment "
                  "within two weeks.",
        "routine": "This is a routine referral.",
    }.get(f.urgency or "", "")  # fmt: skip
    sex_age = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    a = f.address
    strip = (
        "<div id='strip'><table class='grid' style='font-size: 7.5pt'><tr>"
        f"<td width='40%'><b>{esc(Writer.last_first(f.patient, upper=True))}</b><br/>"
        f"DOB {esc(_date(f.dob, ds))} &nbsp; {f.age}Y {sex_age}<br/>MRN {esc(f.mrn)}</td>"
        f"<td width='34%'>{esc(street(a).upper()) if a else 'NO ADDRESS ON FILE'}"
        + (f"<br/>{esc(a.city.upper())} {esc(a.state)} {esc(a.zip)}" if a else "")
        + f"<br/>PH {_phone(f.phone, ps) or 'NONE'}</td>"
        f"<td>INS {esc((f.payer or 'SELF PAY').upper())}"
        + (f"<br/>ID {esc(f.member_id)}" if f.member_id else "")
        + (f"<br/>GRP {esc(f.group)}" if f.group else "")
        + "</td></tr></table></div>"
    )
    body = (
        _head(r, ps, esc(_date(f.sent, ds)))
        + f"<p class='small'>{esc(f.receiver)}<br/>Attn: New patient coordinator<br/>Fax "
        f"{_phone(f.receiver_fax, ps)}</p>"
        "<p class='small'><b>Re: referral for interventional pain management (patient "
        "identified in the label below)</b></p>"
        "<p class='small'>Dear colleagues,</p>"
        f"<p class='small'>I am asking you to see {esc(who)}, {f.age} years old, for "
        f"{esc(f.reason.text[0].lower() + f.reason.text[1:])}. {esc(f.reason.note)} The pain "
        f"has been present for {rng.randint(4, 30)} months and is rated {rng.randint(5, 9)}/10 "
        "on most days; it limits walking and sleep.</p>"
        f"<p class='small'>Treatment so far: {rng.randint(6, 16)} visits of physical therapy "
        f"with {esc(Writer.full(therapist))}, PT, which helped little; an injection by Dr. "
        f"{esc(injector.last)} on {esc(_date(injected, ds))} gave about "
        f"{rng.randint(20, 70)}% relief for {rng.randint(2, 10)} weeks. Current medicines "
        f"are {esc(meds)}. The state prescription monitoring program was checked on "
        f"{esc(_date(pdmp, ds))} and shows no other prescribers"
        + ("; a controlled-substance agreement is on file with us." if mme else ".")
        + "</p>"
        f"<p class='small'>Diagnoses: {_codes_described(c)}.</p>"
        f"<p class='small'>{closing} {esc(who)} can be reached at the number on the label; "
        f"{pronoun} prefers afternoon appointments. Please send your note to our fax above."
        "</p>"
        f"<p class='small'>Sincerely,<br/><br/>{with_credential(r.person, r.credential)}<br/>"
        f"NPI {r.npi} &middot; {esc(r.practice)}</p>"
        f"<p class='tiny'>Dictated, not read. Sent by {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps, _extension(rng))}.</p>"
    )
    return [_STRIP_PAGE + body + strip]


def _pain_lead(c: Ctx) -> list[tuple[str, PageType]]:
    f, rng = c.f, c.rng
    if rng.random() < 0.6:
        return []
    region = "CERVICAL" if "ervical" in f.reason.text else "LUMBAR"
    if "upper limb" in f.reason.text:
        return []
    done = f.sent - timedelta(days=rng.randint(10, 200))
    page = (
        f"<h1>{rng.choice(('Keel Ridge Open MRI', 'Quarry Imaging Center'))}</h1>"
        f"<h2>MRI {region} SPINE WITHOUT CONTRAST</h2>"
        f"<p class='small'>Patient: {esc(Writer.full(f.patient))} &nbsp; DOB: "
        f"{esc(c.w.dob(f.dob))} &nbsp; Exam date: {esc(c.w.date(done))}<br/>Referring: "
        f"{esc(Writer.full(f.referrer.person))}</p>"
        "<p class='small'>FINDINGS: Alignment is normal. Disc desiccation at two levels with "
        "a broad-based protrusion narrowing the lateral recess. Facet hypertrophy. No fracture."
        "</p><h3>IMPRESSION</h3><p class='small'>Degenerative changes as above, correlate "
        "clinically.</p>"
        f"<p class='tiny'>Read by {esc(Writer.full(_CAST.person(rng)))}, MD</p>"
    )
    return [(page, PageType.imaging)]


def _pain_footer_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_PAIN)
    practices = rng.choice((_SPINE, _PCP_PRACTICES))
    f = _own_reason(_CAST.recast(f, rng, practices, ("MD", "DO", "PA-C")), rng, reason)
    return people.aged(dataclasses.replace(f, email=None, subscriber=None), rng, 24, 88)


TWELFTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("open_access", _open_access, _open_access_omit,
               "GI group's open-access endoscopy form filled by primary care, prep page",
               lead=_open_access_lead),
        Layout("wound_clinic", _wound_clinic, _wound_clinic_omit,
               "home-health nurse's wound-center referral: measurements, supervising MD"),
        Layout("devbeh_ref", _devbeh_ref, _devbeh_omit,
               "pediatric developmental referral: child, guardian's phone, school contacts",
               lead=_devbeh_lead),
        Layout("rheum_ehr", _rheum_ehr, _rheum_ehr_omit,
               "EHR rheumatology order: serology inline, problem list beyond the order's codes"),
        Layout("sched_wide", _sched_wide, _sched_wide_omit,
               "landscape scheduling-system printout: three columns of key/value blocks"),
        Layout("pain_footer", _pain_footer, _pain_footer_omit,
               "narrative pain-management letter, demographics only in a footer sticker strip",
               lead=_pain_lead),
    )
}  # fmt: skip
