"""How a packet writes a value: date, phone and name forms, and label synonyms.

A ``Writer`` picks one style per packet (a practice writes its own dates the same way
throughout) and one label per field, drawn from synonyms, so no rule fits one layout.
"""

import html
import random
from datetime import date

from bench.corpus.people import Address, Facts, Person

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

LABELS: dict[str, tuple[str, ...]] = {
    "patient_name": ("Patient Name", "Pt Name", "Name", "Patient", "Patient's Name", "Pt"),
    "first": ("First Name", "First", "Given Name", "Patient First Name"),
    "last": ("Last Name", "Last", "Surname", "Family Name", "Patient Last Name"),
    "dob": ("DOB", "D.O.B.", "Date of Birth", "Birth Date", "Birthdate", "DOB (mm/dd/yyyy)"),
    "sex": ("Sex", "Gender", "Sex at birth", "M/F"),
    "phone": ("Phone", "Home Phone", "Patient Phone", "Cell", "Tel", "Contact #", "Mobile"),
    "email": ("Email", "E-mail", "Email Address"),
    "address": ("Address", "Home Address", "Street Address", "Patient Address", "Addr"),
    "payer": (
        "Insurance",
        "Ins",
        "Primary Insurance",
        "Insurance Carrier",
        "Payer",
        "Plan",
        "Insurance Company",
        "Health Plan",
    ),
    "member": (
        "Member ID",
        "Member #",
        "Subscriber ID",
        "ID #",
        "Policy #",
        "Member No.",
        "Insurance ID",
        "Policy Number",
    ),
    "group": ("Group #", "Group Number", "Group", "Grp #", "Group No."),
    "referrer": (
        "Referring Provider",
        "Referring Physician",
        "Ordering Provider",
        "Referred By",
        "Referring Doctor",
        "Provider",
        "Physician",
    ),
    "npi": ("NPI", "NPI #", "Provider NPI", "NPI No.", "National Provider ID"),
    "practice": ("Practice", "Practice Name", "Clinic", "Facility", "Referring Practice", "Office"),
    "ref_phone": ("Phone", "Office Phone", "Tel", "Ph", "Office #", "Provider Phone"),
    "ref_fax": ("Fax", "Office Fax", "Fax #", "Return Fax", "Fax No."),
    "reason": (
        "Reason for Referral",
        "Reason for referral",
        "Reason",
        "Referral Reason",
        "Diagnosis / Reason",
        "Chief Complaint",
        "Requested Service",
        "Indication",
    ),
    "codes": (
        "Diagnosis Code(s)",
        "ICD-10",
        "Dx",
        "ICD-10-CM",
        "Diagnosis",
        "Dx Codes",
        "Diagnoses",
    ),
    "urgency": ("Urgency", "Priority", "Referral Priority", "Appointment Urgency"),
    "specialty": ("Specialty", "Refer To", "Referred To", "Service Requested", "Department"),
}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# -- a held-out set's own habits, written through one set of helpers -------------------------


def written_phone(e164: str | None, form: str, extension: str = "") -> str:
    """A phone in ``form`` ("({a}) {b}-{c}": area code, exchange, line; "{d}": all ten
    digits) with an extension after it, escaped; "" for no phone."""
    if not e164:
        return ""
    d = e164[2:]
    return esc(form.format(a=d[:3], b=d[3:6], c=d[6:], d=d) + extension)


def extension(
    rng: random.Random, none: float, marks: tuple[str, ...], top: int, low: int = 2
) -> str:
    """An office line's extension, or none (chance ``none``): not part of the number."""
    if rng.random() < none:
        return ""
    return rng.choice(marks) + str(rng.randint(low, top))


def sex_word(f: Facts, nonbinary: str) -> str:
    return {"F": "Female", "M": "Male", "X": nonbinary, "U": "Unknown"}.get(f.sex or "", "")


def urgency_word(f: Facts, words: tuple[str, str, str]) -> str:
    """The packet's urgency in a form's own words for STAT, urgent and routine."""
    return dict(zip(("stat", "urgent", "routine"), words, strict=True)).get(f.urgency or "", "")


def street(a: Address, before_unit: str = " ") -> str:
    return a.line1 + (f"{before_unit}{a.line2}" if a.line2 else "")


def one_line(a: Address | None, before_unit: str = " ", before_state: str = ", ") -> str:
    if a is None:
        return ""
    return esc(f"{street(a, before_unit)}, {a.city}{before_state}{a.state} {a.zip}")


def with_credential(p: Person, credential: str) -> str:
    return esc(f"{Writer.full(p)}, {credential}")


class Writer:
    """One packet's writing habits."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.date_style = rng.randrange(6)
        self.phone_style = rng.randrange(5)
        self.labels = {key: rng.choice(options) for key, options in LABELS.items()}

    def label(self, key: str) -> str:
        return self.labels[key]

    # -- dates ---------------------------------------------------------------------------

    def dob(self, value: date) -> str:
        style = self.date_style
        # Two-digit years only where they cannot be read as a later century.
        if style == 1 and not (1935 <= value.year <= 1999 or 2000 <= value.year <= 2024):
            style = 0
        return self.date(value, style)

    def date(self, value: date, style: int | None = None) -> str:
        style = self.date_style if style is None else style
        month = MONTHS[value.month - 1]
        if style == 0:
            return f"{value.month:02d}/{value.day:02d}/{value.year}"
        if style == 1:
            return f"{value.month}/{value.day}/{value.year % 100:02d}"
        if style == 2:
            return f"{month} {value.day}, {value.year}"
        if style == 3:
            return value.isoformat()
        if style == 4:
            return f"{value.day:02d}-{month[:3]}-{value.year}"
        return f"{value.month}/{value.day}/{value.year}"

    # -- phones --------------------------------------------------------------------------

    def phone(self, e164: str, style: int | None = None) -> str:
        style = self.phone_style if style is None else style
        d = e164[2:]
        return (
            f"({d[:3]}) {d[3:6]}-{d[6:]}",
            f"{d[:3]}.{d[3:6]}.{d[6:]}",
            f"{d[:3]}-{d[3:6]}-{d[6:]}",
            f"+1 {d[:3]} {d[3:6]} {d[6:]}",
            f"1-{d[:3]}-{d[3:6]}-{d[6:]}",
        )[style]

    # -- names ---------------------------------------------------------------------------

    @staticmethod
    def full(p: Person) -> str:
        return " ".join(part for part in (p.first, p.middle, p.last) if part)

    @staticmethod
    def last_first(p: Person, upper: bool = False) -> str:
        text = f"{p.last}, {p.first}" + (f" {p.middle}" if p.middle else "")
        return text.upper() if upper else text

    def provider(self, p: Person, credential: str, style: int | None = None) -> str:
        style = self.rng.randrange(4) if style is None else style
        if style == 0:
            return (
                f"Dr. {p.first} {p.last}"
                if credential in ("MD", "DO")
                else self.full(p) + f", {credential}"
            )
        if style == 1:
            return f"{self.full(p)}, {credential}"
        if style == 2:
            return f"{self.full(p)} {credential}"
        return self.full(p) + f", {credential}"

    @staticmethod
    def sex(value: str | None, rng: random.Random) -> str:
        words = {
            "F": ("F", "Female", "female", "FEMALE"),
            "M": ("M", "Male", "male", "MALE"),
            "X": ("X", "Non-binary"),
            "U": ("Unknown", "U"),
        }
        return rng.choice(words[value]) if value else ""

    @staticmethod
    def urgency(value: str, rng: random.Random) -> str:
        words = {
            "stat": ("STAT", "Stat", "STAT - same day", "Emergent"),
            "urgent": ("Urgent", "URGENT", "Urgent (within 1 week)", "ASAP"),
            "routine": ("Routine", "ROUTINE", "Routine (next available)", "Elective"),
        }
        return rng.choice(words[value])

    def codes(self, codes: tuple[str, ...], described: dict[str, str], sep: str = ", ") -> str:
        if self.rng.random() < 0.5:
            return sep.join(f"{c} - {described[c]}" for c in codes)
        return sep.join(codes)
