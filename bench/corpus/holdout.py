"""Held-out referral layouts: a check of how the reader does on forms it was not tuned on.

The bench's own layouts (``layouts.LAYOUTS``) are what the reader's rules were measured
against while they were written, so their figures flatter it. These layouts use wordings the
others never use (``HOLDOUT_LABELS``: "Payor", "Beneficiary ID", "Requesting clinician",
"Clinical question" ...), other arrangements (a payer's numbered boxes, a hospital order with
its fields several to a line, a short e-mail-like request) and other urgency words. Keep them
out of tuning: their figure is only worth something while the reader has not been fitted to
them. ``bench/extraction.py --holdout`` runs them alone, with the six of
``holdout_fresh.py``.
"""

import dataclasses
import random

from bench.corpus.context import Ctx
from bench.corpus.holdout_fresh import FRESH
from bench.corpus.layouts import Layout
from bench.corpus.people import Facts
from bench.corpus.writing import Writer, esc

HOLDOUT_LABELS: dict[str, tuple[str, ...]] = {
    "patient_name": ("Member Name", "Patient Full Name", "Client", "Name of Patient"),
    "dob": ("Date of birth", "Birth date (MM/DD/YYYY)", "DOB/Age"),
    "sex": ("Legal sex", "Sex assigned", "Gender identity"),
    "phone": ("Best contact number", "Primary phone", "Callback number", "Patient tel."),
    "email": ("Patient e-mail", "Email on file"),
    "address": ("Mailing address", "Residence", "Patient home address"),
    "payer": ("Payor", "Health insurance", "Coverage", "Primary payer"),
    "member": ("Beneficiary ID", "Insured ID number", "Member number", "Subscriber #"),
    "group": ("Group ID", "Employer group", "Plan group"),
    "referrer": ("Requesting clinician", "Requesting provider", "Referring clinician"),
    "npi": ("Requesting NPI", "Provider NPI number", "Type 1 NPI"),
    "practice": ("Requesting facility", "Clinic name", "Referring office"),
    "ref_phone": ("Office tel.", "Contact phone", "Main line"),
    "ref_fax": ("Secure fax", "Fax back", "Office fax number"),
    "reason": ("Clinical question", "Service requested / reason", "Reason for consult"),
    "codes": ("ICD-10 code(s)", "Diagnosis codes", "Dx (ICD-10)"),
}


def _labels(rng: random.Random) -> dict[str, str]:
    """One packet's wording for each field, drawn once, like ``Writer.label``."""
    return {key: rng.choice(options) for key, options in HOLDOUT_LABELS.items()}


def _address(c: Ctx) -> str:
    line, city = c.address_lines()
    return f"{line}, {city}" if line else ""


# -- payer-style numbered boxes, labels above values ------------------------------------------


def _payer_form(c: Ctx) -> list[str]:
    f, r, rng = c.f, c.f.referrer, c.rng
    label = _labels(rng)
    number = iter(range(1, 40))

    def box(key: str, value: str, span: int = 1) -> str:
        return (
            f"<td colspan='{span}'><span class='above'>{next(number)}. "
            f"{esc(label[key].upper())}</span><br/>{value or '&nbsp;'}</td>"
        )

    expedited = f.urgency in ("stat", "urgent")
    request = " &nbsp; ".join(
        (c.box(not expedited, "Standard"), c.box(expedited, "Expedited / urgent"))
    )
    rows = [
        box("patient_name", esc(Writer.last_first(f.patient, upper=True)), 2) + box("dob", c.dob()),
        box("member", esc(f.member_id or ""))
        + box("group", esc(f.group or ""))
        + box("sex", esc(Writer.sex(f.sex, rng))),
        box("address", _address(c), 2) + box("phone", c.phone(f.phone)),
        box("payer", esc(f.payer or ""), 3),
        box("referrer", esc(Writer.full(r.person) + f", {r.credential}"), 2) + box("npi", r.npi),
        box("practice", esc(r.practice))
        + box("ref_phone", c.phone(r.phone))
        + box("ref_fax", c.phone(r.fax)),
        box("codes", esc(", ".join(f.codes))) + box("reason", esc(f.reason.text), 2),
    ]
    title = rng.choice(("Referral / Prior Authorization Request", "Specialist Referral Request"))
    return [
        f"<h1 class='center'>{esc(f.payer or 'Health Plan')}</h1>"
        f"<h2 class='center'>{title}</h2>"
        f"<p class='small'>Fax completed form to {c.phone(f.receiver_fax)}. Incomplete requests"
        " will be returned.</p>"
        f"<p><b>REQUEST TYPE:</b> {request}</p>"
        "<table class='grid'>" + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>"
        f"<p class='small'>Specialty requested: {esc(f.reason.specialty)}. Attach supporting "
        "clinical documentation.</p>"
    ]


def _payer_form_omit(f: Facts, rng: random.Random) -> Facts:
    # A payer's form asks for no e-mail; its request type states only standard/expedited.
    urgency = f.urgency
    if urgency == "stat":
        urgency = "urgent"
    return dataclasses.replace(f, email=None, urgency=urgency or "routine")


# -- hospital ambulatory order: several fields to a line ---------------------------------------


def _hospital_order(c: Ctx) -> list[str]:
    f, w, r, rng = c.f, c.w, c.f.referrer, c.rng
    label = _labels(rng)

    def pair(key: str, value: str) -> str:
        return f"<b>{esc(label[key])}:</b> {value}" if value else ""

    def line(*cells: str) -> str:
        return "<p>" + " &nbsp;&nbsp;&nbsp; ".join(cell for cell in cells if cell) + "</p>"

    age = f.age
    name = esc(Writer.last_first(f.patient))
    urgency = {"stat": "Emergent", "urgent": "Urgent", "routine": "Routine"}.get(f.urgency or "")
    hospital = rng.choice(("St. Anne Regional Medical Center", "Riverbend University Hospital"))
    return [
        f"<p class='small'>{esc(hospital)} &nbsp; Ambulatory Referral &nbsp; "
        f"Printed {esc(w.date(f.sent))}</p>"
        f"<h1>Ambulatory referral to {esc(f.reason.specialty)}</h1>"
        + line(pair("patient_name", name), f"<b>MRN:</b> {esc(f.mrn)}")
        + line(pair("dob", f"{c.dob()} ({age} yrs)"), pair("sex", esc(Writer.sex(f.sex, rng))))
        + line(pair("phone", c.phone(f.phone)), pair("email", esc(f.email or "")))
        + line(pair("address", _address(c)))
        + "<h3>Coverage</h3>"
        + line(
            pair("payer", esc(f.payer or "")),
            pair("member", esc(f.member_id or "")),
            pair("group", esc(f.group or "")),
        )  # fmt: skip
        + "<h3>Requested by</h3>"
        + line(pair("referrer", esc(w.provider(r.person, r.credential))), pair("npi", r.npi))
        + line(pair("practice", esc(r.practice)))
        + line(pair("ref_phone", c.phone(r.phone)), pair("ref_fax", c.phone(r.fax)))
        + "<h3>Order details</h3>"
        + line(pair("codes", esc(", ".join(f.codes))))
        + line(pair("reason", esc(f.reason.text)))
        + (line(f"<b>Scheduling priority:</b> {urgency}") if urgency else "")
        + f"<p class='small'>{esc(f.reason.note)}</p>"
    ]


def _hospital_order_omit(f: Facts, rng: random.Random) -> Facts:
    return f if f.payer else dataclasses.replace(f, member_id=None, group=None)


# -- a short e-mail-like request ---------------------------------------------------------------


def _memo(c: Ctx) -> list[str]:
    f, w, r = c.f, c.w, c.f.referrer
    name = esc(Writer.full(f.patient))
    ask = {"stat": "today if at all possible", "urgent": "within the next few days",
           "routine": "at the next available appointment"}.get(f.urgency or "", "")  # fmt: skip
    phone = f" The patient's number is {c.phone(f.phone)}." if f.phone else ""
    insurance = f" Coverage is {esc(f.payer)} (member {esc(f.member_id)})." if f.payer else ""
    return [
        f"<p><b>To:</b> {esc(f.receiver)} scheduling<br/><b>From:</b> {esc(r.practice)}<br/>"
        f"<b>Date:</b> {esc(w.date(f.sent))}<br/>"
        f"<b>Subject:</b> consult request - {esc(Writer.last_first(f.patient))}, "
        f"DOB {c.dob()}</p><hr/>"
        f"<p>Hello,</p><p>Could you please see {name} {ask} for "
        f"{esc(f.reason.text.lower())} ({esc(', '.join(f.codes))}).{phone}{insurance}</p>"
        f"<p>{esc(f.reason.note)}</p><p>Thank you,</p>"
        f"<p>{esc(Writer.full(r.person))}, {esc(r.credential)}<br/>{esc(r.practice)}<br/>"
        f"NPI {r.npi} &nbsp;|&nbsp; P {c.phone(r.phone)} &nbsp;|&nbsp; F {c.phone(r.fax)}</p>"
    ]


def _memo_omit(f: Facts, rng: random.Random) -> Facts:
    return dataclasses.replace(
        f,
        sex=None,
        email=None,
        address=None,
        group=None,
        subscriber=None,
        member_id=f.member_id if f.payer else None,
    )


HOLDOUT: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("payer_form", _payer_form, _payer_form_omit,
               "payer's numbered boxes, labels above, standard/expedited boxes"),
        Layout("hospital_order", _hospital_order, _hospital_order_omit,
               "hospital ambulatory order, several labelled fields a line"),
        Layout("memo", _memo, _memo_omit, "short e-mail-like request, facts in sentences"),
    )
}  # fmt: skip

# the later held-out layouts, with fresh names, payers and practices
HOLDOUT.update(FRESH)
