"""A ninth held-out set (2026-12-05), written blind (without looking at the reader) and never
tuned on: six kinds of US specialty-referral paperwork none of the other layouts imitate.

- ``dental_ref``: a dental office refers its patient for a medical evaluation: a tooth chart
  (universal numbering, the teeth concerned circled), the dentist (DDS / DMD) as referrer,
  the patient's medical plan beside a dental carrier that is not the truth's payer;
- ``therapy_order``: a physical / occupational therapy order that is the referral:
  "Evaluate and treat", frequency and duration, precautions, check boxes of modalities,
  a certification line with the physician's NPI;
- ``urgent_care``: a two-page urgent-care visit summary: vitals, chief complaint,
  assessment and the referral placed on page 1, the patient's registration on page 2;
- ``wide_table``: a landscape-style referral log: one wide table in three bands of many
  narrow columns, headings above the values, very small print;
- ``bh_release``: a behavioral-health referral with a release-of-information section
  (42 CFR Part 2 consent: what may be shared, with whom, expiry, signatures);
- ``hh_f2f``: a home-health face-to-face encounter form and order: the certifying
  physician's attestation, homebound status, services ordered, the home-health agency as
  the receiver.

Names, places, payers and practices come from lists no other layout uses (``_CAST``);
dates run "3.14.1961", "March 14 1961", "MARCH 14, 1961", "03/14/1961" or "3/14/1961";
phones run "218 555-0123", "(218) 555 0123", "1.218.555.0123", "(218)-555-0123" or
"218-555-0123", sometimes with " x204" (the truth is the E.164 number without it).
"""

import random
from datetime import date, timedelta

from bench.corpus import people
from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person
from bench.corpus.writing import (
    MONTHS,
    Writer,
    esc,
    one_line,
    sex_word,
    urgency_word,
    with_credential,
    written_phone,
)

_FIRST_F = ("Eudora", "Thomasina", "Lavinia", "Philomena", "Drusilla", "Hortensia",
            "Euphemia", "Leocadia", "Romilda", "Zenobia")  # fmt: skip
_FIRST_M = ("Mortimer", "Fitzroy", "Cassius", "Ephraim", "Hezekiah", "Silvanus", "Tiberius",
            "Ulysses", "Eustace", "Mordecai")  # fmt: skip
_LAST = ("Vanderpool", "Brannigan", "Grimaldi", "Huxtable", "Ingersoll", "Jorgensen",
         "Quinlan", "Stoltzfus", "Trowbridge", "Underhill", "Aucoin", "Boudreaux",
         "Chmielewski", "Dragomir", "Esterhazy", "Fennimore", "Gustafsson", "Ishikawa",
         "Marchetti", "Nordquist", "Pfeiffer", "Radcliffe", "Sorensen", "Tremblay",
         "Urquhart", "Wexler", "Yarborough", "Zamora")  # fmt: skip
_PAYERS = (
    ("QualChoice", "QC{d9}", "{d6}"),
    ("ConnectiCare", "CC{d8}", "{d5}"),
    ("Optima Health", "OPT{d9}", "{d6}"),
    ("Baylor Scott and White Health Plan", "BSW{d8}", "{d6}"),
    ("WellSense Health Plan", "{d10}", None),
    ("Fallon Health", "FH{d9}", "{d5}"),
    ("Blue Cross Blue Shield of Vermont", "VTB{d9}", "{d6}"),
)
_DENTAL_CARRIERS = ("Ameritas Dental", "Guardian Dental", "Sun Life Dental")
_PRACTICES = ("Pinion Ridge Family Medicine", "Kettle Moraine Internal Medicine",
              "Sandhill Crane Primary Care", "Osage Orange Medical Group",
              "Chokecherry Family Physicians")  # fmt: skip
_DENTISTS = ("Brightsmile Family Dentistry", "Sycamore Shoals Dental Care",
             "Osprey Point Dental Associates")  # fmt: skip
_URGENT = ("QuickCare Urgent Care - Cedar Glade", "ExpressMed Walk-In Clinic")
_CITIES = (("Casper", "WY", "826"), ("Lawton", "OK", "735"), ("Florence", "SC", "295"),
           ("Johnson City", "TN", "376"), ("Elmira", "NY", "149"), ("Altoona", "PA", "166"),
           ("Lewiston", "ME", "042"), ("Beaumont", "TX", "777"), ("Owensboro", "KY", "423"),
           ("Kokomo", "IN", "469"), ("Decatur", "IL", "625"), ("Texarkana", "AR", "718"),
           ("Sheboygan", "WI", "530"), ("Hagerstown", "MD", "217"), ("Tyler", "TX", "757"),
           ("Valdosta", "GA", "316"), ("Gadsden", "AL", "359"),
           ("Salisbury", "MD", "218"))  # fmt: skip
_STREETS = ("Ironweed Ln", "Lamplighter Way", "N Chickasaw Ave", "Harborview Ter",
            "Old Mill Pond Rd", "S Persimmon St", "Quail Run Cir", "Hickory Nut Pike",
            "Tamarack Ct", "Saddlebrook Dr")  # fmt: skip
_LINE2 = ("Apt 4B", "Unit 7", "Lot 22", "Ste 3", "Apt 118")
_AREAS = ("307", "580", "843", "423", "607", "814", "207", "409", "270", "765", "217", "870",
          "920", "301", "903", "229", "256", "410")  # fmt: skip
_EMAIL_DOMAINS = ("gmail.com", "outlook.com", "icloud.com", "att.net", "comcast.net")


def _email(patient: Person, rng: random.Random) -> str:
    first = people.ascii_letters(patient.first).lower()
    last = people.ascii_letters(patient.last).lower()
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}{first[0]}"))
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
    middles="BDFHJNPRW",
    lowest=2,
)

# -- how this set writes values ----------------------------------------------------------------


def date_forms(d: date) -> tuple[str, ...]:
    """The ways this set writes a date: 3.14.1961, March 14 1961, MARCH 14, 1961,
    03/14/1961, 3/14/1961."""
    month = MONTHS[d.month - 1]
    return (
        f"{d.month}.{d.day}.{d.year}",
        f"{month} {d.day} {d.year}",
        f"{month.upper()} {d.day}, {d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year}",
    )


def _date(d: date, style: int) -> str:
    return date_forms(d)[style]


_PHONE_FORMS = (
    "{a} {b}-{c}",
    "({a}) {b} {c}",
    "1.{a}.{b}.{c}",
    "({a})-{b}-{c}",
    "{a}-{b}-{c}",
)


def _phone(e164: str | None, style: int, extension: str = "") -> str:
    return written_phone(e164, _PHONE_FORMS[style], extension)


def _extension(rng: random.Random) -> str:
    return "" if rng.random() < 0.5 else f" x{rng.randint(2, 499)}"


def _sex_word(f: Facts) -> str:
    return sex_word(f, "X")


def _codes_described(c: Ctx, sep: str = "; ") -> str:
    described = c.described()
    return sep.join(f"{esc(k)} {esc(described[k])}" for k in c.f.codes)


def _rows(items: list[tuple[str, str]], width: str = "30%") -> str:
    return "<table class='grid small'>" + "".join(
        f"<tr><td class='lab' width='{width}'>{k}</td><td>{v}</td></tr>" for k, v in items if v
    ) + "</table>"  # fmt: skip


def _letterhead(f: Facts, ps: int, title: str) -> str:
    r, ra = f.referrer, f.referrer.address
    return (
        f"<table><tr><td width='60%'><h1>{esc(r.practice)}</h1><span class='small'>"
        f"{esc(ra.line1)} &middot; {esc(ra.city)}, {esc(ra.state)} {esc(ra.zip)}<br/>"
        f"Office {_phone(r.phone, ps)} &middot; Fax {_phone(r.fax, ps)}</span></td>"
        f"<td class='right'><b>{title}</b></td></tr></table><hr/>"
    )


# -- 1. dental office referral for a medical evaluation ----------------------------------------


def _dental_ref(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    teeth = set(rng.sample(range(1, 33), rng.randint(1, 3)))

    def tooth(n: int) -> str:
        return f"<td class='center'>{'(' + str(n) + ')' if n in teeth else n}</td>"

    chart = (
        "<table class='grid tiny'><tr><td>Upper</td>"
        + "".join(tooth(n) for n in range(1, 17))
        + "</tr><tr><td>Lower</td>"
        + "".join(tooth(n) for n in range(32, 16, -1))
        + "</tr></table>"
    )
    dental = rng.choice(_DENTAL_CARRIERS)
    urgency = urgency_word(f, ("STAT - same day", "Urgent", "Routine"))
    return [
        _letterhead(f, ps, "Referral for Medical Evaluation")
        + f"<p class='small'>Date: {esc(_date(f.sent, ds))}<br/>To: {esc(f.receiver)} "
        f"({esc(f.reason.specialty)}) &middot; Fax {_phone(f.receiver_fax, ps)}</p>"
        + _rows(
            [
                ("Patient", esc(Writer.full(f.patient))),
                ("Birthdate", esc(_date(f.dob, ds))),
                ("Gender", esc(_sex_word(f))),
                ("Phone", _phone(f.phone, ps)),
                ("Email", esc(f.email or "")),
                ("Address", one_line(f.address)),
                ("Medical insurance", esc(f.payer or "None on file")),
                ("Medical ID #", esc(f.member_id or "")),
                ("Medical group #", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                (
                    "Dental carrier (not billed for this visit)",
                    f"{esc(dental)} &middot; Sub ID D{rng.randint(10**7, 10**8 - 1)}",
                ),
            ]
        )  # fmt: skip
        + "<h3>Teeth involved (universal numbering, circled)</h3>"
        + chart
        + "<h3>Reason for referral</h3>"
        + f"<p class='small'>{esc(f.reason.text)}. {esc(f.reason.note)}</p>"
        + f"<p class='small'>Diagnosis: {_codes_described(c)}</p>"
        + (f"<p class='small'>Priority: <b>{esc(urgency)}</b></p>" if urgency else "")
        + "<p class='small'>Please send your findings and any clearance for dental treatment "
        "to our office.</p>"
        f"<p class='small'>Referring dentist: {with_credential(r.person, r.credential)} &middot; "
        f"NPI {r.npi}<br/>Treatment coordinator: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps, _extension(rng))}</p>"
    ]


def _dental_ref_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng, _DENTISTS, ("DDS", "DMD"))


# -- 2. therapy order that is the referral -----------------------------------------------------


def _therapy_order(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    pt = rng.random() < 0.6
    times, weeks = rng.choice((2, 3)), rng.choice((4, 6, 8))
    mods = ("Therapeutic exercise", "Manual therapy", "Gait training", "Balance training",
            "Home exercise program", "Modalities as indicated")  # fmt: skip
    chosen = set(rng.sample(mods, 3))
    boxes = "<br/>".join(c.box(m in chosen, m) for m in mods)
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    return [
        _letterhead(f, ps, "Therapy Referral &amp; Order")
        + "<p class='small'>"
        + c.box(pt, "Physical therapy")
        + " &nbsp; "
        + c.box(not pt, "Occupational therapy")
        + " &nbsp; Evaluate and treat</p>"
        + _rows(
            [
                ("Patient name", esc(Writer.last_first(f.patient))),
                ("DOB", esc(_date(f.dob, ds))),
                ("Sex", esc(_sex_word(f))),
                ("Patient phone", _phone(f.phone, ps)),
                ("Email", esc(f.email or "")),
                ("Home address", one_line(f.address)),
                ("Insurance", esc(f.payer or "Self pay")),
                ("ID", esc(f.member_id or "")),
                ("Grp", esc(f.group or "")),
                ("Insured", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                ("Therapy provider", f"{esc(f.receiver)}, fax {_phone(f.receiver_fax, ps)}"),
            ],
            "26%",
        )
        + "<h3>Order</h3>"
        + _rows(
            [
                ("Diagnosis (ICD-10)", _codes_described(c, "<br/>")),
                ("Referral reason", esc(f.reason.text)),
                ("Frequency / duration", f"{times}x per week for {weeks} weeks"),
                ("Treatment", boxes),
                (
                    "Precautions",
                    rng.choice(
                        (
                            "Fall risk",
                            "No lifting over 10 lb",
                            "Weight bearing as tolerated",
                            "None",
                        )
                    ),
                ),
                ("Priority", esc(urgency)),
            ],
            "26%",
        )  # fmt: skip
        + "<p class='small'>I certify that these services are medically necessary and that "
        "the patient is under my care.</p>"
        f"<p class='small'>Physician: {with_credential(r.person, r.credential)} &nbsp; NPI: {r.npi}"
        f"<br/>Signature ____________________ &nbsp; Date {esc(_date(f.sent, ds))}</p>"
    ]


def _therapy_order_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 3. urgent-care visit summary --------------------------------------------------------------


def _urgent_care(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    visit = f"UC{rng.randint(10**6, 10**7 - 1)}"
    head = _letterhead(f, ps, f"Visit Summary<br/><span class='small'>Visit # {visit}</span>")
    vitals = (
        "<table class='grid tiny'><tr><th>BP</th><th>Pulse</th><th>Temp</th><th>Resp</th>"
        "<th>SpO2</th><th>Wt</th></tr><tr>"
        f"<td>{rng.randint(104, 158)}/{rng.randint(62, 96)}</td><td>{rng.randint(58, 110)}</td>"
        f"<td>{rng.randint(970, 1012) / 10}&deg;F</td><td>{rng.randint(12, 22)}</td>"
        f"<td>{rng.randint(93, 100)}%</td><td>{rng.randint(98, 260)} lb</td></tr></table>"
    )
    urgency = urgency_word(f, ("STAT", "Urgent", "Routine"))
    page1 = (
        head + f"<p class='small'><b>{esc(Writer.full(f.patient))}</b> &middot; DOB "
        f"{esc(_date(f.dob, ds))} &middot; {esc(_sex_word(f))}<br/>Seen "
        f"{esc(_date(f.sent, ds))} by {with_credential(r.person, r.credential)}</p>"
        "<h3>Vitals</h3>"
        + vitals
        + f"<h3>Chief complaint</h3><p class='small'>{esc(f.reason.note)}</p>"
        "<h3>Assessment</h3><ol class='small'>"
        + "".join(f"<li>{esc(k)} - {esc(v)}</li>" for k, v in c.described().items() if k in f.codes)
        + "</ol><h3>Referral placed</h3>"
        + _rows(
            [
                ("Specialty", esc(f.reason.specialty)),
                ("Referred to", f"{esc(f.receiver)} &middot; {_phone(f.receiver_phone, ps)}"),
                ("Reason", esc(f.reason.text)),
                ("Priority", esc(urgency)),
                ("Referring provider", f"{with_credential(r.person, r.credential)} (NPI {r.npi})"),
            ]
        )  # fmt: skip
        + "<p class='tiny'>Follow up with your primary care provider. This is not a "
        "substitute for ongoing primary care.</p>"
    )
    page2 = (
        head
        + "<h2>Patient registration</h2>"
        + _rows(
            [
                ("Legal name", esc(Writer.last_first(f.patient))),
                ("Date of birth", esc(_date(f.dob, ds))),
                ("Mobile", _phone(f.phone, ps)),
                ("Email", esc(f.email or "")),
                ("Address", one_line(f.address)),
                ("Primary insurance", esc(f.payer or "Self-pay")),
                ("Member ID", esc(f.member_id or "")),
                ("Group number", esc(f.group or "")),
                ("Policy holder", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                ("Emergency contact", f"{esc(Writer.full(f.relative))} ({esc(f.relation)})"),
            ]
        )  # fmt: skip
        + f"<p class='tiny'>Referral faxed by {esc(Writer.full(f.sender))} to "
        f"{_phone(f.receiver_fax, ps)} on {esc(_date(f.sent, ds))}.</p>"
    )
    return [page1, page2]


def _urgent_care_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng, _URGENT)


# -- 4. landscape-style wide table --------------------------------------------------------------


def _wide_table(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.choice((0, 3, 4)), rng.randrange(5)  # a narrow column: dates without spaces
    a = f.address
    urgency = urgency_word(f, ("STAT", "URGENT", "ROUTINE"))

    def band(cols: list[tuple[str, str]]) -> str:
        return (
            "<table class='grid' style='font-size: 6.5pt'><tr>"
            + "".join(f"<th>{k}</th>" for k, _ in cols)
            + "</tr><tr>"
            + "".join(f"<td>{v or '&nbsp;'}</td>" for _, v in cols)
            + "</tr></table>"
        )

    return [
        f"<p><b>{esc(r.practice)}</b> &middot; Outgoing Referral Log &middot; "
        f"{esc(_date(f.sent, ds))} &middot; Ph {_phone(r.phone, ps)} &middot; Fax "
        f"{_phone(r.fax, ps)}</p>"
        + band(
            [
                ("Last", esc(f.patient.last)),
                ("First", esc(f.patient.first)),
                ("MI", esc((f.patient.middle or "").rstrip("."))),
                ("DOB", esc(_date(f.dob, ds))),
                ("Sex", esc(f.sex or "")),
                ("Phone", _phone(f.phone, ps)),
                ("Street", esc(a.line1 + (f" {a.line2}" if a.line2 else "")) if a else ""),
                ("City", esc(a.city) if a else ""),
                ("St", esc(a.state) if a else ""),
                ("ZIP", esc(a.zip) if a else ""),
            ]
        )
        + "<br/>"
        + band(
            [
                ("Email", esc(f.email or "")),
                ("Payer", esc(f.payer or "SELF")),
                ("Member ID", esc(f.member_id or "")),
                ("Group", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
            ]
        )
        + "<br/>"
        + band(
            [
                ("Ref. provider", with_credential(r.person, r.credential)),
                ("NPI", r.npi),
                ("To", esc(f.receiver)),
                ("Specialty", esc(f.reason.specialty)),
                ("Dx", esc(", ".join(f.codes))),
                ("Reason", esc(f.reason.text)),
                ("Pri", esc(urgency)),
            ]
        )
        + f"<br/><p class='tiny'>Entered by {esc(Writer.full(f.sender))}. Receiving office fax "
        f"{_phone(f.receiver_fax, ps)}.</p>"
    ]


def _wide_table_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 5. behavioral-health referral with a release of information -------------------------------


def _bh_release(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    urgency = urgency_word(f, ("STAT (crisis)", "Urgent", "Routine"))
    share = ("Diagnosis and treatment plan", "Medication list", "Attendance",
             "Psychotherapy notes", "Substance use disorder records")  # fmt: skip
    checked = set(rng.sample(share[:3], 2)) | ({share[4]} if rng.random() < 0.4 else set())
    expires = f.sent + timedelta(days=365)
    return [
        _letterhead(f, ps, "Behavioral Health Referral")
        + _rows(
            [
                ("Client name", esc(Writer.full(f.patient))),
                ("DOB", esc(_date(f.dob, ds))),
                ("Sex assigned / identity", esc(_sex_word(f))),
                ("Best phone (OK to leave message)", _phone(f.phone, ps)),
                ("Email", esc(f.email or "")),
                ("Address", one_line(f.address)),
                ("Health plan", esc(f.payer or "Uninsured - sliding fee")),
                ("Plan ID", esc(f.member_id or "")),
                ("Group", esc(f.group or "")),
                ("Plan holder", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
            ]
        )
        + "<h3>Referral</h3>"
        + _rows(
            [
                ("Referred to", f"{esc(f.receiver)} ({esc(f.reason.specialty)})"),
                ("Presenting concern", esc(f.reason.text)),
                ("Working diagnoses", _codes_described(c)),
                ("Priority", esc(urgency)),
                ("Safety screen", "No current suicidal or homicidal ideation reported"),
                ("Referring clinician", f"{with_credential(r.person, r.credential)}, NPI {r.npi}"),
            ]
        )  # fmt: skip
        + "<h3>Authorization to release information</h3>"
        + f"<p class='tiny'>I authorize {esc(r.practice)} and {esc(f.receiver)} to exchange "
        "the information checked below for the purpose of coordinating my care. Records "
        "protected by 42 CFR Part 2 are released only if checked. I may revoke this "
        f"consent in writing at any time. It expires on {esc(_date(expires, ds))}.</p>"
        + "<p class='small'>"
        + " &nbsp; ".join(c.box(s in checked, s) for s in share)
        + "</p><p class='small'>Client signature ______________________ &nbsp; Date "
        f"{esc(_date(f.sent, ds))}<br/>Witness: {esc(Writer.full(f.sender))}, "
        f"{_phone(f.sender_phone, ps, _extension(rng))}</p>"
    ]


def _bh_release_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng)


# -- 6. home-health face-to-face encounter and order ------------------------------------------


def _hh_f2f(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    ds, ps = rng.randrange(5), rng.randrange(5)
    seen = f.sent - timedelta(days=rng.randint(1, 25))
    services = ("Skilled nursing", "Physical therapy", "Occupational therapy",
                "Speech therapy", "Home health aide", "Medical social work")  # fmt: skip
    chosen = set(rng.sample(services, rng.randint(1, 3)))
    urgency = urgency_word(f, ("STAT - start of care today", "Urgent", "Routine"))
    return [
        _letterhead(f, ps, "Home Health Face-to-Face Encounter &amp; Referral")
        + _rows(
            [
                ("Patient", esc(Writer.last_first(f.patient))),
                ("DOB", esc(_date(f.dob, ds))),
                ("Sex", esc(_sex_word(f))),
                ("Phone", _phone(f.phone, ps)),
                ("Email", esc(f.email or "")),
                ("Residence", one_line(f.address)),
                ("Payer", esc(f.payer or "Private pay")),
                ("Member ID", esc(f.member_id or "")),
                ("Group ID", esc(f.group or "")),
                ("Subscriber", esc(Writer.full(f.subscriber)) if f.subscriber else ""),
                (
                    "Home health agency",
                    f"{esc(f.receiver)} &middot; Fax {_phone(f.receiver_fax, ps)}",
                ),
            ]
        )  # fmt: skip
        + "<h3>Face-to-face encounter</h3>"
        + _rows(
            [
                ("Date of encounter", esc(_date(seen, ds))),
                ("Primary reason for home health", esc(f.reason.text)),
                ("Diagnoses", _codes_described(c, "<br/>")),
                ("Clinical findings", esc(f.reason.note)),
                (
                    "Homebound because",
                    rng.choice(
                        (
                            "Leaving home requires a walker and the help of another person",
                            "Short of breath on minimal exertion; leaving home is a taxing effort",
                            "Unsteady gait, high fall risk; leaves home only for medical visits",
                        )
                    ),
                ),
                ("Services ordered", "<br/>".join(c.box(s in chosen, s) for s in services)),
                ("Priority", esc(urgency)),
            ]
        )  # fmt: skip
        + "<p class='tiny'>I certify that this patient is under my care, that I had a "
        "face-to-face encounter with the patient on the date above related to the primary "
        "reason for home health, that the patient is confined to the home and needs "
        "intermittent skilled services.</p>"
        "<p class='small'>Certifying physician: "
        f"{with_credential(r.person, r.credential)} &middot; "
        f"NPI {r.npi}<br/>Signature ______________________ &nbsp; Date "
        f"{esc(_date(f.sent, ds))}</p>"
    ]


def _hh_f2f_omit(f: Facts, rng: random.Random) -> Facts:
    return _CAST.recast(f, rng, _PRACTICES, ("MD", "DO", "MD"))


NINTH: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("dental_ref", _dental_ref, _dental_ref_omit,
               "dentist's referral for a medical evaluation: tooth chart, dental carrier"),
        Layout("therapy_order", _therapy_order, _therapy_order_omit,
               "PT / OT order as referral: evaluate and treat, frequency, modalities"),
        Layout("urgent_care", _urgent_care, _urgent_care_omit,
               "urgent-care visit summary with vitals and the referral, registration page 2"),
        Layout("wide_table", _wide_table, _wide_table_omit,
               "referral log: three wide bands of narrow columns, headings over values"),
        Layout("bh_release", _bh_release, _bh_release_omit,
               "behavioral-health referral with a release-of-information consent"),
        Layout("hh_f2f", _hh_f2f, _hh_f2f_omit,
               "home-health face-to-face encounter form and order to an agency"),
    )
}  # fmt: skip
