"""A fourth held-out set (2026-12-05), written while other helpers tune the reader on the
third set's failures, and never tuned on itself: its figure is the end-of-day "unseen" number.
Five arrangements none of the other layouts use:

- ``narrative_first``: a two-page referral, a long clinical summary on page 1 (HPI, history,
  medications, family, exam, assessment) and the patient, coverage and referrer block only on
  page 2;
- ``hospitalist_consult``: an inpatient consult request from a hospitalist: a patient banner
  with room and admission date, an HPI paragraph with labs inline, a pager and a unit fax;
- ``pa_letter``: a letter written by a physician assistant on behalf of the referring
  physician (the referrer of the truth), with "cc:" lines naming other doctors and the
  patient's phone only in a P.S.;
- ``injury_claim``: a workers' compensation / motor-vehicle injury referral: a claim block
  (carrier, claim number, adjuster, employer, date of injury) beside the patient's own health
  plan. The truth's insurance is the health plan: a claim number is never the member id, and a
  packet with no health plan has no member id however many claim numbers it shows;
- ``matrix``: one grid, row labels down the left (Name, ID, Phone, Fax, Address, Organization
  / group) and entity columns across the top (Patient | Referring provider | Coverage): what a
  cell means comes from its row AND its column.

Names (hyphenated and apostrophe surnames), payers, practices, cities, streets and area codes
come from lists no other layout uses (``_fourth``).
"""

import dataclasses
import random

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import (
    MEDICATIONS,
    REASONS,
    RECEIVERS,
    Address,
    Facts,
    Person,
    ascii_letters,
    phone,
)
from bench.corpus.writing import Writer, esc

_FIRST = ("Thaddeus", "Oluwaseun", "Saoirse", "Bartholomew", "Anneliese", "Kwame",
          "Priyanka", "Dashiell", "Mirela", "Tavita", "Eun-ji", "Bjarne", "Niamh", "Leopold",
          "Zainab", "Cosimo", "Delphine", "Ignatius", "Rosalind", "Tariq", "Magdalena",
          "Ambrose")  # fmt: skip
_LAST = ("N'Diaye", "D'Souza", "Dell'Orto", "L'Heureux", "O'Hare", "McAllister-Pryce",
         "Abara-Whitcombe", "Tran-Okoro", "Van Wyk", "Brønnum", "Halvorsen", "Ekwueme",
         "Fairbanks", "Quist", "Ó Dálaigh", "Ravenscroft", "Bui-Hartley", "Mbeki", "Lachance",
         "Okonkwo-Reyes", "St-Pierre", "Kaczmarek")  # fmt: skip
_PAYERS = (
    ("Premera Blue Cross", "PRA{d9}", "{d7}"),
    ("Regence BlueShield", "ZRG{d8}", "{d5}"),
    ("Wellmark Blue Cross Blue Shield", "W{d8}", "{d6}"),
    ("Health Net", "R{d9}", "{d4}"),
    ("SelectHealth", "{d9}01", None),
    ("Excellus BlueCross BlueShield", "VYF{d9}", "{d6}"),
    ("Medical Mutual", "MMO{d9}", "{d6}"),
    ("Tufts Health Plan", "{d8}0", None),
)
_PRACTICES = ("Copper Ridge Family Medicine", "Tidewater Primary Care Partners",
              "Juniper Internal Medicine", "Ironwood Physicians Group",
              "Blue Heron Family Practice", "Kettle River Health Associates")  # fmt: skip
_CITIES = (("Bozeman", "MT", "597"), ("Duluth", "MN", "558"), ("Flagstaff", "AZ", "860"),
           ("Chattanooga", "TN", "374"), ("Bangor", "ME", "044"), ("Spokane", "WA", "992"),
           ("Santa Fe", "NM", "875"), ("Wichita", "KS", "672"), ("Charleston", "WV", "253"),
           ("Sioux Falls", "SD", "571"), ("Lexington", "KY", "405"), ("Cheyenne", "WY", "820"),
           ("Fargo", "ND", "581"), ("Dover", "DE", "199"))  # fmt: skip
_STREETS = ("Juniper Ln", "Quarry Rd", "Foxglove Ct", "Harbor View Ter", "Sawmill Pkwy",
            "Bluebonnet Trl", "Wildflower Cir", "S Gallatin St", "E Kessler Blvd",
            "Tamarack Way")  # fmt: skip
_LINE2 = ("Apt 6F", "Unit 12B", "#304", "Apt. 2", "Ste 110")
_AREAS = ("406", "218", "928", "423", "207", "509", "505", "316", "304", "605", "859", "307")
_EMAIL_DOMAINS = ("proton.me", "hotmail.com", "aol.com", "fastmail.com")


def _address(rng: random.Random) -> Address:
    return people.address(rng, _CITIES, _STREETS, _LINE2, plus_four=0.2, lowest=2)


def _person(rng: random.Random, middle: str | None = None) -> Person:
    return Person(rng.choice(_FIRST), rng.choice(_LAST), middle)


def _fourth(f: Facts, rng: random.Random) -> Facts:
    """The same packet with names, places, payer and practice from this set's own lists."""
    patient = _person(rng)
    return people.recast(
        f,
        rng,
        patient,
        person=_person,
        address=_address,
        practices=_PRACTICES,
        payers=_PAYERS,
        areas=_AREAS,
        first=_FIRST,
        last=_LAST,
        email=_email,
    )


def _email(patient: Person, rng: random.Random) -> str:
    return (
        f"{ascii_letters(patient.first)}_{ascii_letters(patient.last)}{rng.randint(1, 9)}"
        f"@{rng.choice(_EMAIL_DOMAINS)}"
    )


def _sex(f: Facts) -> str:
    return {"F": "Female", "M": "Male", "X": "X", "U": "Unknown"}.get(f.sex or "", "")


def _line_address(c: Ctx) -> str:
    line, city = c.address_lines()
    return f"{line}, {city}" if line else ""


# -- two pages: the clinical narrative first, the patient block on page 2 ----------------------


def _narrative_first(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    noun = {"F": "woman", "M": "man"}.get(f.sex or "", "patient")
    he = {"F": "She", "M": "He"}.get(f.sex or "", "The patient")
    meds = rng.sample(MEDICATIONS, rng.randint(3, 6))
    bp = f"{rng.randint(112, 162)}/{rng.randint(64, 96)}"
    described = dict(f.reason.codes)
    when = {"stat": "the same day", "urgent": "within one week",
            "routine": "at the next routine opening"}.get(f.urgency or "")  # fmt: skip
    history = rng.sample(("Hypertension", "Hyperlipidemia", "Obesity", "Osteopenia",
                          "Depression, in remission", "Hypothyroidism", "Prediabetes",
                          "Seasonal allergies", "Remote appendectomy"), 4)  # fmt: skip
    page1 = (
        f"<h1>{esc(r.practice)}</h1>"
        f"<h2>Referral for {esc(f.reason.specialty)} consultation - clinical summary</h2>"
        f"<p class='small'>Prepared {esc(w.date(f.sent))} &nbsp; Page 1 of 2 &nbsp; "
        "Patient identification and coverage on page 2</p>"
        "<h3>History of present illness</h3>"
        f"<p>This {f.age}-year-old {noun} presents for {esc(f.reason.text.lower())}. "
        f"{esc(f.reason.note)} {he} reports the symptoms interfere with work and sleep and "
        "has tried over-the-counter measures without lasting benefit. There has been no fever, "
        "weight loss or night sweats. Previously evaluated by "
        f"Dr. {esc(Writer.full(f.other_doctor))}, whose records are requested but not yet "
        "received. Today's visit was to review the course and arrange specialist input.</p>"
        "<h3>Past medical history</h3><p>" + "; ".join(esc(h) for h in history) + ".</p>"
        "<h3>Current medications</h3><p>" + "<br/>".join(esc(m) for m in meds) + "</p>"
        "<h3>Family and social history</h3>"
        f"<p>Lives with {esc(f.relation)}, {esc(Writer.full(f.relative))}, who drives to "
        "appointments. Non-smoker; occasional alcohol. Works full time.</p>"
        "<h3>Examination</h3>"
        f"<p>BP {bp}, pulse {rng.randint(58, 102)}, weight {rng.randint(118, 262)} lb, "
        f"SpO2 {rng.randint(94, 99)}% on room air. Alert and oriented; findings pertinent to "
        "the referral question are documented in the enclosed notes.</p>"
        "<h3>Assessment and plan</h3><p>"
        + "<br/>".join(f"{esc(code)} - {esc(described[code])}" for code in f.codes)
        + f"</p><p>Referral to {esc(f.receiver)} for {esc(f.reason.text.lower())}"
        + (f", to be seen {when}." if when else ".")
        + " Continue current medications meanwhile. Demographics, insurance and referring "
        "provider details follow on the next page.</p>"
    )

    def rows(items: list[tuple[str, str]]) -> str:
        return "".join(f"<tr><td width='30%'>{esc(k)}</td><td>{v}</td></tr>" for k, v in items if v)

    patient = [
        ("Name", esc(Writer.last_first(f.patient))),
        ("Date of birth", c.dob()),
        ("Sex", esc(_sex(f))),
        ("Phone", c.phone(f.phone)),
        ("E-mail", esc(f.email or "")),
        ("Address", _line_address(c)),
        ("Chart number", esc(f.mrn)),
    ]
    coverage = [
        ("Insurance", esc(f.payer or "None - self-pay")),
        ("Member ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Policy holder", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
    ]
    referrer = [
        ("Referring provider", esc(f"{Writer.full(r.person)}, {r.credential}")),
        ("NPI", r.npi),
        ("Practice", esc(r.practice)),
        ("Telephone", c.phone(r.phone)),
        ("Fax", c.phone(r.fax)),
    ]
    urgency = {"stat": "STAT", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")
    page2 = (
        f"<p class='small'>{esc(r.practice)} &nbsp; Referral to {esc(f.receiver)} &nbsp; "
        "Page 2 of 2</p>"
        "<h2>Patient</h2><table class='grid'>" + rows(patient) + "</table>"
        "<h2>Coverage</h2><table class='grid'>" + rows(coverage) + "</table>"
        "<h2>Referred by</h2><table class='grid'>"
        + rows(referrer)
        + "</table>"
        + (f"<p><b>Priority:</b> {urgency}</p>" if urgency else "")
        + f"<p>&nbsp;</p><p>Signed: ______________________ &nbsp; {esc(w.date(f.sent))}</p>"
    )
    return [page1, page2]


# -- an inpatient consult request from a hospitalist -------------------------------------------

_HOSPITALS = ("Granite Peak Regional Medical Center", "Northshore Memorial Hospital",
              "Saint Brigid Medical Center")  # fmt: skip
_HOSPITALIST_GROUPS = ("Summitline Hospitalist Group", "Inpatient Medicine Associates",
                       "Keystone Hospital Medicine")  # fmt: skip


def _hospitalist_consult(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    hospital = rng.choice(_HOSPITALS)
    admitted = f.sent.replace(day=max(1, f.sent.day - rng.randint(1, 6)))
    sex = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    room = f"{rng.randint(2, 7)}{rng.randint(10, 48)}-{rng.choice('AB')}"
    labs = (
        f"Na {rng.randint(131, 145)}, K {rng.uniform(3.3, 5.2):.1f}, "
        f"Cr {rng.uniform(0.6, 2.1):.2f}, BUN {rng.randint(8, 41)}, "
        f"WBC {rng.uniform(4.0, 15.5):.1f}, Hgb {rng.uniform(8.2, 15.4):.1f}, "
        f"Plt {rng.randint(120, 410)}, INR {rng.uniform(0.9, 1.6):.1f}"
    )
    noun = {"F": "female", "M": "male"}.get(f.sex or "", "patient")
    urgency = " &nbsp; ".join(
        c.box(f.urgency == code, word)
        for code, word in (("stat", "STAT (within 1 hour)"), ("urgent", "Urgent (today)"),
                           ("routine", "Routine (within 24 hours)"))
    )  # fmt: skip
    described = dict(f.reason.codes)
    pager = f"{rng.randint(1000, 9999)}"
    banner = (
        "<table class='grid'><tr><td>"
        f"<b>{esc(Writer.last_first(f.patient, upper=True))}</b> &nbsp; {esc(sex)} &nbsp; "
        f"DOB {c.dob()} &nbsp; MRN {esc(f.mrn)}<br/>"
        f"Room {room} &nbsp; Admitted {esc(w.date(admitted))} &nbsp; Attending: "
        f"{esc(Writer.full(r.person))}, {esc(r.credential)}"
        + (f"<br/>Home phone {c.phone(f.phone)}" if f.phone else "")
        + (f" &nbsp; Home address {_line_address(c)}" if f.address else "")
        + "</td></tr></table><p>&nbsp;</p>"
    )
    coverage = (
        f"<p><b>Coverage on file:</b> {esc(f.payer)}, ID {esc(f.member_id)}"
        + (f", group {esc(f.group)}" if f.group else "")
        + "</p>"
        if f.payer
        else "<p><b>Coverage on file:</b> none (financial counseling notified)</p>"
    )
    return [
        f"<h1>{esc(hospital)}</h1>"
        f"<h2>Inpatient Consult Request - {esc(f.reason.specialty)}</h2>"
        + banner
        + f"<p><b>Consultant requested:</b> {esc(f.receiver)} ({esc(f.reason.specialty)})</p>"
        f"<p><b>Question for the consultant:</b> {esc(f.reason.text)}</p>"
        f"<p><b>Urgency:</b> {urgency}</p>"
        "<h3>HPI</h3>"
        f"<p>{f.age} y/o {noun} admitted {esc(w.date(admitted))} for observation. "
        f"{esc(f.reason.note)} Labs this morning: {labs}. Telemetry unremarkable overnight. "
        f"{esc(f.relation.capitalize())} ({esc(Writer.full(f.relative))}) at bedside, contact "
        f"{c.phone(f.sender_phone)}.</p>"
        "<h3>Active problems</h3><p>"
        + "<br/>".join(f"{esc(described[code])} ({esc(code)})" for code in f.codes)
        + "</p>"
        + coverage
        + "<h3>Requesting hospitalist</h3>"
        f"<p>{esc(Writer.full(r.person))}, {esc(r.credential)} &nbsp; NPI {r.npi}<br/>"
        f"{esc(r.practice)}, {esc(hospital)}<br/>"
        f"Pager {pager} &nbsp; Hospitalist office {c.phone(r.phone)} &nbsp; "
        f"Unit fax {c.phone(r.fax)}</p>"
        f"<p class='small'>Requested {esc(w.date(f.sent))} {rng.randint(6, 22):02d}:"
        f"{rng.randint(0, 59):02d}. Please page the hospitalist with recommendations.</p>"
    ]


def _hospitalist_consult_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fourth(f, rng)
    referrer = dataclasses.replace(
        f.referrer, practice=rng.choice(_HOSPITALIST_GROUPS), credential=rng.choice(("MD", "DO"))
    )
    return dataclasses.replace(
        f,
        referrer=referrer,
        email=None,
        subscriber=None,
        address=f.address if rng.random() < 0.5 else None,
        urgency=f.urgency or "routine",
    )


# -- a letter written by a physician assistant on the physician's behalf -----------------------


def _pa_letter(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    a = r.address
    pa = Person(rng.choice(_FIRST), rng.choice(_LAST))
    doctor = f"Dr. {Writer.full(r.person)}"
    name = esc(Writer.full(f.patient))
    pronoun = {"F": "she", "M": "he"}.get(f.sex or "", "the patient")
    objective = {"F": "her", "M": "him"}.get(f.sex or "", "the patient")
    possessive = {"F": "Her", "M": "His"}.get(f.sex or "", "The patient's")
    title = {"F": "Ms.", "M": "Mr."}.get(f.sex or "", "")
    line, city = c.address_lines()
    insurance = ""
    if f.payer:
        insurance = (
            f" {possessive} coverage is through {esc(f.payer)} (member ID {esc(f.member_id)}"
            + (f", group {esc(f.group)})." if f.group else ").")
        )
    urgency = {"stat": "Dr. {} asks to have {} seen today; this is a STAT referral.",
               "urgent": "Dr. {} considers this urgent and asks to have {} seen within a week.",
               "routine": "This is a routine referral; Dr. {} is happy for {} to be seen at "
                          "the next available appointment."}.get(f.urgency or "")  # fmt: skip
    urgency_text = urgency.format(esc(r.person.last), objective) if urgency else ""
    cc = [
        f"Dr. {esc(Writer.full(f.other_doctor))}, {rng.choice(('cardiology', 'physical therapy', 'pain management'))}",  # noqa: E501
        "Patient chart",
        esc(f"{title} {Writer.full(f.patient)}".strip()) + " (patient copy)",
    ]
    ps = (
        f"<p>P.S. {possessive} best number is {c.phone(f.phone)}; "
        f"{pronoun} prefers calls after 3 pm.</p>"
        if f.phone
        else "<p>P.S. Please schedule through our office; the patient has no phone on file.</p>"
    )
    return [
        f"<p class='center'><b>{esc(r.practice)}</b><br/><span class='small'>{esc(a.line1)}, "
        f"{esc(a.city)}, {esc(a.state)} {esc(a.zip)} &nbsp; Tel {c.phone(r.phone)} &nbsp; "
        f"Fax {c.phone(r.fax)}</span></p><hr/>"
        f"<p>{esc(w.date(f.sent))}</p>"
        f"<p>New Patient Coordinator<br/>{esc(f.receiver)}</p>"
        f"<p><b>Re: {name}, born {c.dob()}</b></p>"
        "<p>Dear Coordinator,</p>"
        f"<p>I am writing on behalf of {esc(doctor)}, {esc(r.credential)}, who has asked me to "
        f"refer {esc(title + ' ' if title else '')}{name} to your "
        f"{esc(f.reason.specialty.lower())} service for {esc(f.reason.text.lower())}. "
        f"{esc(f.reason.note)}"
        + (f" {esc(pronoun.capitalize())} lives at {line}, {city}." if line else "")
        + f"{insurance}</p>"
        f"<p>Diagnoses: {esc('; '.join(f.codes))}. {urgency_text}</p>"
        "<p>Recent notes are enclosed. Questions may be directed to me or to "
        f"{esc(doctor)} at {c.phone(r.phone)}; reports may be faxed to {c.phone(r.fax)}.</p>"
        "<p>Kind regards,</p><p>&nbsp;</p>"
        f"<p>{esc(Writer.full(pa))}, PA-C<br/>Physician Assistant to {esc(doctor)}, "
        f"{esc(r.credential)}<br/>Referring physician NPI: {r.npi}</p>"
        "<p class='small'>cc: " + "<br/>cc: ".join(cc) + "</p>" + ps
    ]


def _pa_letter_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fourth(f, rng)
    referrer = dataclasses.replace(f.referrer, credential=rng.choice(("MD", "DO", "MD")))
    return dataclasses.replace(
        f,
        referrer=referrer,
        sex=f.sex if f.sex in ("F", "M") else None,
        email=None,
        subscriber=None,
        group=f.group if rng.random() < 0.6 else None,
    )


# -- a workers' compensation / motor-vehicle injury referral -----------------------------------

_CARRIERS = ("Liberty Mutual", "Travelers", "Sedgwick Claims Management",
             "State Compensation Insurance Fund", "Zenith National")  # fmt: skip
_AUTO = ("Progressive", "GEICO", "State Farm", "Allstate")
_EMPLOYERS = ("Cascade Freight Lines", "Tri-County School District", "Meridian Poultry Co.",
              "Harlan Steel Fabricators", "Bluewater Hotels")  # fmt: skip
_INJURY_REASONS = tuple(
    r for r in REASONS if r.specialty == "Orthopedics" or r.text.startswith("Migraine")
)


def _injury_claim(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    auto = rng.random() < 0.35
    carrier = rng.choice(_AUTO if auto else _CARRIERS)
    claim = rng.choice((
        f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
        f"WC{f.sent.year}{rng.randint(100000, 999999)}",
        f"{rng.randint(10**9, 10**10 - 1)}",
        f"0{rng.randint(10**8, 10**9 - 1)}-01",
    ))  # fmt: skip
    adjuster = Person(rng.choice(_FIRST), rng.choice(_LAST))
    injured = f.sent.replace(day=1).replace(month=max(1, f.sent.month - rng.randint(1, 8)))
    case = " &nbsp; ".join(
        (c.box(not auto, "Workers' compensation"), c.box(auto, "Motor vehicle accident"),
         c.box(False, "Personal injury / liability"))
    )  # fmt: skip
    urgency = " &nbsp; ".join(
        c.box(f.urgency == code, word)
        for code, word in (("stat", "Stat"), ("urgent", "Urgent"), ("routine", "Routine"))
    )

    def rows(items: list[tuple[str, str]]) -> str:
        return "".join(
            f"<tr><td class='lab'>{esc(k)}</td><td>{v or '&nbsp;'}</td></tr>" for k, v in items
        )

    claim_rows = [
        ("Carrier" if not auto else "Auto insurer", esc(carrier)),
        ("Claim number", esc(claim)),
        ("Date of injury", esc(w.date(injured))),
        ("Adjuster", esc(Writer.full(adjuster))),
        ("Adjuster phone", c.phone(phone(rng, rng.choice(_AREAS)))),
        ("Adjuster fax", c.phone(phone(rng, rng.choice(_AREAS)))),
    ]
    if not auto:
        claim_rows.insert(3, ("Employer", esc(rng.choice(_EMPLOYERS))))
    health = (
        [("Health plan", esc(f.payer)), ("Member ID", esc(f.member_id)),
         ("Group", esc(f.group or ""))]
        if f.payer
        else [("Health plan", "None reported")]
    )  # fmt: skip
    return [
        f"<h1>{esc(r.practice)}</h1>"
        f"<h2>{'Auto Injury' if auto else 'Work Injury'} Referral - {esc(f.reason.specialty)}</h2>"
        f"<p>To: {esc(f.receiver)} &nbsp; Date: {esc(w.date(f.sent))}</p>"
        f"<p><b>Case type:</b> {case}</p>"
        "<h3>Injured patient</h3><table class='grid'>"
        + rows([
            ("Name", esc(Writer.full(f.patient))),
            ("Date of birth", c.dob()),
            ("Sex", esc(_sex(f))),
            ("Phone", c.phone(f.phone)),
            ("Address", _line_address(c)),
            ("SSN", f"XXX-XX-{rng.randint(1000, 9999)}"),
        ])
        + "</table><h3>Claim (bill injury-related services here)</h3><table class='grid'>"
        + rows(claim_rows)
        + "</table><h3>Patient's health insurance (non-claim services)</h3><table class='grid'>"
        + rows(health)
        + "</table><h3>Treating provider</h3><table class='grid'>"
        + rows([
            ("Physician", esc(f"{Writer.full(r.person)}, {r.credential}")),
            ("NPI", r.npi),
            ("Clinic", esc(r.practice)),
            ("Phone", c.phone(r.phone)),
            ("Fax", c.phone(r.fax)),
        ])
        + "</table><h3>Request</h3>"
        f"<p><b>Reason:</b> {esc(f.reason.text)}<br/>"
        f"<b>ICD-10:</b> {esc(', '.join(f.codes))}<br/><b>Priority:</b> {urgency}</p>"
        f"<p class='small'>{esc(f.reason.note)} Mechanism: "
        f"{'rear-ended at a stop light' if auto else 'lifting at work'}.</p>"
    ]  # fmt: skip


def _injury_claim_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fourth(f, rng)
    reason = rng.choice(_INJURY_REASONS)
    codes = tuple(code for code, _ in reason.codes[: rng.randint(1, len(reason.codes))])
    return dataclasses.replace(
        f,
        reason=reason,
        codes=codes,
        receiver=rng.choice(RECEIVERS[reason.specialty]),
        email=None,
        subscriber=None,
        urgency=f.urgency or "routine",
    )


# -- one grid: row labels down the side, entity columns across the top -------------------------


def _matrix(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    a = r.address
    line, city = c.address_lines()
    effective = f.sent.replace(month=1, day=1)
    payer_phone = c.phone(phone(rng, rng.choice(_AREAS))) if f.payer else ""
    rows = [
        ("Name", esc(Writer.full(f.patient)),
         esc(f"{Writer.full(r.person)}, {r.credential}"), esc(f.payer or "Self-pay")),
        ("ID", esc(f.mrn), r.npi, esc(f.member_id or "")),
        ("Date", c.dob(), "", esc(w.date(effective)) if f.payer else ""),
        ("Sex", esc(_sex(f)), "", ""),
        ("Phone", c.phone(f.phone), c.phone(r.phone), payer_phone),
        ("Fax", "", c.phone(r.fax), ""),
        ("Address", f"{line}<br/>{city}" if line else "",
         f"{esc(a.line1)}<br/>{esc(a.city)}, {esc(a.state)} {esc(a.zip)}", ""),
        ("Organization / group", "", esc(r.practice), esc(f.group or "")),
    ]  # fmt: skip
    shade = "style='background-color: #eeeeee'"
    body = "".join(
        f"<tr><td width='15%' {shade}><b>{label}</b></td><td width='26%'>{p or '&nbsp;'}</td>"
        f"<td width='29%'>{q or '&nbsp;'}</td><td width='30%'>{s or '&nbsp;'}</td></tr>"
        for label, p, q, s in rows
    )
    urgency = {"stat": "STAT", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")
    return [
        f"<h1>Referral - {esc(f.reason.specialty)}</h1>"
        f"<p>To {esc(f.receiver)} &nbsp; from {esc(r.practice)} &nbsp; {esc(w.date(f.sent))}</p>"
        f"<table class='grid'><tr><th width='15%' {shade}>&nbsp;</th><th>PATIENT</th>"
        "<th>REFERRING PROVIDER</th><th>COVERAGE</th></tr>" + body + "</table>"
        "<p class='small'>ID: patient = chart number, provider = NPI, coverage = member number."
        " Date: patient = birth date, coverage = effective date.</p>"
        f"<p><b>Reason:</b> {esc(f.reason.text)}</p>"
        f"<p><b>Diagnosis codes:</b> {esc(' / '.join(f.codes))}</p>"
        + (f"<p><b>Priority:</b> {urgency}</p>" if urgency else "")
        + f"<p class='small'>{esc(f.reason.note)}</p>"
    ]


def _matrix_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fourth(f, rng)
    return dataclasses.replace(f, email=None, subscriber=None)


def _narrative_first_omit(f: Facts, rng: random.Random) -> Facts:
    return _fourth(f, rng)


FOURTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("narrative_first", _narrative_first, _narrative_first_omit,
               "two pages: clinical narrative first, patient block on page 2"),
        Layout("hospitalist_consult", _hospitalist_consult, _hospitalist_consult_omit,
               "inpatient consult request: banner, HPI with labs inline, pager"),
        Layout("pa_letter", _pa_letter, _pa_letter_omit,
               "letter by a PA on the physician's behalf, cc: lines, phone in a P.S."),
        Layout("injury_claim", _injury_claim, _injury_claim_omit,
               "workers' comp / auto injury: claim number beside the health plan's member id"),
        Layout("matrix", _matrix, _matrix_omit,
               "one grid: row labels down the side, Patient | Provider | Coverage across"),
    )
}  # fmt: skip
