"""A sixth held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``eref_terse``: an e-referral portal printout in terse compound labels ("Pt:",
  "DOB/Age/Sex: 03/14/1961 / 63 / F", "Ins: ... | ID ... | Grp ...", "Org: ... | P ... | F
  ..."), the referred-to clinic's own phone and fax on the "To:" line;
- ``discharge``: a two-page hospital discharge summary: banner, hospital course, medications,
  a follow-up with the primary care physician (name and phone of their own), and the
  outpatient referral order in the middle of page 2 (the discharging hospitalist orders it);
- ``snf_transfer``: a skilled-nursing facility's transfer / consult form: the "Resident", the
  sending facility's phone and fax, a responsible party (POA) with a phone of their own, the
  attending physician, the receiving clinic's numbers;
- ``behind_notes``: the referral order comes after a progress note (and sometimes labs or
  imaging) in the same fax: page 2 or later, the ordering provider written "LAST, FIRST, MD",
  the callback number with an extension;
- ``sticker``: a consult request whose patient is named only on an addressograph label stuck
  in a box (monospace, "LAST, FIRST M", MRN/FIN, "DOB 03/14/1961 63Y F", the clinic's
  attending physician on the label as well), the requesting physician on the form;
- ``superbill``: an encounter form with a referral section: the diagnosis codes are the
  checked ones of a printed list of ICD-10 codes, the specialty and priority are check boxes,
  CPT codes checked beside them.

Names, places, payers and practices come from lists no other layout uses (``_sixth``); dates
run "14-MAR-1961", "1961-03-14", "03/14/1961" or "Mar 14, 1961"; phones carry dots,
slashes and extensions (the truth is the E.164 number without the extension).
"""

import dataclasses
import random
from datetime import date, timedelta

from bench.corpus import pages, people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import REASONS, RECEIVERS, Address, Facts, Person, _fill, phone
from bench.corpus.writing import (
    MONTHS,
    Writer,
    esc,
    extension,
    one_line,
    sex_word,
    urgency_word,
    with_credential,
    written_phone,
)
from models.document import PageType

_FIRST_F = ("Rosalind", "Svetlana", "Kalani", "Perpetua", "Thandiwe", "Odessa", "Lorraine",
            "Genevieve", "Bronwyn", "Ifeoma")  # fmt: skip
_FIRST_M = ("Thaddeus", "Anselm", "Bartholomew", "Takeshi", "Cornelius", "Dashiell", "Eamon",
            "Kwame", "Leopold", "Stellan")  # fmt: skip
_FIRST = _FIRST_F + _FIRST_M
_LAST = ("Vandermeer", "Okonkwo", "Fairweather", "Castellano-Reyes", "Winterbottom",
         "Tran-Nguyen", "McGillicuddy", "Halvorsen", "D'Souza", "Kaczmarek", "Ferrante",
         "Oyelowo", "Bellamy", "Achterberg", "Sørensen", "Quintanilla", "St. Germain",
         "LaRue", "Pemberton", "Abubakar", "Nakashima", "de Souza")  # fmt: skip
_PAYERS = (
    ("Wellmark Blue Cross Blue Shield", "WMK{d9}", "{d6}"),
    ("Medica", "MD{d9}", "{d5}"),
    ("Health Net", "R{d10}", "{d6}"),
    ("SelectHealth", "SH{d8}", None),
    ("UPMC Health Plan", "{d8}01", "{d7}"),
    ("Geisinger Health Plan", "GHP{d9}", "{d5}"),
    ("Devoted Health", "DVT{d8}", None),
    ("Excellus BlueCross BlueShield", "EBC{d9}", "{d6}"),
    ("Martin's Point Generations Advantage", "MP{d9}", None),
)
_PRACTICES = ("Juniper Ridge Family Medicine", "Tidewater Primary Care Associates",
              "Copper Canyon Internal Medicine", "Beacon Hill Family Practice",
              "Silver Lake Medical Clinic", "Foxhollow Health Partners")  # fmt: skip
_HOSPITALS = ("Mercy Ridge Regional Medical Center", "St. Agnes Memorial Hospital",
              "Lakeshore University Hospital")  # fmt: skip
_FACILITIES = ("Willow Creek Rehabilitation & Nursing Center", "Heritage Oaks Skilled Nursing",
               "Bayberry Gardens Care Center")  # fmt: skip
_CITIES = (("Duluth", "MN", "558"), ("Spokane", "WA", "992"), ("Chattanooga", "TN", "374"),
           ("Flagstaff", "AZ", "860"), ("Bangor", "ME", "044"), ("Cheyenne", "WY", "820"),
           ("Fargo", "ND", "581"), ("Wilmington", "DE", "198"), ("Las Cruces", "NM", "880"),
           ("Bowling Green", "KY", "421"), ("Morgantown", "WV", "265"),
           ("Sioux Falls", "SD", "571"), ("Ann Arbor", "MI", "481"), ("Fort Wayne", "IN", "468"),
           ("Little Rock", "AR", "722"))  # fmt: skip
_STREETS = ("Quail Run Rd", "Birchwood Ter", "E Harmony Ln", "Kingfisher Blvd",
            "Old Mill Pond Rd", "S Juniper St", "Foxglove Ct", "Paddock Way", "Ironwood Trl",
            "Meridian Ave")  # fmt: skip
_LINE2 = ("Apt 14F", "Unit 210", "Apt. 7", "#5B", "Ste 3")
_AREAS = ("218", "509", "423", "928", "207", "307", "701", "302", "575", "270", "304", "605")
_EMAIL_DOMAINS = ("aol.com", "hotmail.com", "protonmail.com", "live.com")


def _address(rng: random.Random) -> Address:
    return people.address(rng, _CITIES, _STREETS, _LINE2, plus_four=0.2, lowest=2)


def _person(rng: random.Random, middle: str | None = None, sex: str | None = None) -> Person:
    first = {"F": _FIRST_F, "M": _FIRST_M}.get(sex or "", _FIRST)
    return Person(rng.choice(first), rng.choice(_LAST), middle)


def _email_of(p: Person, rng: random.Random) -> str:
    def plain(text: str) -> str:
        return "".join(ch for ch in text.lower().replace("ø", "o") if ch.isascii() and ch.isalpha())

    return f"{plain(p.first)}_{plain(p.last)}{rng.randint(1, 999)}@{rng.choice(_EMAIL_DOMAINS)}"


def _sixth(f: Facts, rng: random.Random) -> Facts:
    """The same packet with names, places, payer and practice from this set's own lists. The
    patient now and then has a middle initial (the truth's first name is the given name)."""
    middle = f"{rng.choice('ABCDEGJKLMRST')}{rng.choice(('', '.'))}" if rng.random() < 0.4 else None
    patient = _person(rng, middle, f.sex)
    area = rng.choice(_AREAS)
    referrer = dataclasses.replace(
        f.referrer,
        person=_person(rng, f.referrer.person.middle),
        practice=rng.choice(_PRACTICES),
        phone=phone(rng, area),
        fax=phone(rng, area),
        address=_address(rng),
    )
    payer, member, group = rng.choice(_PAYERS)
    insured = f.payer is not None
    return dataclasses.replace(
        f,
        patient=patient,
        phone=f.phone and phone(rng, rng.choice(_AREAS)),
        email=f.email and _email_of(patient, rng),
        address=f.address and _address(rng),
        referrer=referrer,
        payer=payer if insured else None,
        member_id=_fill(rng, member) if insured else None,
        group=_fill(rng, group) if insured and group and rng.random() < 0.8 else None,
        subscriber=(f.subscriber and _person(rng)) if insured else None,
        other_doctor=_person(rng),
        relative=Person(rng.choice(_FIRST), rng.choice((patient.last, *_LAST))),
        sender=_person(rng),
        sender_phone=phone(rng, area),
    )


# -- how this set writes values ----------------------------------------------------------------


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 14-MAR-1961, 1961-03-14, 03/14/1961, Mar 14, 1961."""
    month = MONTHS[d.month - 1]
    return (
        f"{d.day:02d}-{month[:3].upper()}-{d.year}",
        d.isoformat(),
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{month[:3]} {d.day}, {d.year}",
    )


def _date(d: date, style: int) -> str:
    return date_forms(d)[style]


_PHONE_FORMS = (
    "({a}) {b}-{c}",
    "{a}.{b}.{c}",
    "{a}-{b}-{c}",
    "({a}){b}-{c}",
)


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    return extension(rng, 0.45, (" ext. ", " x", " Ext ", " ext "), 4999)


def _sex_letter(f: Facts) -> str:
    return f.sex or ""


def _sex_word(f: Facts) -> str:
    return sex_word(f, "Nonbinary")


def _relation(f: Facts) -> str:
    """A policy holder who is not the patient: a minor's is a parent."""
    return "Spouse" if (f.sent - f.dob).days >= 18 * 365 else "Parent"


def _last_first_provider(p: Person, credential: str) -> str:
    return esc(f"{Writer.last_first(p, upper=True)}, {credential}")


# -- 1. e-referral portal printout, terse compound labels ------------------------------------


def _eref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(4), rng.randrange(4)
    portal = rng.choice(("CarePath eReferral", "LinkMD Referral Hub", "RefNet Provider Portal"))
    name = Writer.last_first(f.patient, upper=rng.random() < 0.6)
    sex = _sex_letter(f)
    age = f"{f.age}" if rng.random() < 0.5 else f"{f.age}y"
    dob = (
        f"<b>DOB/Age/Sex:</b> {esc(_date(f.dob, ds))} / {age} / {sex}"
        if sex
        else f"<b>DOB/Age:</b> {esc(_date(f.dob, ds))} / {age}"
    )
    kind = rng.choice(("H", "C", "M"))
    contact = []
    if f.phone:
        contact.append(f"<b>Ph:</b> {_phone(f.phone, ps)} ({kind})")
    if f.email:
        contact.append(f"<b>Em:</b> {esc(f.email)}")
    if f.payer:
        ins = f"<b>Ins:</b> {esc(f.payer)} | ID {esc(f.member_id)}"
        ins += f" | Grp {esc(f.group)}" if f.group else ""
        if f.subscriber:
            ins += f" | Sub: {esc(Writer.last_first(f.subscriber, upper=True))} ({_relation(f)})"
    else:
        ins = "<b>Ins:</b> Self-pay / uninsured"
    codes = "; ".join(
        f"{code} ({c.described()[code]})" if rng.random() < 0.5 else code for code in f.codes
    )
    urgency = urgency_word(f, ("S - STAT", "U - Urgent", "R - Routine"))
    ref_number = f"ER-{f.sent.year}-{rng.randint(100000, 999999)}"
    printed = f"{_date(f.sent, ds)} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
    lines = [
        f"<b>Pt:</b> {esc(name)} &nbsp; (MRN {esc(f.mrn)})",
        dob,
        " &nbsp;&nbsp; ".join(contact),
        f"<b>Addr:</b> {one_line(f.address, ', ', ' ')}" if f.address else "",
        ins,
        f"<b>Ref:</b> {_last_first_provider(r.person, r.credential)} | NPI {r.npi}",
        f"<b>Org:</b> {esc(r.practice)} | P {_phone(r.phone, ps, _extension(rng))} | "
        f"F {_phone(r.fax, ps)}",
        f"<b>To:</b> {esc(f.reason.specialty)} @ {esc(f.receiver)} | P "
        f"{_phone(f.receiver_phone, ps)} | F {_phone(f.receiver_fax, ps)}",
        f"<b>Dx:</b> {esc(codes)}",
        f"<b>Rsn:</b> {esc(f.reason.text)}",
        f"<b>Pri:</b> {urgency}" if urgency else "",
        f"<b>Visits:</b> {rng.randint(1, 6)} &nbsp; <b>Auth:</b> "
        f"{rng.choice(('Not required', 'Pending', 'Obtained'))}",
    ]
    body = "".join(f"<p style='margin: 0 0 3pt 0'>{line}</p>" for line in lines if line)
    return [
        f"<table><tr><td style='background-color: #222222; color: #ffffff'><b>{esc(portal)}</b>"
        f"</td><td class='right small'>Printed {esc(printed)}</td></tr></table>"
        f"<p class='small'>Home &gt; Referrals &gt; Sent &gt; {ref_number}</p>"
        f"<h2>eReferral {ref_number} &nbsp; Status: Submitted</h2>"
        f"<div style='font-size: {rng.choice(('9pt', '9.5pt', '10.5pt'))}'>{body}</div>"
        f"<p class='small'>Entered by {esc(Writer.full(f.sender))} on {esc(_date(f.sent, ds))}. "
        "Attachments: 2 (progress note, insurance card)</p>"
        f"<p class='tiny'>https://portal.{portal.split()[0].lower()}.net/referrals/{ref_number}"
        " &nbsp;&nbsp; 1/1</p>"
    ]


def _eref_omit(f: Facts, rng: random.Random) -> Facts:
    return _sixth(f, rng)


# -- 2. hospital discharge summary with the referral order inside -----------------------------

_ADMISSIONS = (
    ("Community-acquired pneumonia", "Treated with ceftriaxone and azithromycin, weaned to room "
     "air by hospital day 3."),
    ("Cellulitis of the left lower leg", "IV cefazolin, transitioned to oral cephalexin; erythema "
     "receding at discharge."),
    ("Syncope", "Telemetry without arrhythmia; orthostatic vital signs positive, improved with "
     "IV fluids."),
    ("Acute kidney injury on dehydration", "Creatinine 2.1 on admission, 1.2 at discharge after "
     "IV fluids; nephrotoxins held."),
    ("COPD exacerbation", "Nebulized bronchodilators and a prednisone burst; ambulating without "
     "oxygen at discharge."),
)  # fmt: skip


def _discharge(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(4), rng.randrange(4)
    a = r.address
    admitted = f.sent - timedelta(days=rng.randint(3, 9))
    discharged = f.sent - timedelta(days=rng.randint(0, 2))
    problem, course = rng.choice(_ADMISSIONS)
    complaint = rng.choice(("fever and cough", "leg redness and swelling", "a fall at home",
                            "poor oral intake", "worsening shortness of breath"))  # fmt: skip
    pcp = f.other_doctor
    pcp_phone = phone(rng, rng.choice(_AREAS))
    name = Writer.last_first(f.patient, upper=True)
    sex = _sex_word(f)
    banner = (
        f"<table class='grid small'><tr><td><b>{esc(name)}</b></td><td>MRN {esc(f.mrn)}</td>"
        f"<td>DOB {esc(_date(f.dob, ds))} ({f.age} y)</td><td>{esc(sex) or '&nbsp;'}</td></tr>"
        f"<tr><td>Admit {esc(_date(admitted, ds))}</td><td>Discharge "
        f"{esc(_date(discharged, ds))}</td><td>Unit 4 West, Rm {rng.randint(401, 440)}</td>"
        f"<td>Acct {rng.randint(10**8, 10**9 - 1)}</td></tr></table>"
    )
    meds = rng.sample(
        ("Amoxicillin-clavulanate 875 mg BID x 5 days", "Prednisone 40 mg daily x 3 days",
         "Acetaminophen 650 mg q6h PRN pain", "Pantoprazole 40 mg daily",
         "Furosemide 20 mg daily", "Enoxaparin 40 mg SC daily (stop at discharge)",
         "Cephalexin 500 mg QID x 7 days", "Tamsulosin 0.4 mg nightly"),
        rng.randint(3, 5),
    )  # fmt: skip
    head = (
        f"<table><tr><td><h1>{esc(r.practice)}</h1><span class='small'>{esc(a.line1)}, "
        f"{esc(a.city)}, {esc(a.state)} {esc(a.zip)}</span></td><td class='right'><b>"
        "DISCHARGE SUMMARY</b><br/><span class='small'>Hospital Medicine Service</span></td>"
        "</tr></table>"
    )
    page1 = (
        head + banner + f"<p><b>Attending:</b> {with_credential(r.person, r.credential)} &nbsp; "
        f"<b>Primary care physician:</b> Dr. {esc(Writer.full(pcp))}</p>"
        f"<h3>Principal diagnosis</h3><p>{esc(problem)}</p>"
        "<h3>Secondary diagnoses</h3><p>"
        f"{esc(f.reason.text)}; {rng.choice(('hypertension', 'hyperlipidemia', 'obesity'))}</p>"
        f"<h3>History of present illness</h3><p>The patient presented on "
        f"{esc(_date(admitted, ds))} with {complaint}. "
        f"{esc(f.reason.note)} This was noted during the stay and is to be addressed as an "
        "outpatient.</p>"
        f"<h3>Hospital course</h3><p>{esc(course)} Seen in consultation by the inpatient "
        f"{rng.choice(('pharmacy', 'physical therapy', 'nutrition'))} team. Vital signs stable "
        f"for 24 hours before discharge; BP {rng.randint(108, 150)}/{rng.randint(62, 92)}, HR "
        f"{rng.randint(60, 96)}, SpO2 {rng.randint(93, 99)}% on room air.</p>"
        f"<h3>Condition at discharge</h3><p>{rng.choice(('Stable', 'Improved', 'Good'))}. "
        f"Discharged {rng.choice(('home with family', 'home with home health', 'home'))}.</p>"
        "<p class='small right'>Page 1 of 2</p>"
    )
    insurance = (
        f"{esc(f.payer)}, member ID {esc(f.member_id)}"
        + (f", group {esc(f.group)}" if f.group else "")
        if f.payer
        else "None on file (uninsured)"
    )
    contact = []
    if f.phone:
        contact.append(f"phone {_phone(f.phone, ps)}")
    if f.address:
        contact.append(f"address {one_line(f.address, ', ')}")
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    described = c.described()
    order = (
        "<table class='grid'><tr><td colspan='2' style='background-color: #e4e4e4'><b>"
        "Outpatient referral order</b></td></tr>"
        f"<tr><td width='28%'>Referral to</td><td>{esc(f.reason.specialty)} - "
        f"{esc(f.receiver)}</td></tr>"
        f"<tr><td>Reason</td><td>{esc(f.reason.text)}</td></tr>"
        "<tr><td>Diagnoses (ICD-10)</td><td>"
        + "<br/>".join(f"{esc(code)} {esc(described[code])}" for code in f.codes)
        + "</td></tr>"
        + (f"<tr><td>Priority</td><td>{urgency}</td></tr>" if urgency else "")
        + f"<tr><td>Ordering provider</td><td>{with_credential(r.person, r.credential)} &nbsp; NPI "
        f"{r.npi}</td></tr>"
        f"<tr><td>Ordering location</td><td>{esc(r.practice)}</td></tr>"
        f"<tr><td>Provider callback</td><td>{_phone(r.phone, ps, _extension(rng))} &nbsp; Fax "
        f"{_phone(r.fax, ps)}</td></tr>"
        f"<tr><td>Coverage</td><td>{insurance}</td></tr>"
        + (f"<tr><td>Patient contact</td><td>{'; '.join(contact)}</td></tr>" if contact else "")
        + "</table>"
    )
    page2 = (
        f"<p class='small'>{esc(name)} &nbsp; MRN {esc(f.mrn)} &nbsp; Discharge summary "
        "(continued)</p><hr/>"
        "<h3>Discharge medications</h3><ul>"
        + "".join(f"<li>{esc(m)}</li>" for m in meds)
        + "</ul><h3>Follow-up</h3>"
        f"<p>1. Primary care: Dr. {esc(Writer.full(pcp))} within 7 days, office "
        f"{_phone(pcp_phone, ps)}. Repeat basic metabolic panel at that visit.</p>"
        f"<p>2. Specialty referral placed at discharge, see order below.</p>"
        + order
        + "<h3>Patient instructions</h3><p>Return to the emergency department for fever over "
        "101 F, chest pain, shortness of breath or confusion. Resume a regular diet.</p>"
        f"<p class='small'>Electronically signed by {with_credential(r.person, r.credential)} on "
        f"{esc(_date(discharged, ds))} {rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}. "
        f"cc: Dr. {esc(Writer.full(pcp))}</p><p class='small right'>Page 2 of 2</p>"
    )
    return [page1, page2]


def _discharge_omit(f: Facts, rng: random.Random) -> Facts:
    f = _sixth(f, rng)
    hospital = rng.choice(_HOSPITALS)
    credential = rng.choice(("MD", "DO", "MD"))
    return dataclasses.replace(
        f,
        email=None,
        subscriber=None,
        referrer=dataclasses.replace(f.referrer, practice=hospital, credential=credential),
    )


# -- 3. skilled-nursing facility transfer / consult form --------------------------------------


def _snf_transfer(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(4), rng.randrange(4)
    a = r.address
    poa = f.relative
    poa_phone = phone(rng, rng.choice(_AREAS))
    admitted = f.sent - timedelta(days=rng.randint(30, 900))
    transport = rng.choice(("Wheelchair van", "Ambulatory with escort", "Stretcher (BLS)"))

    def rows(items: list[tuple[str, str]], cols: int = 2) -> str:
        items = [(k, v) for k, v in items if v]
        per = [items[i : i + cols] for i in range(0, len(items), cols)]
        body = ""
        for group in per:
            cells = "".join(
                f"<td width='{50 // cols}%' style='background-color: #eeeeee'>"
                f"<span class='small'>{esc(k)}</span></td><td>{v}</td>"
                for k, v in group
            )
            if len(group) < cols:
                cells += "<td>&nbsp;</td><td>&nbsp;</td>" * (cols - len(group))
            body += f"<tr>{cells}</tr>"
        return f"<table class='grid'>{body}</table>"

    def title(text: str) -> str:
        return f"<p style='margin: 5pt 0 1pt 0'><b>{esc(text)}</b></p>"

    urgency = urgency_word(f, ("Emergent - send today", "Urgent - within 72 hours", "Routine"))
    described = c.described()
    return [
        "<h1 class='center'>INTERFACILITY TRANSFER / CONSULTATION FORM</h1>"
        "<p class='center small'>Complete all sections. Send with resident, MAR and face sheet."
        "</p>"
        + title("1. Sending facility")
        + rows(
            [
                ("Facility", esc(r.practice)),
                ("Address", esc(f"{a.line1}, {a.city}, {a.state} {a.zip}")),
                ("Telephone", _phone(r.phone, ps)),
                ("Fax", _phone(r.fax, ps)),
                ("Nurse completing form", esc(f"{Writer.full(f.sender)}, RN")),
                ("Unit", rng.choice(("Long-term care, Hall B", "Short-term rehab", "Memory care"))),
            ]
        )
        + title("2. Resident")
        + rows(
            [
                ("Resident name", esc(Writer.full(f.patient))),
                ("Date of birth", esc(_date(f.dob, ds))),
                ("Age", str(f.age)),
                ("Sex", esc(_sex_word(f))),
                ("Admitted to facility", esc(_date(admitted, ds))),
                ("Room", f"{rng.randint(100, 260)}-{rng.choice('AB')}"),
                ("Home address (prior to admission)", one_line(f.address, ", ")),
                ("Code status", rng.choice(("Full code", "DNR", "DNR / DNI"))),
                ("Allergies", rng.choice(("NKDA", "Penicillin (rash)", "Sulfa", "Codeine"))),
                ("Language", rng.choice(("English", "English", "Spanish"))),
            ]
        )
        + title("3. Responsible party / POA")
        + rows(
            [
                ("Name", esc(Writer.full(poa))),
                ("Relationship", esc(f.relation.capitalize())),
                ("Phone", _phone(poa_phone, ps)),
                ("Notified of transfer", "Yes"),
            ]
        )
        + title("4. Insurance")
        + rows(
            [
                ("Primary payer", esc(f.payer)),
                ("Policy / member #", esc(f.member_id)),
                ("Group", esc(f.group or "")),
            ]
            if f.payer
            else [("Primary payer", "None - private pay")]
        )
        + title("5. Attending physician")
        + rows(
            [
                ("Physician", with_credential(r.person, r.credential)),
                ("NPI", r.npi),
            ]
        )
        + title("6. Reason for consultation")
        + rows(
            [
                ("Consult requested", esc(f"{f.reason.specialty} - {f.receiver}")),
                (
                    "Receiving phone / fax",
                    f"{_phone(f.receiver_phone, ps)} / {_phone(f.receiver_fax, ps)}",
                ),
                ("Reason", esc(f.reason.text)),
                ("Diagnoses (ICD-10)", esc(", ".join(f"{k} {described[k]}" for k in f.codes))),
                ("Urgency", esc(urgency)),
                ("Transport", esc(transport)),
            ],
            cols=1,
        )
        + f"<p class='small'>Pertinent history: {esc(f.reason.note)}</p>"
        f"<p>Physician signature ____________________ &nbsp; Date {esc(_date(f.sent, ds))}</p>"
    ]


def _snf_transfer_omit(f: Facts, rng: random.Random) -> Facts:
    f = _sixth(f, rng)
    return dataclasses.replace(
        f,
        dob=date(1932, 1, 1) + timedelta(days=rng.randint(0, 365 * 28)),  # a resident is old
        relation=rng.choice(("daughter", "son", "niece", "nephew", "wife", "husband")),
        phone=None,  # a resident has no phone of their own here: the POA's is not theirs
        email=None,
        subscriber=None,
        referrer=dataclasses.replace(
            f.referrer, practice=rng.choice(_FACILITIES), credential=rng.choice(("MD", "DO"))
        ),
    )


# -- 4. the referral order behind a progress note ---------------------------------------------


def _behind_notes_lead(c: Ctx) -> list[tuple[str, PageType]]:
    lead = [(pages.clinical_notes(c), PageType.clinical_notes)]
    if c.rng.random() < 0.5:
        lead.append(
            (pages.lab(c), PageType.lab) if c.rng.random() < 0.6 else
            (pages.imaging(c), PageType.imaging)
        )  # fmt: skip
    return lead


def _behind_notes(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(4), rng.randrange(4)
    order_no = rng.randint(10**8, 10**9 - 1)
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    described = c.described()
    fields = [
        ("Order", f"REF{order_no} - Referral to {esc(f.reason.specialty)}"),
        ("Order date", esc(_date(f.sent, ds))),
        ("Ordered by", f"{_last_first_provider(r.person, r.credential)} (NPI {r.npi})"),
        ("Department", esc(r.practice)),
        ("Callback", f"{_phone(r.phone, ps, _extension(rng))}; fax {_phone(r.fax, ps)}"),
        ("Priority", urgency),
        ("Refer to", esc(f.receiver)),
        ("Diagnosis", "; ".join(f"{esc(k)} ({esc(described[k])})" for k in f.codes)),
        ("Reason for referral", esc(f.reason.text)),
    ]
    patient = [
        ("Patient", esc(Writer.last_first(f.patient))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Sex", esc(_sex_word(f))),
        ("MRN", esc(f.mrn)),
        ("Phone", _phone(f.phone, ps)),
        ("Email", esc(f.email or "")),
        ("Address", one_line(f.address, ", ")),
    ]
    coverage = (
        [("Payer", esc(f.payer)), ("Subscriber ID", esc(f.member_id)),
         ("Group", esc(f.group or ""))]
        if f.payer
        else [("Payer", "Self-pay")]
    )  # fmt: skip

    def listing(items: list[tuple[str, str]]) -> str:
        return "".join(
            f"<tr><td width='24%' class='small'>{esc(k)}</td><td>{v}</td></tr>"
            for k, v in items
            if v
        )

    return [
        f"<p class='head'>{esc(r.practice)} &nbsp;&nbsp; Orders &nbsp;&nbsp; "
        f"{esc(Writer.last_first(f.patient))}</p>"
        "<h1>Referral Order</h1>"
        f"<table style='font-size: {rng.choice(('9pt', '10pt', '11pt'))}'>"
        + listing(fields)
        + "<tr><td colspan='2'><hr/></td></tr>"
        + listing(patient)
        + "<tr><td colspan='2'><hr/></td></tr>"
        + listing(coverage)
        + "</table>"
        f"<p class='small'>Order status: Signed. Associated progress note "
        f"attached. Questions: {esc(Writer.full(f.sender))}, referral coordinator, "
        f"{_phone(f.sender_phone, ps)}.</p>"
    ]


def _behind_notes_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(_sixth(f, rng), subscriber=None)


# -- 5. consult request with the patient on an addressograph label -----------------------------


def _sticker(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ps = rng.randrange(4)
    ds = rng.choice((0, 2))
    attending = f.other_doctor
    sex = _sex_letter(f)
    label = (
        f"{esc(Writer.last_first(f.patient, upper=True))}<br/>"
        f"MRN {esc(f.mrn)} &nbsp;FIN {rng.randint(10**6, 10**7 - 1)}<br/>"
        f"DOB {esc(_date(f.dob, ds))} &nbsp;{f.age}Y {sex}<br/>"
        f"ATT: {esc(Writer.last_first(attending, upper=True))} MD<br/>"
        f"{esc(_date(f.sent - timedelta(days=rng.randint(0, 6)), ds))} CLINIC"
    )
    sticker = (
        "<td width='46%' style='border: 1pt dashed #555555; padding: 4pt'>"
        "<span class='tiny'>PLACE PATIENT LABEL HERE</span><br/>"
        f"<span style='font-family: Courier; font-size: {rng.choice(('8pt', '8.5pt', '9pt'))}'>"
        f"{label}</span></td>"
    )
    urgency_boxes = " &nbsp; ".join(
        c.box(f.urgency == key, word)
        for key, word in (("routine", "Routine"), ("urgent", "Urgent"), ("stat", "Emergent"))
    )

    def field(k: str, v: str) -> str:
        return (
            f"<tr><td width='30%' class='small'>{esc(k)}</td>"
            f"<td style='border-bottom: 0.5pt solid #000'>{v or '&nbsp;'}</td></tr>"
        )

    return [
        "<table><tr><td>"
        f"<h1>CONSULT / REFERRAL REQUEST</h1><p class='small'>{esc(r.practice)}<br/>"
        "Outpatient clinics</p></td>" + sticker + "</tr></table>"
        "<h3>Patient contact (if not on label)</h3><table>"
        + field("Home / cell phone", _phone(f.phone, ps))
        + field("Email", esc(f.email or ""))
        + field("Home address", one_line(f.address, ", "))
        + "</table><h3>Insurance</h3><table>"
        + field("Carrier", esc(f.payer or "Self-pay"))
        + field("Member #", esc(f.member_id or ""))
        + field("Group #", esc(f.group or ""))
        + "</table><h3>Consult</h3><table>"
        + field("Service", esc(f.reason.specialty))
        + field("Consultant / location", esc(f.receiver))
        + field("Question / reason", esc(f.reason.text))
        + field("ICD-10", esc(" / ".join(f.codes)))
        + "</table>"
        f"<p>Priority: {urgency_boxes}</p>"
        "<h3>Requesting physician</h3><table>"
        + field("Name (print)", with_credential(r.person, r.credential))
        + field("NPI", r.npi)
        + field("Callback #", _phone(r.phone, ps, _extension(rng)))
        + field("Fax results to", _phone(r.fax, ps))
        + "</table>"
        "<p>&nbsp;</p><p>Signature ____________________________ &nbsp; Date/time "
        f"{esc(_date(f.sent, ds))} {rng.randint(8, 17):02d}{rng.randint(0, 59):02d}</p>"
        "<p class='tiny'>White copy: consultant &nbsp; Yellow: chart &nbsp; Pink: patient</p>"
    ]


def _sticker_omit(f: Facts, rng: random.Random) -> Facts:
    f = _sixth(f, rng)
    return dataclasses.replace(
        f,
        subscriber=None,
        referrer=dataclasses.replace(f.referrer, practice=rng.choice(_HOSPITALS)),
    )


# -- 6. encounter form (superbill) with checked diagnosis codes ------------------------------

_ALL_CODES = tuple(sorted({(code, text) for reason in REASONS for code, text in reason.codes}))
_CPT = (("99203", "New pt, low"), ("99204", "New pt, moderate"), ("99213", "Est pt, low"),
        ("99214", "Est pt, moderate"), ("99215", "Est pt, high"), ("93000", "ECG w/ interp"),
        ("36415", "Venipuncture"), ("81002", "Urinalysis, non-auto"))  # fmt: skip


def _superbill(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(4), rng.randrange(4)
    a = r.address
    chosen = set(f.codes)
    others = [item for item in _ALL_CODES if item[0] not in chosen]
    shown = sorted(
        [item for item in _ALL_CODES if item[0] in chosen] + rng.sample(others, 15 - len(chosen))
    )

    def boxes(items: list[tuple[bool, str]], per_row: int, size: str = "8pt") -> str:
        rows = [items[i : i + per_row] for i in range(0, len(items), per_row)]
        body = "".join(
            "<tr>" + "".join(f"<td style='font-size: {size}'>{c.box(k, t)}</td>" for k, t in row)
            + "<td>&nbsp;</td>" * (per_row - len(row)) + "</tr>"
            for row in rows
        )  # fmt: skip
        return f"<table class='grid'>{body}</table>"

    dx = boxes([(code in chosen, f"{code} {text[:34]}") for code, text in shown], 3, "7.5pt")
    visit = rng.sample(_CPT[:5], 1)[0][0]
    cpt = boxes([(code == visit or (code == "93000" and f.reason.specialty == "Cardiology"),
                  f"{code} {text}") for code, text in _CPT], 4)  # fmt: skip
    specialties = boxes([(s == f.reason.specialty, s) for s in RECEIVERS], 4)
    priority = boxes(
        [(f.urgency == key, word) for key, word in
         (("routine", "Routine"), ("urgent", "Urgent (1 week)"), ("stat", "STAT / same day"))],
        3,
    )  # fmt: skip
    holder = f.subscriber or f.patient
    patient = (
        "<table class='grid small'>"
        f"<tr><td>Patient: <b>{esc(Writer.full(f.patient))}</b></td><td>DOB: "
        f"{esc(_date(f.dob, ds))}</td><td>Sex: {esc(_sex_letter(f)) or '&nbsp;'}</td>"
        f"<td>Acct #: {esc(f.mrn)}</td></tr>"
        f"<tr><td colspan='2'>Address: {one_line(f.address, ', ') or '&nbsp;'}</td>"
        f"<td colspan='2'>Phone: {_phone(f.phone, ps) or '&nbsp;'}</td></tr>"
        + (
            f"<tr><td>Insurance: {esc(f.payer)}</td><td>ID: {esc(f.member_id)}</td>"
            f"<td>Group: {esc(f.group or '') or '&nbsp;'}</td>"
            f"<td>Insured: {esc(Writer.full(holder))}</td></tr>"
            if f.payer
            else "<tr><td colspan='4'>Insurance: none (self-pay, sliding fee)</td></tr>"
        )
        + "</table>"
    )
    return [
        f"<table><tr><td><b style='font-size: 13pt'>{esc(r.practice)}</b><br/>"
        f"<span class='small'>{esc(a.line1)} &middot; {esc(a.city)}, {esc(a.state)} "
        f"{esc(a.zip)}<br/>Tel {_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}</span>"
        "</td><td class='right'><b>ENCOUNTER FORM</b><br/><span class='small'>Date of "
        f"service {esc(_date(f.sent, ds))}</span></td></tr></table>"
        + patient
        + f"<p class='small'>Provider: {with_credential(r.person, r.credential)} &nbsp; NPI {r.npi}"
        "</p>"
        "<p style='margin: 4pt 0 1pt 0'><b>PROCEDURES (CPT)</b></p>"
        + cpt
        + "<p style='margin: 4pt 0 1pt 0'><b>DIAGNOSES (ICD-10-CM) - check all that apply</b></p>"
        + dx
        + "<p style='margin: 4pt 0 1pt 0'><b>REFERRAL</b></p>"
        + specialties
        + f"<p class='small'>Refer to: {esc(f.receiver)}</p>"
        + priority
        + f"<p class='small'>Reason for referral: {esc(f.reason.text)}</p>"
        "<p class='small'>Return visit: "
        f"{rng.choice(('2 weeks', '1 month', '3 months', 'PRN'))} &nbsp; Copay collected: "
        f"${rng.choice((0, 20, 25, 40))}</p>"
        "<p class='tiny'>I authorize release of information to my insurer and assign benefits to "
        "the provider. Patient signature ______________________</p>"
    ]


def _superbill_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(_sixth(f, rng), email=None)


SIXTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("eref_terse", _eref, _eref_omit,
               "e-referral portal printout: 'Pt:', 'DOB/Age/Sex: a / b / c', 'Ins: x | ID y'"),
        Layout("discharge", _discharge, _discharge_omit,
               "two-page discharge summary, PCP follow-up, referral order mid page 2"),
        Layout("snf_transfer", _snf_transfer, _snf_transfer_omit,
               "nursing facility transfer form: resident, POA phone, facility phone/fax"),
        Layout("behind_notes", _behind_notes, _behind_notes_omit,
               "referral order after a progress note (page 2+), 'LAST, FIRST, MD', ext.",
               lead=_behind_notes_lead),
        Layout("sticker", _sticker, _sticker_omit,
               "consult request: patient only on an addressograph label, ATT on the label"),
        Layout("superbill", _superbill, _superbill_omit,
               "encounter form: Dx codes are the checked ones of a printed ICD-10 list"),
    )
}  # fmt: skip
