"""A seventh held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``va_ccn``: a two-page VA community-care referral / authorization: the Veteran (ICN as
  the member id, the last four of the SSN beside it), a referral number, an SEOC, an
  authorization period, a third-party administrator beside the payer, the community provider's
  own phone and fax; the referring VA provider and the consult on page 2, next to the
  Community Care office's staff member and number;
- ``econsult``: a telehealth e-consult request that the specialist converted to a visit: the
  clinical question for the specialist, the requesting clinician's block, a thread with the
  specialist's reply (a name, credential and date of their own);
- ``greenbar``: a dot-matrix practice-management printout: fixed-width monospace columns,
  column captions in a header row with dashes under them and the values on the line below,
  everything in capitals and abbreviated ("REF PROV", "PRI", "OFC FAX");
- ``receiver_form``: the receiving clinic's own pre-printed referral form (its name, phone
  and fax at the top as the letterhead), filled in by the referring office in a typewriter
  face: referring provider first, the patient's city, state and ZIP in cells of their own;
- ``rx_pad``: a referral written on a group prescription pad: two or three physicians of the
  practice printed at the top with their NPIs and DEA numbers, the writer's box checked; the
  practice's demographics print-out (insurance) under the pad on the same page;
- ``ccda``: a two-page transition-of-care summary rendered from a C-CDA: the patient header
  with "tel:+1-..." telecoms and an OID beside the MRN, author / custodian / information
  recipient rows, a "Reason for Referral" section, a problems table, a payers table.

Names, places, payers and practices come from lists no other layout uses (``_CAST``);
dates run "3/14/1961", "03-14-1961", "March 14th, 1961", "MAR 14 1961" or (a year 1935-1999)
"3/14/61"; phones run "(218)555-0123", "218 555 0123", "+1 218-555-0123", "218/555-0123",
sometimes with an extension (the truth is the E.164 number without it).
"""

import dataclasses
import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, npi
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

_FIRST_F = ("Yevgenia", "Maribel", "Noor", "Rosamund", "Esmeralda", "Bettina", "Hyacinth",
            "Winifred", "Jolene", "Cordelia")  # fmt: skip
_FIRST_M = ("Augustin", "Lucius", "Rafferty", "Percival", "Tobiah", "Osric", "Barnaby",
            "Evander", "Desmond", "Zebulon")  # fmt: skip
_LAST = ("Wojcik", "Abernethy", "Ostrowski", "Featherstone", "Rutherford", "Youngblood",
         "Cavanaugh", "Szymanski", "Blackwood", "Lindholm", "Aldana", "Oyama", "Brandvold",
         "Treadwell", "Pettigrew", "Villarreal", "Gunderson", "Kozlowski", "Ellingsen",
         "Chukwu", "Ruggiero", "Bergeron", "O'Shaughnessy", "Van Buskirk")  # fmt: skip
_PAYERS = (
    ("Horizon Blue Cross Blue Shield of New Jersey", "HZN{d9}", "{d6}"),
    ("Fidelis Care", "{d8}", None),
    ("MVP Health Care", "MVP{d8}", "{d6}"),
    ("Sentara Health Plans", "SNT{d9}", "{d5}"),
    ("Dean Health Plan", "DHP{d8}", None),
    ("HealthPartners", "HP{d9}", "{d6}"),
    ("PacificSource Health Plans", "PSR{d8}", "{d7}"),
    ("Moda Health", "MO{d9}", "{d6}"),
    ("BlueCross BlueShield of Tennessee", "ZCB{d9}", "{d7}"),
    ("Baylor Scott & White Health Plan", "BSW{d8}", "{d6}"),
    ("Neighborhood Health Plan of Rhode Island", "NHP{d9}", None),
    ("Clover Health", "CLV{d9}", None),
)
_PRACTICES = ("Ponderosa Family Health", "Three Rivers Internal Medicine",
              "Sandhill Primary Care", "Bluestem Medical Group", "Harbor Light Family Physicians",
              "Red Cedar Community Clinic")  # fmt: skip
_VA_FACILITIES = ("Tallgrass VA Health Care System", "Cascade Foothills VA Medical Center",
                  "Piedmont Ridge VA Medical Center")  # fmt: skip
_CITIES = (("Missoula", "MT", "598"), ("Tacoma", "WA", "984"), ("Rochester", "MN", "559"),
           ("Macon", "GA", "312"), ("Dayton", "OH", "454"), ("Scranton", "PA", "185"),
           ("Lubbock", "TX", "794"), ("Yakima", "WA", "989"), ("Helena", "MT", "596"),
           ("Pocatello", "ID", "832"), ("Dubuque", "IA", "520"), ("Joplin", "MO", "648"),
           ("Utica", "NY", "135"), ("Lynchburg", "VA", "245"), ("Asheville", "NC", "288"),
           ("Tallahassee", "FL", "323"), ("Shreveport", "LA", "711"), ("Medford", "OR", "975"),
           ("Kalamazoo", "MI", "490"), ("Bismarck", "ND", "585"))  # fmt: skip
_STREETS = ("Sycamore Ave", "Coyote Ridge Rd", "Wagon Wheel Ct", "Hummingbird Cir",
            "SE Alder St", "Persimmon Pl", "Old Stage Rd", "N Cottonwood Dr", "Quarry Hill Rd",
            "Bramblewood Ln")  # fmt: skip
_LINE2 = ("Apt 3C", "Unit B", "Apt 104", "Ste 12", "#6")
_AREAS = ("406", "253", "507", "478", "937", "570", "806", "360", "828", "850", "318", "541",
          "269")  # fmt: skip
_EMAIL_DOMAINS = ("comcast.net", "att.net", "gmx.com", "mail.com")


def _email(patient: Person, rng: random.Random) -> str:
    return (f"{people.ascii_letters(patient.first)}.{people.ascii_letters(patient.last)}"
             f"{rng.randint(1, 99)}@{rng.choice(_EMAIL_DOMAINS)}")  # fmt: skip


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
    middles="BCDFHJLMNPRW",
)

# -- how this set writes values ----------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 3/14/1961, 03-14-1961, March 14th, 1961, MAR 14 1961
    and, for a year a US reader cannot take for a later century, 3/14/61."""
    month = MONTHS[d.month - 1]
    forms: tuple[str, ...] = (
        f"{d.month}/{d.day}/{d.year}",
        f"{d.month:02d}-{d.day:02d}-{d.year}",
        f"{month} {_ordinal(d.day)}, {d.year}",
        f"{month[:3].upper()} {d.day:02d} {d.year}",
    )
    if 1935 <= d.year <= 1999:
        forms += (f"{d.month}/{d.day}/{d.year % 100:02d}",)
    return forms


def _date(d: date, style: int) -> str:
    forms = date_forms(d)
    return forms[style] if style < len(forms) else forms[0]


_PHONE_FORMS = (
    "({a}){b}-{c}",
    "{a} {b} {c}",
    "+1 {a}-{b}-{c}",
    "{a}/{b}-{c}",
)


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    return extension(rng, 0.5, (" x", " ext ", " Ext. "), 899, low=10)


def _sex_word(f: Facts) -> str:
    return sex_word(f, "Nonbinary (X)")


def _adult(f: Facts, rng: random.Random) -> Facts:
    if f.age >= 21:
        return f
    return dataclasses.replace(f, dob=date(1941, 1, 1) + timedelta(days=rng.randint(0, 365 * 58)))


# -- 1. VA community care referral / authorization ---------------------------------------------

_SEOC = {
    "Orthopedics": "ORTHOPEDIC SURGERY - GENERAL",
    "Cardiology": "CARDIOLOGY - EVALUATION AND TREATMENT",
    "Gastroenterology": "GASTROENTEROLOGY",
    "Neurology": "NEUROLOGY - COMPREHENSIVE",
    "Endocrinology": "ENDOCRINOLOGY",
    "Pulmonology": "PULMONARY - EVALUATION AND TREATMENT",
    "Dermatology": "DERMATOLOGY - GENERAL",
}


def _va_ccn(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    a = r.address
    referral_no = f"VA{rng.randint(10**9, 10**10 - 1):010d}"
    seoc = f"{_SEOC[f.reason.specialty]} 1.{rng.randint(0, 9)}.{rng.randint(1, 9)}"
    start = f.sent
    end = f.sent + timedelta(days=rng.choice((90, 120, 180)))
    last4 = f"{rng.randint(0, 9999):04d}"
    region = rng.randint(1, 5)
    tpa = "Optum Serve" if region <= 3 else "TriWest Healthcare Alliance"
    name = Writer.last_first(f.patient, upper=True)

    def rows(items: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab'>{esc(k)}</td><td>{v or '&nbsp;'}</td></tr>" for k, v in items
        ) + "</table>"  # fmt: skip

    head = (
        "<table><tr><td><b>Department of Veterans Affairs</b><br/>"
        f"<span class='small'>{esc(r.practice)} &middot; Office of Community Care<br/>"
        f"{esc(a.line1)}, {esc(a.city)}, {esc(a.state)} {esc(a.zip)}</span></td>"
        f"<td class='right small'>Referral #: <b>{referral_no}</b><br/>Page {{n}} of 2</td>"
        "</tr></table>"
    )
    urgency = urgency_word(f, ("STAT - Emergent", "Urgent (within 7 days)",
                           "Routine (within 30 days)"))  # fmt: skip
    page1 = (
        head.format(n=1) + "<h1>Community Care Referral / Authorization</h1>"
        "<p class='small'>This referral authorizes the care below under the VA MISSION Act. "
        "Care not listed requires a Request for Services (RFS).</p>"
        "<h2>Veteran</h2>"
        + rows(
            [
                ("Veteran name", esc(name)),
                ("Date of birth", esc(_date(f.dob, ds))),
                ("Sex", esc(_sex_word(f))),
                ("SSN (last 4)", f"XXX-XX-{last4}"),
                ("Member ID (ICN)", esc(f.member_id)),
                ("Phone", _phone(f.phone, ps)),
                ("Mailing address", one_line(f.address)),
            ]
        )
        + "<h2>Authorization</h2>"
        + rows(
            [
                ("Category of care", esc(f.reason.specialty.upper())),
                ("SEOC", esc(seoc)),
                ("Authorization period", f"{esc(_date(start, ds))} to {esc(_date(end, ds))}"),
                ("Visits authorized", str(rng.randint(1, 8))),
                ("Payer", esc(f.payer)),
                ("Third party administrator", f"{tpa} (CCN Region {region})"),
            ]
        )
        + "<h2>Community care provider</h2>"
        + rows(
            [
                ("Provider / facility", esc(f.receiver)),
                ("Phone", _phone(f.receiver_phone, ps)),
                ("Fax", _phone(f.receiver_fax, ps)),
            ]
        )
        + "<p class='small'>Return medical documentation within 30 days of the first "
        "appointment through HealthShare Referral Manager or by fax to the Community Care "
        "office.</p>"
    )
    described = c.described()
    dx = "".join(f"<tr><td>{esc(k)}</td><td>{esc(described[k])}</td></tr>" for k in f.codes)
    page2 = (
        head.format(n=2) + f"<p><b>Veteran:</b> {esc(name)} &nbsp; XXX-XX-{last4}</p>"
        "<h2>Referring VA provider</h2>"
        + rows(
            [
                ("Provider", with_credential(r.person, r.credential)),
                ("NPI", r.npi),
                ("Facility / clinic", esc(r.practice)),
                ("Clinic phone", _phone(r.phone, ps, _extension(rng))),
                ("Clinic fax", _phone(r.fax, ps)),
            ]
        )
        + "<h2>Consult</h2>"
        + rows(
            [
                ("Consult reason", esc(f.reason.text)),
                ("Urgency", esc(urgency)),
                ("Clinically indicated date", esc(_date(f.sent + timedelta(days=14), ds))),
                ("Pertinent history", esc(f.reason.note)),
            ]
        )
        + "<h3>Provisional diagnosis</h3><table class='grid small'><tr><th>ICD-10</th>"
        "<th>Description</th></tr>"
        + dx
        + "</table>"
        + f"<p class='small'>Community Care office contact: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps)}. Prepared {esc(_date(f.sent, ds))}.</p>"
    )
    return [page1, page2]


def _va_ccn_omit(f: Facts, rng: random.Random) -> Facts:
    f = _adult(_CAST.recast(f, rng), rng)
    insured = rng.random() < 0.97
    return dataclasses.replace(
        f,
        payer="VA Community Care Network" if insured else None,
        member_id=f"10{rng.randint(10**7, 10**8 - 1)}V{rng.randint(10**5, 10**6 - 1)}"
        if insured else None,
        group=None,
        subscriber=None,
        email=None,
        referrer=dataclasses.replace(
            f.referrer, practice=rng.choice(_VA_FACILITIES),
            credential=rng.choice(("MD", "DO", "NP")),
        ),
    )  # fmt: skip


# -- 2. telehealth e-consult, converted to a referral ------------------------------------------

_QUESTIONS = {
    "Orthopedics": "Is this patient a surgical candidate, or should we continue conservative care?",
    "Cardiology": "Please advise on further work-up and whether anticoagulation is indicated.",
    "Gastroenterology": "Does this warrant endoscopic evaluation, and how soon?",
    "Neurology": "Would you recommend imaging or a medication change before a visit?",
    "Endocrinology": "What regimen change would you suggest, and does this need a visit?",
    "Pulmonology": "What interval follow-up or biopsy would you recommend?",
    "Dermatology": "Can this be followed clinically, or does it need biopsy?",
}


def _econsult(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    number = f"EC-{rng.randint(100000, 999999)}"
    platform = rng.choice(("RubiconMD", "AristaMD", "ConsultLink"))
    specialist = f.other_doctor
    replied = f.sent - timedelta(days=rng.randint(0, 2))
    asked = replied - timedelta(days=rng.randint(1, 4))
    urgency = urgency_word(f, ("STAT (same day)", "Urgent (24 hours)", "Routine (3 business days)"))
    described = c.described()
    demographics = [
        ("Patient", esc(Writer.full(f.patient))),
        ("DOB", esc(_date(f.dob, ds))),
        ("Sex", esc(_sex_word(f))),
        ("MRN", esc(f.mrn)),
        ("Phone", _phone(f.phone, ps)),
        ("Email", esc(f.email or "")),
        ("Address", one_line(f.address)),
    ]
    if f.payer:
        coverage = f"{esc(f.payer)} &middot; Member ID {esc(f.member_id)}"
        coverage += f" &middot; Group {esc(f.group)}" if f.group else ""
        if f.subscriber:
            coverage += f" &middot; Subscriber {esc(Writer.full(f.subscriber))}"
    else:
        coverage = "Uninsured / self-pay"
    demographics.append(("Coverage", coverage))
    banner = "".join(
        f"<tr><td width='18%' class='small'><b>{esc(k)}</b></td><td class='small'>{v}</td></tr>"
        for k, v in demographics
        if v
    )
    requester = (
        f"{with_credential(r.person, r.credential)} &middot; NPI {r.npi}<br/>{esc(r.practice)}<br/>"
        f"Direct line {_phone(r.phone, ps, _extension(rng))} &middot; Fax {_phone(r.fax, ps)}"
    )
    reply = rng.choice((
        "Thank you for this eConsult. Given the history, I recommend an in-person visit; we "
        "will contact the patient to schedule.",
        "Reviewed. This is best handled face to face. Converting to a referral; our schedulers "
        "will call the patient.",
    ))  # fmt: skip
    return [
        f"<table><tr><td><b>{platform}</b> &nbsp; eConsult {number}</td>"
        "<td class='right small'>Status: Converted to referral</td></tr></table><hr/>"
        f"<h1>eConsult Request: {esc(f.reason.specialty)}</h1>"
        f"<table>{banner}</table>"
        "<h2>Requesting clinician</h2>"
        f"<p class='small'>{requester}</p>"
        "<h2>Request</h2>"
        f"<p><b>Reason for consult:</b> {esc(f.reason.text)}</p>"
        f"<p><b>Question for the specialist:</b> {esc(_QUESTIONS[f.reason.specialty])}</p>"
        f"<p><b>Pertinent history:</b> {esc(f.reason.note)}</p>"
        "<p><b>Diagnoses:</b> "
        + "; ".join(f"{esc(described[k])} ({esc(k)})" for k in f.codes)
        + "</p>"
        + (f"<p><b>Response requested:</b> {esc(urgency)}</p>" if urgency else "")
        + f"<p class='small'>Submitted {esc(_date(asked, ds))} &middot; Routed to "
        f"{esc(f.receiver)}</p>"
        "<h2>Specialist response</h2>"
        f"<p class='small'><b>{esc(Writer.full(specialist))}, MD</b> ({esc(f.reason.specialty)}, "
        f"{esc(f.receiver)}) &middot; {esc(_date(replied, ds))}</p>"
        f"<p class='small'>{esc(reply)} Scheduling: {_phone(f.receiver_phone, ps)}.</p>"
        "<p class='tiny'>Interprofessional consultation (CPT 99452 / 99451). This printout is "
        "part of the patient's medical record.</p>"
    ]


def _econsult_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 3. dot-matrix printout: caption row, dashes, value row --------------------------------


def _greenbar(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((1, 3, 4)), rng.randrange(4)
    a = f.address

    def band(*columns: tuple[str, str]) -> str:
        kept = [(k, v) for k, v in columns if v]
        widths = [max(len(k), len(v)) + 2 for k, v in kept]
        lines = [
            "".join(k.ljust(w) for (k, _), w in zip(kept, widths, strict=True)),
            "".join(("-" * (w - 2)).ljust(w) for w in widths),
            "".join(v.upper().ljust(w) for (_, v), w in zip(kept, widths, strict=True)),
        ]
        return "".join(esc(line.rstrip()).replace(" ", "&nbsp;") + "<br/>" for line in lines)

    sex = f.sex or ""
    age = f"{f.age}"
    urgency = urgency_word(f, ("STAT", "URGENT", "ROUTINE"))
    ref = f"{Writer.last_first(r.person)} {r.credential}"
    subscriber = Writer.last_first(f.subscriber) if f.subscriber else ""
    phone_text = lambda e164: _phone(e164, ps).replace("&amp;", "&")  # noqa: E731
    body = (
        band(("PATIENT NAME", Writer.last_first(f.patient)), ("DOB", _date(f.dob, ds)),
             ("AGE", age), ("SEX", sex), ("ACCT", f.mrn))
        + "<br/>"
        + band(("HOME PHONE", phone_text(f.phone)), ("E-MAIL", f.email or ""))
        + "<br/>"
        + (band(("STREET", street(a)), ("CITY", a.city), ("ST", a.state), ("ZIP", a.zip))
           + "<br/>" if a else "")
        + band(("PRIMARY INS", f.payer or "SELF PAY"))
        + "<br/>"
        + (band(("MEMBER NO", f.member_id or ""), ("GROUP NO", f.group or ""),
                ("SUBSCRIBER", subscriber)) + "<br/>" if f.payer else "")
        + band(("REF PROV", ref), ("NPI", r.npi))
        + "<br/>"
        + band(("PRACTICE", r.practice))
        + "<br/>"
        + band(("OFC PHONE", phone_text(r.phone)), ("OFC FAX", phone_text(r.fax)),
               ("CONTACT", Writer.last_first(f.sender)))
        + "<br/>"
        + band(("SPEC", f.reason.specialty), ("PRI", urgency), ("DX", " ".join(f.codes)))
        + "<br/>"
        + band(("REASON FOR REFERRAL", f.reason.text))
        + "<br/>"
        + band(("REFERRED TO", f.receiver), ("APPT PHONE", phone_text(f.receiver_phone)))
    )  # fmt: skip
    report = f"RPT{rng.randint(100, 999)}"
    printed = f"{_date(f.sent, ds)} {rng.randint(6, 18):02d}:{rng.randint(0, 59):02d}"
    rule = "=" * 90
    return [
        f"<p class='mono' style='font-size: {rng.choice(('8pt', '8.5pt'))}'>"
        + esc(f"{r.practice.upper()}").replace(" ", "&nbsp;")
        + "&nbsp;" * 4
        + f"{report}&nbsp;&nbsp;PAGE&nbsp;1<br/>"
        + esc(f"OUTBOUND REFERRAL DETAIL    RUN {printed}").replace(" ", "&nbsp;")
        + f"<br/>{rule}<br/><br/>{body}<br/>{rule}<br/>"
        + esc(f"*** END OF REPORT ***  OPER {f.sender.last.upper()}").replace(" ", "&nbsp;")
        + "</p>"
    ]


def _greenbar_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 4. the receiving clinic's own referral form, filled in by the sender ------------------


def _receiver_form(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    a = f.address
    typed_face = "font-family: Courier; font-size: 9.5pt"

    def cell(label: str, value: str, width: str = "") -> str:
        w = f" width='{width}'" if width else ""
        return (
            f"<td{w}><span class='above'>{esc(label)}</span><br/>"
            f"<span style='{typed_face}'>{value or '&nbsp;'}</span></td>"
        )

    def grid(*rows: list[str]) -> str:
        body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
        return f"<table class='grid'>{body}</table>"

    sex_boxes = " &nbsp; ".join(
        c.box(f.sex == code, word)
        for code, word in (("M", "Male"), ("F", "Female"), ("X", "Nonbinary (X)"),
                           ("U", "Unknown"))
    )  # fmt: skip
    urgency_boxes = " &nbsp; ".join(
        c.box(f.urgency == key, word)
        for key, word in (("routine", "Routine (2-4 weeks)"), ("urgent", "Urgent (within 1 week)"),
                          ("stat", "STAT (call our on-call provider)"))
    )  # fmt: skip
    service = rng.randrange(3)
    services = " &nbsp; ".join(
        c.box(i == service, word)
        for i, word in enumerate(("Consult and treat", "Consult only", "Second opinion"))
    )
    described = c.described()
    return [
        f"<table><tr><td><h1>{esc(f.receiver)}</h1><span class='small'>"
        f"{esc(f.reason.specialty)} &middot; New Patient Referral Form</span></td>"
        f"<td class='right small'>Phone {_phone(f.receiver_phone, ps)}<br/>"
        f"Fax {_phone(f.receiver_fax, ps)}</td></tr></table>"
        "<p class='small'><i>Referring offices: fax this form with the last office note and a "
        "copy of the insurance card (front and back). Incomplete referrals will be returned."
        "</i></p>"
        "<h2>1. Referring provider</h2>"
        + grid(
            [cell("Provider name / credentials", with_credential(r.person, r.credential), "50%"),
             cell("NPI", r.npi)],
            [cell("Practice", esc(r.practice), "50%"),
             cell("Office contact", esc(Writer.full(f.sender)))],
            [cell("Office phone", _phone(r.phone, ps, _extension(rng)), "50%"),
             cell("Office fax (send consult note here)", _phone(r.fax, ps))],
        )
        + "<h2>2. Patient</h2>"
        + grid(
            [cell("Last name", esc(f.patient.last), "34%"),
             cell("First name", esc(f.patient.first), "33%"),
             cell("MI", esc((f.patient.middle or "").rstrip(".")))],
            [cell("Date of birth", esc(_date(f.dob, ds)), "34%"),
             f"<td colspan='2'><span class='above'>Sex</span><br/>{sex_boxes}</td>"],
            [cell("Street address", esc(street(a)) if a else "", "34%"),
             cell("City", esc(a.city) if a else "", "33%"),
             cell("State / ZIP", esc(f"{a.state} {a.zip}") if a else "")],
            [cell("Best phone", _phone(f.phone, ps), "34%"),
             f"<td colspan='2'><span class='above'>Email</span><br/>"
             f"<span style='{typed_face}'>{esc(f.email or '') or '&nbsp;'}</span></td>"],
        )
        + "<h2>3. Insurance</h2>"
        + grid(
            [cell("Primary insurance", esc(f.payer or "Self-pay"), "40%"),
             cell("ID #", esc(f.member_id or ""), "30%"),
             cell("Group #", esc(f.group or ""))],
            [f"<td colspan='3'><span class='above'>Policy holder (if not patient)</span><br/>"
             f"<span style='{typed_face}'>"
             f"{esc(Writer.full(f.subscriber)) if f.subscriber else '&nbsp;'}</span></td>"],
        )
        + "<h2>4. Referral</h2>"
        + grid(
            [f"<td colspan='2'><span class='above'>Reason for referral</span><br/>"
             f"<span style='{typed_face}'>{esc(f.reason.text)}</span></td>"],
            [cell("ICD-10 code(s)", esc(", ".join(f.codes)), "30%"),
             cell("Description", esc("; ".join(described[k] for k in f.codes)))],
        )
        + f"<p class='small'>Urgency: {urgency_boxes}</p>"
        f"<p class='small'>Service: {services}</p>"
        f"<p class='small'>Date sent: <span style='{typed_face}'>{esc(_date(f.sent, ds))}"
        "</span></p>"
        "<table class='grid tiny'><tr><td>FOR OFFICE USE ONLY &nbsp; Received ________ "
        "Insurance verified ________ Scheduled ________ with ______________</td></tr></table>"
    ]  # fmt: skip


def _receiver_form_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 5. group prescription pad, demographics print-out beneath ------------------------------


def _rx_pad(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(4)
    ra = r.address
    colleagues = [(_CAST.person(rng), rng.choice(("MD", "DO"))) for _ in range(rng.randint(1, 2))]
    doctors = [(r.person, r.credential, r.npi, True)] + [
        (p, cred, npi(rng), False) for p, cred in colleagues
    ]
    rng.shuffle(doctors)

    def dea(p: Person) -> str:
        return f"{rng.choice('ABFM')}{p.last[0].upper()}{rng.randint(10**6, 10**7 - 1)}"

    listing = "".join(
        f"<tr><td class='small'>{c.box(mine, f'{Writer.full(p)}, {cred}')}</td>"
        f"<td class='small'>NPI {number}</td><td class='small'>DEA {dea(p)}</td></tr>"
        for p, cred, number, mine in doctors
    )
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    described = c.described()
    hand = "font-family: Times-Roman; font-style: italic; font-size: 12pt"
    body = (
        f"Refer to {esc(f.reason.specialty)} - {esc(f.receiver)}<br/>"
        f"{esc(f.reason.text)}<br/>"
        f"Dx: {esc(', '.join(f'{k} {described[k]}' for k in f.codes))}<br/>"
        + (f"{esc(urgency)}<br/>" if urgency else "")
    )
    age_sex = f"{f.age} / {f.sex}" if f.sex else f"{f.age}"
    pad = (
        "<table style='border: 1.2pt solid #000; padding: 6pt' width='78%'><tr><td>"
        f"<p class='center'><b>{esc(r.practice.upper())}</b><br/><span class='small'>"
        f"{esc(ra.line1)}, {esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>"
        f"Tel {_phone(r.phone, ps)} &nbsp; Fax {_phone(r.fax, ps)}</span></p>"
        f"<table>{listing}</table><hr/>"
        f"<p class='small'>Name <span style='{hand}'>{esc(Writer.full(f.patient))}</span>"
        f" &nbsp; Date <span style='{hand}'>{esc(_date(f.sent, ds))}</span></p>"
        f"<p class='small'>DOB <span style='{hand}'>{esc(_date(f.dob, ds))}</span> &nbsp; "
        f"Age/Sex <span style='{hand}'>{esc(age_sex)}</span></p>"
        f"<p class='small'>Address <span style='{hand}'>{one_line(f.address) or '&nbsp;'}"
        "</span></p>"
        f"<p style='font-size: 20pt'><b>R<sub>x</sub></b></p>"
        f"<p style='{hand}'>{body}</p>"
        "<p class='small'>Refills: 0 1 2 3 4 PRN &nbsp;&nbsp; Dispense as written ____ "
        "&nbsp; Substitution permitted ____</p>"
        "<p class='small'>Signature ______________________________</p>"
        "</td></tr></table>"
    )
    holder = f.subscriber or f.patient
    demo = [
        ("Patient", esc(Writer.last_first(f.patient))),
        ("Chart #", esc(f.mrn)),
        ("Sex", esc(_sex_word(f))),
        ("Home phone", _phone(f.phone, ps)),
        ("E-mail", esc(f.email or "")),
        ("Primary carrier", esc(f.payer or "None on file (self-pay)")),
        ("Subscriber ID", esc(f.member_id or "")),
        ("Group", esc(f.group or "")),
        ("Guarantor / insured", esc(Writer.full(holder)) if f.payer else ""),
    ]
    demographics = "".join(
        f"<tr><td width='25%' class='small'>{esc(k)}</td><td class='small'>{v}</td></tr>"
        for k, v in demo
        if v
    )
    return [
        pad + "<p>&nbsp;</p><p class='small'><b>PATIENT DEMOGRAPHICS</b> &nbsp; (printed "
        f"{esc(_date(f.sent, ds))} for the referral)</p>"
        f"<table class='grid'>{demographics}</table>"
    ]


def _rx_pad_omit(f: Facts, rng: random.Random) -> Facts:
    f = _CAST.recast(f, rng)
    return dataclasses.replace(
        f, referrer=dataclasses.replace(f.referrer, credential=rng.choice(("MD", "DO")))
    )


# -- 6. transition-of-care summary rendered from a C-CDA ------------------------------------


def _tel(e164: str, kind: str = "tel") -> str:
    d = e164[2:]
    return f"{kind}:+1-{d[:3]}-{d[3:6]}-{d[6:]}"


def _ccda(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds = rng.choice((0, 2, 3))
    ra = r.address
    oid = f"2.16.840.1.113883.3.{rng.randint(1000, 9999)}.{rng.randint(1, 9)}.2"
    clock = f"{rng.randint(8, 17)}:{rng.randint(0, 59):02d} -0{rng.randint(5, 8)}00"
    created = f"{_date(f.sent, ds)} {clock}"
    encounter = f.sent - timedelta(days=rng.randint(0, 5))

    def header(rows: list[tuple[str, str]]) -> str:
        return "<table class='grid small'>" + "".join(
            f"<tr><td class='lab' width='22%'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows if v
        ) + "</table>"  # fmt: skip

    contact = []
    if f.address:
        a = f.address
        contact.append(esc(street(a)) + "<br/>" + esc(f"{a.city}, {a.state} {a.zip}, US"))
    if f.phone:
        contact.append(f"Tel: {_tel(f.phone)} (Home)")
    if f.email:
        contact.append(f"Email: mailto:{esc(f.email)}")
    gender = sex_word(f, "Nonbinary")
    author = (
        f"{with_credential(r.person, r.credential)}<br/>ID: {r.npi} (NPI)<br/>"
        f"{esc(r.practice)}<br/>"
        f"{esc(ra.line1)}, {esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>"
        f"Work: {_tel(r.phone)} &nbsp; Fax: {_tel(r.fax, 'fax')}"
    )
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    described = c.described()
    problems = "".join(
        f"<tr><td>{esc(described[k])}</td><td>{esc(k)}</td><td>Active</td>"
        f"<td>{esc(_date(encounter, ds))}</td></tr>"
        for k in f.codes
    )
    page1 = (
        "<h1 class='center'>Referral Note</h1>"
        "<p class='center small'>Consolidated CDA R2.1 &middot; Transition of Care</p>"
        + header(
            [
                ("Patient", esc(Writer.full(f.patient))),
                ("Date of birth", esc(_date(f.dob, ds))),
                ("Sex", esc(gender)),
                (
                    "Race / Ethnicity",
                    rng.choice(
                        (
                            "Declined to specify",
                            "White / Not Hispanic",
                            "Black or African American / Not Hispanic",
                        )
                    ),
                ),
                ("Preferred language", "English"),
                ("Contact info", "<br/>".join(contact)),
                ("Patient IDs", f"{esc(f.mrn)} {oid}"),
            ]
        )
        + "<p>&nbsp;</p>"
        + header(
            [
                ("Document ID", f"{oid}.{rng.randint(10**6, 10**7 - 1)}"),
                ("Document created", esc(created)),
                ("Author", author),
                ("Information recipient", f"{esc(f.receiver)} ({esc(f.reason.specialty)})"),
                ("Custodian", esc(r.practice)),
                ("Encounter", f"Office visit, {esc(_date(encounter, ds))}, {esc(r.practice)}"),
            ]
        )
        + "<h2>Reason for Referral</h2>"
        f"<p>{esc(f.reason.text)}. {esc(f.reason.note)}"
        + (f" Priority: {esc(urgency)}." if urgency else "")
        + "</p><h2>Problems</h2><table class='grid small'><tr><th>Condition</th>"
        "<th>ICD-10-CM</th><th>Status</th><th>Noted</th></tr>" + problems + "</table>"
    )
    meds = rng.sample(people.MEDICATIONS, rng.randint(2, 4))
    if f.payer:
        payers = (
            "<table class='grid small'><tr><th>Payer name</th><th>Policy type</th>"
            "<th>Covered party ID</th><th>Group number</th><th>Policy holder</th></tr>"
            f"<tr><td>{esc(f.payer)}</td><td>{rng.choice(('PPO', 'HMO', 'Medicare Advantage'))}"
            f"</td><td>{esc(f.member_id)}</td><td>{esc(f.group or '')}</td>"
            f"<td>{esc(Writer.full(f.subscriber or f.patient))}</td></tr></table>"
        )
    else:
        payers = "<p class='small'>No payer information recorded (self-pay).</p>"
    page2 = (
        f"<p class='head'>Referral Note &middot; {esc(Writer.full(f.patient))} &middot; "
        f"{esc(_date(f.dob, ds))}</p>"
        "<h2>Medications</h2><table class='grid small'><tr><th>Medication</th><th>Status</th>"
        "</tr>"
        + "".join(f"<tr><td>{esc(m)}</td><td>Active</td></tr>" for m in meds)
        + "</table><h2>Allergies</h2><p class='small'>"
        + rng.choice(("No known drug allergies", "Penicillin - hives", "Sulfonamides - rash"))
        + "</p><h2>Vital Signs</h2><p class='small'>"
        f"BP {rng.randint(112, 158)}/{rng.randint(66, 94)} mmHg, HR {rng.randint(58, 104)}, "
        f"Wt {rng.randint(120, 260)} lb ({esc(_date(encounter, ds))})</p>"
        "<h2>Insurance Providers</h2>" + payers + "<h2>Care Team</h2><p class='small'>"
        f"{esc(Writer.full(f.other_doctor))}, MD (prior consultant) &middot; "
        f"Care coordinator {esc(Writer.full(f.sender))}, {_tel(f.sender_phone)}</p>"
        "<p class='tiny'>Rendered from a C-CDA document received by Direct message. "
        "Some sections may be omitted.</p>"
    )
    return [page1, page2]


def _ccda_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


SEVENTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("va_ccn", _va_ccn, _va_ccn_omit,
               "VA community care referral/authorization: ICN, SEOC, TPA, page 2 consult"),
        Layout("econsult", _econsult, _econsult_omit,
               "telehealth eConsult converted to referral: question, specialist's reply"),
        Layout("greenbar", _greenbar, _greenbar_omit,
               "dot-matrix printout: caption row, dashes, values beneath, capitals"),
        Layout("receiver_form", _receiver_form, _receiver_form_omit,
               "the receiving clinic's own form, filled in: its name and numbers on top"),
        Layout("rx_pad", _rx_pad, _rx_pad_omit,
               "group prescription pad: several doctors with NPI/DEA, one checked"),
        Layout("ccda", _ccda, _ccda_omit,
               "C-CDA referral note: tel: URIs, author/custodian/recipient, payers table"),
    )
}  # fmt: skip
