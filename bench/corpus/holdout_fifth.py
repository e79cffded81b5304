"""A fifth held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: its figure is the honest "layouts it has never seen" number. Six arrangements and
wordings none of the other layouts use, the way other practices' and EHR vendors' referrals
differ:

- ``outgoing``: an EHR "Outgoing Referral" printout (athena/Cerner style): blocks side by
  side, labels in small capitals, each value right-aligned at the far edge of its block, a
  referred-to provider with a phone and fax of their own, dates in ISO or "3-Mar-1961" form;
- ``pen_form``: a form filled in by hand: values in italics on underlines, the date of birth
  and member ID in one-character-per-box combs, the phone in a pre-printed ( ) - mask, check
  box grids for sex, coverage type, specialty and priority;
- ``story_letter``: a letter to a named specialist ("Dear Dr. ..."), the patient's details in
  a paragraph in the middle, the date of birth in words ("born on March 3rd, 1961"), a
  letterhead listing the practice's several physicians, and the referrer named only by the
  signature block at the bottom;
- ``guardian``: a pediatric referral: the patient is a child; a parent or guardian (the
  insurance subscriber, with a birth date and a cell phone of their own) and an emergency
  contact are named too, sometimes above the child;
- ``coverage_rows``: an authorization request whose insurance is a table of Primary /
  Secondary (/ Tertiary) rows, each with its own member ID and subscriber's birth date;
  labels right-aligned against their values;
- ``slip``: a routing slip in clipped clinic shorthand ("Pt. Name", "D.O.B", "Ph#",
  "Ins. ID#", "Ref. Dr."), labels without colons, the referrer as a rubber stamp, and a
  tear-off patient copy carrying the receiving clinic's scheduling number.

Names, places, payers and practices come from lists no other layout uses (``_fifth``).
"""

import dataclasses
import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import (
    REASONS,
    RECEIVERS,
    Address,
    Facts,
    Person,
    _fill,
    ascii_letters,
    phone,
)
from bench.corpus.writing import MONTHS, Writer, esc

_FIRST_F = ("Philippa", "Henrietta", "Ysolde", "Marisela", "Agnieszka", "Sunniva", "Ottilie",
            "Clementine", "Wilhelmina", "Anouk", "Temperance")  # fmt: skip
_FIRST_M = ("Obadiah", "Lorcan", "Chidi", "Florian", "Caspian", "Radomir", "Emeka", "Vaclav",
            "Jarrah", "Ignacio", "Kofi")  # fmt: skip
_FIRST = _FIRST_F + _FIRST_M
_LAST = ("Throckmorton", "Oyelaran", "Kuznetsova", "Beauchamp", "Ferreira-Lima", "Van Houten",
         "Delgado-Ybarra", "Prud'homme", "Ashworth", "Mwangi", "Holmqvist", "Yazzie",
         "Lefebvre", "Løvaas", "MacAskill", "Ten Eyck", "Nwachukwu", "Desrosiers",
         "Albrecht-Moss", "Ó Murchú", "Szabó", "Begay")  # fmt: skip
_PAYERS = (
    ("Blue Cross of Idaho", "QIB{d9}", "{d5}"),
    ("CDPHP", "C{d9}00", "{d6}"),
    ("Capital Blue Cross", "YCB{d8}", "{d7}"),
    ("Paramount Health Care", "PHC{d8}", None),
    ("Presbyterian Health Plan", "{d9}P", "{d5}"),
    ("Sanford Health Plan", "SHP{d9}", "{d4}"),
    ("AvMed", "A{d10}", "{d6}"),
    ("Quartz Health Solutions", "QZ{d9}", "{d5}"),
)
# A second (and third) coverage: a trap beside the primary's member id.
SECONDARY_PAYERS = (
    ("Medicare Part B", "{d1}{A}{A}{d1}{A}{A}{d1}{A}{A}{d2}"),
    ("State Medicaid", "{A}{A}{d8}"),
    ("AARP Medicare Supplement", "{d9}1"),
    ("TRICARE For Life", "{d11}"),
    ("Delta Dental", "DD{d9}"),
)
_PRACTICES = ("Ashgrove Family Medicine", "Lantern Hill Primary Care",
              "Stonebridge Internal Medicine", "Cobalt Bay Physicians",
              "Quarry Hollow Medical Group", "Wren Meadow Health Partners")  # fmt: skip
_PEDIATRIC = ("Fernleaf Pediatrics", "Little Harbor Children's Clinic",
              "Brightwater Pediatric Associates")  # fmt: skip
_CITIES = (("Eugene", "OR", "974"), ("Knoxville", "TN", "379"), ("Lafayette", "LA", "705"),
           ("Pueblo", "CO", "810"), ("Billings", "MT", "591"), ("Erie", "PA", "165"),
           ("Manchester", "NH", "031"), ("Greenville", "SC", "296"), ("Mobile", "AL", "366"),
           ("Topeka", "KS", "666"), ("Hilo", "HI", "967"), ("Grand Junction", "CO", "815"),
           ("Jackson", "MS", "392"), ("Rapid City", "SD", "577"))  # fmt: skip
_STREETS = ("Larkspur Ave", "Wheelwright Rd", "Copperleaf Dr", "N Bellwether St",
            "Hollyhock Ln", "Stillwater Cir", "W Orchard Grove Rd", "Tanager Ct",
            "Ridgecrest Pkwy", "Saltbox Way")  # fmt: skip
_LINE2 = ("Apt 9C", "Unit 5", "#12A", "Apt. 301", "Bldg 2")
_AREAS = ("541", "865", "337", "719", "814", "603", "864", "251", "785", "808", "970", "601")
_EMAIL_DOMAINS = ("gmx.com", "mail.com", "zoho.com", "comcast.net")


def _address(rng: random.Random) -> Address:
    return people.address(rng, _CITIES, _STREETS, _LINE2, plus_four=0.2, lowest=3)


def _person(rng: random.Random, middle: str | None = None, sex: str | None = None) -> Person:
    first = {"F": _FIRST_F, "M": _FIRST_M}.get(sex or "", _FIRST)
    return Person(rng.choice(first), rng.choice(_LAST), middle)


def _fifth(f: Facts, rng: random.Random) -> Facts:
    """The same packet with names, places, payer and practice from this set's own lists."""
    patient = _person(rng, sex=f.sex)
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
        f"{ascii_letters(patient.last)}.{ascii_letters(patient.first)[:3]}{rng.randint(10, 99)}"
        f"@{rng.choice(_EMAIL_DOMAINS)}"
    )


# -- how this set writes dates -----------------------------------------------------------------


def _iso(d: date) -> str:
    return d.isoformat()


def _short(d: date) -> str:
    """3-Mar-1961: day not padded."""
    return f"{d.day}-{MONTHS[d.month - 1][:3]}-{d.year}"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _in_words(d: date, rng: random.Random) -> str:
    month = MONTHS[d.month - 1]
    return rng.choice((
        f"{month} {_ordinal(d.day)}, {d.year}",
        f"the {_ordinal(d.day)} of {month}, {d.year}",
        f"{d.day} {month} {d.year}",
        f"{month} the {_ordinal(d.day)}, {d.year}",
    ))  # fmt: skip


def _sex(f: Facts) -> str:
    return {"F": "Female", "M": "Male", "X": "X", "U": "Unknown"}.get(f.sex or "", "")


def _holder_relation(f: Facts) -> str:
    """How a policy holder who is not the patient is related: a minor's is a parent."""
    return "Spouse" if (f.sent - f.dob).days >= 18 * 365 else "Parent"


def _line_address(c: Ctx) -> str:
    line, city = c.address_lines()
    return f"{line}, {city}" if line else ""


# -- EHR "Outgoing Referral": small-caps labels, values right-aligned --------------------------


def _caps(label: str) -> str:
    """Small capitals as a printout sets them: a larger first letter of each word."""
    words = [
        f"<span style='font-size: 8.5pt'>{esc(w[0].upper())}</span>"
        f"<span style='font-size: 6.5pt'>{esc(w[1:].upper())}</span>"
        for w in label.split()
    ]
    return " ".join(words)


def _outgoing(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    when = rng.choice((_iso, _short))
    vendor = rng.choice(("athenaOne", "PowerChart", "Oracle Health"))
    urgency = {"stat": "STAT", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "", "")
    line, city = c.address_lines()
    consultant = f"{Writer.full(f.other_doctor)}, MD"
    patient = [
        ("Patient", esc(Writer.last_first(f.patient, upper=True))),
        ("Date of birth", esc(when(f.dob))),
        ("Sex", esc(_sex(f))),
        ("MRN", esc(f.mrn)),
        ("Home phone", c.phone(f.phone)),
        ("E-mail", esc(f.email or "")),
        ("Address", f"{line}<br/>{city}" if line else ""),
    ]
    referral = [
        ("Referral ID", f"OR-{rng.randint(1000000, 9999999)}"),
        ("Created", esc(when(f.sent))),
        ("Priority", urgency),
        ("Specialty", esc(f.reason.specialty)),
        ("Refer to", esc(f.receiver)),
        ("Refer-to provider", esc(consultant)),
        ("Refer-to phone", c.phone(f.receiver_phone)),
        ("Refer-to fax", c.phone(f.receiver_fax)),
    ]
    coverage = (
        [("Payer", esc(f.payer)), ("Member ID", esc(f.member_id)), ("Group", esc(f.group or "")),
         ("Subscriber", esc(Writer.last_first(f.subscriber or f.patient, upper=True))),
         ("Relationship", "Self" if f.subscriber is None else _holder_relation(f))]
        if f.payer
        else [("Payer", "Self-pay")]
    )  # fmt: skip
    referring = [
        ("Referring provider", esc(f"{Writer.full(r.person)}, {r.credential}")),
        ("NPI", r.npi),
        ("Location", esc(r.practice)),
        ("Phone", c.phone(r.phone)),
        ("Fax", c.phone(r.fax)),
    ]

    def blocks(left_title: str, left: list[tuple[str, str]], right_title: str,
               right: list[tuple[str, str]]) -> str:  # fmt: skip
        left = [row for row in left if row[1]]
        right = [row for row in right if row[1]]
        head = (
            f"<tr><td colspan='2' style='border-bottom: 0.8pt solid #000'><b>{_caps(left_title)}"
            "</b></td><td width='4%'>&nbsp;</td><td colspan='2' style='border-bottom: 0.8pt "
            f"solid #000'><b>{_caps(right_title)}</b></td></tr>"
        )
        body = ""
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ("", "")
            b = right[i] if i < len(right) else ("", "")
            body += (
                f"<tr><td width='17%'>{_caps(a[0])}</td><td width='31%' class='right'>"
                f"{a[1] or '&nbsp;'}</td><td>&nbsp;</td><td width='17%'>{_caps(b[0])}</td>"
                f"<td width='31%' class='right'>{b[1] or '&nbsp;'}</td></tr>"
            )
        return f"<table>{head}{body}</table>"

    described = dict(f.reason.codes)
    diagnoses = "".join(
        f"<tr><td width='14%'>{esc(code)}</td><td>{esc(described[code])}</td>"
        "<td class='right small'>ICD-10-CM</td></tr>"
        for code in f.codes
    )
    printed = f"{when(f.sent)} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
    return [
        f"<table class='small'><tr><td>{esc(vendor)} &nbsp;|&nbsp; {esc(r.practice)}</td>"
        f"<td class='right'>Printed {esc(printed)} by {esc(Writer.full(f.sender))}</td></tr>"
        "</table>"
        f"<h1>{rng.choice(('Outgoing Referral', 'OUTGOING REFERRAL'))}</h1>"
        f"<p class='small'>Status: Pending scheduling &nbsp; Type: Consult and treat &nbsp; "
        f"Visits: {rng.randint(1, 6)}</p>"
        + blocks("Patient", patient, "Referral", referral)
        + "<p>&nbsp;</p>"
        + blocks("Coverage", coverage, "Referring", referring)
        + f"<p>&nbsp;</p><p><b>{_caps('Diagnoses')}</b></p><table>{diagnoses}</table>"
        f"<p><b>{_caps('Reason for referral')}</b><br/>{esc(f.reason.text)}</p>"
        f"<p><b>{_caps('Clinical notes')}</b><br/>{esc(f.reason.note)}</p>"
        f"<p class='tiny'>{esc(Writer.last_first(f.patient, upper=True))} &nbsp; MRN "
        f"{esc(f.mrn)} &nbsp; Page 1 of 1</p>"
    ]


def _outgoing_omit(f: Facts, rng: random.Random) -> Facts:
    return _fifth(f, rng)


# -- a form filled in by hand: underlines, combs, check box grids -------------------------------

_HAND = "font-family: Times-Roman; font-style: italic; font-size: 12pt"


def _hand(value: str) -> str:
    """A value written on its line."""
    shown = value or "&nbsp;" * 14
    return f"<u><span style='{_HAND}'>&nbsp;{shown}&nbsp;</span></u>"


def _comb(chars: str, boxes: int) -> str:
    """One character a box, left-aligned, the rest of the boxes empty."""
    cells = "".join(
        "<td style='border: 0.6pt solid #000; text-align: center; width: 13pt'>"
        f"<span style='{_HAND}'>{esc(chars[i]) if i < len(chars) else '&nbsp;'}</span></td>"
        for i in range(boxes)
    )
    return f"<table style='width: {boxes * 15}pt'><tr>{cells}</tr></table>"


def _grid(c: Ctx, options: list[tuple[bool, str]], per_row: int) -> str:
    rows = [options[i : i + per_row] for i in range(0, len(options), per_row)]
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='border: 0.5pt solid #000'>{c.box(checked, label)}</td>"
            for checked, label in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{body}</table>"


def _masked_phone(e164: str | None) -> str:
    """The printed mask ( ) - with the digits written in."""
    if not e164:
        return "(&nbsp;&nbsp;&nbsp;&nbsp;) ______ - ________"
    d = e164[2:]
    return f"( {_hand(d[:3])} ) {_hand(d[3:6])} - {_hand(d[6:])}"


def _pen_form(c: Ctx) -> list[str]:
    f, r = c.f, c.f.referrer
    a = f.address
    dob = f.dob
    specialties = list(RECEIVERS)
    kind = "Commercial" if f.payer else "Self-pay"
    codes = "".join(
        f"&nbsp; {n}. {_hand(f.codes[n - 1] if n <= len(f.codes) else '')}" for n in (1, 2, 3)
    )

    def label(text: str) -> str:
        return f"<span class='small'>{esc(text)}</span>"

    return [
        f"<h1 class='center'>{esc(r.practice)}</h1>"
        "<p class='center'><b>SPECIALTY REFERRAL</b> &nbsp; <span class='small'>Please print "
        "clearly in blue or black ink</span></p>"
        "<h3>A. PATIENT</h3>"
        f"<p>{label('Last name')} {_hand(esc(f.patient.last))} &nbsp; {label('First name')} "
        f"{_hand(esc(f.patient.first))}</p>"
        f"<table><tr><td width='22%'>{label('Date of birth')}</td><td width='40%'>"
        f"{_comb(f'{dob.month:02d}{dob.day:02d}{dob.year}', 8)}"
        "<span class='tiny'>&nbsp;M&nbsp;&nbsp;&nbsp;&nbsp;M&nbsp;&nbsp;&nbsp;&nbsp;D&nbsp;&nbsp;"
        "&nbsp;&nbsp;D&nbsp;&nbsp;&nbsp;&nbsp;Y&nbsp;&nbsp;&nbsp;&nbsp;Y&nbsp;&nbsp;&nbsp;&nbsp;"
        "Y&nbsp;&nbsp;&nbsp;&nbsp;Y</span></td><td>"
        + _grid(
            c,
            [(f.sex == "M", "M"), (f.sex == "F", "F"), (f.sex == "X", "X"), (f.sex == "U", "Unk")],
            4,
        )  # fmt: skip
        + "</td></tr></table>"
        f"<p>{label('Phone')} {_masked_phone(f.phone)}</p>"
        f"<p>{label('Street')} {_hand(esc(a.line1) if a else '')} &nbsp; {label('Apt/Unit')} "
        f"{_hand(esc(a.line2 or '') if a else '')}</p>"
        f"<p>{label('City')} {_hand(esc(a.city) if a else '')} &nbsp; {label('State')} "
        f"{_hand(esc(a.state) if a else '')} &nbsp; {label('ZIP')} "
        f"{_hand(esc(a.zip) if a else '')}</p>"
        "<h3>B. INSURANCE</h3>"
        + _grid(
            c, [(kind == k, k) for k in ("Commercial", "Medicare", "Medicaid", "Self-pay")], 4
        )  # fmt: skip
        + f"<p>{label('Insurance company')} {_hand(esc(f.payer or ''))} &nbsp; "
        f"{label('Group #')} {_hand(esc(f.group or ''))}</p>"
        f"<table><tr><td width='22%'>{label('Member ID')}</td>"
        f"<td>{_comb(f.member_id or '', 14)}</td></tr></table>"
        "<h3>C. REFERRING PROVIDER</h3>"
        f"<p>{label('Name (print)')} {_hand(esc(f'{Writer.full(r.person)}, {r.credential}'))}"
        f" &nbsp; {label('Office')} {_hand(esc(r.practice))}</p>"
        f"<table><tr><td width='22%'>{label('NPI')}</td><td>{_comb(r.npi, 10)}</td></tr></table>"
        f"<p>{label('Office phone')} {_masked_phone(r.phone)} &nbsp; {label('Fax')} "
        f"{_masked_phone(r.fax)}</p>"
        "<h3>D. REFERRAL</h3>"
        f"<p>{label('Refer to (check one)')}</p>"
        + _grid(c, [(s == f.reason.specialty, s) for s in specialties], 4)
        + f"<p>{label('Diagnosis (ICD-10)')}{codes}</p>"
        f"<p>{label('Reason')} {_hand(esc(f.reason.text))}</p>"
        f"<p>{label('How soon')}</p>"
        + _grid(
            c,
            [
                (f.urgency == "stat", "Same day"),
                (f.urgency == "urgent", "Within 1 week"),
                (f.urgency == "routine", "Routine"),
            ],
            3,
        )  # fmt: skip
        + f"<p>{label('Signature')} ______________________ {label('Date')} "
        f"{_hand(esc(c.w.date(f.sent)))}</p>"
    ]


def _pen_form_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(_fifth(f, rng), email=None)  # the form has no place for one


# -- a letter to a named specialist: details mid-letter, referrer by signature only ------------


def _story_letter(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    a = r.address
    others = [p for p in (_person(rng) for _ in range(4)) if p.last != r.person.last][:3]
    partners = [f"{Writer.full(p)}, {rng.choice(('MD', 'DO'))}" for p in others]
    partners.insert(rng.randint(0, len(partners)), f"{Writer.full(r.person)}, {r.credential}")
    title = {"F": rng.choice(("Mrs.", "Ms.")), "M": "Mr."}.get(f.sex or "", "")
    name = esc(f"{title} {Writer.full(f.patient)}".strip())
    she = {"F": "She", "M": "He"}.get(f.sex or "", "The patient")
    her = {"F": "Her", "M": "His"}.get(f.sex or "", "The patient's")
    doctor = f.other_doctor
    born = rng.choice(("who was born on", "born on", "whose date of birth is"))
    where = ""
    if f.address:
        where = f" {she} lives at {_line_address(c)}"
        where += f" and can be reached on {c.phone(f.phone)}." if f.phone else "."
    elif f.phone:
        where = f" {she} can be reached on {c.phone(f.phone)}."
    cover = ""
    if f.payer:
        cover = f" {her} insurance is with {esc(f.payer)}, member number {esc(f.member_id)}"
        cover += f" (group {esc(f.group)})." if f.group else "."
    urgency = {
        "stat": "I would be grateful if you could see the patient today.",
        "urgent": "I would consider this urgent and would appreciate a visit within the week.",
        "routine": "There is no urgency; the next routine appointment would be fine.",
    }.get(f.urgency or "", "")
    described = dict(f.reason.codes)
    codes = "; ".join(f"{described[code].lower()} ({code})" for code in f.codes)
    return [
        "<table><tr>"
        f"<td width='30%' class='small'>{'<br/>'.join(esc(p) for p in partners)}</td>"
        f"<td class='right'><h1>{esc(r.practice)}</h1><span class='small'>{esc(a.line1)}<br/>"
        f"{esc(a.city)}, {esc(a.state)} {esc(a.zip)}<br/>Telephone {c.phone(r.phone)} &nbsp; "
        f"Facsimile {c.phone(r.fax)}</span></td></tr></table><hr/>"
        f"<p>{esc(_in_words(f.sent, rng))}</p>"
        f"<p>Dr. {esc(Writer.full(doctor))}<br/>{esc(f.receiver)}</p>"
        "<p><b>Re: new patient referral</b></p>"
        f"<p>Dear Dr. {esc(doctor.last)},</p>"
        f"<p>Thank you for agreeing to take on a patient of ours with "
        f"{esc(f.reason.text.lower())}. {esc(f.reason.note)}</p>"
        f"<p>The patient is {name}, {born} {esc(_in_words(f.dob, rng))}.{where}{cover}</p>"
        f"<p>Our working diagnoses are {esc(codes)}. {urgency} I have enclosed the relevant "
        "notes and results.</p>"
        "<p>With kind regards,</p><p>&nbsp;</p>"
        f"<p><span style='{_HAND}'>{esc(r.person.first[0])}. {esc(r.person.last)}</span><br/>"
        f"{esc(Writer.full(r.person))}, {esc(r.credential)}<br/>"
        f"<span class='small'>NPI {r.npi}</span></p>"
    ]


def _story_letter_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fifth(f, rng)
    return dataclasses.replace(
        f,
        sex=f.sex if f.sex in ("F", "M") else None,  # said only by a title and pronouns
        email=None,
        subscriber=None,
        group=f.group if rng.random() < 0.5 else None,
    )


# -- pediatric: the child, a parent or guardian, an emergency contact -------------------------

_CHILD_REASONS = tuple(
    reason
    for reason in REASONS
    if reason.text.startswith(("Migraine", "New onset seizure", "GERD", "Iron deficiency",
                               "Thyroid nodule", "Changing pigmented", "Uncontrolled type 2"))
)  # fmt: skip


def _guardian(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    when = rng.choice((_short, _iso))
    parent = f.relative
    parent_dob = f.dob - timedelta(days=rng.randint(20 * 365, 42 * 365))
    parent_cell = phone(rng, rng.choice(_AREAS))
    contact = _person(rng)
    contact_relation = rng.choice(("Grandmother", "Grandfather", "Aunt", "Uncle", "Neighbor"))
    age = f.age
    urgency = {"stat": "Emergent", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")

    def block(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(f"<tr><td class='lab'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows if v)
        return f"<h2>{esc(title)}</h2><table class='grid'>{body}</table>"

    child = block(
        rng.choice(("Patient (child)", "Child's information")),
        [
            ("Name", esc(Writer.full(f.patient))),
            ("Date of birth", esc(when(f.dob))),
            ("Age", f"{age} y" if age else f"{(f.sent - f.dob).days // 30} mo"),
            ("Sex", esc(_sex(f))),
            ("Home phone", c.phone(f.phone)),
            ("Address", _line_address(c)),
        ],
    )
    guardian = block(
        rng.choice(("Parent / legal guardian", "Responsible party")),
        [
            ("Name", esc(Writer.full(parent))),
            ("Relationship", esc(f.relation.capitalize())),
            ("Date of birth", esc(when(parent_dob))),
            ("Cell phone", c.phone(parent_cell)),
            ("Address", "Same as patient" if f.address else ""),
        ],
    )
    emergency = block(
        "Emergency contact",
        [
            ("Name", esc(Writer.full(contact))),
            ("Relationship", contact_relation),
            ("Phone", c.phone(phone(rng, rng.choice(_AREAS)))),
        ],
    )
    insurance = block(
        "Insurance",
        [("Plan", esc(f.payer)), ("Member ID", esc(f.member_id)), ("Group", esc(f.group or "")),
         ("Subscriber / guarantor", esc(Writer.full(parent))),
         ("Subscriber date of birth", esc(when(parent_dob)))]
        if f.payer
        else [("Plan", "None - family to apply for CHIP"),
              ("Guarantor", esc(Writer.full(parent)))],
    )  # fmt: skip
    referring = block(
        "Referring pediatrician",
        [
            ("Name", esc(f"{Writer.full(r.person)}, {r.credential}")),
            ("NPI", r.npi),
            ("Practice", esc(r.practice)),
            ("Phone", c.phone(r.phone)),
            ("Fax", c.phone(r.fax)),
        ],
    )
    people = [guardian, child] if rng.random() < 0.5 else [child, guardian]
    return [
        f"<h1>{esc(r.practice)}</h1>"
        f"<p><b>Pediatric specialty referral</b> to {esc(f.receiver)} &nbsp; "
        f"{esc(when(f.sent))}</p>"
        + "".join(people)
        + emergency
        + insurance
        + referring
        + "<h2>Request</h2>"
        f"<p><b>Reason:</b> {esc(f.reason.text)}<br/><b>ICD-10:</b> {esc(', '.join(f.codes))}"
        + (f"<br/><b>Priority:</b> {urgency}" if urgency else "")
        + "</p>"
    ]


def _guardian_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fifth(f, rng)
    reason = rng.choice(_CHILD_REASONS)
    codes = tuple(code for code, _ in reason.codes[: rng.randint(1, len(reason.codes))])
    relation = rng.choice(("mother", "father", "legal guardian"))
    first = {"mother": _FIRST_F, "father": _FIRST_M}.get(relation, _FIRST)
    parent = Person(rng.choice(first), f.patient.last if rng.random() < 0.65 else rng.choice(_LAST))
    return dataclasses.replace(
        f,
        dob=f.sent - timedelta(days=rng.randint(200, 17 * 365)),
        referrer=dataclasses.replace(
            f.referrer, practice=rng.choice(_PEDIATRIC), credential=rng.choice(("MD", "DO", "NP"))
        ),
        reason=reason,
        codes=codes,
        receiver=rng.choice(RECEIVERS[reason.specialty]),
        relative=parent,
        relation=relation,
        subscriber=parent if f.payer else None,
        email=None,
    )


# -- authorization request: coverage as Primary / Secondary rows, right-aligned labels --------


def _coverage_rows(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    when = rng.choice((_iso, _short))
    numbered = rng.random() < 0.25  # the rows say 1, 2, 3 instead of Primary, Secondary ...

    def facesheet(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(
            f"<tr><td width='26%' class='right'><b>{esc(k)}:</b></td><td>{v}</td></tr>"
            for k, v in rows
            if v
        )
        return f"<h3>{esc(title)}</h3><table>{body}</table>"

    holder = f.subscriber or f.patient
    holder_dob = f.dob
    if f.subscriber is not None:  # a spouse or a parent: an adult, born on another day
        shifted = f.dob - timedelta(days=rng.randint(-3000, 6000))
        holder_dob = min(shifted, f.sent - timedelta(days=rng.randint(19 * 365, 40 * 365)))
    coverages: list[tuple[str, str, str, str, str, str]] = []
    if f.payer:
        relation = "Self" if f.subscriber is None else _holder_relation(f)
        coverages.append((f.payer, f.member_id or "", f.group or "", Writer.full(holder),
                          when(holder_dob), relation))  # fmt: skip
        for payer, pattern in rng.sample(SECONDARY_PAYERS, rng.choice((1, 1, 2))):
            coverages.append((payer, _fill(rng, pattern), "", Writer.full(f.patient),
                              when(f.dob), "Self"))  # fmt: skip
    order = ("1", "2", "3") if numbered else ("Primary", "Secondary", "Tertiary")
    rows = (
        "".join(
            f"<tr><td>{order[i]}</td>"
            + "".join(f"<td>{esc(v) or '&nbsp;'}</td>" for v in row)
            + "</tr>"
            for i, row in enumerate(coverages)
        )
        or "<tr><td colspan='7'>No coverage on file - patient is self-pay</td></tr>"
    )
    insurance = (
        "<h3>Insurance on file</h3><table class='grid small'><tr>"
        + "".join(
            f"<th>{h}</th>"
            for h in ("COB", "Payer", "Member ID", "Group", "Subscriber", "Subscriber DOB", "Rel.")
        )  # fmt: skip
        + f"</tr>{rows}</table>"
    )
    urgency = {"stat": "Emergent (same day)", "urgent": "Urgent (72 hours)",
               "routine": "Standard (14 days)"}.get(f.urgency or "", "")  # fmt: skip
    return [
        f"<p class='small right'>{esc(r.practice)} - Referral &amp; Authorization Office</p>"
        f"<h1>Specialist Referral / Authorization Request</h1>"
        f"<p class='small'>Request date {esc(when(f.sent))} &nbsp; Prepared by "
        f"{esc(Writer.full(f.sender))}, {c.phone(f.sender_phone)}</p>"
        + facesheet(
            "Patient demographics",
            [
                ("Patient name", esc(Writer.full(f.patient))),
                ("Birth date", esc(when(f.dob))),
                ("Sex", esc(_sex(f))),
                ("Residence", _line_address(c)),
                ("Telephone", c.phone(f.phone)),
                ("E-mail", esc(f.email or "")),
                ("Account #", esc(f.mrn)),
            ],
        )
        + insurance
        + facesheet(
            "Referring provider",
            [
                ("Provider", esc(f"{Writer.full(r.person)}, {r.credential}")),
                ("Individual NPI", r.npi),
                ("Practice", esc(r.practice)),
                ("Telephone", c.phone(r.phone)),
                ("Fax", c.phone(r.fax)),
            ],
        )
        + facesheet(
            "Referred to",
            [
                ("Specialist", esc(f"{Writer.full(f.other_doctor)}, MD")),
                ("Facility", esc(f.receiver)),
                ("Scheduling phone", c.phone(f.receiver_phone)),
                ("Fax", c.phone(f.receiver_fax)),
            ],
        )
        + facesheet(
            "Services requested",
            [
                ("Specialty", esc(f.reason.specialty)),
                ("Diagnosis codes", esc(" | ".join(f.codes))),
                ("Clinical reason", esc(f.reason.text)),
                ("Review type", esc(urgency)),
                ("Visits", str(rng.randint(1, 8))),
            ],
        )
    ]


def _coverage_rows_omit(f: Facts, rng: random.Random) -> Facts:
    return _fifth(f, rng)


# -- routing slip: clinic shorthand, referrer stamp, tear-off patient copy ---------------------


def _slip(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    a = r.address
    sex = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    urgency = {"stat": "STAT", "urgent": "Urg.", "routine": "Rout."}.get(f.urgency or "", "")

    def line(*pairs: tuple[str, str]) -> str:
        cells = [f"<b>{esc(k)}</b>&nbsp; {v}" for k, v in pairs if v]
        return "<p>" + " &nbsp;&nbsp;&nbsp;&nbsp; ".join(cells) + "</p>" if cells else ""

    stamp = (
        "<td width='42%' style='border: 1.4pt solid #000; padding: 4pt'>"
        f"<b>{esc(r.practice.upper())}</b><br/>"
        f"{esc(Writer.full(r.person))}, {esc(r.credential)}<br/>"
        f"<span class='small'>{esc(a.line1)}, {esc(a.city)} {esc(a.state)} {esc(a.zip)}<br/>"
        f"Ph# {c.phone(r.phone)} &nbsp; Fax# {c.phone(r.fax)}<br/>NPI# {r.npi}</span></td>"
    )
    name = Writer.last_first(f.patient, upper=rng.random() < 0.5)
    return [
        "<table><tr><td>"
        f"<h1>REFERRAL SLIP</h1><p>Date&nbsp; {esc(_short(f.sent))}</p>"
        "<p class='small'>Office copy - fax to specialist with notes</p></td>"
        + stamp
        + "</tr></table><hr/>"
        + line(("Pt. Name", esc(name)), ("D.O.B", esc(_short(f.dob))), ("Sex", sex))
        + line(("Addr.", _line_address(c)))
        + line(("Ph#", c.phone(f.phone)), ("Email", esc(f.email or "")))
        + line(
            ("Ins.", esc(f.payer or "Self pay")),
            ("Ins. ID#", esc(f.member_id or "")),
            ("Grp#", esc(f.group or "")),
        )  # fmt: skip
        + line(("Ref. to", esc(f"{f.reason.specialty} - {f.receiver}")))
        + line(("Ref. Dr.", esc(f"{Writer.full(r.person)}, {r.credential}")), ("NPI#", r.npi))
        + line(("Dx", esc(", ".join(f.codes))))
        + line(("Rsn", esc(f.reason.text)))
        + line(("Pri.", urgency))
        + "<p>&nbsp;</p><p class='center small'>- - - - - - - - - - - - - - - - - - - - "
        "(tear here) - - - - - - - - - - - - - - - - - - - -</p>"
        "<p><b>PATIENT COPY</b></p>"
        f"<p>{esc(Writer.full(f.patient))}, you have been referred to {esc(f.receiver)} "
        f"({esc(f.reason.specialty.lower())}). Please call {c.phone(f.receiver_phone)} within "
        "3 business days to book. Bring your insurance card, a photo ID and a list of your "
        "medications.</p>"
        f"<p class='small'>Questions about this referral: {c.phone(f.sender_phone)} "
        f"({esc(Writer.full(f.sender))}, referral coordinator)</p>"
    ]


def _slip_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(_fifth(f, rng), subscriber=None)


FIFTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("outgoing", _outgoing, _outgoing_omit,
               "EHR 'Outgoing Referral': small-caps labels, values right-aligned, blocks abreast"),
        Layout("pen_form", _pen_form, _pen_form_omit,
               "hand-filled form: italic values on underlines, comb boxes, check box grids"),
        Layout("story_letter", _story_letter, _story_letter_omit,
               "letter to a named specialist: details mid-letter, DOB in words, signature only"),
        Layout("guardian", _guardian, _guardian_omit,
               "pediatric: child, guardian (subscriber, own DOB and cell), emergency contact"),
        Layout("coverage_rows", _coverage_rows, _coverage_rows_omit,
               "authorization request: Primary/Secondary coverage rows, right-aligned labels"),
        Layout("slip", _slip, _slip_omit,
               "routing slip: 'Pt. Name', 'D.O.B', 'Ph#', referrer stamp, tear-off patient copy"),
    )
}  # fmt: skip
