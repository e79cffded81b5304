"""The referral itself, laid out the ways real ones are. Each layout returns its pages' HTML.

A layout may also leave facts out (``omit``): a letter rarely carries a group number, an EHR
printout never an email. What it leaves out is ``None`` in the truth.
"""

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bench.corpus.context import Ctx
from bench.corpus.people import Facts
from bench.corpus.writing import Writer, esc
from models.document import PageType


@dataclass(frozen=True)
class Layout:
    name: str
    render: Callable[[Ctx], list[str]]
    omit: Callable[[Facts, random.Random], Facts]
    description: str
    # Pages of another kind the sender put before the referral (a progress note first).
    lead: Callable[[Ctx], list[tuple[str, PageType]]] | None = None


def _keep(f: Facts, rng: random.Random) -> Facts:
    return f


def _no_email(f: Facts, rng: random.Random) -> Facts:
    # the layout has no place for an e-mail address: the truth cannot hold one
    return dataclasses.replace(f, email=None)


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
    age = f.age
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


# -- 4. EHR order printout ---------------------------------------------------------------------


def _ehr_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(f, email=f.email if rng.random() < 0.3 else None)


def _ehr(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    system = rng.choice(("Epic", "athenahealth", "eClinicalWorks", "NextGen"))
    org = rng.choice(("Mercy Health System", "Lakeshore Health", "Unity Medical Partners"))
    name = esc(Writer.last_first(f.patient, upper=True))
    age = f.age
    sex_short = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    printed = f"{esc(w.date(f.sent))} {rng.randint(7, 17)}:{rng.randint(0, 59):02d}"
    order_no = f"{rng.choice(('REF', 'ORD', ''))}{rng.randint(10**7, 10**9)}"
    prov = esc(Writer.last_first(r.person, upper=rng.random() < 0.6))
    if rng.random() < 0.4:
        prov = esc(f"{Writer.full(r.person)}, {r.credential}")
    header = (
        f"<table class='small'><tr><td>{org}</td><td class='right'>Printed {printed} by "
        f"{esc(Writer.full(f.sender))} [{rng.randint(10000, 99999)}]</td></tr></table>"
        "<table class='grid small'><tr><td width='55%'>"
        f"<b>{name}</b><br/>MRN: {esc(f.mrn)}<br/>DOB: {c.dob()}, Age: {age} y.o. "
        + (f"Sex: {sex_short}" if sex_short else "")
        + "</td><td>"
        + (f"Home: {c.phone(f.phone)}<br/>" if f.phone else "")
        + ("{}<br/>{}".format(*c.address_lines()) if f.address else "")
        + (f"<br/>{esc(f.email)}" if f.email else "")
        + "</td></tr></table>"
    )
    order = (
        f"<h1>{rng.choice(('Referral Order', 'REFERRAL ORDER', 'Outgoing Referral'))}</h1>"
        f"<p class='small'>Order #{order_no} &nbsp; Status: Signed &nbsp; Class: External "
        f"&nbsp; Source: {system}</p>"
        "<table class='small'>"
        f"<tr><td width='28%'><b>Referral to</b></td><td>{esc(f.receiver)} "
        f"({esc(f.reason.specialty)})</td></tr>"
        f"<tr><td><b>Ordering Provider</b></td><td>{prov} [NPI: {r.npi}]</td></tr>"
        f"<tr><td><b>Authorizing Provider</b></td><td>{prov}</td></tr>"
        f"<tr><td><b>Department</b></td><td>{esc(r.practice)}</td></tr>"
        f"<tr><td><b>Dept Phone / Fax</b></td><td>{c.phone(r.phone)} / {c.phone(r.fax)}</td></tr>"
        + (f"<tr><td><b>Priority</b></td><td>{_urgency_word(c)}</td></tr>" if f.urgency else "")
        + f"<tr><td><b>Reason for referral</b></td><td>{esc(f.reason.text)}</td></tr>"
        "</table><h3>Diagnoses</h3><table class='small'>"
        + "".join(
            f"<tr><td>{esc(desc)} [{code}]</td></tr>"
            for code, desc in f.reason.codes
            if code in f.codes
        )
        + "</table>"
    )
    coverage = "<h3>Coverage</h3>"
    if f.payer:
        coverage += (
            "<table class='grid small'><tr><th>Payor</th><th>Plan</th><th>Subscriber ID</th>"
            "<th>Group</th><th>Subscriber</th></tr>"
            f"<tr><td>{esc(f.payer.upper())}</td><td>{esc(f.payer.upper())} "
            f"{rng.choice(('PPO', 'HMO', 'COMMERCIAL', 'MEDICARE ADV'))}</td>"
            f"<td>{esc(f.member_id)}</td><td>{esc(f.group or '')}</td>"
            f"<td>{esc(Writer.last_first(f.subscriber or f.patient, upper=True))}</td></tr></table>"
        )
    else:
        coverage += "<p class='small'>No coverage on file (self-pay).</p>"
    notes = (
        "<h3>Order comments</h3>"
        f"<p class='small'>{esc(f.reason.note)} Please schedule with first available provider. "
        f"Contact scheduling at {c.phone(f.sender_phone)} with questions.</p>"
        f"<p class='tiny'>Electronically signed by {prov} on {printed}</p>"
    )
    footer = (
        f"<p class='tiny'>{name} (MRN {esc(f.mrn)}) &nbsp; Printed {printed} &nbsp; "
        "Page {n} of {t}</p>"
    )
    if rng.random() < 0.35:
        return [
            header + order + footer.format(n=1, t=2),
            header + coverage + notes + footer.format(n=2, t=2),
        ]
    return [header + order + coverage + notes + footer.format(n=1, t=1)]


# -- 5. check boxes, labels above values -------------------------------------------------------


def _checkbox(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng

    def cell(label: str, value: str, span: int = 1) -> str:
        return (
            f"<td colspan='{span}'><span class='above'>{esc(label.upper())}</span><br/>"
            f"{value or '&nbsp;'}</td>"
        )

    sex_boxes = " &nbsp; ".join(
        c.box(f.sex == code, label)
        for code, label in (("M", "Male"), ("F", "Female"), ("X", "X"), ("U", "Unknown"))
    )
    urgency_boxes = " &nbsp; ".join(
        c.box(f.urgency == code, label)
        for code, label in (
            ("stat", rng.choice(("STAT", "Emergent"))),
            ("urgent", rng.choice(("Urgent", "Urgent (1-7 days)", "ASAP"))),
            ("routine", rng.choice(("Routine", "Routine (2-4 weeks)"))),
        )
    )
    line, city = c.address_lines()
    patient = (
        "<table class='grid'><tr>"
        + cell(w.label("last"), esc(f.patient.last))
        + cell(w.label("first"), esc(f.patient.first))
        + cell(w.label("dob"), c.dob())
        + "</tr><tr>"
        + cell(w.label("sex"), sex_boxes, 2)
        + cell(w.label("phone"), c.phone(f.phone))
        + "</tr><tr>"
        + cell(w.label("address"), f"{line} {city}".strip(), 2)
        + cell(w.label("email"), esc(f.email or ""))
        + "</tr></table>"
    )
    insurance = (
        "<table class='grid'><tr>"
        + cell(w.label("payer"), esc(f.payer or ("Self-pay" if rng.random() < 0.5 else "")))
        + cell(w.label("member"), esc(f.member_id or ""))
        + cell(w.label("group"), esc(f.group or ""))
        + "</tr></table>"
    )
    referrer = (
        "<table class='grid'><tr>"
        + cell(w.label("referrer"), esc(w.provider(r.person, r.credential)))
        + cell(w.label("npi"), r.npi)
        + cell(w.label("practice"), esc(r.practice))
        + "</tr><tr>"
        + cell(w.label("ref_phone"), c.phone(r.phone))
        + cell(w.label("ref_fax"), c.phone(r.fax), 2)
        + "</tr></table>"
    )
    clinical = (
        "<table class='grid'><tr>"
        + cell(w.label("specialty"), esc(f.reason.specialty))
        + cell(w.label("codes"), _codes(c))
        + "</tr><tr>"
        + cell(w.label("reason"), esc(f.reason.text), 2)
        + "</tr><tr>"
        + cell(w.label("urgency"), urgency_boxes, 2)
        + "</tr></table>"
    )
    return [
        f"<h1 class='center'>{esc(f.receiver)}</h1>"
        f"<p class='center'><b>{rng.choice(('NEW PATIENT REFERRAL FORM', 'Referral Form'))}</b>"
        f"<br/><span class='small'>Fax completed form to {c.phone(f.receiver_fax)} &nbsp; "
        f"Questions: {c.phone(f.receiver_phone)}</span></p>"
        "<h2>Patient</h2>" + patient + "<h2>Insurance</h2>" + insurance
        + "<h2>Referring Provider</h2>" + referrer + "<h2>Referral</h2>" + clinical
        + "<p class='small'>Please attach recent office notes, labs and imaging.</p>"
        + _signature(c)
    ]  # fmt: skip


# -- 6. fax: letterhead, patient table, referrer in the footer ------------------------------


def _fax_table(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    head1 = [w.label("patient_name"), w.label("dob"), w.label("sex"), w.label("phone")]
    row1 = [
        esc(Writer.last_first(f.patient) if rng.random() < 0.5 else Writer.full(f.patient)),
        c.dob(),
        _sex_word(c),
        c.phone(f.phone),
    ]
    line, city = c.address_lines()
    head2 = [w.label("address"), w.label("payer"), w.label("member"), w.label("group")]
    row2 = [f"{line}<br/>{city}", esc(f.payer or ""), esc(f.member_id or ""), esc(f.group or "")]

    def table(head: list[str], row: list[str]) -> str:
        return (
            "<table class='grid'><tr>"
            + "".join(f"<th class='lab'>{esc(h)}</th>" for h in head)
            + "</tr><tr>"
            + "".join(f"<td>{v or '&nbsp;'}</td>" for v in row)
            + "</tr></table>"
        )

    urgency = f"<p><b>{esc(w.label('urgency'))}:</b> {_urgency_word(c)}</p>" if f.urgency else ""
    footer = (
        "<p>&nbsp;</p><hr/><p class='small'>"
        f"{esc(w.provider(r.person, r.credential))} &nbsp;|&nbsp; NPI {r.npi} &nbsp;|&nbsp; "
        f"{esc(r.practice)} &nbsp;|&nbsp; T {c.phone(r.phone)} &nbsp;|&nbsp; "
        f"F {c.phone(r.fax)}</p>"
    )
    return [
        _letterhead(c, compact=True)
        + f"<h1>{rng.choice(('REFERRAL', 'Referral', 'Referral / Consult Request'))}</h1>"
        + f"<p>Attention: {esc(f.receiver)} &nbsp; {esc(w.date(f.sent))}</p>"
        + table(head1, row1)
        + "<p>&nbsp;</p>"
        + table(head2, row2)
        + f"<p><b>{esc(w.label('reason'))}:</b> {esc(f.reason.text)}</p>"
        + f"<p><b>{esc(w.label('codes'))}:</b> {_codes(c)}</p>"
        + urgency
        + f"<p>{esc(f.reason.note)}</p>"
        + "<p>Please contact the patient directly to schedule and send your consult note to "
        "our office.</p>" + footer
    ]


# -- 7. intake sheet: two columns, abbreviated labels, "Last, First" -------------------------


def _intake(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    line, city = c.address_lines()
    left = [
        ("Pt Name", esc(Writer.last_first(f.patient))),
        (rng.choice(("D.O.B.", "DOB")), c.dob()),
        (rng.choice(("Sex", "Gender", "M/F")), _sex_word(c)),
        (rng.choice(("Ph", "Tel", "Cell")), c.phone(f.phone)),
        ("Addr", f"{line}<br/>{city}" if f.address else ""),
    ]
    right = [
        ("Ins", esc(f.payer or "")),
        (rng.choice(("Member #", "Subscriber ID", "ID")), esc(f.member_id or "")),
        (rng.choice(("Grp", "Group #")), esc(f.group or "")),
        (rng.choice(("Ref MD", "Referring", "PCP")), esc(w.provider(r.person, r.credential))),
        ("NPI", r.npi),
        (rng.choice(("Ofc Ph", "Ph")), c.phone(r.phone)),
        (rng.choice(("Ofc Fax", "Fax")), c.phone(r.fax)),
    ]

    def block(rows: list[tuple[str, str]]) -> str:
        return "".join(f"<b>{esc(k)}:</b> {v}<br/>" for k, v in rows if v)

    urgency = ""
    if rng.random() < 0.5:
        urgency = " &nbsp; ".join(
            c.box(f.urgency == code, code.upper() if code == "stat" else code.title())
            for code in ("stat", "urgent", "routine")
        )
    elif f.urgency:
        urgency = _urgency_word(c)
    return [
        f"<p class='head'>{esc(r.practice)} - Referral Coordinator Worksheet</p>"
        f"<h1>{rng.choice(('Referral Intake', 'REFERRAL'))}</h1>"
        "<table class='grid'><tr>"
        f"<td width='50%'><b>PATIENT</b><br/>{block(left)}</td>"
        f"<td><b>INSURANCE / REFERRING</b><br/>{block(right)}</td>"
        "</tr></table>"
        f"<p><b>Dx:</b> {_codes(c, ' / ')}</p>"
        f"<p><b>{rng.choice(('Reason', 'Re', 'Consult for'))}:</b> {esc(f.reason.text)}</p>"
        + (f"<p><b>Urgency:</b> {urgency}</p>" if urgency else "")
        + f"<p><b>Spec:</b> {esc(f.reason.specialty)}</p>"
        f"<p class='small'>Worksheet completed by {esc(Writer.full(f.sender))}, "
        f"{esc(w.date(f.sent))}</p>"
    ]


# -- 8. practice-management printout: monospace, capitals, several fields a line ---------------


def _mono(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng

    def line(*pairs: tuple[str, str]) -> str:
        cells = [f"{k}: {v}".ljust(34) if i < len(pairs) - 1 else f"{k}: {v}"
                 for i, (k, v) in enumerate(pairs) if v]  # fmt: skip
        return esc("".join(cells).upper()).replace(" ", "&nbsp;") + "<br/>"

    a = f.address
    address = (
        f"{a.line1}{' ' + a.line2 if a.line2 else ''}, {a.city} {a.state} {a.zip}" if a else ""
    )
    sex = {"F": "F", "M": "M", "X": "X", "U": "U"}.get(f.sex or "", "")
    urgency = {"stat": "STAT", "urgent": "URGENT", "routine": "ROUTINE"}.get(f.urgency or "", "")
    codes = " ".join(f.codes)
    auth = f"{rng.randint(10**6, 10**7 - 1)}"
    body = (
        line(("Referral No", auth), ("Date", w.date(f.sent)))
        + "<br/>"
        + line(("Patient", Writer.last_first(f.patient)), ("DOB", w.dob(f.dob)))
        + line(("Sex", sex), ("Ph", w.phone(f.phone) if f.phone else ""))
        + line(("Addr", address))
        + (line(("Email", f.email or "")) if f.email else "")
        + "<br/>"
        + line(("Ins", f.payer or "SELF PAY"), ("Mbr", f.member_id or ""))
        + (line(("Grp", f.group)) if f.group else "")
        + "<br/>"
        + line(("Ref By", f"{Writer.last_first(r.person)} {r.credential}"), ("NPI", r.npi))
        + line(("Practice", r.practice))
        + line(("Ph", w.phone(r.phone)), ("Fax", w.phone(r.fax)))
        + "<br/>"
        + line(("Refer To", f.reason.specialty), ("Priority", urgency))
        + line(("Dx", codes))
        + line(("Reason", f.reason.text))
        + "<br/>"
        + line(
            ("Visits Auth", str(rng.randint(1, 6))),
            ("Expires", w.date(f.sent + timedelta(days=365))),
        )  # fmt: skip
    )
    return [
        f"<p class='mono'>{esc(r.practice.upper())}<br/>"
        f"{'=' * 72}<br/>{esc(rng.choice(('REFERRAL AUTHORIZATION', 'OUTGOING REFERRAL')))}"
        f"<br/>{'=' * 72}<br/><br/>{body}<br/>{'-' * 72}<br/>"
        f"PRINTED {esc(w.date(f.sent))} USER {esc(f.sender.last.upper())}</p>"
    ]


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("form", _form, _keep, "label: value referral form with sections"),
        Layout("table", _table, _keep, "two-column bordered table form"),
        Layout("letter", _letter, _letter_omit, "narrative letter on letterhead"),
        Layout("ehr", _ehr, _ehr_omit, "EHR referral order printout, dense, LAST, FIRST"),
        Layout("checkbox", _checkbox, _keep, "boxed form, labels above values, check boxes"),
        Layout("fax_table", _fax_table, _no_email, "letterhead, patient table, referrer in footer"),
        Layout("intake", _intake, _no_email, "two-column intake sheet, abbreviated labels"),
        Layout("mono", _mono, _keep, "monospace capitals printout, several fields a line"),
    )
}
