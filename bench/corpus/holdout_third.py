"""A third held-out set (2026-12-05), written before the reader's next round of work and never
tuned on: its figure is the honest "unseen" number. Five arrangements none of the other
layouts use:

- ``order_grid``: an EHR "Referral Order" printout, a shaded patient banner across the top and
  the order's fields in ruled rows (field | value | comment), a referred-to provider besides
  the ordering one;
- ``sidebar``: a discharge-style referral, narrative on the left and the demographics,
  coverage and physician in a narrow right-hand sidebar, labels above values;
- ``questionnaire``: a specialty intake questionnaire, numbered questions, answers inline or
  on the line below, an emergency contact with a phone of its own;
- ``captions``: labels after values, a caption printed under each value's rule, and lines
  such as "Ana Peña - patient";
- ``prior_auth``: a payer's prior-authorization form with Member, Subscriber, Requesting and
  Servicing provider blocks (the servicing provider has an NPI, phone and fax of its own).

Names are Spanish-heavy (two given names, particles, accents, hyphenated surnames), and the
payers and practices are drawn from lists no other layout uses (``_third``).
"""

import dataclasses
import random

from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, _fill, npi, phone
from bench.corpus.writing import Writer, esc

_FIRST = ("María José", "Guadalupe", "Xiomara", "Itzel", "Juan Carlos", "Marisol", "Rocío",
          "Alejandro", "Esperanza", "Joaquín", "Yesenia", "Rodrigo", "Ximena", "Benigno",
          "Consuelo", "Efraín", "Ana Sofía", "Maximiliano", "Nayeli", "Osvaldo")  # fmt: skip
_LAST = ("Peña", "Ibáñez", "Quiñones", "de León", "Villaseñor", "Zúñiga", "Echeverría",
         "Ortiz-Mena", "del Castillo", "Saldaña", "Cuevas", "Arellano", "Montoya",
         "Bustamante", "Olmos", "Espinoza-Ruiz", "Galindo", "Treviño", "Carrasco",
         "Sepúlveda")  # fmt: skip
_PAYERS = (
    ("Florida Blue", "F{d10}", "{d5}"),
    ("Independence Blue Cross", "QCB{d9}", "{d8}"),
    ("EmblemHealth", "K{d8}01", None),
    ("Blue Shield of California", "XEH{d9}", "W{d7}"),
    ("UPMC Health Plan", "{d9}", "{d6}"),
    ("L.A. Care Health Plan", "{d8}A", None),
    ("Geisinger Health Plan", "GHP{d8}", "{d4}"),
)
_PRACTICES = ("Clínica Familiar del Valle", "Sunrise Family Health Center",
              "Desert Bloom Primary Care", "Hillcrest Internal Medicine Group",
              "Eastside Community Clinic", "Mesa Verde Medical Associates")  # fmt: skip
_CREDENTIALS = ("MD", "DO", "NP", "MD", "PA-C")


def _third(f: Facts, rng: random.Random) -> Facts:
    """The same packet with names, payer and practice from this set's own lists."""
    patient = Person(rng.choice(_FIRST), rng.choice(_LAST))
    referrer = dataclasses.replace(
        f.referrer,
        person=Person(rng.choice(_FIRST), rng.choice(_LAST), f.referrer.person.middle),
        practice=rng.choice(_PRACTICES),
        credential=rng.choice(_CREDENTIALS),
    )
    payer, member, group = rng.choice(_PAYERS)
    insured = f.payer is not None
    email = f.email
    if email:
        first = "".join(c for c in patient.first.lower() if c.isascii() and c.isalpha())
        email = f"{first[:1]}{rng.randint(10, 99)}{_ascii(patient.last)}@{email.split('@')[1]}"
    subscriber = f.subscriber and Person(rng.choice(_FIRST), patient.last)
    return dataclasses.replace(
        f,
        patient=patient,
        referrer=referrer,
        email=email,
        payer=payer if insured else None,
        member_id=_fill(rng, member) if insured else None,
        group=_fill(rng, group) if insured and group and rng.random() < 0.8 else None,
        subscriber=subscriber if insured else None,
        other_doctor=Person(rng.choice(_FIRST), rng.choice(_LAST)),
        relative=Person(rng.choice(_FIRST), rng.choice((patient.last, *_LAST))),
    )


def _ascii(text: str) -> str:
    table = str.maketrans("áéíóúñü", "aeiounu")
    return "".join(c for c in text.lower().translate(table) if c.isascii() and c.isalpha())


def _address(c: Ctx) -> str:
    line, city = c.address_lines()
    return f"{line}, {city}" if line else ""


def _urgency(c: Ctx, words: dict[str, str]) -> str:
    return esc(words.get(c.f.urgency or "", ""))


# -- EHR order: patient banner, ruled rows field | value | comment ----------------------------


def _order_grid(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    age = f.age
    sex = {"F": "Female", "M": "Male", "X": "Nonbinary", "U": "Unknown"}.get(f.sex or "", "")
    banner = (
        "<table class='grid'><tr><td style='background-color: #d8d8d8'>"
        f"<b>{esc(Writer.last_first(f.patient, upper=True))}</b> &nbsp;&nbsp; "
        f"MRN {esc(f.mrn)} &nbsp;&nbsp; DOB {c.dob()} ({age} y) &nbsp;&nbsp; "
        + (f"{esc(sex)} &nbsp;&nbsp; " if sex else "")
        + (f"Ph {c.phone(f.phone)}" if f.phone else "")
        + "</td></tr></table>"
    )
    urgency = _urgency(c, {"stat": "STAT", "urgent": "Urgent", "routine": "Routine"})
    consultant = Writer.full(f.other_doctor)
    rows = [
        ("Order", f"REF{rng.randint(100000, 999999)}", "Signed"),
        ("Order date", esc(w.date(f.sent)), ""),
        ("Referral type", "Outpatient consult", esc(f.reason.specialty)),
        ("Refer to department", esc(f.receiver), ""),
        ("Refer to provider", esc(f"{consultant}, MD"), "if available"),
        ("Ordering provider", esc(f"{Writer.full(r.person)}, {r.credential}"), f"NPI {r.npi}"),
        ("Ordering department", esc(r.practice), ""),
        ("Department phone", c.phone(r.phone), ""),
        ("Department fax", c.phone(r.fax), "results to this fax"),
        ("Patient address", _address(c), ""),
        ("Patient e-mail", esc(f.email or ""), ""),
        ("Primary coverage", esc(f.payer or "Self-pay"), ""),
        ("Subscriber ID", esc(f.member_id or ""), ""),
        ("Group number", esc(f.group or ""), ""),
        ("Priority", urgency, ""),
        ("Diagnoses", esc("; ".join(f.codes)), ""),
        ("Reason for referral", esc(f.reason.text), ""),
    ]
    body = "".join(
        f"<tr><td width='26%'><b>{label}</b></td><td width='52%'>{value}</td>"
        f"<td class='small'>{comment or '&nbsp;'}</td></tr>"
        for label, value, comment in rows
        if value
    )
    return [
        f"<p class='small'>{esc(rng.choice(('Epic', 'Cerner', 'Meditech')))} &nbsp; "
        f"Printed {esc(w.date(f.sent))} by {esc(Writer.full(f.sender))}</p>"
        + banner
        + f"<h1>{rng.choice(('Referral Order', 'REFERRAL ORDER'))}</h1>"
        "<table class='grid'><tr><th>Field</th><th>Value</th><th>Comment</th></tr>"
        + body
        + "</table>"
        f"<p class='small'>{esc(f.reason.note)}</p>"
    ]


def _order_grid_omit(f: Facts, rng: random.Random) -> Facts:
    return _third(f, rng)


# -- discharge-style referral: narrative left, demographics in a right-hand sidebar ------------


def _sidebar(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    line, city = c.address_lines()

    def item(label: str, value: str) -> str:
        return f"<span class='above'>{esc(label)}</span><br/>{value}<br/>" if value else ""

    sex = {"F": "Female", "M": "Male", "X": "X", "U": "Unknown"}.get(f.sex or "", "")
    side = (
        "<b>PATIENT</b><br/>"
        + item("Name", esc(Writer.full(f.patient)))
        + item("Date of birth", c.dob())
        + item("Sex", esc(sex))
        + item("Telephone", c.phone(f.phone))
        + item("Home address", f"{line}<br/>{city}" if line else "")
        + "<br/><b>COVERAGE</b><br/>"
        + item("Plan", esc(f.payer or "Uninsured"))
        + item("ID", esc(f.member_id or ""))
        + item("Group", esc(f.group or ""))
        + "<br/><b>DISCHARGING PHYSICIAN</b><br/>"
        + item("Name", esc(f"{Writer.full(r.person)}, {r.credential}"))
        + item("NPI", r.npi)
        + item("Service", esc(r.practice))
        + item("Phone", c.phone(r.phone))
        + item("Fax", c.phone(r.fax))
    )
    when = {"stat": "within 24 hours", "urgent": "within 1 week",
            "routine": "within 4-6 weeks"}.get(f.urgency or "")  # fmt: skip
    admitted = f.sent.replace(day=max(1, f.sent.day - rng.randint(1, 5)))
    main = (
        f"<h2>Admission</h2><p>Admitted {esc(w.date(admitted))}, discharged "
        f"{esc(w.date(f.sent))}. Attending: Dr. {esc(Writer.full(f.other_doctor))}.</p>"
        f"<h2>Hospital course</h2><p>{esc(f.reason.note)} Stable at discharge.</p>"
        f"<h2>Discharge diagnoses</h2><p>"
        + "<br/>".join(f"{code} {esc(desc)}" for code, desc in f.reason.codes if code in f.codes)
        + "</p><h2>Referral</h2>"
        f"<p>Outpatient follow-up with {esc(f.reason.specialty)} ({esc(f.receiver)}) for "
        f"{esc(f.reason.text.lower())}"
        + (f", {when}." if when else ".")
        + "</p><p class='small'>Medications reconciled; see discharge medication list.</p>"
    )
    hospital = rng.choice(("Valle Grande Medical Center", "Sacred Heart Hospital"))
    return [
        f"<h1>{esc(hospital)}</h1><p><b>Discharge Summary and Referral for Follow-up</b></p>"
        "<table><tr>"
        f"<td width='64%'>{main}</td>"
        f"<td style='background-color: #efefef; border-left: 0.6pt solid #000'>{side}</td>"
        "</tr></table>"
    ]


def _sidebar_omit(f: Facts, rng: random.Random) -> Facts:
    f = _third(f, rng)
    return dataclasses.replace(f, email=None)


# -- intake questionnaire: numbered questions ---------------------------------------------------


def _questionnaire(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    number = iter(range(1, 40))
    below = rng.random() < 0.5  # answers on the line below each question

    def q(question: str, answer: str) -> str:
        n = next(number)
        shown = answer or "&nbsp;"
        if below:
            return f"<p>{n}. {esc(question)}<br/>&nbsp;&nbsp;&nbsp;&nbsp;{shown}</p>"
        return f"<p>{n}. {esc(question)} {shown}</p>"

    sex = {"F": "Female", "M": "Male", "X": "Nonbinary", "U": "Prefer not to say"}
    contact = Writer.full(f.relative)
    urgency = " ".join(
        c.box(f.urgency == code, word)
        for code, word in (("stat", "Emergency"), ("urgent", "Soon"), ("routine", "Routine"))
    )
    insured = "Yes" if f.payer else "No"
    return [
        f"<h1 class='center'>{esc(f.receiver)}</h1>"
        f"<h2 class='center'>New Patient Questionnaire - {esc(f.reason.specialty)}</h2>"
        "<p class='small'>Please answer every question. Your referring office may complete "
        "this form for you.</p>"
        + q("Patient's full legal name:", esc(Writer.full(f.patient)))
        + q("Date of birth:", c.dob())
        + q("Sex:", esc(sex.get(f.sex or "", "")))
        + q("Best phone number to reach you:", c.phone(f.phone))
        + q("Home address:", _address(c))
        + q("E-mail (optional):", esc(f.email or ""))
        + q("Emergency contact (name, relationship, phone):",
            f"{esc(contact)}, {esc(f.relation)}, {c.phone(f.sender_phone)}")
        + q("Do you have health insurance?", insured)
        + (q("Insurance company and member ID:", f"{esc(f.payer)}, {esc(f.member_id)}")
           if f.payer else "")
        + (q("Group number (on your card):", esc(f.group)) if f.group else "")
        + q("Who referred you (doctor's name)?", esc(f"Dr. {Writer.full(r.person)}"))
        + q("Referring doctor's NPI, if known:", r.npi)
        + q("Referring office name, phone and fax:",
            f"{esc(r.practice)}, {c.phone(r.phone)}, fax {c.phone(r.fax)}")
        + q("What is the main reason for your visit?", esc(f.reason.text))
        + q("Diagnosis codes given by your doctor (ICD-10):", esc(", ".join(f.codes)))
        + q("How soon do you need to be seen?", urgency)
        + f"<p class='small'>Completed {esc(w.date(f.sent))}</p>"
    ]  # fmt: skip


def _questionnaire_omit(f: Facts, rng: random.Random) -> Facts:
    f = _third(f, rng)
    return dataclasses.replace(f, urgency=f.urgency or "routine")


# -- captions: the label printed after (under) its value -----------------------------------------


def _captions(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng

    def cell(value: str, caption: str, span: int = 1) -> str:
        return (
            f"<td colspan='{span}'>{value or '&nbsp;'}<br/>"
            f"<span class='above'>{esc(caption)}</span></td>"
        )

    sex = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    line, city = c.address_lines()
    urgency = _urgency(c, {"stat": "STAT", "urgent": "URGENT", "routine": "ROUTINE"})
    grid = (
        "<table class='grid'><tr>"
        + cell(esc(f.patient.last), "Last name")
        + cell(esc(f.patient.first), "First name")
        + cell(c.dob(), "Date of birth")
        + cell(esc(sex), "Sex")
        + "</tr><tr>"
        + cell(line, "Street", 2)
        + cell(city, "City, state, ZIP", 2)
        + "</tr><tr>"
        + cell(c.phone(f.phone), "Phone", 2)
        + cell(esc(f.email or ""), "E-mail", 2)
        + "</tr><tr>"
        + cell(esc(f.payer or ""), "Insurance", 2)
        + cell(esc(f.member_id or ""), "Member ID")
        + cell(esc(f.group or ""), "Group")
        + "</tr></table>"
    )
    dash = " &mdash; " if rng.random() < 0.5 else " - "
    people = (
        f"<p>{esc(Writer.full(f.patient))}{dash}<i>patient</i><br/>"
        f"{esc(w.provider(r.person, r.credential))}{dash}<i>referring provider</i>"
        f" (NPI {r.npi})<br/>"
        f"{esc(r.practice)}{dash}<i>practice</i><br/>"
        f"{c.phone(r.phone)}{dash}<i>office phone</i> &nbsp; "
        f"{c.phone(r.fax)}{dash}<i>office fax</i></p>"
    )
    clinical = (
        f"<p>{esc(f.reason.text)}{dash}<i>reason for referral</i><br/>"
        f"{esc(', '.join(f.codes))}{dash}<i>ICD-10</i>"
        + (f"<br/>{urgency}{dash}<i>priority</i>" if urgency else "")
        + "</p>"
    )
    return [
        f"<h1>{esc(r.practice)}</h1><p><b>Consultation referral</b> to {esc(f.receiver)}, "
        f"{esc(w.date(f.sent))}</p>"
        + people
        + grid
        + "<p>&nbsp;</p>"
        + clinical
        + "<p>______________________________<br/><span class='above'>Signature</span></p>"
    ]


def _captions_omit(f: Facts, rng: random.Random) -> Facts:
    return _third(f, rng)


# -- payer prior authorization: member, subscriber, requesting and servicing providers ---------


def _prior_auth(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    servicing_npi = npi(rng)
    servicing_phone = phone(rng)

    def block(title: str, rows: list[tuple[str, str]]) -> str:
        cells = "".join(
            f"<tr><td class='lab'>{esc(k)}</td><td>{v or '&nbsp;'}</td></tr>" for k, v in rows
        )
        return f"<h2>{esc(title)}</h2><table class='grid'>{cells}</table>"

    sex = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    subscriber = f.subscriber or f.patient
    relation = "Self" if f.subscriber is None else rng.choice(("Spouse", "Parent"))
    urgency = " &nbsp; ".join(
        (c.box(f.urgency == "routine", "Standard (15 days)"),
         c.box(f.urgency in ("urgent", "stat"), "Urgent (72 hours)"))
    )  # fmt: skip
    return [
        f"<h1 class='center'>{esc(f.payer or 'Health Plan')}</h1>"
        "<h2 class='center'>Prior Authorization Request - Outpatient Services</h2>"
        f"<p class='small'>Fax to Utilization Management {c.phone(f.receiver_fax)}</p>"
        f"<p><b>Review type:</b> {urgency}</p>"
        + block(
            "Member",
            [
                ("Member name (last, first)", esc(Writer.last_first(f.patient))),
                ("Member ID", esc(f.member_id or "")),
                ("Date of birth", c.dob()),
                ("Gender", esc(sex)),
                ("Member phone", c.phone(f.phone)),
                ("Member address", _address(c)),
            ],
        )
        + block(
            "Subscriber",
            [
                ("Subscriber name", esc(Writer.full(subscriber))),
                ("Relationship to member", relation),
                ("Group number", esc(f.group or "")),
            ],
        )
        + block(
            "Requesting provider",
            [
                ("Name", esc(f"{Writer.full(r.person)}, {r.credential}")),
                ("NPI", r.npi),
                ("Practice", esc(r.practice)),
                ("Phone", c.phone(r.phone)),
                ("Fax", c.phone(r.fax)),
            ],
        )
        + block(
            "Servicing provider / facility",
            [
                ("Name", esc(f.receiver)),
                ("NPI", servicing_npi),
                ("Phone", c.phone(servicing_phone)),
            ],
        )
        + block(
            "Service",
            [
                ("Specialty", esc(f.reason.specialty)),
                ("ICD-10 code(s)", esc(", ".join(f.codes))),
                ("Clinical indication", esc(f.reason.text)),
                ("Visits requested", str(rng.randint(1, 6))),
            ],
        )
        + f"<p class='small'>Submitted {esc(w.date(f.sent))}</p>"
    ]


def _prior_auth_omit(f: Facts, rng: random.Random) -> Facts:
    f = _third(f, rng)
    if f.payer is None:  # a prior-authorization request is always to a payer
        payer, member, group = rng.choice(_PAYERS)
        f = dataclasses.replace(f, payer=payer, member_id=_fill(rng, member))
    urgency = "urgent" if f.urgency == "stat" else f.urgency
    return dataclasses.replace(
        f, email=None, urgency=urgency if urgency else rng.choice(("urgent", "routine"))
    )


THIRD: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("order_grid", _order_grid, _order_grid_omit,
               "EHR referral order: patient banner, ruled field | value | comment rows"),
        Layout("sidebar", _sidebar, _sidebar_omit,
               "discharge-style referral, demographics in a right-hand sidebar"),
        Layout("questionnaire", _questionnaire, _questionnaire_omit,
               "intake questionnaire, numbered questions"),
        Layout("captions", _captions, _captions_omit,
               "labels after values: captions under rules, 'name - patient' lines"),
        Layout("prior_auth", _prior_auth, _prior_auth_omit,
               "payer prior-authorization form, member/subscriber/servicing blocks"),
    )
}  # fmt: skip
