"""The referral itself, laid out the ways real ones are. Each layout returns its pages' HTML.

A layout may also leave facts out (``omit``): a letter rarely carries a group number, an EHR
printout never an email. What it leaves out is ``None`` in the truth.
"""

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.corpus.context import Ctx
from bench.corpus.people import Facts
from bench.corpus.writing import Writer, esc


@dataclass(frozen=True)
class Layout:
    name: str
    render: Callable[[Ctx], list[str]]
    omit: Callable[[Facts, random.Random], Facts]
    description: str


def _keep(f: Facts, rng: random.Random) -> Facts:
    return f


def _letterhead(c: Ctx, compact: bool = False) -> str:
    r = c.f.referrer
    a = r.address
    phone = f"{c.w.label('ref_phone')}: {c.phone(r.phone)}"
    fax = f"{c.w.label('ref_fax')}: {c.phone(r.fax)}"
    lines = f"{esc(a.line1)}, {esc(a.city)}, {esc(a.state)} {esc(a.zip)}"
    if compact:
        return (
            f"<p><b>{esc(r.practice)}</b><br/><span class='small'>{lines} &nbsp; {phone}"
            f" &nbsp; {fax}</span></p>"
        )
    return (
        f"<table><tr><td><h1>{esc(r.practice)}</h1><span class='small'>{lines}<br/>"
        f"{phone} &nbsp;|&nbsp; {fax}</span></td></tr></table><hr/>"
    )


def _sex_word(c: Ctx) -> str:
    return esc(Writer.sex(c.f.sex, c.rng))


def _urgency_word(c: Ctx) -> str:
    return esc(Writer.urgency(c.f.urgency, c.rng)) if c.f.urgency else ""


def _codes(c: Ctx, sep: str = ", ") -> str:
    return esc(c.w.codes(c.f.codes, c.described(), sep))


def _insurance_rows(c: Ctx) -> list[tuple[str, str]]:
    f, w = c.f, c.w
    rows = []
    if f.payer:
        rows.append((w.label("payer"), esc(f.payer)))
        rows.append((w.label("member"), esc(f.member_id)))
    if f.group:
        rows.append((w.label("group"), esc(f.group)))
    if f.subscriber:
        rows.append(("Subscriber", esc(Writer.full(f.subscriber))))
    return rows


def _patient_rows(c: Ctx, split_name: bool) -> list[tuple[str, str]]:
    f, w = c.f, c.w
    rows: list[tuple[str, str]] = []
    if split_name:
        rows += [(w.label("last"), esc(f.patient.last)), (w.label("first"), esc(f.patient.first))]
    elif c.rng.random() < 0.4:
        rows.append((w.label("patient_name"), esc(Writer.last_first(f.patient))))
    else:
        rows.append((w.label("patient_name"), esc(Writer.full(f.patient))))
    rows.append((w.label("dob"), c.dob()))
    if f.sex:
        rows.append((w.label("sex"), _sex_word(c)))
    if f.phone:
        rows.append((w.label("phone"), c.phone(f.phone)))
    if f.email:
        rows.append((w.label("email"), esc(f.email)))
    if f.address:
        line, city = c.address_lines()
        rows.append((w.label("address"), f"{line}<br/>{city}"))
    return rows


def _referrer_rows(c: Ctx) -> list[tuple[str, str]]:
    r, w = c.f.referrer, c.w
    return [
        (w.label("referrer"), esc(w.provider(r.person, r.credential))),
        (w.label("npi"), r.npi),
        (w.label("practice"), esc(r.practice)),
        (w.label("ref_phone"), c.phone(r.phone)),
        (w.label("ref_fax"), c.phone(r.fax)),
    ]


def _clinical_rows(c: Ctx) -> list[tuple[str, str]]:
    f, w = c.f, c.w
    rows = [
        (w.label("specialty"), esc(f.reason.specialty)),
        (w.label("reason"), esc(f.reason.text)),
        (w.label("codes"), _codes(c)),
    ]
    if f.urgency:
        rows.append((w.label("urgency"), _urgency_word(c)))
    return rows


def _signature(c: Ctx) -> str:
    r = c.f.referrer
    return (
        "<p>&nbsp;</p><p>Provider signature: ______________________________ &nbsp; "
        f"Date: {esc(c.w.date(c.f.sent))}</p>"
        f"<p class='small'>{esc(c.w.full(r.person))}, {esc(r.credential)}</p>"
    )


# -- 1. label/value form ----------------------------------------------------------------------


def _form(c: Ctx) -> list[str]:
    def section(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(
            f"<tr><td width='30%'><b>{esc(k)}:</b></td><td>{v}</td></tr>" for k, v in rows
        )
        return f"<h2>{esc(title)}</h2><table>{body}</table>"

    title = c.rng.choice(("REFERRAL FORM", "Patient Referral", "Specialty Referral Request",
                          "Outpatient Referral"))  # fmt: skip
    parts = [
        _letterhead(c),
        f"<h1 class='center'>{title}</h1>",
        f"<p>To: {esc(c.f.receiver)} &nbsp; Date: {esc(c.w.date(c.f.sent))}</p>",
        section("Patient Information", _patient_rows(c, split_name=c.rng.random() < 0.5)),
    ]
    insurance = _insurance_rows(c)
    if insurance:
        parts.append(section("Insurance", insurance))
    parts.append(section("Referring Provider", _referrer_rows(c)))
    parts.append(section("Referral Details", _clinical_rows(c)))
    parts.append(_signature(c))
    return ["".join(parts)]


# -- 2. two-column bordered table -------------------------------------------------------------


def _table(c: Ctx) -> list[str]:
    rows = (
        _patient_rows(c, split_name=c.rng.random() < 0.6)
        + _insurance_rows(c)
        + _referrer_rows(c)
        + _clinical_rows(c)
    )
    body = "".join(f"<tr><td class='lab'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    title = c.rng.choice(("Referral Request", "REFERRAL", "Consultation Request",
                          "Request for Specialist Consultation"))  # fmt: skip
    return [
        f"<h1>{esc(c.f.referrer.practice)}</h1><h2>{title}</h2>"
        f"<table class='grid'>{body}</table>"
        f"<p class='small'>Please fax appointment date and time to {c.phone(c.f.referrer.fax)}."
        "</p>" + _signature(c)
    ]


# -- 3. narrative letter ----------------------------------------------------------------------


def _letter_omit(f: Facts, rng: random.Random) -> Facts:
    # Letters state sex by a word only for F/M; they seldom give a group number or email.
    return dataclasses.replace(
        f,
        sex=f.sex if f.sex in ("F", "M") else None,
        group=f.group if rng.random() < 0.5 else None,
        email=None,
        subscriber=None,
    )


def _letter(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    age = (f.sent - f.dob).days // 365
    noun = {"F": "female", "M": "male"}.get(f.sex or "", "patient")
    pronoun = {"F": "She", "M": "He"}.get(f.sex or "", "The patient")
    possessive = {"F": "Her", "M": "His"}.get(f.sex or "", "The patient's")
    name = esc(Writer.full(f.patient))
    opening = rng.choice((
        f"I am referring my patient {name} (DOB {c.dob()}), a {age}-year-old {noun}, "
        f"for evaluation of {esc(f.reason.text.lower())}.",
        f"Thank you for seeing {name}, date of birth {c.dob()}, a {age} year old {noun} whom I "
        f"am referring for {esc(f.reason.text.lower())}.",
        f"I would appreciate your consultation on {name} ({age}-year-old {noun}, born "
        f"{c.dob()}) regarding {esc(f.reason.text.lower())}.",
    ))  # fmt: skip
    contact = []
    if f.address:
        line, city = c.address_lines()
        contact.append(f"{pronoun} lives at {line}, {city}")
    if f.phone:
        contact.append(f"can be reached at {c.phone(f.phone)}")
    contact_text = (" and ".join(contact) + ".") if contact else ""
    insurance = ""
    if f.payer:
        insurance = f"{possessive} insurance is {esc(f.payer)}, member ID {esc(f.member_id)}"
        insurance += f", group {esc(f.group)}." if f.group else "."
    urgency = {
        "stat": rng.choice(("This is a STAT referral; please see the patient today.",
                            "Please treat this as STAT.")),
        "urgent": rng.choice(("This referral is urgent; I would appreciate an appointment within "
                              "the week.", "Priority: Urgent.")),
        "routine": rng.choice(("This is a routine referral.", "Priority: routine.")),
    }.get(f.urgency or "", "")  # fmt: skip
    codes = f"Diagnosis: {_codes(c, '; ')}."
    return [
        _letterhead(c)
        + f"<p>{esc(w.date(f.sent))}</p>"
        + f"<p>{esc(f.receiver)}<br/>Attn: New Patient Referrals</p>"
        + f"<p><b>RE: {name}, DOB {c.dob()}</b></p>"
        + "<p>Dear Colleague,</p>"
        + f"<p>{opening} {esc(f.reason.note)} {contact_text}</p>"
        + f"<p>{codes} {insurance}</p>"
        + f"<p>{urgency} Relevant notes are enclosed. Please do not hesitate to call my office "
        f"at {c.phone(r.phone)} or fax {c.phone(r.fax)} with any questions.</p>"
        + "<p>Sincerely,</p><p>&nbsp;</p>"
        + f"<p>{esc(w.provider(r.person, r.credential, rng.choice((1, 2))))}<br/>"
        + f"{esc(r.practice)}<br/>NPI: {r.npi}</p>"
    ]


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("form", _form, _keep, "label: value referral form with sections"),
        Layout("table", _table, _keep, "two-column bordered table form"),
        Layout("letter", _letter, _letter_omit, "narrative letter on letterhead"),
    )
}
