"""A tenth held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``plan_letter``: a health plan's referral authorization notice mailed to the member: the
  plan's letterhead and member-services numbers, the member's name and address in the
  envelope window, an authorization number, the requesting provider inside the letter; a
  second page of appeal rights with the provider's copy line;
- ``tumor_board``: a surgeon's new-patient oncology referral for a tumor board: side-by-side
  "Patient" and "Referring provider" cards whose captions sit under the value's line, a
  staging table (TNM, stage group, ECOG), the question for the board;
- ``sleep_req``: a sleep-study requisition: check boxes of studies, Epworth / STOP-BANG, the
  patient in ALL CAPS in ruled cells with captions under them, priority as check boxes;
- ``hospice_ref``: a hospice referral and intake form: terminal diagnosis, prognosis,
  code status, the caregiver with a phone of their own; a second page certifying the
  terminal illness;
- ``telehealth_plan``: a video-visit summary whose referral is one item of the Plan, with the
  patient's demographics and coverage on a second page;
- ``fax_comments``: an office-supply fax cover whose Comments box holds the whole referral as
  free text, often in capitals.

Names, places, payers and practices come from lists no other layout uses (``_CAST``); the
oncology, sleep and hospice referrals carry their own reasons and receivers. Dates run
"14 March 1961", "Mar-14-1961", "03 / 14 / 1961", "03141961" or, for a year 1935-1999,
"03-14-61"; phones run "+1 (218) 555-0123", "(218) 555.0123", "1 218 555 0123" or
"+1.218.555.0123", sometimes with " ext. 204" (the truth is the E.164 number without it).
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
    extension,
    one_line,
    sex_word,
    street,
    urgency_word,
    with_credential,
    written_phone,
)

_FIRST_F = ("Octavia", "Georgiana", "Cressida", "Millicent", "Theodora", "Rosalie",
            "Ingeborg", "Valentina", "Honora", "Adelaide")  # fmt: skip
_FIRST_M = ("Alistair", "Benedikt", "Crispin", "Everett", "Fenwick", "Lazarus", "Montgomery",
            "Leander", "Thelonious", "Ignatz")  # fmt: skip
_LAST = ("Ashby", "Bickerstaff", "Calloway", "Dunmore", "Eckhardt", "Fairclough", "Galbraith",
         "Hargrove", "Kilpatrick", "Lundqvist", "Merriweather", "Novak", "Oldham",
         "Pennington", "Quackenbush", "Rasmussen", "Schexnayder", "Tolliver", "Upshaw",
         "Vukovich", "Wadsworth", "Zeller", "MacPherson", "Kilgore-Banks")  # fmt: skip
_PAYERS = (
    ("Independent Health", "IH{d9}", "{d6}"),
    ("SummaCare", "SC{d8}", "{d5}"),
    ("Blue Cross Blue Shield of Michigan", "XYP{d9}", "{d6}"),
    ("Health Plan of Nevada", "HPN{d8}", None),
    ("Gundersen Health Plan", "GUN{d8}", "{d5}"),
    ("Blue Cross and Blue Shield of Kansas City", "KCB{d9}", "{d6}"),
    ("Jefferson Health Plans", "JHP{d9}", "{d5}"),
    ("Community Health Choice", "{d9}", None),
)
_PRACTICES = ("Bristlecone Family Medicine", "Larch Hollow Internal Medicine",
              "Cattail Marsh Family Physicians", "Pawpaw Grove Medical Group",
              "Spruce Knob Primary Care")  # fmt: skip
_SURGEONS = ("Flint Hills General Surgery", "Northwind Surgical Associates",
             "Catalpa Breast & Surgical Oncology")  # fmt: skip
_TELEHEALTH = ("Lumen Virtual Primary Care", "CareBridge Telehealth Physicians")
_CITIES = (("Bend", "OR", "977"), ("Yuma", "AZ", "853"), ("Grand Forks", "ND", "582"),
           ("Victoria", "TX", "779"), ("Terre Haute", "IN", "478"), ("Lake Charles", "LA", "706"),
           ("Marquette", "MI", "498"), ("Watertown", "NY", "136"),
           ("Cape Girardeau", "MO", "637"), ("Kearney", "NE", "688"),
           ("Hutchinson", "KS", "675"), ("Klamath Falls", "OR", "976"),
           ("Meridian", "MS", "393"), ("Rutland", "VT", "057"), ("Nashua", "NH", "030"),
           ("Bluefield", "WV", "247"), ("Wausau", "WI", "544"), ("Enid", "OK", "737"),
           ("Farmington", "NM", "874"), ("St. Cloud", "MN", "563"))  # fmt: skip
_STREETS = ("Windmill Ridge Rd", "Pheasant Hollow Ln", "N Buckthorn Ave", "Sorghum Mill Rd",
            "Creosote Way", "E Larkin St", "Heron Crossing", "Chinquapin Ct",
            "Sugarberry Dr", "Canvasback Cir")  # fmt: skip
_LINE2 = ("Apt 5D", "Unit 11", "Spc 40", "Apt 207", "Bldg 4")
_AREAS = ("541", "928", "701", "361", "812", "337", "906", "315", "573", "308", "620", "601",
          "802", "603", "304", "715", "580", "505", "320")  # fmt: skip
_EMAIL_DOMAINS = ("ymail.com", "verizon.net", "charter.net", "cox.net", "me.com")

# The oncology, sleep and hospice referrals send reasons of their own.
_ONCOLOGY = (
    Reason("Medical Oncology", "Adenocarcinoma of the sigmoid colon, discuss adjuvant chemotherapy",
           (("C18.7", "Malignant neoplasm of sigmoid colon"),
            ("Z90.49", "Acquired absence of other specified parts of digestive tract")),
           "Sigmoid colectomy three weeks ago; 2 of 14 nodes positive."),
    Reason("Medical Oncology", "Non-small cell lung cancer of the right upper lobe, treatment "
           "planning", (("C34.11", "Malignant neoplasm of upper lobe, right bronchus or lung"),
                        ("Z87.891", "Personal history of nicotine dependence")),
           "CT-guided biopsy of a 3.4 cm right upper lobe mass: adenocarcinoma, PD-L1 60%."),
    Reason("Hematology/Oncology", "Diffuse large B-cell lymphoma, new diagnosis",
           (("C83.38", "Diffuse large B-cell lymphoma, lymph nodes of multiple sites"),
            ("R50.9", "Fever, unspecified")),
           "Excisional biopsy of a left axillary node; night sweats and 12 lb weight loss."),
    Reason("Medical Oncology", "Melanoma of the left upper arm with a positive sentinel node",
           (("C43.62", "Malignant melanoma of left upper limb, including shoulder"),),
           "Wide local excision done; Breslow depth 1.6 mm, sentinel node 1 of 2 positive."),
    Reason("Medical Oncology", "Adenocarcinoma of the head of the pancreas, neoadjuvant therapy",
           (("C25.0", "Malignant neoplasm of head of pancreas"),
            ("R17", "Unspecified jaundice")),
           "EUS biopsy positive; biliary stent placed, CA 19-9 of 412."),
)  # fmt: skip
_STAGING = {
    "C18.7": ("Sigmoid colon", "Adenocarcinoma, moderately differentiated", "pT3 pN1b cM0",
              "IIIB"),
    "C34.11": ("Right upper lobe", "Adenocarcinoma", "cT2a cN0 cM0", "IB"),
    "C83.38": ("Lymph nodes, above and below the diaphragm", "DLBCL, germinal center type",
               "Ann Arbor", "IIIB"),
    "C43.62": ("Skin, left upper arm", "Superficial spreading melanoma", "pT2a pN1a cM0",
               "IIIA"),
    "C25.0": ("Head of pancreas", "Ductal adenocarcinoma", "cT2 cN0 cM0", "IB"),
}  # fmt: skip
_SLEEP = (
    Reason("Sleep Medicine", "Suspected obstructive sleep apnea with loud snoring and witnessed "
           "apneas", (("G47.30", "Sleep apnea, unspecified"), ("R06.83", "Snoring"),
                      ("E66.9", "Obesity, unspecified")),
           "Bed partner reports pauses in breathing; wakes unrefreshed."),
    Reason("Sleep Medicine", "Excessive daytime sleepiness, evaluate for narcolepsy",
           (("G47.10", "Hypersomnia, unspecified"), ("R40.0", "Somnolence")),
           "Falls asleep while driving short distances; naps do not help."),
    Reason("Sleep Medicine", "Chronic insomnia with restless legs symptoms",
           (("G47.00", "Insomnia, unspecified"), ("G25.81", "Restless legs syndrome")),
           "Urge to move the legs every evening; sleep onset over an hour."),
    Reason("Sleep Medicine", "Known obstructive sleep apnea with CPAP intolerance, titration",
           (("G47.33", "Obstructive sleep apnea (adult) (pediatric)"),),
           "Uses CPAP under 2 hours a night; mask leak and aerophagia."),
)  # fmt: skip
_HOSPICE = (
    Reason("Hospice", "Hospice evaluation for end-stage COPD",
           (("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
            ("J96.11", "Chronic respiratory failure with hypoxia")),
           "On 4 L home oxygen, two admissions in three months, dyspnea at rest."),
    Reason("Hospice", "Hospice admission for metastatic pancreatic cancer",
           (("C25.9", "Malignant neoplasm of pancreas, unspecified"),
            ("C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct")),
           "Declined further chemotherapy; lost 15 lb in two months."),
    Reason("Hospice", "End-stage heart failure, comfort-focused care",
           (("I50.42", "Chronic combined systolic (congestive) and diastolic (congestive) "
                       "heart failure"),
            ("R18.8", "Other ascites")),
           "NYHA class IV symptoms at rest despite maximal medical therapy."),
    Reason("Palliative Care", "Palliative care consult for advanced dementia with weight loss",
           (("G30.1", "Alzheimer's disease with late onset"), ("R63.4", "Abnormal weight loss")),
           "FAST stage 7a, dependent for all activities of daily living."),
)  # fmt: skip
_RECEIVERS = {
    "Medical Oncology": ("Riverbend Cancer Institute", "Tallgrass Oncology & Hematology"),
    "Hematology/Oncology": ("Riverbend Cancer Institute", "Tallgrass Oncology & Hematology"),
    "Sleep Medicine": ("Whispering Pines Sleep Disorders Center", "Nightingale Sleep Lab"),
    "Hospice": ("Evening Star Hospice", "Stillwater Hospice & Palliative Care"),
    "Palliative Care": ("Stillwater Hospice & Palliative Care", "Lanternlight Palliative Care"),
}


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first).lower()
    last = people.ascii_letters(patient.last).lower()
    local = rng.choice((f"{first}{last}", f"{last}.{first[0]}", f"{first}_{last[:4]}"))
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
    _PRACTICES,
    _email,
    middles="CEGKLMSTV",
    middle_share=0.4,
    plus_four=0.35,
)


def _own_reason(f: Facts, rng: random.Random, reasons: tuple[Reason, ...]) -> Facts:
    """The packet sent for one of this layout's own reasons, to a receiver of that kind."""
    return people.for_reason(f, rng, rng.choice(reasons), _RECEIVERS)


def _adult(f: Facts, youngest: int) -> Facts:
    """Born at least ``youngest`` years before the fax (a hospice or cancer patient)."""
    if people.years_between(f.dob, f.sent) >= youngest:
        return f
    return dataclasses.replace(f, dob=people.shifted(f.dob, -youngest - 5, before=f.sent))


# -- how this set writes values ----------------------------------------------------------------


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 14 March 1961, Mar-14-1961, 03 / 14 / 1961, 03141961
    and, for a year a US reader cannot take for another century, 03-14-61; a month's name
    in capitals where the text is typed in capitals (14 MARCH 1961, MAR-14-1961)."""
    forms = _forms(d)
    return (*forms, forms[0].upper(), forms[1].upper())


def _forms(d: date) -> tuple[str, ...]:
    month = MONTHS[d.month - 1]
    forms: tuple[str, ...] = (
        f"{d.day} {month} {d.year}",
        f"{month[:3]}-{d.day:02d}-{d.year}",
        f"{d.month:02d} / {d.day:02d} / {d.year}",
        f"{d.month:02d}{d.day:02d}{d.year}",
    )
    if 1935 <= d.year <= 1999:
        forms += (f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}",)
    return forms


def _date(d: date, style: int) -> str:
    forms = _forms(d)
    return forms[style] if style < len(forms) else forms[1]


_PHONE_FORMS = (
    "+1 ({a}) {b}-{c}",
    "({a}) {b}.{c}",
    "1 {a} {b} {c}",
    "+1.{a}.{b}.{c}",
)


def _phone(e164: str | None, style: int, ext: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], ext)


def _ext(rng: random.Random) -> str:
    return extension(rng, 0.5, (" ext. ", " Ext "), 399)


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(k)} ({esc(described[k])})" for k in c.f.codes)


def _ruled(cells: list[tuple[str, str]], width: int) -> str:
    """One row of values on a rule, each caption under its value; the last cell spans what
    is left of the ``width`` columns."""
    span = [1] * (len(cells) - 1) + [width - len(cells) + 1]
    values = "".join(
        f"<td colspan='{n}' style='border-bottom: 0.6pt solid #000'>{v or '&nbsp;'}</td>"
        for (v, _), n in zip(cells, span, strict=True)
    )
    captions = "".join(
        f"<td colspan='{n}' class='above'>{k}</td>" for (_, k), n in zip(cells, span, strict=True)
    )
    return f"<tr>{values}</tr><tr>{captions}</tr>"


def _ruled_table(rows: list[list[tuple[str, str]]]) -> str:
    width = max(len(r) for r in rows)
    return "<table class='small'>" + "".join(_ruled(r, width) for r in rows) + "</table>"


# -- 1. a health plan's referral authorization letter to the member ---------------------------


def _plan_letter(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 1, 2)), rng.randrange(4)
    plan_office = _CAST.address(rng)
    member_services = _phone(people.phone(rng, rng.choice(("800", "866", "888"))), ps)
    auth = f"RA{f.sent.year % 100}{rng.randint(10**7, 10**8 - 1)}"
    a = f.address
    assert a is not None
    name = Writer.full(f.patient).upper()
    window = (
        f"{esc(name)}<br/>{esc(street(a).upper())}<br/>"
        f"{esc(a.city.upper())} {esc(a.state)} {esc(a.zip)}"
    )
    visits = rng.choice((1, 3, 6))
    until = f.sent + timedelta(days=rng.choice((90, 180)))
    review = urgency_word(f, ("Expedited - STAT request", "Expedited - urgent request",
                              "Standard - routine request"))  # fmt: skip
    ref_rows = [
        ("Requesting provider", with_credential(r.person, r.credential)),
        ("Provider NPI", r.npi),
        ("Practice", esc(r.practice)),
        ("Practice phone / fax", f"{_phone(r.phone, ps)} / {_phone(r.fax, ps)}"),
        ("Approved to see", f"{esc(f.receiver)} ({esc(f.reason.specialty)})"),
        ("Service approved", esc(f.reason.text)),
        ("Diagnosis", esc(", ".join(f.codes))),
        ("Visits approved", f"{visits} office visit(s)"),
        ("Valid", f"{esc(_date(f.sent, ds))} through {esc(_date(until, ds))}"),
        ("Review type", esc(review)),
    ]
    rows = "".join(
        f"<tr><td class='lab' width='30%'>{k}</td><td>{v}</td></tr>" for k, v in ref_rows if v
    )
    subscriber = (
        f"<br/>Subscriber: {esc(Writer.full(f.subscriber).upper())}" if f.subscriber else ""
    )
    page1 = (
        f"<table><tr><td width='62%'><h1>{esc(f.payer)}</h1><span class='small'>Utilization "
        f"Management &middot; P.O. Box {rng.randint(1000, 99999)} &middot; "
        f"{esc(plan_office.city)}, {esc(plan_office.state)} {esc(plan_office.zip)}<br/>"
        f"Member Services {member_services} (TTY 711)</span></td>"
        f"<td class='right small'>{esc(_date(f.sent, ds))}</td></tr></table><hr/>"
        "<table><tr>"
        f"<td width='55%' class='small'><br/>{window}</td>"
        "<td class='small box'>"
        f"Member ID: <b>{esc(f.member_id)}</b><br/>"
        + (f"Group: {esc(f.group)}<br/>" if f.group else "")
        + f"Date of birth: {esc(_date(f.dob, ds))}{subscriber}<br/>Authorization #: {auth}"
        "</td></tr></table><p>&nbsp;</p>"
        f"<p class='small'>Dear {esc(f.patient.first)} {esc(f.patient.last)}:</p>"
        "<p class='small'>We have reviewed the referral your provider asked for and it is "
        "<b>approved</b> as shown below. Please take this letter to your first visit. The "
        "approval covers only the services, dates and provider listed. Your usual copay "
        "or coinsurance applies.</p>"
        f"<table class='grid small'>{rows}</table>"
        "<p class='small'>If you have questions, call Member Services at the number above, "
        "Monday to Friday, 8 a.m. to 8 p.m.</p>"
        f"<p class='small'>Sincerely,<br/>Utilization Management Department<br/>"
        f"{esc(f.payer)}</p>"
    )
    page2 = (
        f"<p class='head'>{esc(f.payer)} &middot; Authorization # {auth} &middot; Page 2 of 2</p>"
        "<h2>Your rights</h2><p class='small'>You may ask for a copy of the guidelines used "
        "in this decision at no cost. If you disagree with any part of this decision you or "
        "your provider may file an appeal within 60 days of the date of this letter. An "
        "expedited appeal is decided within 72 hours when waiting could seriously harm your "
        "health.</p><p class='small'>Language assistance is available free of charge. "
        f"Call {member_services}.</p><p>&nbsp;</p>"
        f"<p class='small'>cc: {with_credential(r.person, r.credential)}, {esc(r.practice)}, "
        f"by fax {_phone(r.fax, ps)}<br/>cc: {esc(f.receiver)}, by fax "
        f"{_phone(f.receiver_fax, ps)}</p>"
    )
    return [page1, page2]


def _plan_letter_omit(f: Facts, rng: random.Random) -> Facts:
    # A letter from the plan: always a member with an address; it never states the member's
    # sex, phone or e-mail.
    if f.payer is None:
        f = dataclasses.replace(f, payer="plan", member_id="id")
    if f.address is None:
        f = dataclasses.replace(f, address=_CAST.address(rng))
    f = _CAST.recast(f, rng)
    return dataclasses.replace(f, sex=None, phone=None, email=None)


# -- 2. an oncology referral for a tumor board -----------------------------------------------


def _tumor_board(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 1, 2, 4)), rng.randrange(4)
    site, histology, tnm, stage = _STAGING[f.codes[0]]
    board = f.sent + timedelta(days=rng.randint(2, 9))
    urgency = urgency_word(f, ("STAT - inpatient", "Urgent - new cancer, within 7 days",
                               "Routine - next available"))  # fmt: skip
    a = f.address
    patient_card = _ruled_table(
        [
            [(esc(Writer.last_first(f.patient, upper=True)), "Patient (last, first)")],
            [(esc(_date(f.dob, ds)), "Date of birth"), (esc(sex_word(f, "Nonbinary")), "Sex")],
            [(_phone(f.phone, ps), "Home tel."), (esc(f.email or ""), "E-mail")],
            [(esc(street(a)) if a else "", "Street")],
            [(esc(f"{a.city}, {a.state} {a.zip}") if a else "", "City, state, ZIP")],
            [(esc(f.payer or "Uninsured"), "Plan name"), (esc(f.member_id or ""), "Enrollee ID")],
            [(esc(f.group or ""), "Plan group"),
             (esc(Writer.full(f.subscriber)) if f.subscriber else "", "Policyholder")],
        ]
    )  # fmt: skip
    provider_card = _ruled_table(
        [
            [(with_credential(r.person, r.credential), "Referring surgeon")],
            [(r.npi, "NPI"), (esc(r.practice), "Group")],
            [(_phone(r.phone, ps, _ext(rng)), "Clinic tel."), (_phone(r.fax, ps), "Clinic fax")],
            [(esc(Writer.full(f.sender)), "Nurse navigator"),
             (_phone(f.sender_phone, ps), "Navigator tel.")],
            [(f"{esc(f.receiver)}", "Referred to")],
            [(f"{esc(_date(board, ds))}", "Tumor board date requested")],
        ]
    )  # fmt: skip
    staging = (
        "<table class='grid small'><tr><th>Primary site</th><th>Histology</th>"
        "<th>TNM (AJCC 8th)</th><th>Stage group</th><th>ECOG</th></tr>"
        f"<tr><td>{esc(site)}</td><td>{esc(histology)}</td><td>{esc(tnm)}</td>"
        f"<td>{esc(stage)}</td><td>{rng.randint(0, 2)}</td></tr></table>"
    )
    return [
        f"<h1>{esc(r.practice)}</h1><p class='small'>{esc(r.address.line1)}, "
        f"{esc(r.address.city)}, {esc(r.address.state)} {esc(r.address.zip)}</p><hr/>"
        "<h2>New Patient Oncology Referral &amp; Tumor Board Request</h2>"
        "<table><tr><td width='50%'><b>PATIENT</b>"
        + patient_card
        + "</td><td width='50%'><b>REFERRING PROVIDER</b>"
        + provider_card
        + "</td></tr></table><h3>Diagnosis and staging</h3>"
        + staging
        + f"<p class='small'>ICD-10-CM: {_codes_described(c)}</p>"
        f"<p class='small'>Pathology: {esc(f.reason.note)} Accession "
        f"S{f.sent.year % 100}-{rng.randint(1000, 99999)}.</p>"
        "<h3>Question for the board / reason for referral</h3>"
        f"<p class='small'>{esc(f.reason.text)}.</p>"
        + (f"<p class='small'>Timeframe: <b>{esc(urgency)}</b></p>" if urgency else "")
        + "<p class='small'>Enclosed: operative note, pathology report, imaging reports. "
        "Slides sent separately by courier.</p>"
        f"<p class='small'>Signed {with_credential(r.person, r.credential)} on "
        f"{esc(_date(f.sent, ds))}</p>"
    ]


def _tumor_board_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng, _SURGEONS, ("MD", "DO", "MD, FACS"))
    return _adult(_own_reason(f, rng, _ONCOLOGY), 25)


# -- 3. a sleep-study requisition ------------------------------------------------------------


def _sleep_req(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    studies = ("Diagnostic polysomnogram (95810)", "Split-night study (95811)",
               "Home sleep apnea test (95806)", "PAP titration (95811)",
               "Multiple sleep latency test (95805)",
               "Maintenance of wakefulness test")  # fmt: skip
    chosen = set(rng.sample(studies, rng.randint(1, 2)))
    a = f.address
    sex_boxes = " ".join(c.box(f.sex == k, k) for k in ("M", "F", "X")) if f.sex else ""
    priority = " &nbsp; ".join(
        c.box(f.urgency == k, w) for k, w in (("routine", "Routine"), ("urgent", "Urgent"),
                                              ("stat", "STAT"))
    )  # fmt: skip
    return [
        f"<table><tr><td><h1>{esc(f.receiver)}</h1><span class='small'>Sleep Study "
        f"Requisition &middot; Scheduling fax {_phone(f.receiver_fax, ps)} &middot; "
        f"tel. {_phone(f.receiver_phone, ps)}</span></td></tr></table><hr/>"
        "<h3>Patient (please print)</h3>"
        + _ruled_table(
            [
                [
                    (esc(f.patient.last.upper()), "Last name"),
                    (esc(f.patient.first.upper()), "First name"),
                    (esc((f.patient.middle or "").rstrip(".")), "MI"),
                ],
                [
                    (esc(_date(f.dob, ds)), "Birth date"),
                    (sex_boxes, "Sex"),
                    (_phone(f.phone, ps), "Primary tel."),
                ],
                [
                    (esc(street(a).upper()) if a else "", "Street address"),
                    (esc(a.city.upper()) if a else "", "City"),
                    (esc(a.state) + " " + esc(a.zip) if a else "", "State / ZIP"),
                ],
                [
                    (esc((f.payer or "SELF-PAY").upper()), "Insurance carrier"),
                    (esc(f.member_id or ""), "Policy / member #"),
                    (esc(f.group or ""), "Group #"),
                ],
            ]
        )  # fmt: skip
        + "<h3>Study requested</h3><p class='small'>"
        + "<br/>".join(c.box(s in chosen, s) for s in studies)
        + "</p><h3>Clinical information</h3>"
        + _ruled_table(
            [
                [(esc(f.reason.text), "Indication for study")],
                [
                    (esc(", ".join(f.codes)), "ICD-10"),
                    (str(rng.randint(6, 22)), "Epworth score"),
                    (f"{rng.randint(3, 8)}/8", "STOP-BANG"),
                    (f"{rng.randint(24, 44)}", "BMI"),
                ],
            ]
        )  # fmt: skip
        + f"<p class='small'>{esc(f.reason.note)}</p>"
        + f"<p class='small'>Priority: {priority}</p>"
        "<h3>Ordering clinician</h3>"
        + _ruled_table(
            [
                [
                    (with_credential(r.person, r.credential), "Ordering clinician (print)"),
                    (r.npi, "Clinician NPI"),
                ],
                [
                    (esc(r.practice), "Practice"),
                    (_phone(r.phone, ps), "Tel."),
                    (_phone(r.fax, ps), "Results fax"),
                ],
                [("&nbsp;", "Signature"), (esc(_date(f.sent, ds)), "Date")],
            ]
        )  # fmt: skip
        + "<p class='tiny'>Interpretation by a board-certified sleep physician. Sleep "
        "medicine may start therapy (PAP, settings) per protocol unless declined here.</p>"
    ]


def _sleep_req_omit(f: Facts, rng: random.Random) -> Facts:
    # a requisition with no place for an e-mail address, and sex boxes of M, F and X only
    f = _own_reason(_CAST.recast(f, rng), rng, _SLEEP)
    sex = None if f.sex == "U" else f.sex
    return _adult(dataclasses.replace(f, email=None, sex=sex), 18)


# -- 4. a hospice referral and intake ----------------------------------------------------------


def _hospice_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 1, 2, 4)), rng.randrange(4)
    caregiver_phone = _phone(people.phone(rng, rng.choice(_AREAS)), ps)
    urgency = urgency_word(f, ("STAT - admit today", "Urgent - within 24 hours",
                               "Routine - within 48 hours"))  # fmt: skip
    setting = rng.choice(("Home", "Assisted living", "Family member's home"))
    rows = [
        ("Patient name", esc(Writer.last_first(f.patient, upper=True))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Gender", esc(sex_word(f, "Nonbinary"))),
        ("Home tel.", _phone(f.phone, ps)),
        ("Location of care", f"{esc(setting)}: {one_line(f.address)}" if f.address else ""),
        ("Hospice benefit payer", esc(f.payer or "None - charity care review")),
        ("Member / policy no.", esc(f.member_id or "")),
        ("Group no.", esc(f.group or "")),
        ("Insured", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
        ("Primary caregiver",
         f"{esc(Writer.full(f.relative))} ({esc(f.relation)}) &middot; {caregiver_phone}"),
    ]  # fmt: skip
    clinical = [
        ("Terminal diagnosis", esc(f.reason.text)),
        ("ICD-10", _codes_described(c, "<br/>")),
        ("Prognosis", "6 months or less if the illness runs its normal course"),
        ("Palliative performance scale", f"{rng.choice((30, 40, 50))}%"),
        ("Recent decline", esc(f.reason.note)),
        ("Code status", rng.choice(("DNR / POLST on file", "DNR", "Full code - to discuss"))),
        ("Patient / family aware of referral", "Yes"),
        ("Referral priority", esc(urgency)),
    ]
    grid = "".join(
        f"<tr><td class='lab' width='30%'>{k}</td><td>{v}</td></tr>" for k, v in rows + clinical
        if v
    )  # fmt: skip
    page1 = (
        f"<h1>Hospice Referral</h1><p class='small'>To: {esc(f.receiver)} &middot; Intake fax "
        f"{_phone(f.receiver_fax, ps)} &middot; Referral date {esc(_date(f.sent, ds))}</p>"
        f"<table class='grid small'>{grid}</table>"
        "<h3>Referral source</h3>"
        + _ruled_table(
            [
                [(with_credential(r.person, r.credential), "Referring physician"), (r.npi, "NPI")],
                [
                    (esc(r.practice), "Practice"),
                    (_phone(r.phone, ps), "Office tel."),
                    (_phone(r.fax, ps), "Office fax"),
                ],
                [
                    (esc(Writer.full(f.sender)), "Contact person"),
                    (_phone(f.sender_phone, ps, _ext(rng)), "Contact tel."),
                ],
            ]
        )  # fmt: skip
        + "<p class='small'>Attending physician after admission: "
        + c.box(True, "Referring physician")
        + " "
        + c.box(False, "Hospice medical director")
        + "</p>"
    )
    page2 = (
        "<h2>Certification of Terminal Illness</h2>"
        f"<p class='small'>Patient: {esc(Writer.full(f.patient))} &nbsp; Date of birth: "
        f"{esc(_date(f.dob, ds))}</p>"
        "<p class='small'>I certify that this patient is terminally ill with a life expectancy "
        "of six months or less if the terminal illness runs its normal course. The clinical "
        "findings supporting this prognosis are summarized below.</p>"
        f"<p class='small'>{esc(f.reason.note)}</p><p>&nbsp;</p>"
        f"<p class='small'>{with_credential(r.person, r.credential)} &middot; NPI {r.npi}<br/>"
        f"Signature ______________________ &nbsp; Date {esc(_date(f.sent, ds))}</p>"
    )
    return [page1, page2]


def _hospice_ref_omit(f: Facts, rng: random.Random) -> Facts:
    f = _own_reason(_CAST.recast(f, rng, _PRACTICES, ("MD", "DO")), rng, _HOSPICE)
    return _adult(dataclasses.replace(f, email=None), 55)


# -- 5. a telehealth visit summary whose plan holds the referral --------------------------------


def _telehealth_plan(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 1, 2, 4)), rng.randrange(4)
    minutes = rng.randint(12, 35)
    urgency = urgency_word(f, ("STAT", "urgent", "routine"))
    when = f" Priority: {urgency}." if urgency else ""
    head = (
        f"<table><tr><td><b>{esc(r.practice)}</b><br/><span class='small'>Virtual care &middot; "
        f"tel. {_phone(r.phone, ps)} &middot; fax {_phone(r.fax, ps)}</span></td>"
        f"<td class='right small'>Video visit<br/>{esc(_date(f.sent, ds))}</td></tr></table><hr/>"
    )
    a = f.address
    page1 = (
        head + f"<p class='small'><b>{esc(Writer.last_first(f.patient, upper=True))}</b> &middot; "
        f"DOB {esc(_date(f.dob, ds))}"
        + (f" &middot; {esc(sex_word(f, 'Nonbinary'))}" if f.sex else "")
        + "</p>"
        "<p class='small'>Visit type: synchronous audio-video. Patient identity verified by "
        "name and date of birth. Consent for telehealth obtained verbally. Patient located "
        f"at home{' in ' + esc(a.city) + ', ' + esc(a.state) if a else ''}; provider at the "
        f"clinic. Total time {minutes} minutes.</p>"
        f"<h3>Subjective</h3><p class='small'>{esc(f.reason.note)}</p>"
        "<h3>Assessment</h3><ol class='small'>"
        + "".join(
            f"<li>{esc(described)} ({esc(code)})</li>"
            for code, described in c.described().items()
            if code in f.codes
        )  # fmt: skip
        + "</ol><h3>Plan</h3><ol class='small'>"
        f"<li>Referral to {esc(f.reason.specialty)}: {esc(f.receiver)}. Reason: "
        f"{esc(f.reason.text)}.{esc(when)}</li>"
        "<li>Continue current medications; reviewed with patient.</li>"
        f"<li>Video follow-up in {rng.choice((2, 4, 6))} weeks or sooner if worse.</li></ol>"
        f"<p class='small'>If the video drops we call the patient back at "
        f"{_phone(f.phone, ps) or 'the number on file'}.</p>"
        f"<p class='small'>Electronically signed: {with_credential(r.person, r.credential)}, "
        f"NPI {r.npi}</p>"
    )
    page2 = (
        head
        + "<h2>Demographics and coverage (for the referral)</h2>"
        + "<table class='grid small'>"
        + "".join(
            f"<tr><td class='lab' width='28%'>{k}</td><td>{v}</td></tr>"
            for k, v in (
                ("Name", esc(Writer.full(f.patient))),
                ("Birth date", esc(_date(f.dob, ds))),
                ("Mobile", _phone(f.phone, ps)),
                ("Portal e-mail", esc(f.email or "")),
                ("Home address", one_line(f.address)),
                ("Plan", esc(f.payer or "Self-pay")),
                ("Member ID", esc(f.member_id or "")),
                ("Group", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                ("Send referral to", f"{esc(f.receiver)}, fax {_phone(f.receiver_fax, ps)}"),
            )
            if v
        )
        + "</table>"
        + f"<p class='tiny'>Prepared by {esc(Writer.full(f.sender))} "
        f"({_phone(f.sender_phone, ps)}).</p>"
    )
    return [page1, page2]


def _telehealth_plan_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng, _TELEHEALTH, ("MD", "DO", "NP", "FNP"))


# -- 6. a generic fax cover with the referral in its comments box -------------------------------


def _fax_comments(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    caps = rng.random() < 0.7

    def up(text: str) -> str:
        return text.upper() if caps else text

    a = f.address
    urgency = urgency_word(f, ("STAT", "urgent", "routine"))
    sex = {"F": "F", "M": "M", "X": "X"}.get(f.sex or "", "")
    parts = [
        "Please schedule new patient referral.",
        f"Pt: {Writer.last_first(f.patient)}",
        f"DOB {_date(f.dob, ds)}" + (f" {sex}" if sex else ""),
        f"Ph {_phone(f.phone, ps)}" if f.phone else "",
        f"Addr {street(a)}, {a.city} {a.state} {a.zip}" if a else "",
        f"Email {f.email}" if f.email else "",
        (f"Ins: {f.payer} ID {f.member_id}" + (f" Grp {f.group}" if f.group else ""))
        if f.payer
        else "Ins: none, self pay",
        f"Dx {', '.join(f.codes)}",
        f"Reason: {f.reason.text}.",
        f"Priority {urgency}." if urgency else "",
        f"Ref by {Writer.full(r.person)} {r.credential}, NPI {r.npi}.",
        f"Questions call our office {_phone(r.phone, ps)}.",
        "Notes and insurance card attached.",
    ]
    comments = " ".join(esc(up(p)) for p in parts if p)
    boxes = " &nbsp; ".join(
        c.box(checked, label)
        for checked, label in (
            (f.urgency in ("stat", "urgent"), "Urgent"),
            (False, "For Review"),
            (False, "Please Comment"),
            (False, "Please Reply"),
        )
    )
    return [
        "<h1>fax</h1>"
        "<table class='grid'>"
        f"<tr><td class='lab' width='18%'>To:</td><td>{esc(f.receiver)}</td>"
        f"<td class='lab' width='18%'>From:</td><td>{esc(Writer.full(f.sender))}<br/>"
        f"{esc(r.practice)}</td></tr>"
        f"<tr><td class='lab'>Fax:</td><td>{_phone(f.receiver_fax, ps)}</td>"
        f"<td class='lab'>Fax:</td><td>{_phone(r.fax, ps)}</td></tr>"
        f"<tr><td class='lab'>Phone:</td><td>{_phone(f.receiver_phone, ps)}</td>"
        f"<td class='lab'>Pages:</td><td>{rng.randint(3, 9)}</td></tr>"
        f"<tr><td class='lab'>Re:</td><td>New referral</td>"
        f"<td class='lab'>Date:</td><td>{esc(_date(f.sent, ds))}</td></tr>"
        "</table>"
        f"<p>{boxes}</p>"
        "<p><b>Comments:</b></p>"
        f"<table><tr><td class='box mono'>{comments}</td></tr></table>"
        "<p>&nbsp;</p><p class='tiny'>The documents accompanying this fax contain confidential "
        "health information that is legally privileged. If you are not the intended "
        "recipient, you are notified that any disclosure, copying or distribution is "
        "prohibited. If you received this fax in error, notify the sender and destroy it.</p>"
    ]


def _fax_comments_omit(f: Facts, rng: random.Random) -> Facts:
    # the comments write a sex only as F, M or X
    f = _CAST.recast(f, rng)
    return dataclasses.replace(f, sex=None) if f.sex == "U" else f


TENTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("plan_letter", _plan_letter, _plan_letter_omit,
               "health plan's referral authorization notice to the member, rights page"),
        Layout("tumor_board", _tumor_board, _tumor_board_omit,
               "oncology referral: side-by-side cards, captions under values, TNM staging"),
        Layout("sleep_req", _sleep_req, _sleep_req_omit,
               "sleep-study requisition: study check boxes, caps in ruled cells, priority boxes"),
        Layout("hospice_ref", _hospice_ref, _hospice_ref_omit,
               "hospice referral and intake with caregiver, certification of terminal illness"),
        Layout("telehealth_plan", _telehealth_plan, _telehealth_plan_omit,
               "video-visit summary with the referral as a plan item, demographics page 2"),
        Layout("fax_comments", _fax_comments, _fax_comments_omit,
               "generic fax cover whose comments box holds the referral as free text"),
    )
}  # fmt: skip
