"""Whose a label is: the party a section names, as each kind of field allows.

A generic label ("Name", "Phone", "ID") is the section's party's; some kinds belong to one
party whatever the section (an NPI under "PATIENT" is not hers), and a label joining two
parties' fields with a slash is read as the one that is the section's.
"""

import re
from dataclasses import replace

from app.pipeline.fields import label_words
from app.pipeline.fields.label_find import Label
from app.pipeline.fields.lexicon import (
    CLINICAL,
    INSURANCE,
    OTHER,
    PARTIES,
    PATIENT,
    RECIPIENT,
    REFERRER,
    in_lexicon,
)

# Kinds that belong to one party whatever the section: an NPI under "PATIENT" is not hers.
_KIND_OWNERS = {
    "npi": (REFERRER, RECIPIENT, OTHER),
    "practice": (REFERRER, RECIPIENT, OTHER),
    "dob": (PATIENT, OTHER),
    "sex": (PATIENT, OTHER),
    # "RE: Jane Doe" names the letter's subject, whoever the heading above it names.
    "re": (PATIENT,),
}


_CLINICAL_KINDS = {"reason", "complaint", "diagnosis", "urgency", "re", "skip"}


# A generic label names another field for each party: the "Name" of a payer is the payer, the
# "ID" of a provider her NPI.
_KIND_OF_PARTY = {("name", INSURANCE): "insurer", ("member_id", REFERRER): "npi"}


# A phone or fax label naming a practice's place, never a patient's ("Department phone").
_PLACE_PHONE = re.compile(
    r"\s*(?:dept\.?|department|clinic|practice|provider|physician|referring|doctor's)\s",
    re.IGNORECASE,
)


def for_party(label: Label, line: str, section: str | None) -> Label:
    """The label as its section's party means it: a generic one by ``_KIND_OF_PARTY``, one
    of two parties' labels joined by a slash ("Organization / group", a grid's row of the
    provider's practice and the coverage's group) as the one that is the section's."""
    if section not in PARTIES:
        return label
    if (
        section == OTHER
        and label.owner == PATIENT
        and label.kind == "phone"
        and not label_words.is_owner_word(line[label.start : label.end])
    ):
        # "Cell phone" under "Parent / guardian" is the guardian's, unless it says "Patient"
        return replace(label, owner=None)
    if (
        section == PATIENT
        and label.owner is None
        and label.kind in ("phone", "fax")
        and _PLACE_PHONE.match(line[label.start : label.end])
    ):
        # "DEPARTMENT PHONE" under the patient's name: a practice's number, not hers; whose
        # practice only a guess
        return replace(label, owner=REFERRER, guessed=True)
    if label.owner is None:
        kind = _KIND_OF_PARTY.get((label.kind, section))
        return replace(label, kind=kind) if kind else label
    text = line[label.start : label.end]
    if "/" not in text or in_lexicon(text.strip(" :#")) is not None:
        return label
    parts = [
        p for p in (in_lexicon(part.strip(" :#")) for part in text.split("/")) if p is not None
    ]
    if len(parts) < 2 or len({kind for kind, _ in parts}) < len(parts):
        return label  # "Service requested / reason": one field's two names
    if any(owner not in (None, *PARTIES) for _, owner in parts):
        return label
    for kind, owner in parts:
        if (owner or owner_in(section, kind)) == section:
            return replace(label, kind=kind, owner=None)
    return replace(label, kind="skip", owner=None)


def owner_in_row(row: list[tuple[str, str | None]], section: str | None, kind: str) -> str | None:
    """ "Street Address  Primary Insurance  ID #": an id beside an insurer is the insurer's."""
    if kind in ("member_id", "group") and any(k == "insurer" and o == INSURANCE for k, o in row):
        return INSURANCE
    return owner_in(section, kind)


def owner_in(section: str | None, kind: str) -> str | None:
    if section == CLINICAL and kind not in _CLINICAL_KINDS:
        return None  # a name or phone under "Clinical Information" is no one's we know
    allowed = _KIND_OWNERS.get(kind)
    if allowed is not None and section not in allowed:
        return None
    return section


# Before a bare "cell" or "home" on its line, someone else than the patient: a clinician or a
# nurse by their credential, a relative or a caregiver by the tie ("Caregiver: Jo Roe
# (husband), cell …", "Signed by: Jo Roe, RN · cell …").
_SOMEONE_ELSE = re.compile(
    r",\s*(?:md|do|np|pa|pa-c|rn|bsn|lpn|lvn|ma|msn|aprn|fnp)\b"
    r"|\b(?:husband|wife|spouse|partner|mother|father|mom|dad|parent|son|daughter|sister"
    r"|brother|guardian|caregiver|case manager|coordinator|nurse|emergency contact)\b",
    re.IGNORECASE,
)


def someone_elses_phone(label: Label, line: str) -> Label:
    """A patient's phone label by its word alone ("cell", "home"), after another person on
    its line, is that person's number: no one's we read."""
    if label.kind != "phone" or label.owner != PATIENT or label.start == 0:
        return label
    if label_words.is_owner_word(line[label.start : label.end]):
        return label  # "Patient cell": hers wherever it stands
    if _SOMEONE_ELSE.search(line[: label.start]) is None:
        return label
    return replace(label, owner=OTHER)
