"""An eleventh held-out set (2026-12-05), written blind (without looking at the reader) and
never tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``mfm_ref``: an obstetric office's letter to maternal-fetal medicine, printed from an EHR
  "Letter" template: a four-column grid of demographics (label, value, label, value) over the
  letter, a dating table (G/P, LMP, EDD, gestational age) full of dates, a support person
  with a phone of their own; the letter never states a sex; now and then an obstetric
  ultrasound report comes before it;
- ``eye_ref``: an optometrist's (OD) referral to ophthalmology typed on a form whose labels
  sit to the right of the values behind dot leaders ("QUINTERO, ORIANA ...... Patient"),
  a visual-acuity and pressure table whose rows are OD / OS / OU, a vision plan beside the
  medical plan;
- ``preop_clear``: a surgeon's office asks a cardiologist for pre-operative clearance: the
  procedure, its CPT and surgery date, a secondary insurance, the scheduler's line, and a
  second page for the cardiologist to fill in, blank name and NPI lines included;
- ``transplant_ref``: a nephrologist's kidney-transplant referral: several "label: value"
  pairs a line, the dialysis unit with its own phone, a living-donor candidate, and a
  second page of labs whose columns are collection dates;
- ``audiology_ref``: an audiologist's evaluation and referral to otolaryngology whose
  demographics are one run-on paragraph of "key: value" pairs split by semicolons, with an
  audiogram table (Hz by ear, dB HL), speech and tympanometry results;
- ``fqhc_ref``: a community health center's care-coordination referral: legal and preferred
  names, preferred language and interpreter, the sliding-fee category, an alternate contact,
  urgency check boxes, and language-assistance taglines in five languages at the foot.

Names, places, payers and practices come from lists no other layout uses (``_CAST``);
the obstetric, eye, pre-operative, transplant and hearing referrals carry their own reasons
and receivers. Dates run "1961/03/14", "14MAR1961", "March 14, 1961", "Mar 14 1961" or, for
a year 1935-1999, "03/14/61"; a letter's own date may carry its weekday ("Tuesday, March
14, 1961"). Phones run "(218) 555–0123" (an en dash), "+12185550123", "1-218-555-0123",
"(218) 555-0123" or "218.555.0123", an office line sometimes with " opt. 3" or " (x204)"
after it (the truth is the E.164 number without it).
"""

import dataclasses
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

_FIRST_F = ("Araminta", "Bathsheba", "Fenella", "Jessamine", "Tallulah", "Oriana", "Clotilde",
            "Isadora", "Kerensa", "Loveday", "Morwenna", "Petronella", "Sidonie", "Verity",
            "Yseult", "Aurelia", "Briony")  # fmt: skip
_FIRST_M = ("Peregrine", "Quincy", "Septimus", "Torvald", "Aloysius", "Benedict", "Cuthbert",
            "Diggory", "Erasmus", "Fergus", "Gulliver", "Hamish", "Lorenzo", "Mungo", "Rufus",
            "Sylvester")  # fmt: skip
_LAST = ("Ellingsworth", "Farquhar", "Gallagher", "Haverford", "Iturbide", "Quintero",
         "Whitacre", "Yablonsky", "Zuckerman", "Cartwright", "Etcheverry", "Grzybowski",
         "Kuykendall", "Lightfoot", "Rappaport", "Tarkington", "Umstead", "Wojciechowski",
         "Yeboah", "D'Ambrosio", "MacGillivray", "de la Garza", "Ocampo-Reyes",
         "Vasquez")  # fmt: skip
# What a health center's chart prints as the preferred name beside the legal one.
_NICKNAMES = {"Araminta": "Minty", "Bathsheba": "Sheba", "Jessamine": "Jessie",
              "Petronella": "Nell", "Isadora": "Izzy", "Peregrine": "Perry", "Septimus": "Sep",
              "Aloysius": "Al", "Benedict": "Ben", "Cuthbert": "Bert", "Lorenzo": "Enzo",
              "Sylvester": "Syl"}  # fmt: skip
_PAYERS = (
    ("Superior HealthPlan", "{d11}", None),
    ("Aspirus Health Plan", "ASP{d9}", "{d5}"),
    ("Healthfirst", "HF{d8}", None),
    ("Keystone First", "{d9}", None),
    ("Peach State Health Plan", "PSH{d9}", None),
    ("BlueCross BlueShield of South Carolina", "ZCS{d9}", "{d6}"),
    ("Trillium Community Health Plan", "TCH{d8}", None),
    ("Iowa Total Care", "ITC{d9}", "{d5}"),
    ("Blue Cross and Blue Shield of Montana", "YMT{d9}", "{d6}"),
)
_VISION_PLANS = ("VSP Vision Care", "EyeMed Vision Care", "Davis Vision")
_OB_PRACTICES = ("Saltgrass OB/GYN Associates", "Honeysuckle Obstetrics & Gynecology",
                 "Larkwood Women's Health")  # fmt: skip
_OPTOMETRISTS = ("Kestrel Eye Care Optometry", "Foxfire Family Vision",
                 "Paintbrush Optometric Center")  # fmt: skip
_NEPHROLOGISTS = ("Bur Oak Kidney Associates", "Headwaters Nephrology Group")
_AUDIOLOGISTS = ("Canyon Wren Hearing Center", "Chickadee Audiology & Hearing Aids")
_HEALTH_CENTERS = ("Three Forks Community Health Center",
                   "Salud del Pueblo Community Health Center",
                   "Otter Creek Family Health Center")  # fmt: skip
_DIALYSIS_UNITS = ("Millrace Dialysis Center", "Sandstone Dialysis Unit",
                   "Whitebark Home Dialysis Program")  # fmt: skip
_CITIES = (("Midland", "TX", "797"), ("Bloomington", "IN", "474"), ("Jonesboro", "AR", "724"),
           ("Dalton", "GA", "307"), ("Williamsport", "PA", "177"), ("Ithaca", "NY", "148"),
           ("Pittsfield", "MA", "012"), ("Great Falls", "MT", "594"),
           ("Twin Falls", "ID", "833"), ("Salina", "KS", "674"), ("Minot", "ND", "587"),
           ("Bellingham", "WA", "982"), ("Roswell", "NM", "882"), ("Prescott", "AZ", "863"),
           ("Durango", "CO", "813"), ("Laramie", "WY", "820"), ("St. George", "UT", "847"),
           ("Eureka", "CA", "955"), ("Houma", "LA", "703"), ("Biloxi", "MS", "395"),
           ("Ocala", "FL", "344"), ("Harrisonburg", "VA", "228"), ("Keene", "NH", "034"),
           ("Presque Isle", "ME", "047"))  # fmt: skip
_STREETS = ("N Pecan Grove Ave", "Tumbleweed Ln", "Lighthouse Point Rd", "Silo Ridge Rd",
            "Marsh Hawk Ct", "Driftwood Pl", "Whitebark Dr", "SW Pikeview Ter",
            "Larkwood Cir", "Otter Creek Rd", "Paintbrush Way", "Chickadee Ln")  # fmt: skip
_LINE2 = ("Apt 3C", "Unit 12B", "Trlr 9", "Apt 310", "# 6")
_AREAS = ("432", "812", "870", "706", "570", "607", "413", "406", "208", "785", "701", "360",
          "575", "928", "970", "307", "435", "707", "985", "228", "352", "540", "603",
          "207")  # fmt: skip
_EMAIL_DOMAINS = ("frontier.com", "windstream.net", "earthlink.net", "bellsouth.net",
                  "centurylink.net")  # fmt: skip

# -- the referrals of this set's own kinds -----------------------------------------------------

_MFM = (
    Reason("Maternal-Fetal Medicine", "Pregestational type 2 diabetes in pregnancy, "
           "co-management and fetal echocardiogram",
           (("O24.112", "Pre-existing type 2 diabetes mellitus, in pregnancy, second trimester"),
            ("Z79.4", "Long term (current) use of insulin")),
           "A1c 7.9 at the first visit; now on basal-bolus insulin."),
    Reason("Maternal-Fetal Medicine", "Chronic hypertension in pregnancy, consult for "
           "management and growth surveillance",
           (("O10.012", "Pre-existing essential hypertension complicating pregnancy, second "
                        "trimester"),),
           "BP 146/94 on labetalol 200 mg twice daily; baseline labs normal."),
    Reason("Maternal-Fetal Medicine", "Dichorionic diamniotic twin pregnancy, consult and "
           "serial growth scans",
           (("O30.042", "Twin pregnancy, dichorionic/diamniotic, second trimester"),),
           "Di-di twins on the dating scan; both growing on curve so far."),
    Reason("Maternal-Fetal Medicine", "Abnormal anatomy ultrasound, possible fetal cardiac "
           "anomaly",
           (("O28.3", "Abnormal ultrasonic finding on antenatal screening of mother"),
            ("O35.BXX0", "Maternal care for other (suspected) fetal abnormality and damage, "
                         "fetal cardiac anomalies, not applicable or unspecified")),
           "Four-chamber view not well seen at the anatomy scan; outflow tracts unclear."),
    Reason("Maternal-Fetal Medicine", "History of preterm birth with a short cervix on "
           "transvaginal ultrasound",
           (("O09.212", "Supervision of pregnancy with history of pre-term labor, second "
                        "trimester"),
            ("O26.872", "Cervical shortening, second trimester")),
           "Prior delivery at 31 weeks; cervical length 22 mm today."),
)  # fmt: skip
_EYE = (
    Reason("Ophthalmology", "Suspected primary open-angle glaucoma with elevated intraocular "
           "pressure",
           (("H40.1131", "Primary open-angle glaucoma, bilateral, mild stage"),
            ("H40.053", "Ocular hypertension, bilateral")),
           "Cup-to-disc ratio 0.7 both eyes with an inferior notch on the right."),
    Reason("Retina", "Diabetic retinopathy with macular edema, evaluate for anti-VEGF "
           "treatment",
           (("E11.3413", "Type 2 diabetes mellitus with severe nonproliferative diabetic "
                         "retinopathy with macular edema, bilateral"),),
           "Dot-blot hemorrhages in four quadrants and center-involving edema on OCT."),
    Reason("Ophthalmology", "Cataracts of both eyes limiting daily activities, evaluate for "
           "surgery",
           (("H25.13", "Age-related nuclear cataract, bilateral"),),
           "Glare driving at night; best corrected vision no longer meets the DMV standard."),
    Reason("Retina", "Sudden flashes and floaters in the right eye, rule out retinal tear",
           (("H43.391", "Other vitreous opacities, right eye"),
            ("H33.311", "Horseshoe tear of retina without detachment, right eye")),
           "New shower of floaters two days ago; a flap tear suspected at 11 o'clock."),
    Reason("Retina", "Wet age-related macular degeneration of the left eye",
           (("H35.3221", "Exudative age-related macular degeneration, left eye, with active "
                         "choroidal neovascularization"),),
           "Metamorphopsia on the Amsler grid, subretinal fluid on OCT."),
)  # fmt: skip
_PREOP = (
    Reason("Cardiology", "Pre-operative cardiac evaluation before right total knee "
           "arthroplasty; coronary stents in 2019",
           (("Z01.810", "Encounter for preprocedural cardiovascular examination"),
            ("I25.10", "Atherosclerotic heart disease of native coronary artery without angina "
                       "pectoris"),
            ("Z95.5", "Presence of coronary angioplasty implant and graft")),
           "Two drug-eluting stents to the LAD in 2019; on aspirin and clopidogrel."),
    Reason("Cardiology", "Cardiac clearance for lumbar spinal fusion in a patient with atrial "
           "fibrillation on apixaban",
           (("Z01.810", "Encounter for preprocedural cardiovascular examination"),
            ("I48.20", "Chronic atrial fibrillation, unspecified"),
            ("Z79.01", "Long term (current) use of anticoagulants")),
           "Rate controlled on metoprolol; needs instructions to hold apixaban."),
    Reason("Cardiology", "Pre-operative risk assessment before laparoscopic cholecystectomy; "
           "new systolic murmur",
           (("Z01.810", "Encounter for preprocedural cardiovascular examination"),
            ("R01.1", "Cardiac murmur, unspecified")),
           "Grade 3/6 systolic murmur at the right upper sternal border, never evaluated."),
    Reason("Cardiology", "Clearance for left total hip arthroplasty with heart failure with "
           "reduced ejection fraction",
           (("Z01.810", "Encounter for preprocedural cardiovascular examination"),
            ("I50.22", "Chronic systolic (congestive) heart failure")),
           "Last echo 14 months ago, EF 35%; walks one block before resting."),
    Reason("Cardiology", "Pre-operative evaluation before hysterectomy; left bundle branch "
           "block on ECG",
           (("Z01.810", "Encounter for preprocedural cardiovascular examination"),
            ("I44.7", "Left bundle-branch block, unspecified")),
           "New LBBB on the pre-admission ECG; no chest pain or syncope."),
)  # fmt: skip
# The operation each pre-operative request is for: procedure, CPT, the surgeons' practices.
_OPERATIONS = {
    _PREOP[0].text: ("Right total knee arthroplasty", "27447",
                     ("Basalt Orthopaedic & Spine", "Redtail Joint Replacement Center")),
    _PREOP[1].text: ("Posterior lumbar interbody fusion L4-L5", "22630",
                     ("Basalt Orthopaedic & Spine",)),
    _PREOP[2].text: ("Laparoscopic cholecystectomy", "47562",
                     ("Slate Creek General Surgery",)),
    _PREOP[3].text: ("Left total hip arthroplasty", "27130",
                     ("Basalt Orthopaedic & Spine", "Redtail Joint Replacement Center")),
    _PREOP[4].text: ("Total laparoscopic hysterectomy", "58571",
                     ("Sweetgum Gynecologic Surgery",)),
}  # fmt: skip
_TRANSPLANT = (
    Reason("Transplant Nephrology", "End-stage renal disease on hemodialysis, kidney "
           "transplant evaluation",
           (("N18.6", "End stage renal disease"), ("Z99.2", "Dependence on renal dialysis"),
            ("E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease")),
           "In-center hemodialysis three times a week, tolerating well."),
    Reason("Transplant Nephrology", "Chronic kidney disease stage 5 not on dialysis, "
           "pre-emptive kidney transplant evaluation",
           (("N18.5", "Chronic kidney disease, stage 5"),
            ("I12.0", "Hypertensive chronic kidney disease with stage 5 chronic kidney disease "
                      "or end stage renal disease")),
           "eGFR has fallen from 19 to 11 over a year; fistula placed, not yet used."),
    Reason("Transplant Nephrology", "Autosomal dominant polycystic kidney disease with "
           "end-stage renal disease, living donor transplant evaluation",
           (("Q61.2", "Polycystic kidney, adult type"), ("N18.6", "End stage renal disease"),
            ("Z99.2", "Dependence on renal dialysis")),
           "Enlarged cystic kidneys on CT; a family member has offered to donate."),
)  # fmt: skip
_HEARING = (
    Reason("Otolaryngology", "Asymmetric sensorineural hearing loss, right worse than left, "
           "rule out retrocochlear pathology",
           (("H90.41", "Sensorineural hearing loss, unilateral, right ear, with unrestricted "
                       "hearing on the contralateral side"),
            ("H93.11", "Tinnitus, right ear")),
           "Right-sided hearing loss and ringing for eight months; no ear surgery."),
    Reason("Otolaryngology", "Conductive hearing loss of the left ear with a flat tympanogram, "
           "evaluate for middle ear effusion",
           (("H90.12", "Conductive hearing loss, unilateral, left ear, with unrestricted hearing "
                       "on the contralateral side"),
            ("H65.92", "Unspecified nonsuppurative otitis media, left ear")),
           "Left ear fullness since a cold six weeks ago."),
    Reason("Otolaryngology", "Sudden sensorineural hearing loss in the left ear",
           (("H91.22", "Sudden idiopathic hearing loss, left ear"),),
           "Woke four days ago unable to hear on the left; no vertigo."),
    Reason("Otolaryngology", "Chronic dizziness with positional vertigo, vestibular "
           "evaluation",
           (("H81.10", "Benign paroxysmal vertigo, unspecified ear"),
            ("R42", "Dizziness and giddiness")),
           "Spinning when rolling over in bed; Dix-Hallpike equivocal."),
)  # fmt: skip
_RECEIVERS = {
    "Maternal-Fetal Medicine": ("Perinatal Associates of the High Plains",
                                "Redbud Maternal-Fetal Medicine"),
    "Ophthalmology": ("Sagebrush Eye Institute", "Clear Creek Glaucoma & Cataract"),
    "Retina": ("Sagebrush Retina Consultants", "Arrowhead Vitreoretinal Associates"),
    "Cardiology": ("Arrowhead Heart & Vascular", "Pikeview Cardiology Clinic"),
    "Transplant Nephrology": ("St. Aldric Kidney Transplant Center",
                              "Great Lakes Abdominal Transplant Institute"),
    "Otolaryngology": ("Blackhawk Ear, Nose & Throat",
                       "Lodgepole Otolaryngology & Head and Neck Surgery"),
}  # fmt: skip


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first).lower()
    last = people.ascii_letters(patient.last).lower()
    local = rng.choice((f"{first[0]}.{last}", f"{first}{last[0]}", f"{last}_{first}"))
    return f"{local}{rng.randint(1, 99)}@{rng.choice(_EMAIL_DOMAINS)}"


# This set's own people, places, payers and practices.
_CAST = people.Cast(
    _FIRST_F,
    _FIRST_M,
    _LAST,
    _CITIES,
    _STREETS,
    _LINE2,
    _PAYERS,
    _AREAS,
    _HEALTH_CENTERS,
    _email,
    middles="ADHJNQRUY",
    lowest=4,
)


def _own_reason(f: Facts, rng: random.Random, reason: Reason) -> Facts:
    return people.for_reason(f, rng, reason, _RECEIVERS)


# -- how this set writes values ----------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 1961/03/14, 14MAR1961, March 14, 1961, Mar 14 1961
    and, for a year a US reader cannot take for another century, 03/14/61."""
    month = MONTHS[d.month - 1]
    forms: tuple[str, ...] = (
        f"{d.year}/{d.month:02d}/{d.day:02d}",
        f"{d.day:02d}{month[:3].upper()}{d.year}",
        f"{month} {d.day}, {d.year}",
        f"{month[:3]} {d.day} {d.year}",
    )
    if 1935 <= d.year <= 1999:
        forms += (f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",)
    return forms


def _date(d: date, style: int) -> str:
    forms = date_forms(d)
    return forms[style] if style < len(forms) else forms[2]


def _letter_date(d: date, style: int) -> str:
    """A letter's own date: with its weekday when the letter writes months in words."""
    if style == 2:
        return f"{_WEEKDAYS[d.weekday()]}, {_date(d, 2)}"
    return _date(d, style)


_PHONE_FORMS = (
    "({a}) {b}\u2013{c}",
    "+1{d}",
    "1-{a}-{b}-{c}",
    "({a}) {b}-{c}",
    "{a}.{b}.{c}",
)


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _raw_phone(e164: str | None, style: int) -> str:
    """A phone not yet escaped, for a line that escapes as a whole."""
    if not e164:
        return ""
    d = e164[2:]
    return _PHONE_FORMS[style].format(a=d[:3], b=d[3:6], c=d[6:], d=d)


def _line_option(rng: random.Random) -> str:
    """What follows an office line: a phone-tree option or an extension, or nothing."""
    roll = rng.random()
    if roll < 0.35:
        return f" opt. {rng.randint(1, 6)}"
    if roll < 0.6:
        return f" (x{rng.randint(10, 480)})"
    return ""


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(k)} &ndash; {esc(described[k])}" for k in c.f.codes)


def _in_sentence(text: str) -> str:
    """A reason that opens a sentence's middle: its first letter in lower case."""
    return text[0].lower() + text[1:]


def _letterhead(f: Facts, ps: int, right: str = "") -> str:
    r, ra = f.referrer, f.referrer.address
    return (
        f"<table><tr><td width='62%'><h1>{esc(r.practice)}</h1><span class='small'>"
        f"{esc(ra.line1)}, {esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>"
        f"Tel {_phone(r.phone, ps)} &nbsp; Fax {_phone(r.fax, ps)}</span></td>"
        f"<td class='right small'>{right}</td></tr></table><hr/>"
    )


# -- 1. an obstetric letter to maternal-fetal medicine -----------------------------------------


def _gestation(f: Facts) -> tuple[int, int]:
    """Weeks and days of the pregnancy on the day of the letter (the Z3A code's weeks), the
    same on the letter and on the ultrasound report."""
    weeks = next((int(code[4:]) for code in f.codes if code.startswith("Z3A.")), None)
    return (weeks or 17 + int(f.mrn) % 10), int(f.mrn) % 7


def _mfm_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    weeks, days = _gestation(f)
    lmp = f.sent - timedelta(days=weeks * 7 + days)
    edd = lmp + timedelta(days=280)
    seen = f.sent - timedelta(days=rng.randint(0, 6))
    gravida = rng.randint(2, 5)
    term, preterm = rng.randint(0, gravida - 2), rng.randint(0, 1)
    abortions = max(0, gravida - 1 - term - preterm)
    living = term + preterm
    gp = f"G{gravida}P{term}{preterm}{abortions}{living}"
    partner_phone = _phone(people.phone(rng, rng.choice(_AREAS)), ps)
    urgency = urgency_word(f, ("STAT - please call L&D today", "Urgent - within one week",
                               "Routine - next available consult"))  # fmt: skip
    a = f.address

    def row(*cells: tuple[str, str]) -> str:
        out = ""
        for label, value in cells:
            span = " colspan='3'" if len(cells) == 1 else " width='37%'"
            out += f"<td class='lab' width='13%'>{label}</td><td{span}>{value or '&nbsp;'}</td>"
        return f"<tr>{out}</tr>"

    grid = (
        "<table class='grid small'>"
        + row(("Patient", f"<b>{esc(Writer.last_first(f.patient))}</b>"), ("MRN", esc(f.mrn)))
        + row(("DOB", esc(_date(f.dob, ds))), ("Age", f"{f.age} y"))
        + row(("Phone", _phone(f.phone, ps)), ("E-mail", esc(f.email or "")))
        + row(("Address", one_line(a)))
        + row(("Insurance", esc(f.payer or "Self-pay")), ("Member ID", esc(f.member_id or "")))
        + (
            row(("Group", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else "Self"))
            if f.payer else ""
        )
        + row(("Provider", with_credential(r.person, r.credential)),
              ("Visit", esc(_date(seen, ds))))
        + "</table>"
    )  # fmt: skip
    dating = (
        "<table class='grid small'><tr><th>G/P</th><th>LMP</th><th>EDD</th>"
        "<th>GA today</th><th>Dated by</th></tr>"
        f"<tr><td>{gp}</td><td>{esc(_date(lmp, ds))}</td><td>{esc(_date(edd, ds))}</td>"
        f"<td>{weeks}w{days}d</td><td>{rng.choice(('LMP c/w 8 wk US', 'First-trimester US'))}"
        "</td></tr></table>"
    )
    return [
        _letterhead(f, ps, "Letter")
        + grid
        + f"<p>&nbsp;</p><p class='small'>{esc(_letter_date(f.sent, ds))}</p>"
        f"<p class='small'>{esc(f.receiver)}<br/>Maternal-Fetal Medicine<br/>Fax "
        f"{_phone(f.receiver_fax, ps)} &middot; Tel {_phone(f.receiver_phone, ps)}</p>"
        f"<p class='small'>Dear Dr. {esc(f.other_doctor.last)},</p>"
        f"<p class='small'>Thank you for seeing {esc(f.patient.first)} {esc(f.patient.last)}, "
        f"a {f.age}-year-old {gp} at {weeks} weeks {days} days, whom I am referring for "
        f"{esc(_in_sentence(f.reason.text))}. {esc(f.reason.note)}</p>"
        + dating
        + f"<p class='small'>Problem list: {_codes_described(c)}</p>"
        + (f"<p class='small'>Timing: <b>{esc(urgency)}</b></p>" if urgency else "")
        + f"<p class='small'>Support person: {esc(Writer.full(f.relative))}, "
        f"{partner_phone}. She would like to keep delivering with our practice and asks that "
        "your recommendations come back to us.</p>"
        f"<p class='small'>Sincerely,<br/><br/>{with_credential(r.person, r.credential)}<br/>"
        f"NPI {r.npi}<br/>{esc(r.practice)}</p>"
        f"<p class='tiny'>cc: chart &middot; Letter sent by {esc(Writer.full(f.sender))}</p>"
    ]


def _mfm_ultrasound_lead(c: Ctx) -> list[tuple[str, PageType]]:
    # Now and then the practice faxes the ultrasound report that prompted the letter first.
    f, rng = c.f, c.rng
    if rng.random() < 0.5:
        return []
    weeks, days = _gestation(f)
    scanned_on = f.sent - timedelta(days=rng.randint(1, 6))
    lab = rng.choice(("Larkwood Prenatal Imaging", "High Plains Fetal Ultrasound"))
    biometry = "".join(
        f"<tr><td>{name}</td><td>{rng.uniform(lo, hi):.1f} {unit}</td>"
        f"<td>{weeks + rng.randint(-1, 1)}w{rng.randint(0, 6)}d</td></tr>"
        for name, unit, lo, hi in (("BPD", "mm", 38, 70), ("HC", "mm", 140, 250),
                                   ("AC", "mm", 120, 220), ("FL", "mm", 24, 50))
    )  # fmt: skip
    page = (
        f"<h1>{lab}</h1><h2>OBSTETRIC ULTRASOUND REPORT</h2>"
        f"<p class='small'>Patient: {esc(Writer.full(f.patient))} &nbsp; DOB: "
        f"{esc(c.w.date(f.dob))} &nbsp; Exam date: {esc(c.w.date(scanned_on))}</p>"
        f"<p class='small'>Referring: {esc(Writer.full(f.referrer.person))}</p>"
        f"<p class='small'>Single live intrauterine pregnancy at {weeks}w{days}d.</p>"
        "<table class='grid small'><tr><th>Biometry</th><th>Value</th><th>GA</th></tr>"
        f"{biometry}</table>"
        f"<p class='small'>Fetal heart rate {rng.randint(132, 160)} bpm. Placenta "
        f"{rng.choice(('anterior', 'posterior', 'fundal'))}, no previa.</p>"
        f"<h3>IMPRESSION</h3><p class='small'>{esc(f.reason.note)} Recommend MFM "
        "consultation.</p>"
        f"<p class='tiny'>Electronically signed by {esc(Writer.full(f.other_doctor))}, MD "
        f"(NPI {people.npi(rng)})</p>"
    )
    return [(page, PageType.imaging)]


def _mfm_ref_omit(f: Facts, rng: random.Random) -> Facts:
    # a pregnant patient; the letter never writes her sex
    reason = rng.choice(_MFM)
    f = _CAST.recast(dataclasses.replace(f, sex="F"), rng, _OB_PRACTICES,
                  ("MD", "DO", "CNM", "WHNP-BC"))  # fmt: skip
    f = _own_reason(f, rng, reason)
    if rng.random() < 0.6:
        weeks = rng.randint(17, 26)
        z3a = (f"Z3A.{weeks}", f"{weeks} weeks gestation of pregnancy")
        reason = dataclasses.replace(reason, codes=(*reason.codes, z3a))
        f = dataclasses.replace(f, reason=reason, codes=(*f.codes, z3a[0]))
    return people.aged(dataclasses.replace(f, sex=None), rng, 18, 42)


# -- 2. an optometrist's referral with labels after the values ---------------------------------


def _dotted(value: str, label: str, width: int = 46) -> str:
    """A typed line: the value, dot leaders, then its label (the text is not escaped yet)."""
    dots = "." * max(3, width - len(value))
    return f"{esc(value)} {dots} {esc(label)}"


def _eye_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 1, 4)), rng.randrange(5)
    a = f.address
    urgency = urgency_word(f, ("EMERGENT - same day", "URGENT - within 1 week",
                               "ROUTINE - 4 to 6 weeks"))  # fmt: skip
    lines = [
        (Writer.last_first(f.patient, upper=True), "Patient"),
        (_date(f.dob, ds), "Date of birth"),
        ({"F": "F", "M": "M", "X": "X", "U": "UNK"}.get(f.sex or "", ""), "Sex"),
        (_raw_phone(f.phone, ps), "Home / cell"),
        (f.email or "", "E-mail"),
        (street(a).upper() if a else "", "Street"),
        (f"{a.city.upper()}, {a.state} {a.zip}" if a else "", "City, State ZIP"),
        ((f.payer or "NONE").upper(), "Medical insurance"),
        (f.member_id or "", "Member no."),
        (f.group or "", "Group no."),
        (Writer.full(f.subscriber).upper() if f.subscriber else "", "Insured, if not patient"),
        (f"{rng.choice(_VISION_PLANS).upper()} {rng.randint(10**8, 10**9 - 1)}",
         "Vision plan (routine eye exam only)"),
    ]  # fmt: skip
    typed = "<br/>".join(_dotted(v, k) for v, k in lines if v)
    snellen = ("20/20", "20/25", "20/30", "20/40", "20/50", "20/70", "20/100", "20/200", "CF 3 ft")

    def eye(name: str) -> str:
        far = rng.randrange(len(snellen))
        best = rng.randint(0, far)
        return (
            f"<tr><td><b>{name}</b></td><td>{snellen[far]}</td><td>{snellen[best]}</td>"
            f"<td>J{rng.randint(1, 5)}</td><td>{rng.randint(12, 32)}</td>"
            f"<td>{rng.choice((0.3, 0.4, 0.5, 0.6, 0.7, 0.8))}</td></tr>"
        )

    acuity = (
        "<table class='grid small'><tr><th></th><th>Dist. sc</th><th>Dist. cc (best)</th>"
        "<th>Near cc</th><th>IOP mmHg</th><th>C/D</th></tr>"
        + eye("OD")
        + eye("OS")
        + f"<tr><td><b>OU</b></td><td colspan='5'>Tonometry: Goldmann at "
        f"{rng.randint(8, 11)}:{rng.randint(10, 59)} AM; pupils "
        f"{rng.choice(('dilated with 1% tropicamide', 'not dilated'))}</td></tr></table>"
    )
    return [
        _letterhead(f, ps, "Optometric Referral")
        + "<h2>REFERRAL FOR MEDICAL EYE CARE</h2>"
        + f"<p class='small'>To {esc(f.receiver)} ({esc(f.reason.specialty)}) &middot; fax "
        f"{_phone(f.receiver_fax, ps)} &middot; {esc(_letter_date(f.sent, ds))}</p>"
        f"<p class='mono'>{typed}</p>"
        "<h3>Examination</h3>" + acuity + f"<p class='small'>Findings: {esc(f.reason.note)}</p>"
        f"<p class='small'>Assessment: {_codes_described(c)}</p>"
        f"<p class='small'>Please evaluate: <b>{esc(f.reason.text)}</b></p>"
        + (f"<p class='small'>Urgency: {esc(urgency)}</p>" if urgency else "")
        + "<p class='mono'>"
        + _dotted(Writer.full(r.person) + ", " + r.credential, "Referring optometrist")
        + "<br/>"
        + _dotted(r.npi, "NPI")
        + "</p><p class='tiny'>Please send the consultation report to our office by fax. "
        "The patient's routine vision plan does not cover medical eye care.</p>"
    ]


def _eye_ref_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_EYE)
    f = _own_reason(_CAST.recast(f, rng, _OPTOMETRISTS, ("OD",)), rng, reason)
    return people.aged(f, rng, 40, 88)


# -- 3. a surgeon's request for pre-operative cardiac clearance --------------------------------


def _preop_clear(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    procedure, cpt, _ = _OPERATIONS[f.reason.text]
    surgery = f.sent + timedelta(days=rng.randint(9, 40))
    reply_by = surgery - timedelta(days=rng.randint(3, 6))
    facility = rng.choice(("Slate Creek Surgery Center", "Redtail Ambulatory Surgery Center",
                           "Pikeview Regional Hospital"))  # fmt: skip
    others = [name for name, _, _ in _PAYERS if name != f.payer]
    secondary = rng.choice(others) if f.payer and rng.random() < 0.4 else "None"
    priority = urgency_word(f, ("STAT", "URGENT", "Routine"))
    rows = [
        ("Pt name", esc(Writer.last_first(f.patient))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Sex", esc(sex_word(f, "Non-binary"))),
        ("Cell", _phone(f.phone, ps)),
        ("E-mail", esc(f.email or "")),
        ("Address", one_line(f.address)),
        ("Primary ins.", esc(f.payer or "Self-pay")),
        ("Member ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Policyholder", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
        ("Secondary ins.", esc(secondary) if f.payer else ""),
    ]
    surgery_rows = [
        ("Procedure", f"{esc(procedure)} (CPT {cpt})"),
        ("Surgeon", f"{with_credential(r.person, r.credential)} &middot; NPI {r.npi}"),
        ("Date of surgery", esc(_date(surgery, ds))),
        ("Facility", esc(facility)),
        ("Anesthesia", rng.choice(("General", "Spinal with sedation", "General endotracheal"))),
    ]

    def table(items: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab' width='24%'>{k}</td><td>{v}</td></tr>" for k, v in items if v
        ) + "</table>"  # fmt: skip

    asks = ("Cardiology evaluation and risk stratification", "12-lead ECG",
            "Echocardiogram", "Stress test if indicated",
            "Peri-operative antiplatelet / anticoagulant instructions")  # fmt: skip
    chosen = {asks[0], asks[1]} | set(rng.sample(asks[2:], rng.randint(0, 2)))
    page1 = (
        _letterhead(f, ps, esc(_letter_date(f.sent, ds)))
        + "<h2>REQUEST FOR PRE-OPERATIVE CARDIAC CLEARANCE</h2>"
        + f"<p class='small'>To: {esc(f.receiver)} &middot; Attn: clearance coordinator "
        f"&middot; Fax {_phone(f.receiver_fax, ps)}</p>"
        + "<h3>Patient</h3>"
        + table(rows)
        + "<h3>Planned surgery</h3>"
        + table(surgery_rows)
        + f"<h3>Reason for request</h3><p class='small'>{esc(f.reason.text)}. "
        f"{esc(f.reason.note)}</p>"
        f"<p class='small'>Pertinent diagnoses: {_codes_described(c)}</p>"
        "<p class='small'>"
        + "<br/>".join(c.box(a in chosen, a) for a in asks)
        + "</p>"
        + (f"<p class='small'>Priority: <b>{esc(priority)}</b></p>" if priority else "")
        + f"<p class='small'>Please fax your clearance letter, ECG and any test results to "
        f"{_phone(r.fax, ps)} by {esc(_date(reply_by, ds))}. Questions: surgery scheduler "
        f"{esc(Writer.full(f.sender))}, {_phone(f.sender_phone, ps, _line_option(rng))}.</p>"
    )
    page2 = (
        f"<p class='head'>{esc(r.practice)} &middot; Pre-operative clearance &middot; "
        "page 2</p>"
        "<h2>PRE-OPERATIVE CLEARANCE (to be completed by the evaluating physician)</h2>"
        f"<p class='small'>Patient: {esc(Writer.full(f.patient))} &nbsp; DOB: "
        f"{esc(_date(f.dob, ds))}<br/>Procedure: {esc(procedure)} on "
        f"{esc(_date(surgery, ds))}</p>"
        "<p class='small'>"
        + "<br/>".join(
            c.box(False, text)
            for text in (
                "Acceptable cardiac risk: may proceed as planned",
                "May proceed after the recommendations below",
                "Not cleared at this time: further testing needed",
            )
        )
        + "</p><p class='small'>Recommendations:<br/>"
        "______________________________________________________________<br/>"
        "______________________________________________________________</p>"
        "<p class='small'>Evaluating physician (print) ____________________ &nbsp; "
        "NPI ______________<br/>Phone ______________ &nbsp; Signature "
        "____________________ &nbsp; Date __________</p>"
        f"<p class='small'>Return this page to {esc(r.practice)} at fax "
        f"{_phone(r.fax, ps)}.</p>"
    )
    return [page1, page2]


def _preop_clear_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_PREOP)
    _, _, surgeons = _OPERATIONS[reason.text]
    f = _own_reason(_CAST.recast(f, rng, surgeons, ("MD", "DO")), rng, reason)
    return people.aged(f, rng, 48, 86)


# -- 4. a nephrologist's kidney-transplant referral ---------------------------------------------


def _transplant_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address
    gap = " &nbsp;&nbsp;&nbsp; "

    def pairs(*items: tuple[str, str]) -> str:
        return gap.join(f"<b>{k}:</b> {v}" for k, v in items if v)

    on_dialysis = "not on dialysis" not in f.reason.text
    unit = rng.choice(_DIALYSIS_UNITS)
    started = f.sent - timedelta(days=rng.randint(90, 2000))
    donor = rng.random() < 0.5 or "living donor" in f.reason.text
    priority = urgency_word(f, ("Stat", "Urgent", "Routine"))
    if on_dialysis:
        dialysis = (
            pairs(("Unit", esc(unit)), ("Unit phone", _phone(people.phone(rng), ps)))
            + "<br/>"
            + pairs(("Modality", rng.choice(("In-center HD", "Home HD", "Peritoneal dialysis"))),
                    ("Schedule", rng.choice(("MWF 1st shift", "TTS 2nd shift", "Nightly"))),
                    ("First dialysis", esc(_date(started, ds))))
            + "<br/>"
            + pairs(("Access", rng.choice(("L arm AV fistula", "R arm AV graft",
                                           "Tunneled R IJ catheter", "PD catheter"))))
        )  # fmt: skip
    else:
        dialysis = pairs(("Dialysis", "Not started"), ("Access", "L arm AV fistula, maturing"))
    history = ("Diabetes", "Coronary artery disease", "Peripheral vascular disease",
               "Cancer in the last 5 years", "Prior transplant")  # fmt: skip
    had = {"Diabetes"} if "E11.22" in f.codes else set()
    if rng.random() < 0.3:
        had.add("Coronary artery disease")
    page1 = (
        _letterhead(f, ps, "Kidney Transplant Referral")
        + f"<p class='small'>{esc(_letter_date(f.sent, ds))} &middot; To: {esc(f.receiver)}, "
        f"Pre-Transplant Intake &middot; Fax {_phone(f.receiver_fax, ps)}</p>"
        + "<h3>1. Patient</h3><p class='small'>"
        + pairs(("Name", esc(Writer.last_first(f.patient))), ("DOB", esc(_date(f.dob, ds))),
                ("Sex", esc(sex_word(f, "X"))))
        + "<br/>"
        + pairs(("Phone", _phone(f.phone, ps)), ("E-mail", esc(f.email or "")))
        + "<br/>"
        + pairs(("Address", one_line(a)))
        + "</p><h3>2. Insurance</h3><p class='small'>"
        + pairs(("Primary", esc(f.payer or "None")), ("ID", esc(f.member_id or "")),
                ("Grp", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""))
        + "</p><h3>3. Referring nephrologist</h3><p class='small'>"
        + pairs(("Name", with_credential(r.person, r.credential)), ("NPI", r.npi))
        + "<br/>"
        + pairs(("Practice", esc(r.practice)), ("Phone", _phone(r.phone, ps)),
                ("Fax", _phone(r.fax, ps)))
        + "</p><h3>4. Dialysis</h3><p class='small'>"
        + dialysis
        + "</p><h3>5. Reason and diagnoses</h3><p class='small'>"
        + pairs(("Reason", esc(f.reason.text)))
        + "<br/>"
        + pairs(("ICD-10", _codes_described(c)))
        + "<br/>"
        + pairs(("Priority", esc(priority)))
        + f"</p><p class='small'>{esc(f.reason.note)}</p><p class='small'>History: "
        + " &nbsp; ".join(c.box(h in had, h) for h in history)
        + "</p>"
        + (
            f"<p class='small'>Potential living donor: {esc(Writer.full(f.relative))} "
            f"({esc(f.relation)}), {_phone(people.phone(rng, rng.choice(_AREAS)), ps)}</p>"
            if donor else ""
        )
        + "<p class='tiny'>Laboratory data on the next page. Coordinator: "
        f"{esc(Writer.full(f.sender))}, {_phone(f.sender_phone, ps, _line_option(rng))}.</p>"
    )  # fmt: skip
    drawn = sorted(f.sent - timedelta(days=rng.randint(1, 120)) for _ in range(3))
    tests = (("Creatinine", "mg/dL", 4.5, 11.0), ("BUN", "mg/dL", 40, 95),
             ("eGFR", "mL/min/1.73m2", 4, 15), ("Potassium", "mmol/L", 3.8, 5.9),
             ("Hemoglobin", "g/dL", 8.4, 12.2), ("Albumin", "g/dL", 2.9, 4.3),
             ("PTH, intact", "pg/mL", 180, 720), ("Phosphorus", "mg/dL", 3.8, 7.5))  # fmt: skip
    lab_rows = "".join(
        f"<tr><td>{name}</td><td>{unit}</td>"
        + "".join(f"<td>{rng.uniform(lo, hi):.1f}</td>" for _ in drawn)
        + "</tr>"
        for name, unit, lo, hi in tests
    )
    page2 = (
        f"<p class='head'>{esc(r.practice)} &middot; Transplant referral, page 2</p>"
        f"<p class='small'><b>{esc(Writer.last_first(f.patient))}</b> &middot; DOB "
        f"{esc(_date(f.dob, ds))} &middot; MRN {esc(f.mrn)}</p>"
        "<h2>Laboratory data</h2>"
        "<table class='grid small'><tr><th>Test</th><th>Units</th>"
        + "".join(f"<th>{esc(_date(d, ds))}</th>" for d in drawn)
        + f"</tr>{lab_rows}</table>"
        f"<p class='small'>ABO / Rh: {rng.choice(('O pos', 'A pos', 'B neg', 'AB pos'))} "
        f"&middot; HBsAg negative &middot; HIV Ab negative &middot; HCV Ab "
        f"{rng.choice(('negative', 'negative', 'positive, RNA undetectable'))}</p>"
        f"<p class='small'>Reference laboratory client services "
        f"{_phone(people.phone(rng), ps)}.</p>"
    )
    return [page1, page2]


def _transplant_ref_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_TRANSPLANT)
    f = _own_reason(_CAST.recast(f, rng, _NEPHROLOGISTS, ("MD", "DO")), rng, reason)
    return people.aged(f, rng, 19, 74)


# -- 5. an audiologist's report whose demographics run on in one paragraph ---------------------


def _audiology_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    caps = rng.random() < 0.4

    def key(text: str) -> str:
        return text.upper() if caps else text

    a = f.address
    urgency = urgency_word(f, ("stat (same day)", "urgent", "routine"))
    parts = [
        (key("Patient"), esc(Writer.full(f.patient))),
        (key("DOB"), esc(_date(f.dob, ds))),
        (key("sex"), esc(sex_word(f, "nonbinary").lower())),
        (key("phone"), _phone(f.phone, ps)),
        (key("e-mail"), esc(f.email or "")),
        (key("address"), one_line(a)),
        (key("insurance"), esc(f.payer or "none (self-pay)")),
        (key("member ID"), esc(f.member_id or "")),
        (key("group"), esc(f.group or "")),
        (key("policy holder"), esc(Writer.full(f.subscriber)) if f.subscriber else ""),
        (key("tested"), esc(_date(f.sent - timedelta(days=rng.randint(0, 5)), ds))),
        (key("referred to"), f"{esc(f.receiver)} (fax {_phone(f.receiver_fax, ps)})"),
    ]
    run_on = "; ".join(f"{k}: {v}" for k, v in parts if v) + "."
    freqs = (250, 500, 1000, 2000, 3000, 4000, 6000, 8000)
    worse = rng.choice(("R", "L"))

    def thresholds(ear: str, bone: bool) -> str:
        base = rng.choice((10, 15, 20)) + (rng.choice((20, 30, 40)) if ear == worse else 0)
        cells = []
        for i, _ in enumerate(freqs):
            if bone and i in (0, 6, 7):
                cells.append("&nbsp;")
                continue
            value = min(120, base + 5 * rng.randint(0, 2) + (5 * i if ear == worse else 0))
            cells.append("NR" if value >= 110 else str(value))
        name = {"R": "Right", "L": "Left"}[ear] + (" bone" if bone else " air")
        return f"<tr><td>{name}</td>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>"

    audiogram = (
        "<table class='grid small'><tr><th>dB HL</th>"
        + "".join(f"<th>{hz} Hz</th>" for hz in freqs)
        + "</tr>"
        + thresholds("R", False)
        + thresholds("L", False)
        + thresholds("R", True)
        + thresholds("L", True)
        + "</table>"
    )
    return [
        _letterhead(f, ps, "Audiology")
        + "<h2>Audiologic Evaluation and Referral</h2>"
        + f"<p class='small'>{run_on}</p>"
        + f"<p class='small'>Dear colleague,<br/>{esc(f.patient.first)} was seen for a "
        f"comprehensive audiologic evaluation. {esc(f.reason.note)}</p>"
        "<h3>Pure-tone audiometry</h3>" + audiogram + "<p class='small'>Speech: SRT right "
        f"{rng.randint(2, 9) * 5} dB, left {rng.randint(2, 9) * 5} dB; word recognition right "
        f"{rng.randint(60, 100)}% and left {rng.randint(60, 100)}% at 70 dB HL. Tympanometry: "
        f"type {rng.choice(('A', 'As', 'B'))} right, type {rng.choice(('A', 'B', 'C'))} left. "
        "Acoustic reflexes "
        f"{rng.choice(('present bilaterally', 'absent on the right', 'elevated on the left'))}"
        ".</p>"
        "<h3>Impression and recommendation</h3>"
        f"<p class='small'>{_codes_described(c)}.</p>"
        f"<p class='small'>Referral to otolaryngology for {esc(_in_sentence(f.reason.text))}"
        + (f". Priority: {esc(urgency)}" if urgency else "")
        + ". Hearing aids are on hold until medical clearance.</p>"
        f"<p class='small'>Respectfully,<br/>{with_credential(r.person, r.credential)}, "
        f"Audiologist &middot; NPI {r.npi}</p>"
    ]


def _audiology_ref_omit(f: Facts, rng: random.Random) -> Facts:
    reason = rng.choice(_HEARING)
    f = _CAST.recast(f, rng, _AUDIOLOGISTS, ("AuD", "Au.D., CCC-A", "AuD, FAAA"))
    return people.aged(_own_reason(f, rng, reason), rng, 18, 90)


# -- 6. a community health center's care-coordination referral ---------------------------------

_TAGLINES = (
    "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de asistencia "
    "lingüística. Llame al {n}.",
    "ATANSYON: Si w pale Kreyòl ayisyen, gen sèvis èd pou lang ki disponib gratis pou ou. "
    "Rele {n}.",
    "ATENÇÃO: Se fala português, encontram-se disponíveis serviços linguísticos, grátis. "
    "Ligue para {n}.",
    "ATTENTION : Si vous parlez français, des services d'aide linguistique vous sont proposés "
    "gratuitement. Appelez le {n}.",
    "PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo ng tulong "
    "sa wika nang walang bayad. Tumawag sa {n}.",
)


def _fqhc_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address
    language = rng.choice(("English", "Spanish", "Haitian Creole", "Portuguese", "Tagalog"))
    preferred = _NICKNAMES.get(f.patient.first) if rng.random() < 0.6 else None
    alternate = f"{esc(Writer.full(f.relative))} ({esc(f.relation)}) " + _phone(
        people.phone(rng, rng.choice(_AREAS)), ps
    )
    if f.payer:
        slide = "N/A (insured)"
    else:
        pct, size = rng.choice(((88, 3), (121, 4), (146, 2), (187, 5), (64, 1)))
        band = "A" if pct <= 100 else "B" if pct <= 150 else "C"
        slide = f"Slide {band} &middot; {pct}% FPL, household of {size}"
    toll_free = rng.choice(("888", "877"))
    language_line = f"1-{toll_free}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"

    def lines(items: list[tuple[str, str]]) -> str:
        return "<br/>".join(f"{k}: <b>{v}</b>" for k, v in items if v)

    patient = lines(
        [
            ("Legal name", esc(Writer.full(f.patient))),
            ("Preferred name", esc(preferred or "")),
            ("Date of birth", esc(_date(f.dob, ds))),
            ("Sex", esc(sex_word(f, "X (non-binary)"))),
            ("Language", esc(language)
             + (" &middot; interpreter needed" if language != "English" else "")),
            ("Cell", _phone(f.phone, ps)),
            ("E-mail", esc(f.email or "")),
            ("Home", one_line(a)),
            ("Alternate contact", alternate),
        ]
    )  # fmt: skip
    coverage = lines(
        [
            ("Coverage", esc(f.payer or "Uninsured")),
            ("Member #", esc(f.member_id or "")),
            ("Group #", esc(f.group or "")),
            ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
            ("Sliding fee", slide),
            ("Transportation", rng.choice(("Own car", "Needs a ride (Medicaid transport)",
                                           "Bus pass issued"))),
        ]
    )  # fmt: skip
    urgency = " &nbsp; ".join(
        c.box(f.urgency == k, w) for k, w in (("stat", "Emergent (today)"),
                                              ("urgent", "Urgent (72 hours)"),
                                              ("routine", "Routine (30 days)"))
    )  # fmt: skip
    taglines = " ".join(esc(t.format(n=language_line)) for t in _TAGLINES)
    return [
        f"<h1>{esc(r.practice)}</h1><p class='small'>A Federally Qualified Health Center "
        f"&middot; {esc(r.address.line1)}, {esc(r.address.city)}, {esc(r.address.state)} "
        f"&middot; Main {_phone(r.phone, ps)} &middot; Referrals fax {_phone(r.fax, ps)}</p>"
        "<h2>Referral / Care Coordination Request</h2>"
        f"<p class='small'>Date: {esc(_letter_date(f.sent, ds))} &middot; Referral to: "
        f"<b>{esc(f.receiver)}</b> ({esc(f.reason.specialty)}) &middot; fax "
        f"{_phone(f.receiver_fax, ps)}, tel {_phone(f.receiver_phone, ps)}</p>"
        "<table><tr>"
        f"<td width='55%' class='box small'><b>PATIENT</b><br/>{patient}</td>"
        f"<td class='box small'><b>COVERAGE &amp; SUPPORT</b><br/>{coverage}</td>"
        "</tr></table>"
        "<h3>Clinical</h3>"
        f"<p class='small'>Reason: {esc(f.reason.text)}<br/>Diagnoses: {_codes_described(c)}"
        f"<br/>Summary: {esc(f.reason.note)}</p>"
        f"<p class='small'>Urgency: {urgency}</p>"
        "<h3>Referring clinician</h3>"
        f"<p class='small'>{with_credential(r.person, r.credential)} &middot; NPI {r.npi}"
        f"<br/>Care coordinator: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps, _line_option(rng))}</p>"
        "<p class='small'>Please send the visit note to the referrals fax above. We close the "
        "loop with the patient after your visit.</p><p>&nbsp;</p>"
        f"<p class='tiny'>{taglines}</p>"
    ]


def _fqhc_ref_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng, _HEALTH_CENTERS, ("MD", "DO", "FNP-C", "PA-C", "NP"))
    return people.aged(f, rng, 18, 80)


ELEVENTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("mfm_ref", _mfm_ref, _mfm_ref_omit,
               "obstetric EHR letter to maternal-fetal medicine: 4-column header, dating table",
               lead=_mfm_ultrasound_lead),
        Layout("eye_ref", _eye_ref, _eye_ref_omit,
               "optometrist's referral: labels after dot leaders, OD / OS acuity table"),
        Layout("preop_clear", _preop_clear, _preop_clear_omit,
               "surgeon's request for cardiac clearance with a blank page for the cardiologist"),
        Layout("transplant_ref", _transplant_ref, _transplant_ref_omit,
               "nephrologist's transplant referral: pairs per line, dialysis unit, labs page"),
        Layout("audiology_ref", _audiology_ref, _audiology_ref_omit,
               "audiologist's report: run-on semicolon demographics, audiogram table"),
        Layout("fqhc_ref", _fqhc_ref, _fqhc_ref_omit,
               "health center's care-coordination referral: sliding fee, language taglines"),
    )
}  # fmt: skip
