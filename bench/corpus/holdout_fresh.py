"""Six more held-out layouts, written while the reader was being worked on (2026-12-05) and
never tuned on: a four-column grid, an SBAR note, a letter with its letterhead at the foot,
a fill-in-the-blank form, patient and referrer boxes side by side, a portal printout with
dot leaders.

Besides new arrangements, these packets draw names, payers and practices the bench's other
layouts never use (``_fresh``), so nothing the reader learned from the corpus's word lists
helps it here. ``holdout.HOLDOUT`` holds them with the first three.
"""

import dataclasses
import random

from bench.corpus.context import Ctx
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts, Person, Referrer, _fill
from bench.corpus.writing import Writer, esc

_FIRST = ("Harriet", "Nikolai", "Adaeze", "Camille", "Rahul", "Beatriz", "Olusegun", "Soren",
          "Imogen", "Teodoro", "Yusuf", "Marguerite", "Dakota", "Ngozi", "Elias",
          "Wren")  # fmt: skip
_LAST = ("Kowalczyk", "Nakamura", "Fernandes", "Adeyemi", "Lindgren", "Castellanos",
         "Papadopoulos", "Whitaker", "Bergström", "Haddad", "O'Sullivan", "Villanueva",
         "Thornton", "Iwu", "Delacroix", "Brennan")  # fmt: skip
_PAYERS = (
    ("Oscar Health", "OSC{d8}", "{d5}"),
    ("Ambetter", "U{d10}", None),
    ("Highmark", "HMK{d9}", "{d8}"),
    ("WellCare", "{d9}", None),
    ("Priority Health", "PH{d8}", "{d6}"),
    ("Harvard Pilgrim Health Care", "HP{d9}", "{d4}"),
    ("CareSource", "{d11}", None),
)
_PRACTICES = ("Greenfield Pediatric Associates", "Bayshore Internal Medicine",
              "Mountain View Family Physicians", "Westbrook Community Health",
              "Pioneer Valley Primary Care")  # fmt: skip


def _fresh(f: Facts, rng: random.Random) -> Facts:
    """The same packet with a name, payer and practice the corpus's lists do not hold."""
    patient = Person(rng.choice(_FIRST), rng.choice(_LAST))
    referrer = dataclasses.replace(
        f.referrer,
        person=Person(rng.choice(_FIRST), rng.choice(_LAST), f.referrer.person.middle),
        practice=rng.choice(_PRACTICES),
    )
    payer, member, group = rng.choice(_PAYERS)
    insured = f.payer is not None
    email = f.email
    if email:
        last = "".join(c for c in patient.last.lower() if c.isascii() and c.isalpha())
        email = f"{patient.first.lower()}.{last}@{email.split('@')[1]}"
    return dataclasses.replace(
        f,
        patient=patient,
        referrer=referrer,
        email=email,
        payer=payer if insured else None,
        member_id=_fill(rng, member) if insured else None,
        group=_fill(rng, group) if insured and group and rng.random() < 0.8 else None,
    )


def _provider(r: Referrer) -> str:
    return f"{Writer.full(r.person)}, {r.credential}"


# -- four-column grid: label, value, label, value ----------------------------------------------


def _grid4(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    line, city = c.address_lines()
    urgency = " ".join(
        c.box(f.urgency == code, word)
        for code, word in (("routine", "Routine"), ("urgent", "Urgent"), ("stat", "STAT"))
    )
    rows = [
        ("Surname", esc(f.patient.last), "Given name(s)", esc(f.patient.first)),
        ("Date of birth", c.dob(), "Gender", esc(Writer.sex(f.sex, rng))),
        ("Street", line, "City/State/ZIP", city),
        ("Home phone", c.phone(f.phone), "Email", esc(f.email or "")),
        ("Insurance carrier", esc(f.payer or "Self-pay"), "Policy number", esc(f.member_id or "")),
        ("Group no.", esc(f.group or ""), "Relationship to insured", "Self"),
        ("Referring practitioner", esc(_provider(r)), "NPI", r.npi),
        ("Practice", esc(r.practice), "Telephone", c.phone(r.phone)),
        ("Fax", c.phone(r.fax), "Specialty", esc(f.reason.specialty)),
        ("ICD-10", esc(", ".join(f.codes)), "Priority", urgency),
    ]
    body = "".join(
        f"<tr><td class='lab'>{a}</td><td>{b or '&nbsp;'}</td>"
        f"<td class='lab'>{c_}</td><td>{d or '&nbsp;'}</td></tr>"
        for a, b, c_, d in rows
    )
    return [
        f"<h1 class='center'>{esc(r.practice)}</h1><h2 class='center'>Referral Form</h2>"
        f"<table class='grid'>{body}"
        f"<tr><td class='lab'>Reason for request</td><td colspan='3'>{esc(f.reason.text)}</td>"
        "</tr></table>"
        f"<p class='small'>{esc(f.reason.note)}</p>"
    ]


def _grid4_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fresh(f, rng)
    return dataclasses.replace(f, urgency=f.urgency or "routine")


# -- SBAR note -----------------------------------------------------------------------------------


def _sbar(c: Ctx) -> list[str]:
    f, w, r = c.f, c.w, c.f.referrer
    urgency = {"stat": "STAT", "urgent": "urgent", "routine": "routine"}.get(f.urgency or "")
    ins = ""
    if f.payer:
        ins = f"<p><b>Insurance:</b> {esc(f.payer)} / ID {esc(f.member_id)}"
        ins += f" (grp {esc(f.group)})</p>" if f.group else "</p>"
    return [
        f"<h1>Referral - {esc(f.reason.specialty)}</h1>"
        f"<p><b>Patient:</b> {esc(Writer.full(f.patient))} &nbsp; <b>DOB:</b> {c.dob()} &nbsp; "
        + (f"<b>Phone:</b> {c.phone(f.phone)}" if f.phone else "")
        + "</p>"
        + ins
        + f"<p><b>S:</b> {esc(f.reason.text)}.</p>"
        f"<p><b>B:</b> {esc(f.reason.note)}</p>"
        f"<p><b>A:</b> {esc('; '.join(f.codes))}</p>"
        f"<p><b>R:</b> Please evaluate and treat."
        + (f" This request is {urgency}." if urgency else "")
        + "</p>"
        f"<hr/><p class='small'>Referring: Dr. {esc(Writer.full(r.person))} ({esc(r.credential)})"
        f" - {esc(r.practice)} - NPI {r.npi} - tel {c.phone(r.phone)} - fax {c.phone(r.fax)}"
        f" - {esc(w.date(f.sent))}</p>"
    ]


def _sbar_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fresh(f, rng)
    return dataclasses.replace(f, sex=None, email=None, address=None, subscriber=None)


# -- letter with its letterhead at the foot -----------------------------------------------------


def _footer_letter(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    title = {"F": "Ms.", "M": "Mr."}.get(f.sex or "", "")
    name = esc(f"{title} {Writer.full(f.patient)}".strip())
    a = r.address
    line, city = c.address_lines()
    lives = f" {esc('She' if f.sex == 'F' else 'He' if f.sex == 'M' else 'The patient')} lives " \
        f"at {line}, {city}." if f.address else ""  # fmt: skip
    ins = f" {esc(f.payer)} covers the visit (ID {esc(f.member_id)})." if f.payer else ""
    when = {"stat": "urgently, today if possible", "urgent": "soon",
            "routine": "at your convenience"}.get(f.urgency or "", "")  # fmt: skip
    return [
        f"<p>{esc(w.date(f.sent))}</p><p>Dear colleagues at {esc(f.receiver)},</p>"
        f"<p><b>Re: {name} (born {c.dob()})</b></p>"
        f"<p>Many thanks for agreeing to see this patient {when} regarding "
        f"{esc(f.reason.text.lower())}. {esc(f.reason.note)}{lives}"
        + (f" Telephone {c.phone(f.phone)}." if f.phone else "")
        + f"{ins} Working diagnoses: {esc(', '.join(f.codes))}.</p>"
        "<p>With best wishes,</p><p>&nbsp;</p>"
        f"<p>Dr {esc(Writer.full(r.person))}<br/>{esc(r.credential)}</p>"
        "<p>&nbsp;</p><hr/>"
        f"<p class='small center'>{esc(r.practice)} &middot; {esc(a.line1)}, {esc(a.city)}, "
        f"{esc(a.state)} {esc(a.zip)} &middot; Tel {c.phone(r.phone)} &middot; "
        f"Fax {c.phone(r.fax)} &middot; NPI {r.npi}</p>"
        + ("" if rng.random() < 0.5 else "<p class='small center'>Confidential</p>")
    ]


def _footer_letter_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fresh(f, rng)
    return dataclasses.replace(
        f, email=None, group=None, subscriber=None, sex=f.sex if f.sex in ("F", "M") else None
    )


_EARLIER: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("grid4", _grid4, _grid4_omit, "four-column grid, label value label value"),
        Layout("sbar", _sbar, _sbar_omit, "SBAR note, referrer in a footer line"),
        Layout("footer_letter", _footer_letter, _footer_letter_omit,
               "letter, honorifics, letterhead at the foot"),
    )
}  # fmt: skip


# -- written last ------------------------------------------------------------------------------


def _blank(value: str) -> str:
    """A fill-in-the-blank line with the value typed on it."""
    return f"<u>&nbsp;{value or '&nbsp;' * 12}&nbsp;</u>"


# -- fill-in-the-blank form ---------------------------------------------------------------------


def _blanks(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    line, city = c.address_lines()
    sex = {"F": "[X] F [ ] M", "M": "[ ] F [X] M"}.get(f.sex or "", "[ ] F [ ] M")
    urg = " ".join(
        c.box(f.urgency == code, word)
        for code, word in (("routine", "Routine"), ("urgent", "Urgent"), ("stat", "Emergent"))
    )

    def row(*pairs: tuple[str, str]) -> str:
        return "<p>" + " &nbsp; ".join(f"{k}: {_blank(v)}" for k, v in pairs) + "</p>"

    return [
        f"<h1 class='center'>{esc(r.practice)}</h1><h2 class='center'>REFERRAL REQUEST</h2>"
        + row(("Patient name", esc(Writer.full(f.patient))), ("Date of birth", c.dob()))
        + f"<p>Sex: {sex} &nbsp; Phone: {_blank(c.phone(f.phone))}</p>"
        + row(("Address", f"{line}, {city}" if line else ""))
        + row(("Insurance", esc(f.payer or "")), ("ID #", esc(f.member_id or "")))
        + row(("Group #", esc(f.group or "")))
        + "<p>&nbsp;</p>"
        + row(
            ("Referring provider", esc(f"{Writer.full(r.person)}, {r.credential}")), ("NPI", r.npi)
        )  # fmt: skip
        + row(("Phone", c.phone(r.phone)), ("Fax", c.phone(r.fax)))
        + row(("Diagnosis / ICD-10", esc(", ".join(f.codes))))
        + row(("Reason for referral", esc(f.reason.text)))
        + f"<p>Urgency: {urg}</p>"
        + f"<p>Referred to: {esc(f.receiver)} ({esc(f.reason.specialty)})</p>"
        + f"<p class='small'>Signature: ____________________ Date: {esc(w.date(f.sent))}</p>"
        + ("" if rng.random() < 0.5 else "<p class='small'>Please attach recent notes.</p>")
    ]


def _blanks_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fresh(f, rng)
    return dataclasses.replace(
        f,
        email=None,
        sex=f.sex if f.sex in ("F", "M") else None,
        urgency=f.urgency,
    )


# -- two boxes side by side: patient and referring provider, same labels in each ---------------


def _two_up(c: Ctx) -> list[str]:
    f, r = c.f, c.f.referrer
    line, city = c.address_lines()

    def block(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(f"<b>{k}:</b> {v}<br/>" for k, v in rows if v)
        return f"<b>{title}</b><br/>{body}"

    left = [
        ("Name", esc(Writer.full(f.patient))),
        ("DOB", c.dob()),
        ("Phone", c.phone(f.phone)),
        ("Address", f"{line}, {city}" if line else ""),
        ("Email", esc(f.email or "")),
    ]
    right = [
        ("Name", esc(f"{Writer.full(r.person)}, {r.credential}")),
        ("NPI", r.npi),
        ("Practice", esc(r.practice)),
        ("Phone", c.phone(r.phone)),
        ("Fax", c.phone(r.fax)),
    ]
    insurance = (
        f"<p><b>Insurance:</b> {esc(f.payer)} &nbsp; <b>Member ID:</b> {esc(f.member_id)}"
        + (f" &nbsp; <b>Group:</b> {esc(f.group)}" if f.group else "")
        + "</p>"
        if f.payer
        else "<p><b>Insurance:</b> none on file</p>"
    )
    urgency = {"stat": "STAT", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")
    return [
        f"<h1>Referral to {esc(f.reason.specialty)}</h1>"
        "<table class='grid'><tr>"
        f"<td width='50%'>{block('PATIENT', left)}</td>"
        f"<td>{block('REFERRING PROVIDER', right)}</td></tr></table>"
        + insurance
        + f"<p><b>Diagnosis:</b> {esc(', '.join(f.codes))}</p>"
        f"<p><b>Reason:</b> {esc(f.reason.text)}</p>"
        + (f"<p><b>Priority:</b> {urgency}</p>" if urgency else "")
    ]


def _two_up_omit(f: Facts, rng: random.Random) -> Facts:
    f = _fresh(f, rng)
    return dataclasses.replace(f, sex=None)


# -- a web portal's printout: dot leaders -------------------------------------------------------


def _portal(c: Ctx) -> list[str]:
    f, w, r = c.f, c.w, c.f.referrer
    a = f.address

    def row(label: str, value: str) -> str:
        if not value:
            return ""
        dots = "." * max(3, 28 - len(label))
        return f"{esc(label)} {dots} {value}<br/>"

    sex = {"F": "Female", "M": "Male", "X": "Other", "U": "Unknown"}.get(f.sex or "", "")
    urgency = {"stat": "Emergency", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")
    return [
        "<p class='small'>https://portal.example-health.org/referrals/outbound/print</p>"
        f"<h2>Outbound referral #{c.rng.randint(100000, 999999)}</h2>"
        "<p class='mono'>"
        + row("Patient last name", esc(f.patient.last))
        + row("Patient first name", esc(f.patient.first))
        + row("Birth date", c.dob())
        + row("Sex", sex)
        + row("Phone (home)", c.phone(f.phone))
        + row("E-mail", esc(f.email or ""))
        + row("Street", esc(a.line1) if a else "")
        + row("Unit", esc(a.line2 or "") if a else "")
        + row("City", esc(a.city) if a else "")
        + row("State", esc(a.state) if a else "")
        + row("ZIP", esc(a.zip) if a else "")
        + row("Plan", esc(f.payer or ""))
        + row("Member ID", esc(f.member_id or ""))
        + row("Group", esc(f.group or ""))
        + row("Referring provider", esc(Writer.full(r.person)))
        + row("Provider NPI", r.npi)
        + row("Organization", esc(r.practice))
        + row("Office phone", c.phone(r.phone))
        + row("Office fax", c.phone(r.fax))
        + row("Service", esc(f.reason.specialty))
        + row("Diagnosis codes", esc(" ".join(f.codes)))
        + row("Clinical reason", esc(f.reason.text))
        + row("Urgency", urgency)
        + "</p>"
        f"<p class='small'>Printed {esc(w.date(f.sent))}</p>"
    ]


_LATER: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("blanks", _blanks, _blanks_omit, "fill-in-the-blank form, underlined values"),
        Layout("two_up", _two_up, _two_up_omit, "patient and referrer boxes side by side"),
        Layout("portal", _portal, _fresh, "web portal printout with dot leaders"),
    )
}


FRESH: dict[str, Layout] = {**_EARLIER, **_LATER}
