"""An eighth held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``ed_followup``: a two-page emergency-department discharge packet: patient-facing
  instructions ("You were seen today by ...", "Follow up with ... call ... to schedule") with
  a patient label block in the top right corner, then the ED's outpatient referral order and
  the registration face sheet (address, coverage); the hospital is the referring practice;
- ``email_fwd``: an e-mail printout: a staff member forwards the referring clinician's
  message to the specialist's referral inbox ("FW:"), Outlook headers (From / Sent / To /
  Subject / Attachments), the original message quoted below with the facts as lines and
  the clinician's signature block, a confidentiality notice at the foot;
- ``caps_grid``: a form of ruled boxes, each label in ALL CAPS at the box's left and the
  value in mixed case beside it, boxes of unequal width three or four to a row, no colons;
- ``phone_note``: an EHR telephone-encounter printout: the patient (or a relative, with a
  number of their own) calls asking for a referral, the nurse's triage note, the
  clinician's reply and the order placed, the practice named only in the page footer;
- ``ipa_approval``: a two-page medical group (IPA) referral authorization notice, approved,
  sent to the specialist: authorization number, validity dates, visits approved, the IPA's
  own utilization-management phone and fax and reviewer; page 2 is the PCP's request as
  submitted;
- ``bilingual``: a community health center's bilingual referral form, every label in
  Spanish with the English beneath in small italics ("Fecha de nacimiento / Date of
  birth"), the answers in English, an interpreter line.

Names, places, payers and practices come from lists no other layout uses (``_CAST``);
dates run "03.14.1961", "Mar. 14, 1961" (AP month abbreviations: "March 14", "Sept. 3"),
"3-14-1961", "03/14/1961" or "14 Mar 1961"; phones run "(218) 555-0123", "2185550123",
"1 (218) 555-0123", "218-555-0123" or "218.555.0123", sometimes with ", ext. 204" (the
truth is the E.164 number without it).
"""

import dataclasses
import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, _fill, npi, phone
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

_FIRST_F = ("Seraphina", "Araceli", "Loretta", "Dagny", "Imelda", "Agatha", "Soledad",
            "Ludmila", "Beatrix", "Concepcion")  # fmt: skip
_FIRST_M = ("Horatio", "Quentin", "Lysander", "Alaric", "Cyprian", "Gideon", "Jasper",
            "Octavio", "Reginald", "Wendell")  # fmt: skip
_LAST = ("Haverkamp", "Prudhomme", "Strzelecki", "Tennyson", "Lockhart", "Ravensworth",
         "Zielinski", "McCorkle", "Duplessis", "O'Halloran", "Kwiatkowski", "Cromwell",
         "Dunleavy", "Etheridge", "Frobisher", "Gallardo", "Hollingsworth", "Iverson",
         "Jablonski", "Kearney", "Llewellyn", "Sandoval", "Thibodeaux", "Whitlock",
         "Yoder")  # fmt: skip
_PAYERS = (
    ("Arkansas Blue Cross and Blue Shield", "ARB{d9}", "{d6}"),
    ("AmeriHealth Caritas", "{d10}", None),
    ("AultCare", "AC{d8}", "{d5}"),
    ("Network Health", "NH{d9}", "{d6}"),
    ("Univera Healthcare", "UNV{d8}", "{d6}"),
    ("Sunshine Health", "{d10}", None),
    ("HMSA", "HMS{d9}", "{d5}"),
    ("Blue Cross Blue Shield of Arizona", "AZB{d9}", "{d6}"),
    ("Blue Cross and Blue Shield of Nebraska", "NEB{d9}", "{d6}"),
    ("Alliant Health Plans", "ALH{d8}", "{d5}"),
    ("Security Health Plan", "SHP{d8}", "{d6}"),
    ("Avera Health Plans", "AVH{d9}", "{d6}"),
    ("Health Alliance Plan", "HAP{d9}", "{d7}"),
    ("Hometown Health", "HTH{d8}", None),
)
_PRACTICES = ("Quaking Aspen Family Practice", "Coldwater Internal Medicine Associates",
              "Meadowlark Primary Care", "Juneberry Medical Clinic",
              "Bayou Bend Family Physicians")  # fmt: skip
_CHCS = ("Cottonwood Flats Community Health Center", "Valle del Sol Clinica Familiar",
         "Sweetwater Creek Community Health Center")  # fmt: skip
_HOSPITALS = ("Saint Brendan Regional Medical Center", "Prairie Rose Memorial Hospital",
              "Mercy Hollow Medical Center")  # fmt: skip
_IPAS = ("Tri-County Independent Physician Association", "Sunbelt Physicians Medical Group")
_CITIES = (("Green Bay", "WI", "543"), ("Concord", "NH", "033"), ("Huntington", "WV", "257"),
           ("Pensacola", "FL", "325"), ("Amarillo", "TX", "791"), ("Muncie", "IN", "473"),
           ("Peoria", "IL", "616"), ("Rockford", "IL", "611"), ("Waco", "TX", "767"),
           ("Abilene", "TX", "796"), ("Roanoke", "VA", "240"), ("Augusta", "GA", "309"),
           ("Ogden", "UT", "844"), ("Laredo", "TX", "780"), ("Akron", "OH", "443"),
           ("Toledo", "OH", "436"), ("Saginaw", "MI", "486"), ("Oshkosh", "WI", "549"),
           ("Eau Claire", "WI", "547"), ("Mankato", "MN", "560"), ("Dothan", "AL", "363"),
           ("Tupelo", "MS", "388"), ("Hattiesburg", "MS", "394"),
           ("Paducah", "KY", "420"))  # fmt: skip
_STREETS = ("Tanglewood Dr", "Buckeye Rd", "W Poplar Ave", "Wren Hollow Ct", "Stonegate Blvd",
            "E Sumac St", "Cranberry Trl", "Dogwood Bend", "Bittersweet Ln",
            "Turkey Run Rd")  # fmt: skip
_LINE2 = ("Apt 2F", "Unit 14", "Bldg C", "Trlr 9", "Apt 310")
_AREAS = ("920", "603", "304", "765", "309", "815", "254", "325", "540", "706", "801", "956",
          "330", "419", "715", "334", "662", "601", "270")  # fmt: skip
_EMAIL_DOMAINS = ("yahoo.com", "aol.com", "protonmail.com", "sbcglobal.net", "hotmail.com")


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first)
    last = people.ascii_letters(patient.last)
    local = rng.choice((f"{first}{last}", f"{first[0]}{last}", f"{last}.{first}"))
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
    middles="ACEGKLMRSTV",
    lowest=2,
)

# -- how this set writes values ----------------------------------------------------------------

# The Associated Press abbreviates these months and spells out the rest.
_AP = {1: "Jan.", 2: "Feb.", 8: "Aug.", 9: "Sept.", 10: "Oct.", 11: "Nov.", 12: "Dec."}


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 03.14.1961, Mar. 14, 1961 (AP style), 3-14-1961,
    03/14/1961, 14 Mar 1961."""
    month = _AP.get(d.month, MONTHS[d.month - 1])
    return (
        f"{d.month:02d}.{d.day:02d}.{d.year}",
        f"{month} {d.day}, {d.year}",
        f"{d.month}-{d.day}-{d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    )


def _date(d: date, style: int) -> str:
    return date_forms(d)[style]


_PHONE_FORMS = (
    "({a}) {b}-{c}",
    "{d}",
    "1 ({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
)


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    return extension(rng, 0.5, (", ext. ", " Ext ", " opt "), 499)


def _sex_word(f: Facts) -> str:
    return sex_word(f, "X (nonbinary)")


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(k)} {esc(described[k])}" for k in c.f.codes)


# -- 1. emergency department discharge: instructions, then the referral order ---------------

_FOLLOW = {"stat": "today - the on-call specialist has been called (STAT)",
           "urgent": "within 2 to 3 days (URGENT)",
           "routine": "within 2 to 4 weeks (routine)"}  # fmt: skip


def _ed_followup(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    ra = r.address
    csn = f"{rng.randint(10**9, 10**10 - 1)}"
    arrived = f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
    nurse = f.sender
    label = (
        "<table class='box' width='42%' style='font-family: Courier; font-size: 8pt'><tr><td>"
        f"{esc(Writer.last_first(f.patient, upper=True))}<br/>"
        f"DOB {esc(_date(f.dob, ds))} &nbsp; {f.age}Y {esc(f.sex or '')}<br/>"
        f"MRN {esc(f.mrn)} &nbsp; CSN {csn}<br/>"
        f"ATT: {esc(r.person.last.upper())}, {esc(r.person.first.upper())}"
        "</td></tr></table>"
    )
    head = (
        f"<table><tr><td width='58%'><b>{esc(r.practice)}</b><br/><span class='small'>"
        f"Emergency Department<br/>{esc(ra.line1)}, {esc(ra.city)}, {esc(ra.state)} "
        f"{esc(ra.zip)}<br/>ED main {_phone(r.phone, ps)} &middot; ED fax "
        f"{_phone(r.fax, ps)}</span></td><td>{label}</td></tr></table>"
    )
    follow = _FOLLOW.get(f.urgency or "", "at the next available appointment")
    described = c.described()
    page1 = (
        head + "<h1>Discharge Instructions</h1>"
        f"<p>Visit date: {esc(_date(f.sent, ds))}, arrived {arrived}. You were seen today by "
        f"<b>{with_credential(r.person, r.credential)}</b> and nurse "
        f"{esc(Writer.full(nurse))}, RN.</p>"
        "<h2>Your diagnosis</h2><ul>"
        + "".join(f"<li>{esc(described[k])}</li>" for k in f.codes)
        + "</ul><h2>Follow-up care</h2>"
        f"<p>Follow up with <b>{esc(f.receiver)}</b> ({esc(f.reason.specialty)}) {esc(follow)}."
        f" Call {_phone(f.receiver_phone, ps)} to make your appointment. A referral has been "
        "sent for you.</p>"
        f"<p>If you do not have a primary care doctor, call {_phone(f.sender_phone, ps)} "
        "for help finding one.</p>"
        "<h2>Return to the Emergency Department if</h2><p class='small'>Your symptoms get "
        "worse, you have chest pain, trouble breathing, fainting, fever over 101&deg;F, or "
        "any new concern.</p>"
        "<h2>Medications</h2><p class='small'>Continue your home medications unless told "
        f"otherwise. {esc(rng.choice(people.MEDICATIONS))} as directed.</p>"
        "<p class='small'>I have received and understand these instructions.<br/>"
        "Patient / responsible party signature ______________________ &nbsp; Date ________</p>"
    )
    holder = f.subscriber or f.patient
    face = [
        ("Patient", esc(Writer.full(f.patient))),
        ("Date of birth", esc(_date(f.dob, ds))),
        ("Sex", esc(_sex_word(f))),
        ("Home phone", _phone(f.phone, ps)),
        ("E-mail", esc(f.email or "")),
        ("Address", one_line(f.address)),
        ("Primary payer", esc(f.payer or "SELF PAY")),
        ("Policy / member #", esc(f.member_id or "")),
        ("Group #", esc(f.group or "")),
        ("Guarantor / subscriber", esc(Writer.full(holder)) if f.payer else ""),
    ]
    rows = "".join(
        f"<tr><td class='lab' width='28%'>{k}</td><td>{v}</td></tr>" for k, v in face if v
    )
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    order = [
        ("Order", f"Ambulatory referral to {esc(f.reason.specialty)}"),
        ("Referral reason", esc(f.reason.text)),
        ("Diagnoses", _codes_described(c)),
        ("Priority", esc(urgency)),
        ("Refer to", f"{esc(f.receiver)} &middot; Ph {_phone(f.receiver_phone, ps)} &middot; "
                     f"Fax {_phone(f.receiver_fax, ps)}"),
        ("Ordering provider", f"{with_credential(r.person, r.credential)} &middot; NPI {r.npi}"),
        ("Ordered", f"{esc(_date(f.sent, ds))} {arrived[:2]}:{rng.randint(10, 59)}"),
    ]  # fmt: skip
    order_rows = "".join(
        f"<tr><td class='lab' width='28%'>{k}</td><td>{v}</td></tr>" for k, v in order if v
    )
    page2 = (
        head + "<h1>ED Referral Order</h1>"
        f"<table class='grid small'>{order_rows}</table>"
        "<h2>Registration face sheet</h2>"
        f"<table class='grid small'>{rows}</table>"
        "<p class='tiny'>Faxed to the receiving clinic by ED case management. Questions: "
        "ED case management, see ED main number above.</p>"
    )
    return [page1, page2]


def _ed_followup_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng, _HOSPITALS)
    credential = rng.choice(("MD", "DO", "MD", "PA-C", "NP"))
    return dataclasses.replace(f, referrer=dataclasses.replace(f.referrer, credential=credential))


# -- 2. e-mail printout: a forwarded message ------------------------------------------------


def _domain(practice: str) -> str:
    words = [w for w in practice.lower().replace("-", " ").split() if w.isalpha()]
    return "".join(w[0] for w in words[:-1]) + words[-1][:6] + ".org"


def _sent_stamp(d: date, rng: random.Random) -> str:
    hour = rng.randint(7, 17)
    clock = f"{(hour - 1) % 12 + 1}:{rng.randint(0, 59):02d} {'AM' if hour < 12 else 'PM'}"
    return f"{d.strftime('%A')}, {MONTHS[d.month - 1]} {d.day}, {d.year} {clock}"


def _email_fwd(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    domain = _domain(r.practice)
    staff = f.sender
    staff_mail = f"{people.ascii_letters(staff.first)[0]}{people.ascii_letters(staff.last)}"
    doctor_mail = f"{people.ascii_letters(r.person.first)}.{people.ascii_letters(r.person.last)}"
    inbox = "referrals@" + _domain(f.receiver)
    written = f.sent - timedelta(days=rng.randint(0, 2))
    urgency = urgency_word(f, ("STAT", "URGENT", "Routine"))
    subject = (
        f"FW: {urgency + ' ' if urgency else ''}referral - {f.reason.specialty} - "
        f"{f.patient.last}, {f.patient.first}"
    )

    def header(rows: list[tuple[str, str]]) -> str:
        return "<table class='small'>" + "".join(
            f"<tr><td width='14%'><b>{k}:</b></td><td>{v}</td></tr>" for k, v in rows if v
        ) + "</table>"  # fmt: skip

    lines = [
        ("Patient", esc(Writer.full(f.patient))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Sex", esc(_sex_word(f))),
        ("Phone", _phone(f.phone, ps)),
        ("Email", esc(f.email or "")),
        ("Address", one_line(f.address)),
        ("Insurance", esc(f.payer or "none - self pay")),
        ("Member ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
        ("Reason", esc(f.reason.text)),
        ("ICD-10", esc(", ".join(f.codes))),
        ("Priority", esc(urgency)),
    ]
    facts = "<br/>".join(f"{k}: {v}" for k, v in lines if v)
    signature = (
        f"{with_credential(r.person, r.credential)}<br/>{esc(r.practice)}<br/>NPI {r.npi}<br/>"
        f"P: {_phone(r.phone, ps, _extension(rng))} | F: {_phone(r.fax, ps)}<br/>"
        f"{esc(r.address.line1)}, {esc(r.address.city)}, {esc(r.address.state)} "
        f"{esc(r.address.zip)}"
    )
    return [
        f"<p class='small'><b>{esc(Writer.full(staff))}</b></p><hr/>"
        + header(
            [
                ("From", f"{esc(Writer.full(staff))} &lt;{esc(staff_mail)}@{domain}&gt;"),
                ("Sent", esc(_sent_stamp(f.sent, rng))),
                ("To", f"{esc(f.receiver)} Referrals &lt;{inbox}&gt;"),
                ("Cc", f"{esc(Writer.full(r.person))} &lt;{esc(doctor_mail)}@{domain}&gt;"),
                ("Subject", esc(subject)),
                (
                    "Attachments",
                    f"{esc(people.ascii_letters(f.patient.last))}_notes.pdf; "
                    "ins_card_front_back.jpg",
                ),
            ]
        )  # fmt: skip
        + "<p>&nbsp;</p><p>Good afternoon,</p>"
        f"<p>Please see the referral below from {esc(Writer.full(r.person))}. Office notes "
        "and the insurance card are attached. Let me know if you need anything else to "
        f"schedule. You can reach me at {_phone(f.sender_phone, ps)}.</p>"
        f"<p>Thank you,<br/>{esc(Writer.full(staff))}<br/>Referral Coordinator</p>"
        "<hr/>"
        + header(
            [
                ("From", f"{esc(Writer.full(r.person))} &lt;{esc(doctor_mail)}@{domain}&gt;"),
                ("Sent", esc(_sent_stamp(written, rng))),
                ("To", f"{esc(Writer.full(staff))} &lt;{esc(staff_mail)}@{domain}&gt;"),
                ("Subject", esc(f"referral - {f.reason.specialty}")),
            ]
        )  # fmt: skip
        + f"<p>&nbsp;</p><p>{esc(staff.first)}, please send a referral to "
        f"{esc(f.receiver)} ({esc(f.reason.specialty)}) for this patient:</p>"
        f"<p>{facts}</p>"
        f"<p>{esc(f.reason.note)}</p>"
        f"<p>Thanks,</p><p class='small'>{signature}</p>"
        "<p class='tiny'>CONFIDENTIALITY NOTICE: This e-mail, including any attachments, may "
        "contain protected health information. If you are not the intended recipient, notify "
        "the sender and delete it.</p>"
    ]


def _email_fwd_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 3. ruled boxes, labels in capitals at the left of each -----------------------------------


def _caps_grid(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    a = f.address
    auth = f"{rng.choice('ABR')}{rng.randint(10**6, 10**7 - 1)}" if f.payer else "N/A"

    def box(label: str, value: str, span: int = 1) -> str:
        cols = f" colspan='{span}'" if span > 1 else ""
        return (
            f"<td{cols}><span style='font-size: 6.5pt'><b>{esc(label)}</b></span>&nbsp; "
            f"{value or '&nbsp;'}</td>"
        )

    def row(*cells: str) -> str:
        return "<tr>" + "".join(cells) + "</tr>"

    urgency = urgency_word(f, ("Stat", "Urgent", "Routine"))
    rows = [
        "<tr><th colspan='4'>PATIENT INFORMATION</th></tr>",
        row(box("PATIENT LAST NAME", esc(f.patient.last), 2), box("FIRST", esc(f.patient.first)),
            box("M.I.", esc((f.patient.middle or "").rstrip(".")))),
        row(box("BIRTH DATE", esc(_date(f.dob, ds))), box("SEX", esc(_sex_word(f))),
            box("PRIMARY PHONE", _phone(f.phone, ps), 2)),
        row(box("HOME ADDRESS", esc(a.line1) if a else "", 2),
            box("APT / UNIT", esc(a.line2 or "") if a else ""),
            box("E-MAIL", esc(f.email or ""))),
        row(box("CITY", esc(a.city) if a else "", 2), box("STATE", esc(a.state) if a else ""),
            box("ZIP CODE", esc(a.zip) if a else "")),
        "<tr><th colspan='4'>INSURANCE</th></tr>",
        row(box("PLAN NAME", esc(f.payer or "Uninsured"), 2),
            box("MEMBER NO.", esc(f.member_id or "")), box("GROUP NO.", esc(f.group or ""))),
        row(box("POLICY HOLDER IF NOT PATIENT",
                esc(Writer.full(f.subscriber)) if f.subscriber else "", 2),
            box("AUTHORIZATION NO.", auth, 2)),
        "<tr><th colspan='4'>REFERRING PHYSICIAN</th></tr>",
        row(box("NAME", with_credential(r.person, r.credential), 2), box("NPI", r.npi, 2)),
        row(box("PRACTICE", esc(r.practice), 2), box("TELEPHONE", _phone(r.phone, ps)),
            box("FAX", _phone(r.fax, ps))),
        "<tr><th colspan='4'>REFERRAL</th></tr>",
        row(box("REFERRED TO", esc(f.receiver), 2), box("SPECIALTY", esc(f.reason.specialty)),
            box("PRIORITY", esc(urgency))),
        row(box("REASON FOR REFERRAL", esc(f.reason.text), 4)),
        row(box("ICD-10 DIAGNOSIS CODES", _codes_described(c), 4)),
        row(box("DATE OF REQUEST", esc(_date(f.sent, ds))),
            box("CONTACT PERSON", esc(Writer.full(f.sender))),
            box("CONTACT PHONE", _phone(f.sender_phone, ps), 2)),
    ]  # fmt: skip
    return [
        "<p class='center'><b>SPECIALTY REFERRAL REQUEST</b><br/><span class='tiny'>PLEASE "
        "TYPE OR PRINT CLEARLY. ATTACH PERTINENT RECORDS.</span></p>"
        "<table class='grid' style='font-size: 9pt'>"
        "<tr><td width='25%'></td><td width='25%'></td><td width='25%'></td>"
        "<td width='25%'></td></tr>" + "".join(rows) + "</table>"
        "<p class='tiny'>REV. 04/2025 &nbsp; FORM REF-100</p>"
    ]


def _caps_grid_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 4. telephone encounter ------------------------------------------------------------------


def _phone_note(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    ra = r.address
    relative_calls = rng.random() < 0.5
    relative_phone = phone(rng, rng.choice(_AREAS))
    if relative_calls:
        caller = f"{esc(Writer.full(f.relative))} ({esc(f.relation)})"
        callback = f"{_phone(relative_phone, ps)} (caller's cell)"
    else:
        caller = "Patient"
        callback = _phone(f.phone, ps) or _phone(relative_phone, ps)
    nurse = f.sender
    urgency = urgency_word(f, ("STAT", "urgent", "routine"))
    banner = " &nbsp;|&nbsp; ".join(
        part
        for part in (
            f"<b>{esc(Writer.last_first(f.patient))}</b>",
            f"DOB {esc(_date(f.dob, ds))} ({f.age} y.o.)",
            esc(_sex_word(f)),
            f"MRN {esc(f.mrn)}",
            f"Home {_phone(f.phone, ps)}" if f.phone else "",
        )
        if part
    )
    called = f"{esc(_date(f.sent, ds))} {rng.randint(8, 16)}:{rng.randint(0, 59):02d}"
    demo = [
        ("Address", one_line(f.address)),
        ("E-mail", esc(f.email or "")),
        ("Coverage", esc(f.payer or "Self-pay")),
        ("Member ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
    ]
    demo_rows = "".join(
        f"<tr><td width='20%' class='small'>{k}</td><td class='small'>{v}</td></tr>"
        for k, v in demo
        if v
    )
    return [
        "<h1>Telephone Encounter</h1>"
        f"<p class='small' style='background-color: #e8e8e8'>{banner}</p>"
        "<table class='small'>"
        f"<tr><td width='20%'>Call date/time</td><td>{called}</td></tr>"
        f"<tr><td>Caller</td><td>{caller}</td></tr>"
        f"<tr><td>Call back #</td><td>{callback}</td></tr>"
        "<tr><td>Reason for call</td><td>Referral request</td></tr></table>"
        "<h3>Message</h3>"
        f"<p class='small'>Caller asking for a referral to {esc(f.reason.specialty)}. "
        f"{esc(f.reason.note)} Prefers {esc(f.receiver)}.</p>"
        f"<p class='small'><i>{esc(Writer.full(nurse))}, RN &middot; {called}</i></p>"
        "<h3>Provider response</h3>"
        f"<p class='small'>OK to refer. Reason: {esc(f.reason.text)}."
        + (f" Please mark it {esc(urgency)}." if urgency else "")
        + "</p>"
        f"<p class='small'><i>Electronically signed by {with_credential(r.person, r.credential)} "
        f"(NPI {r.npi})</i></p>"
        "<h3>Orders placed this encounter</h3>"
        "<table class='grid small'><tr><th>Order</th><th>Diagnoses</th><th>Priority</th>"
        "<th>Refer to</th></tr>"
        f"<tr><td>Ambulatory referral to {esc(f.reason.specialty)}</td>"
        f"<td>{_codes_described(c, '<br/>')}</td><td>{esc(urgency or 'Not specified')}</td>"
        f"<td>{esc(f.receiver)}<br/>Fax {_phone(f.receiver_fax, ps)}</td></tr></table>"
        "<h3>Patient demographics</h3>"
        f"<table>{demo_rows}</table>"
        f"<p class='small'>Disposition: {esc(Writer.full(nurse))}, RN called "
        f"{'caller' if relative_calls else 'patient'} back; referral faxed.</p>"
        "<hr/><p class='tiny'>"
        f"{esc(r.practice)} &middot; {esc(ra.line1)}, {esc(ra.city)}, {esc(ra.state)} "
        f"{esc(ra.zip)} &middot; Tel {_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}"
        f" &middot; Printed {esc(_date(f.sent, ds))}</p>"
    ]


def _phone_note_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 5. medical group (IPA) authorization notice, the request behind it ---------------------


def _ipa_approval(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    ipa = rng.choice(_IPAS)
    um_phone, um_fax = phone(rng, rng.choice(_AREAS)), phone(rng, rng.choice(_AREAS))
    number = f"{f.sent.year}{rng.randint(10**6, 10**7 - 1)}"
    start = f.sent
    end = f.sent + timedelta(days=rng.choice((60, 90, 180)))
    visits = rng.randint(1, 6)
    specialist = f.other_doctor
    reviewer = _CAST.person(rng)
    spec_npi = npi(rng)

    def rows(items: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab' width='30%'>{k}</td><td>{v}</td></tr>" for k, v in items if v
        ) + "</table>"  # fmt: skip

    head = (
        f"<table><tr><td><h1>{esc(ipa)}</h1><span class='small'>Utilization Management "
        f"&middot; Phone {_phone(um_phone, ps)} &middot; Fax {_phone(um_fax, ps)}</span></td>"
        f"<td class='right small'>Authorization # <b>{number}</b><br/>Page {{n}} of 2</td>"
        "</tr></table><hr/>"
    )
    page1 = (
        head.format(n=1) + f"<p>{esc(_date(f.sent, ds))}</p>"
        f"<p>To: {esc(Writer.full(specialist))}, MD, {esc(f.receiver)}<br/>"
        f"Fax: {_phone(f.receiver_fax, ps)}</p>"
        "<h2>REFERRAL AUTHORIZATION - APPROVED</h2>"
        "<p class='small'>The services below have been approved for the member named. "
        "Authorization is not a guarantee of payment; eligibility is verified on the date of "
        "service.</p>"
        + rows(
            [
                ("Member", esc(Writer.full(f.patient))),
                ("Member DOB", esc(_date(f.dob, ds))),
                ("Health plan", esc(f.payer)),
                ("Member ID", esc(f.member_id)),
                ("Group", esc(f.group or "")),
                (
                    "Requesting provider (PCP)",
                    f"{with_credential(r.person, r.credential)}, NPI {r.npi}",
                ),
                (
                    "PCP office",
                    f"{esc(r.practice)} &middot; Tel {_phone(r.phone, ps)} &middot; "
                    f"Fax {_phone(r.fax, ps)}",
                ),
                (
                    "Referred to",
                    f"{esc(Writer.full(specialist))}, MD ({esc(f.reason.specialty)}), "
                    f"NPI {spec_npi}",
                ),
                (
                    "Specialist office",
                    f"{esc(f.receiver)} &middot; Tel {_phone(f.receiver_phone, ps)}",
                ),
                (
                    "Services approved",
                    f"Office consultation and up to {visits} follow-up visit(s); CPT 99204, 99214",
                ),
                ("Valid", f"{esc(_date(start, ds))} through {esc(_date(end, ds))}"),
                ("Diagnosis", _codes_described(c)),
            ]
        )  # fmt: skip
        + f"<p class='small'>Reviewed by {esc(Writer.full(reviewer))}, RN, UM Coordinator. "
        "Please send the consultation report to the PCP within 14 days.</p>"
        f"<p class='tiny'>cc: {esc(Writer.full(r.person))}, {esc(r.credential)} (PCP); "
        "member file</p>"
    )
    urgency = urgency_word(f, ("STAT / emergent", "Urgent", "Routine"))
    page2 = (
        head.format(n=2)
        + "<h2>Referral request as submitted by the PCP office</h2>"
        + rows(
            [
                ("Patient name", esc(Writer.last_first(f.patient))),
                ("Date of birth", esc(_date(f.dob, ds))),
                ("Sex", esc(_sex_word(f))),
                ("Phone", _phone(f.phone, ps)),
                ("E-mail", esc(f.email or "")),
                ("Address", one_line(f.address)),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                ("Requested specialty", esc(f.reason.specialty)),
                ("Reason for referral", esc(f.reason.text)),
                ("Clinical summary", esc(f.reason.note)),
                ("ICD-10", esc(", ".join(f.codes))),
                ("Urgency", esc(urgency)),
                (
                    "Submitted by",
                    f"{esc(Writer.full(f.sender))} for {with_credential(r.person, r.credential)}",
                ),
                ("Submitted", esc(_date(f.sent - timedelta(days=rng.randint(1, 3)), ds))),
                ("Callback", _phone(f.sender_phone, ps, _extension(rng))),
            ]
        )  # fmt: skip
    )
    return [page1, page2]


def _ipa_approval_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng)
    if f.payer is None:  # an IPA authorizes for a health plan: the member is always covered
        payer, member, group = rng.choice(_PAYERS)
        f = dataclasses.replace(
            f, payer=payer, member_id=_fill(rng, member), group=group and _fill(rng, group)
        )
    return f


# -- 6. bilingual (Spanish / English) community health center form --------------------------


def _bilingual(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 2, 3)), rng.randrange(5)
    a = f.address
    ra = r.address

    def label(spanish: str, english: str) -> str:
        return f"<b>{esc(spanish)}</b><br/><span class='tiny'><i>{esc(english)}</i></span>"

    def rows(items: list[tuple[str, str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td width='34%'>{label(s, e)}</td><td>{v or '&nbsp;'}</td></tr>"
            for s, e, v in items
        ) + "</table>"  # fmt: skip

    sexes = {"F": "Femenino / Female", "M": "Masculino / Male", "X": "X / X (nonbinary)",
             "U": "Desconocido / Unknown"}  # fmt: skip
    urgency = urgency_word(f, ("Emergente / STAT", "Urgente / Urgent", "Rutina / Routine"))
    return [
        f"<table><tr><td><h1>{esc(r.practice)}</h1><span class='small'>{esc(ra.line1)}, "
        f"{esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>Tel. {_phone(r.phone, ps)} "
        f"&middot; Fax {_phone(r.fax, ps)}</span></td><td class='right'><b>Referencia a "
        "especialista</b><br/><span class='small'><i>Specialist referral</i></span></td>"
        "</tr></table><hr/>"
        "<h2>Paciente / Patient</h2>"
        + rows(
            [
                ("Apellido(s)", "Last name", esc(f.patient.last)),
                (
                    "Nombre(s)",
                    "First name",
                    esc(Writer.full(Person(f.patient.first, "", f.patient.middle)).strip()),
                ),
                ("Fecha de nacimiento", "Date of birth", esc(_date(f.dob, ds))),
                ("Sexo", "Sex", esc(sexes.get(f.sex or "", ""))),
                ("Teléfono", "Phone", _phone(f.phone, ps)),
                ("Correo electrónico", "Email", esc(f.email or "")),
                ("Dirección", "Address", one_line(f.address) if a else ""),
                (
                    "Idioma preferido",
                    "Preferred language",
                    rng.choice(("Español / Spanish", "Inglés / English")),
                ),
                ("¿Necesita intérprete?", "Interpreter needed", rng.choice(("Sí / Yes", "No"))),
            ]
        )
        + "<h2>Seguro médico / Insurance</h2>"
        + rows(
            [
                (
                    "Compañía de seguro",
                    "Insurance company",
                    esc(f.payer or "Sin seguro / Uninsured"),
                ),
                ("Número de miembro", "Member ID", esc(f.member_id or "")),
                ("Número de grupo", "Group number", esc(f.group or "")),
                (
                    "Titular de la póliza",
                    "Policy holder",
                    esc(Writer.full(f.subscriber)) if f.subscriber else "",
                ),
            ]
        )
        + "<h2>Referencia / Referral</h2>"
        + rows(
            [
                (
                    "Médico que refiere",
                    "Referring provider",
                    with_credential(r.person, r.credential),
                ),
                ("NPI", "NPI", r.npi),
                (
                    "Referido a",
                    "Referred to",
                    f"{esc(f.receiver)} ({esc(f.reason.specialty)}) "
                    f"&middot; Tel. {_phone(f.receiver_phone, ps)}",
                ),
                ("Motivo de la referencia", "Reason for referral", esc(f.reason.text)),
                ("Diagnóstico (CIE-10)", "Diagnosis (ICD-10)", _codes_described(c)),
                ("Prioridad", "Priority", esc(urgency)),
                ("Fecha", "Date", esc(_date(f.sent, ds))),
            ]
        )  # fmt: skip
        + f"<p class='tiny'>Coordinadora de referencias / Referral coordinator: "
        f"{esc(Writer.full(f.sender))}, {_phone(f.sender_phone, ps)}</p>"
    ]


def _bilingual_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng, _CHCS)


EIGHTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("ed_followup", _ed_followup, _ed_followup_omit,
               "ED discharge instructions with a corner label, then the ED referral order"),
        Layout("email_fwd", _email_fwd, _email_fwd_omit,
               "e-mail printout: forwarded message, Outlook headers, signature block"),
        Layout("caps_grid", _caps_grid, _caps_grid_omit,
               "ruled boxes, CAPITAL labels at the left of mixed-case values, no colons"),
        Layout("phone_note", _phone_note, _phone_note_omit,
               "telephone encounter: caller, triage, provider reply, practice in footer"),
        Layout("ipa_approval", _ipa_approval, _ipa_approval_omit,
               "medical group authorization notice to the specialist, request on page 2"),
        Layout("bilingual", _bilingual, _bilingual_omit,
               "community health center form, Spanish labels over English ones"),
    )
}  # fmt: skip
