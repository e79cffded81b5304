"""Labels the lexicon does not list, read from their words: whose field, and which field.

A form's label is a short phrase of an *owner* word ("patient", "member", "requesting") and a
*field noun* ("name", "birth date", "tel.", "fax", "payor", "NPI") with qualifiers around them
("best", "primary", "secure", "number", "#"). ``compose`` reads such a phrase when every word
of it is one of those, so "Beneficiary ID", "Requesting clinician", "Office fax number" or
"Sex assigned" are understood without being listed, and a phrase with any other word ("Blue
Cross", "Migraine without aura") is no label. A label read this way is weaker evidence than
one of the lexicon (``labels.Labeled.guessed``).
"""

import re
from dataclasses import dataclass

PATIENT = "patient"
REFERRER = "referrer"
INSURANCE = "insurance"
OTHER = "other"
CLINICAL = "clinical"

_PATIENT_WORDS = {
    *("patient", "pt", "member", "client", "beneficiary", "enrollee", "resident", "veteran"),
}
# A patient as an insurer knows them: their ID is the member ID.
_ENROLLED = {"member", "beneficiary", "enrollee", "veteran"}
_HOLDER_WORDS = {
    *("insured", "subscriber", "policyholder", "holder", "policy", "guarantor"),
    "covered",  # a C-CDA payers table's "Covered party ID"
}
_REFERRER_WORDS = {
    *("requesting", "referring", "ordering", "sending", "requested", "referred", "ordered"),
    "ref",
    "discharging",  # a discharge's physician refers the patient on
}
_CLINICIAN = {
    *("clinician", "provider", "physician", "doctor", "prescriber", "practitioner", "md"),
    "prov",  # a printout's abbreviations: "REF PROV", "OFC FAX", "PRIMARY INS"
    "author",  # a clinical document's author, and its custodian (the practice keeping it)
}
_PLACE = {
    *("facility", "office", "clinic", "practice", "organization", "department", "dept", "ofc"),
    "location",  # "Ordering location": where the ordering clinician works
    "custodian",
}
_PHONE = {"phone", "telephone", "tel", "ph", "mobile", "cell", "callback", "line"}
_PAYER = {"payer", "payor", "coverage", "insurance", "insurer", "carrier", "plan", "ins"}
_IDENT = {"id", "number", "no", "#", "identifier"}
_REASON = {"reason", "question", "indication", "complaint", "concern", "problem", "service"}
_CODES = {"diagnosis", "diagnoses", "icd", "icd-10", "icd10", "dx", "code", "codes"}
# Words that qualify a reason ("Consult reason", "Referral reason"), and no other label: a
# "Patient referral" is the subject of a letter.
_OF_A_REQUEST = {"consult", "consultation", "referral"}
# Words that qualify a field noun without changing it.
_QUALIFIERS = {
    "full", "legal", "home", "mailing", "primary", "secondary", "best", "main", "secure",
    "contact", "daytime", "preferred", "on", "file", "of", "for", "by", "to", "back", "the",
    "assigned", "at", "identity", "type", "health", "medical", "clinical", "current", "name",
    "date", "birth", "sex", "gender", "address", "residence", "street", "fax", "email",
    "e-mail", "npi", "group", "employer", "urgency", "priority", "requested",
    "and", "or", "/", "&", "dob", "age", "work", "cell", "return",
    "first", "last", "given", "family", "company", "mm", "dd", "yyyy", "s", "specialist",
    "specialty", "consultant", "residential", "results", "direct", "party",
}  # fmt: skip
# Qualifiers that also end practices' names ("Dayton Family Health  Office phone:"): a label
# takes them only where a cell starts.
_NAME_LIKE = {"health", "medical", "clinical", "family", "care", "group", "first", "last"}
# Words that modify a label's field noun and so never end the label ("Health plan", "Medical
# record number"); a phrase ending in one is a name ("Priority Health").
_MODIFIERS = {"health", "medical", "clinical", "family"}
_VOCABULARY = (
    _PATIENT_WORDS
    | _HOLDER_WORDS
    | _REFERRER_WORDS
    | _CLINICIAN
    | _PLACE
    | _PHONE
    | _PAYER
    | _IDENT
    | _REASON
    | _CODES
    | _QUALIFIERS
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9\-]*|#|&")  # "DOB/Age": two words


# "4. " before a numbered box's label.
# A box's number: "4.", and as OCR reads it: "4,", "2", "®.", "@", "TT.", "i."
_BOX = r"\d{1,2}\s?[.,)]?|[@®©§$%][.,)]?|[^\w\s/&][.,)]|[IiLlTtOoSsZz|]{1,2}[.,]"
BOX_NUMBER = re.compile(rf"^\s*(?:{_BOX})\s+(?=[A-Za-z])")
_NUMBERED = re.compile(rf"(?:^|(?<=\s))(?:{_BOX})\s+(?=[A-Za-z])")


def numbered(line: str) -> list[str] | None:
    """The label phrases of a line that is only numbered boxes' labels ("1. CLIENT",
    "4. EMPLOYER GROUP 5. SEX ASSIGNED"), or None for any other line."""
    starts = list(_NUMBERED.finditer(line))
    if not starts or starts[0].start() != len(line) - len(line.lstrip()):
        return None
    ends = [m.start() for m in starts[1:]] + [len(line)]
    phrases = [line[m.end() : end].strip() for m, end in zip(starts, ends, strict=True)]
    return phrases if all(phrases) and all(len(p.split()) <= 6 for p in phrases) else None


def is_owner_word(word: str) -> bool:
    """Whether a label's word says whose field it is ("Referring", "Patient's", "Member")."""
    return any(w in _OWNERS for w in words_of(word))


def words_of(phrase: str) -> list[str]:
    """The phrase's words, lower case, a box's number and brackets dropped."""
    text = BOX_NUMBER.sub("", phrase.lower())
    text = re.sub(r"[()]", " ", text).replace("e-mail", "email")
    words = [part for w in _TOKEN.findall(text) for part in _unglued(w.strip("-/"))]
    words = [w for w in words if w and w not in ("(s)",)]
    if set(words) & _REFERRER_WORDS:
        # "Referring dentist", "Ordering podiatrist": a clinician named by their field
        words = ["clinician" if _A_FIELDS_CLINICIAN.fullmatch(w) else w for w in words]
    return words


_A_FIELDS_CLINICIAN = re.compile(r"(?![a-z]*(?:specialist|physician)$)[a-z]{3,}(?:ist|ician)")


def _unglued(word: str) -> list[str]:
    """ "npino" → "npi", "no": OCR lost the space before an identifier's word ("NPI NO.",
    "MEMBER ID", "GROUP NO"), a field word and an id word run together."""
    if word in _VOCABULARY:
        return [word]
    for ident in ("no", "id", "number"):
        head = word.removesuffix(ident)
        if head != word and len(head) >= 3 and head in _VOCABULARY:
            return [head, ident]
    return [word]


def of_label_words_only(phrase: str) -> bool:
    """Whether every word of ``phrase`` is a label's word, a plural's "s" dropped: a
    heading's words ("Insurance Providers", "Payer Plans"), which name nobody."""
    words = words_of(phrase)
    if not words or words[-1] in _MODIFIERS:
        return False  # "Priority Health": a name
    return all(w in _VOCABULARY or w.removesuffix("s") in _VOCABULARY for w in words)


def is_label_phrase(phrase: str) -> bool:
    """Whether every word of a short phrase is a label's word (a digit may qualify one)."""
    words = words_of(phrase)
    if not words or len(words) > 6:
        return False
    digits = [i for i, w in enumerate(words) if w.isdigit()]
    if len(digits) > 1 or any(i == 0 or i < len(words) - 2 or len(words[i]) > 2 for i in digits):
        return False  # "Type 1 NPI", "Address 2"; not "11/3/26 Provider"
    if not all(
        w in _VOCABULARY or w.isdigit() or (w in _OF_A_REQUEST and _REASON & set(words))
        for w in words
    ):
        return False
    # "Priority Health": a name; a label's modifier comes before its noun, not in what a
    # "for" names after it ("Primary reason for home health")
    head = words[: words.index("for")] if "for" in words[1:] else words
    if head[-1] in _MODIFIERS:
        return False
    return compose(phrase) is not None


def compose(phrase: str) -> tuple[str, str | None] | None:
    """The kind and owner a label's words name, or None when they name no field we read."""
    words = words_of(phrase)
    if not words:
        return None
    w = set(words)
    referrer = bool(w & _REFERRER_WORDS) or ("by" in w and bool(w & {"referred", "requested"}))
    patient = bool(w & _PATIENT_WORDS)
    holder = bool(w & _HOLDER_WORDS)
    place = bool(w & _PLACE)
    clinician = bool(w & _CLINICIAN)
    party = REFERRER if referrer or place or clinician else PATIENT if patient else None
    if "birth" in w or "dob" in w:
        return "dob", None
    if "date" in w:
        return "skip", None  # "Date of service", "Referral date"
    if w & {"sex", "gender"}:
        return "sex", None
    if "email" in w:
        return "email", party
    if "npi" in w:
        return "npi", REFERRER if referrer else None
    if "fax" in w:
        return ("phone_fax" if w & _PHONE else "fax"), REFERRER if referrer or place else None
    if w & _CODES:
        return "diagnosis", CLINICAL
    if w & _REASON == {"service"} and not w & {"requested", "request"} and len(w) == 1:
        return "department", None  # a hospital's "Service": the clinician's department
    if w & _REASON:
        return "reason", CLINICAL
    if w & {"priority", "urgency"}:
        return "urgency", None
    if "group" in w:
        return "group", INSURANCE
    if (holder or patient or w & _PAYER) and w & _IDENT and not referrer:
        return (
            ("member_id", INSURANCE)
            if holder or w & (_PAYER | _ENROLLED)
            else ("skip", None)  # a patient's or client's number is the chart's
        )
    if w & _PAYER:
        return "insurer", INSURANCE
    if w & _PHONE or ("contact" in w and "number" in w):
        return "phone", REFERRER if referrer or place else PATIENT if patient else None
    if w & {"address", "residence", "street"}:
        return "address", None if referrer or place else PATIENT if patient else None
    if place and ("name" in w or not clinician):
        return "practice", REFERRER if referrer else None  # "Clinic name", "Requesting office"
    if clinician or (referrer and "by" in w and not w & _IDENT):
        return ("name", REFERRER) if referrer else ("provider", None)
    if holder and "name" in w:
        return "skip", OTHER
    if patient and not w & _IDENT:
        return "name", PATIENT
    if "name" in w and len(w) == 1:
        return "name", None
    return None


# -- finding them on a line ---------------------------------------------------------------------

# A colon that ends a label: after a letter, a bracket, a "#" or a dot ("Tel.:"), not a time's.
_COLON = re.compile(r"(?<=[A-Za-z).#])\s?:(?!\d)")
_WORD_SPAN = re.compile(r"[^\s:]+")


@dataclass(frozen=True)
class Span:
    """A label found by its words: where it stands on the line, what it names."""

    start: int
    end: int  # after its colon
    kind: str
    owner: str | None


def colon_labels(line: str, taken: list[tuple[int, int]]) -> list[Span]:
    """Labels ending in ':' that no lexicon label covers, or that a lexicon label only ends.

    ``taken`` are the spans of the labels already found (start, end). A phrase of label words
    before the colon is read by ``compose``; any other short capitalised phrase before a colon
    is an unknown label: it ends the value before it and is skipped.
    """
    spans: list[Span] = []
    for colon in _COLON.finditer(line):
        end = colon.end()
        if any(start <= colon.start() < stop for start, stop in taken):
            continue
        floor = max((stop for _, stop in taken if stop <= colon.start()), default=0)
        floor = max([floor] + [s.end for s in spans])
        words = _cell_words(line, floor, colon.start())
        best: Span | None = None
        for n in range(min(6, len(words)), 0, -1):
            phrase = line[words[-n].start() : colon.start()]
            if _fits_cell(line, words[-n].start(), phrase) and is_label_phrase(phrase):
                kind, owner = compose(phrase) or ("skip", None)
                best = Span(words[-n].start(), end, kind, owner)
                break
        if best is None and words:
            unknown = _unknown_label(line, words)
            if unknown is not None:
                best = Span(unknown, end, "skip", None)
        if best is not None:
            spans.append(best)
    return spans


def _unknown_label(line: str, words: list[re.Match[str]]) -> int | None:
    """Where an unlisted label starts: its last word, back over lower-case words to a capital
    ("Preferred language:", "Language:"), no digits; None for anything else."""
    for i, word in enumerate(reversed(words[-4:])):
        text = word.group(0)
        if any(c.isdigit() for c in text) or not text[:1].isalpha():
            return None
        if text[:1].isupper():
            return word.start()
        if i == 3:
            return None
    return None


def widen(line: str, floor: int, start: int, end: int) -> int:
    """Where a label ending at ``end`` starts once the label words before ``start`` are
    counted ("Type 1" before "NPI:"): the longest such phrase after ``floor``."""
    words = _cell_words(line, floor, start)
    label = line[start:end].rstrip(" :#")
    for n in range(min(4, len(words)), 0, -1):
        phrase = f"{line[words[-n].start() : start]}{label}"
        if _fits_cell(line, words[-n].start(), phrase) and is_label_phrase(phrase):
            return words[-n].start()
    return start


_CELL_START = re.compile(r"(?:\s{2,}|\t|\|)\s*$")


def _cell_words(line: str, floor: int, stop: int) -> list[re.Match[str]]:
    """The words between ``floor`` and ``stop`` after the last wide gap: a label is in one cell."""
    gap = max((m.end() for m in re.finditer(r"\s{2,}|\t|\||:", line[floor:stop])), default=0)
    return list(_WORD_SPAN.finditer(line, floor + gap, stop))


def _fits_cell(line: str, start: int, phrase: str) -> bool:
    """A phrase with a word that also ends practices' names is a label only at a cell's start."""
    if not set(words_of(phrase)[:-1]) & _NAME_LIKE:
        return True
    before = line[:start]
    return not before.strip() or _CELL_START.search(before) is not None


# -- a row of labels ----------------------------------------------------------------------------

# The field a word names by itself; a label names one ("Birth date", not "Birth date callback").
_CLASSES: dict[str, str] = {
    **dict.fromkeys(("birth", "dob"), "dob"),
    **dict.fromkeys(("sex", "gender"), "sex"),
    **dict.fromkeys(_PHONE, "phone"),
    "fax": "fax",
    "email": "email",
    **dict.fromkeys(("address", "residence", "street"), "address"),
    "group": "group",
    "npi": "npi",
    **dict.fromkeys(_REASON, "reason"),
    **dict.fromkeys(_CODES, "codes"),
    **dict.fromkeys(("priority", "urgency"), "urgency"),
    "name": "name",
}
_OWNERS = _PATIENT_WORDS | _HOLDER_WORDS | _REFERRER_WORDS


def row_label_at(line: str, position: int) -> tuple[int, str, str | None] | None:
    """The label of a header row that starts at ``position`` ("Enrollee ID Birth Date"):
    its end, kind and owner; the longest run of label words naming one field of one owner."""
    words = list(_WORD_SPAN.finditer(line, position))[:4]
    if not words or words[0].start() != position:
        return None
    for n in range(len(words), 0, -1):
        phrase = line[position : words[n - 1].end()]
        tokens = words_of(phrase)
        classes = {_CLASSES[t] for t in tokens if t in _CLASSES}
        owners = [t for t in tokens if t in _OWNERS]
        if len(classes) > 1 or len(owners) > 1 or not is_label_phrase(phrase):
            continue
        ident = next((i for i, t in enumerate(tokens) if t in _IDENT), len(tokens))
        if any(t in _CLASSES for t in tokens[ident + 1 :]):
            continue  # "Enrollee ID | Birth Date": an ID ends its label
        if re.search(r"\s{2,}|\t|\|", phrase):
            continue  # a label stands in one cell
        kind, owner = compose(phrase) or ("skip", None)
        return words[n - 1].end(), kind, owner
    return None
