"""Names: the patient's first and last name, the referring provider's name.

A labelled value may run on into other words ("Jane Doe DOB 01/02/1980"), so a name is the
run of name-like words it starts with. "Doe, Jane" and a "(Last, First)" hint say the order.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nameparser import HumanName

from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    LABEL_IN_SECTION,
    NARRATIVE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    label_score,
)
from app.pipeline.fields.labels import SIGN_OFF, Labeled
from app.pipeline.fields.lexicon import OTHER, PATIENT, RECIPIENT, REFERRER
from app.pipeline.types import PageText
from models.values import name_key, strip_titles

FIRST = "patient.firstName"
LAST = "patient.lastName"
PROVIDER = "referrer.providerName"

_TITLE = r"(?:dr|mr|mrs|ms|miss|mx|prof)\.?"
_CREDENTIALS = (
    r"md|m\.d\.|do|d\.o\.|np|pa|pa-c|rn|fnp|fnp-c|fnp-bc|dnp|phd|mbbs|facp|faafp|aprn|crnp"
    r"|msn|mph|facc|facs|faap|dpm|dc|od|mba|ms|ma|lpn|cnp|pharmd|ddm|dds"
)
_SUFFIX = r"jr|sr|ii|iii|iv"
_PARTICLES = {
    "de",
    "del",
    "della",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "di",
    "da",
    "du",
    "st",
    "st.",
    "san",
    "mac",
    "ben",
    "bin",
    "al",
    "el",
}
_UPPER = r"[A-Z\u00c0-\u00d6\u00d8-\u00de]"
_LETTER = r"[^\W\d_]"
# A capitalised word, or a small particle before one ("de la Cruz").
_PART = rf"{_UPPER}(?:{_LETTER}|['\u2019\-])*\.?|[a-z]{{1,3}}(?= [A-Z])"
_NAME_RUN = re.compile(
    rf"^(?:{_TITLE}\s+)?(?P<name>(?:{_PART})(?:,?\s+(?:{_PART})){{0,4}})", re.IGNORECASE
)
_WORD = re.compile(r"(?:[^\W\d_]|['\u2019\-.])+")
_NOT_NAME = re.compile(
    r"^(?:dob|d\.o\.b|date|sex|age|mrn|phone|male|female|patient|the|and|with|for|is|was"
    r"|a|an|of|at|in|on|to|by|who|has|npi|referral|referred|please|thank|thanks|see|from"
    r"|your|my|our|this|that|she|he|they|her|his|pt|yo|y/o|year|old|gender|unknown|none"
    r"|n/a|na|address|insurance|fax|tel|email|first|last|name|signature|signed|clinic"
    r"|medical|center|hospital|health|family|medicine|practice|group|associates|office|care"
    r"|primary|pediatrics|orthopedics|cardiology|partners|specialists|institute|services"
    r"|llc|inc|pc|clinics|healthcare|system|department|dept|internal|surgery|surgical"
    r"|street|ave|road|rd|suite|blvd)$",
    re.IGNORECASE,
)
_CREDENTIAL_WORD = re.compile(rf"^(?:{_CREDENTIALS}|{_SUFFIX})\.?,?$", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    first: str
    last: str
    middle: str = ""

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.first, self.middle, self.last) if part)


def read_name(value: str, hint: str = "") -> Name | None:
    """The person a labelled value names, or None if it does not look like a name."""
    titled = re.match(rf"^\s*{_TITLE}\s", value, re.IGNORECASE) is not None
    text = strip_titles(_leading_name(value)) or ""
    if "," in text:
        before, after = (part.strip() for part in text.split(",", 1))
        # "Doe, Jane" is last-first; "Dr. Ann Lee, Orthopedics" or "Jane Doe, Valley Clinic"
        # is a name and something else.
        words = before.split()
        one_surname = len(words) == 1 or words[0].lower() in _PARTICLES
        if titled or not one_surname or len(after.split()) > 2 or not after:
            text = before
    if not text:
        return None
    last_first = "," in text or ("last" in hint and hint.index("last") < hint.find("first"))
    parsed = HumanName(text)
    first, middle, last = parsed.first, parsed.middle, parsed.last
    if last_first and "," not in text:
        words = text.split()
        if len(words) < 2:
            return None
        last, first, middle = words[0], words[1], " ".join(words[2:])
    if last_first and middle and all(len(w) > 2 and not w.endswith(".") for w in middle.split()):
        first, middle = f"{first} {middle}", ""  # "St. Clair, Mary Ann": a double first name
    if not first or not last or not _plausible(first) or not _plausible(last):
        return None
    if _lower_word(first) or _lower_word(last):
        return None  # "Thyroid nodule" is no name; "de la Cruz" is one
    if len(last) > 2 and last.endswith(".") and not last.endswith(("Jr.", "Sr.")):
        last = last[:-1]  # "Hernandez." at a sentence's end
    return Name(_case(first), _case(last), _case(middle))


# A middle initial after a first name: "Ada B.", "Ada B".
_MIDDLE_INITIAL = re.compile(r"(?<=\w)\s+[A-Z]\.?$")


def _leading_name(value: str) -> str:
    """The name-like words ``value`` starts with: "Jane Doe DOB 01/02/1980" → "Jane Doe"."""
    kept: list[str] = []
    for raw in re.split(r"(\s+)", value.strip()):
        if not raw.strip():
            if kept:
                kept.append(" ")
            continue
        word = raw.strip()
        bare = word.strip(",;:.()")
        if _CREDENTIAL_WORD.match(word) and kept:
            break
        initial = kept and re.fullmatch(r"[A-Z]\.?,?", word) is not None  # "Grace A. Nguyen"
        if not initial and (not _WORD.fullmatch(word.rstrip(",;:")) or _NOT_NAME.match(bare)):
            break
        kept.append(word)
        if word.endswith((";", ":")):
            break
    return "".join(kept).strip(" ,;:")


def _lower_word(part: str) -> bool:
    """ "nodule", "jane": a word a name would capitalise ("de la Cruz" ends capitalised)."""
    words = part.split()
    return bool(words) and words[-1][:1].islower()


def _plausible(part: str) -> bool:
    letters = (
        part.replace(" ", "")
        .replace("-", "")
        .replace("'", "")
        .replace("\u2019", "")
        .replace(".", "")
    )
    return letters.isalpha() and not _NOT_NAME.match(part)


def _case(part: str) -> str:
    """JANE → Jane, mcdonald → McDonald (nameparser's rules); "Jane" as written."""
    if not part or not (part.isupper() or part.islower()):
        return part
    name = HumanName(part)
    name.capitalize(force=True)
    return str(name) or part.title()


# "I am referring my patient Jane Doe", "Mr. John Roe is a 45-year-old", "RE: Jane Doe"
_NAME = (
    rf"{_UPPER}(?:{_LETTER}|['\u2019\-])+(?:\s+{_UPPER}\.?)?"
    rf"(?:\s+(?:St\.\s+|(?:de|del|la|le|van|von|der|den|da|di|du)\s+)*"
    rf"{_UPPER}(?:{_LETTER}|['\u2019\-])+){{1,2}}"
)
_PATIENT_SENTENCES = (
    re.compile(
        rf"\b(?:referring|refer|referred|seeing|evaluate|see)\s+(?:my|our|this|the)?\s*"
        rf"(?:patient|pt\.?),?\s+(?:(?i:{_TITLE})\s+)?(?P<name>{_NAME})"
    ),
    re.compile(
        rf"\b(?:patient|pt\.?)(?:\s+is)?,?\s+(?:(?i:{_TITLE})\s+)?(?P<name>{_NAME}),?\s+"
        r"(?:\(|DOB|a\s|an\s|is\s|who\s|born)"
    ),
    re.compile(rf"(?:^|\.\s+)(?:Mr|Mrs|Ms|Miss)\.?\s+(?P<name>{_NAME}),?\s+(?:\(|is\s|a\s|an\s)"),
    # "Could you please see Mei O'Connor at …", "Kindly schedule Ms. Jane Roe for …"
    re.compile(
        rf"\b(?:please|kindly)\s+(?:see|schedule|evaluate|examine)\s+(?:(?:Mr|Mrs|Ms|Miss)\.?\s+)?"
        rf"(?P<name>{_NAME})\b"
    ),
)
# "Subject: consult request - O'Connor, Mei, DOB 01/02/1980": the name after the topic
_SUBJECT_TOPIC = re.compile(r"^[^,]*?\s[-\u2013\u2014:]\s+")
_SUBJECT_TAIL = re.compile(r",?\s*\b(?:DOB|D\.O\.B\.?|born|MRN|date of birth)\b.*$", re.IGNORECASE)


def subject_name(value: str) -> str:
    """The name part of a subject line: after "consult request - ", before ", DOB …"."""
    return _SUBJECT_TAIL.sub("", _SUBJECT_TOPIC.sub("", value, count=1)).strip(" ,")


# An EHR banner: "JACKSON, PÁDRAIG" alone on a line over MRN/DOB, or "(MRN 55071464)" after it.
_BANNER = re.compile(
    r"^\s*(?P<name>[^\W\d_][^,\d\[\]():]{0,40},\s*[^\W\d_][^,\d\[\]():]{0,40}?)\s*"
    # "(MRN …)" after the name, or a chart banner's "DOB 9/14/2017 MRN 52397633"
    r"(?P<tail>\((?:MRN|DOB|D\.O\.B)[^)]*\).*|(?<=\s)(?:MRN|DOB|D\.O\.B\.?)\s*:?\s*\d.*)?$"
)
_IDENTITY = re.compile(r"\b(?:MRN|DOB|D\.O\.B|date of birth)\b", re.IGNORECASE)
# "Keisha D. Hernández, MD | NPI 1837569288 | …": a signature line of a form's footer.
_SIGNATURE_LINE = re.compile(
    rf"^\s*(?P<name>(?:dr\.?\s+)?[^\W\d_][\w'.\- ]{{2,40}},?\s+(?:{_CREDENTIALS})\b"
    rf"|dr\.?\s+[^\W\d_][\w'.\- ]{{2,40}}?)"
    # "Jo Roe, DO | NPI …", "Jo Roe, DO · NPI …" (OCR reads the dot as a dash)
    r"[\s,|\u00b7\u2022\-\u2013\u2014]*(?:\||npi\b)",
    re.IGNORECASE,
)
_SIGNED_BY = re.compile(r"(?:electronically )?signed by\s*:?\s*(?P<name>.+)$", re.IGNORECASE)
# Who completes and signs a form for the clinician (a home health agency's nurse, the office's
# coordinator) is not the referring clinician: "Completed and signed by: Jo Roe, RN, BSN".
_STAFF_SIGNER = re.compile(
    r",\s*(?:rn|bsn|lpn|lvn|cna|ma|cma|msn)\b|\b(?:case manager|coordinator|scheduler"
    r"|medical assistant|secretary|office manager|referral specialist)\b",
    re.IGNORECASE,
)
STAFF_SIGNER = 0.6
# "I am writing on behalf of Dr. Zainab P. St-Pierre", "Physician Assistant to Dr. …": the
# letter is written for the physician named, who is the referrer; its signer is not.
_ON_BEHALF = re.compile(
    r"\b(?:on behalf of|(?:assistant|associate|nurse|scribe|secretary|coordinator) (?:to|for))"
    r"\s+(?:dr\.?|doctor)\s+(?P<name>[^\W\d_][\w'.\-]*(?:\s+[^\W\d_][\w'.\-]*){1,3})",
    re.IGNORECASE,
)
WITH_CREDENTIAL = re.compile(rf"^\s*(?:dr\.?\s+)?.+,?\s+(?:{_CREDENTIALS})\b", re.IGNORECASE)


def patient_candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        page = by_number[item.page]
        score = label_score(item, PATIENT)
        if not score and item.owner is None and item.kind in ("name", "first", "last", "re"):
            score = LABEL_ALONE  # "Name: …" under no heading: the patient, most likely
        if not score:
            continue
        if item.kind in ("name", "re"):
            name = read_name(item.value, item.hint)
            if name is None and item.kind == "re":
                name = read_name(subject_name(item.value))
            if name is None:
                continue
            yield from _both(name, score, page, item.value, item.line)
        elif item.kind in ("first", "last"):
            word = _leading_name(item.value) if item.value else ""
            if item.kind == "first":
                word = _MIDDLE_INITIAL.sub("", word)  # "First name: Ada B.": the B. is no part
            if not word or len(word.split()) > 3 or not _plausible(word):
                continue
            path = FIRST if item.kind == "first" else LAST
            yield candidate(
                path, _case(word), score, page, item.value, key=name_key(word), line=item.line
            )
    for page in by_number.values():
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            banner = _BANNER.match(line)
            if banner and (
                banner["tail"] or _IDENTITY.search(" ".join(lines[number + 1 : number + 4]))
            ):
                name = read_name(banner["name"])
                if name is not None:
                    yield from _both(name, SHAPE_ONLY * 1.35, page, banner["name"], number)
            for pattern in _PATIENT_SENTENCES:
                for match in pattern.finditer(line):
                    name = read_name(match["name"])
                    if name is not None:
                        yield from _both(name, NARRATIVE, page, match["name"], number)


def _both(name: Name, score: float, page: PageText, raw: str, line: int) -> Iterator[Candidate]:
    yield candidate(FIRST, name.first, score, page, raw, key=name_key(name.first), line=line)
    yield candidate(LAST, name.last, score, page, raw, key=name_key(name.last), line=line)


# "St. Luke's Community Clinic", "Northgate Medical Group": a place, whatever its first words
_ORGANISATION_END = re.compile(
    r"\b(?:clinic|clinics|center|centre|hospital|associates|group|practice|partners|healthcare"
    r"|health|medicine|pediatrics|specialists|institute|services|care|physicians|surgeons"
    r"|doctors|consultants|network|llc|inc|pc|pllc"
    # a specialty's name ends a practice's: "Metro Gastroenterology", "Coastal Heart"
    r"|[a-z]{3,}ology|orthopa?edics|heart|vascular|imaging)\.?\s*$",
    re.IGNORECASE,
)


def is_organisation(text: str) -> bool:
    """Whether a value names a place rather than a person: it ends with a kind of practice."""
    name = re.split(r"\s+(?=\S*\d)", text.strip())[0]  # "RIVERSIDE PRIMARY CARE 804-668-0894"
    return _ORGANISATION_END.search(name.strip(" ,;")) is not None


def provider_candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        if item.kind in ("name", "provider") and is_organisation(item.value):
            # "From: St. Luke's Community Clinic", "Provider / facility: Metro Gastroenterology"
            continue
        if item.kind == "name":
            score = label_score(item, REFERRER)
        elif item.kind == "provider":
            score = _provider_label_score(item)
        else:
            continue
        if not score:
            continue
        name = read_name(item.value, item.hint)
        if name is not None:
            yield _provider(name, score, by_number[item.page], item.value, item.line)
    for page in by_number.values():
        lines = page.text.split("\n")
        # a letter written on a physician's behalf is signed by someone else
        signer = NARRATIVE * (0.5 if _ON_BEHALF.search(page.text) else 1.0)
        for number, line in enumerate(lines):
            for behalf in _ON_BEHALF.finditer(line):
                name = read_name(behalf["name"].removesuffix("."))
                if name is not None:
                    yield _provider(name, LABEL_ALONE, page, behalf["name"], number)
            footer = _SIGNATURE_LINE.match(line)
            if footer:
                name = read_name(footer["name"])
                if name is not None:
                    yield _provider(name, NARRATIVE, page, footer["name"], number)
            signed = _SIGNED_BY.search(line)
            if signed:
                name = read_name(signed["name"])
                staff = _STAFF_SIGNER.search(signed["name"]) is not None
                if name is not None:
                    score = NARRATIVE * (STAFF_SIGNER if staff else 1.0)
                    yield _provider(name, score, page, signed["name"], number)
            if SIGN_OFF.match(line):
                for j in range(number + 1, min(len(lines), number + 5)):
                    text = lines[j].strip()
                    if not text or set(text) <= set("_-/ "):
                        continue
                    if WITH_CREDENTIAL.match(text) or text.lower().startswith("dr"):
                        name = read_name(text)
                        if name is not None:
                            yield _provider(name, signer, page, text, j)
                    break


def _provider_label_score(item: Labeled) -> float:
    """ "Provider: …": the referrer's under a referrer heading or none; not the recipient's."""
    if item.owner == REFERRER:
        return LABEL_IN_SECTION
    if item.owner is None:
        return LABEL_ALONE
    if item.owner in (RECIPIENT, OTHER):
        return 0.0
    return LABEL_ALONE * 0.9


def _provider(name: Name, score: float, page: PageText, raw: str, line: int) -> Candidate:
    return candidate(PROVIDER, name.full, score, page, raw, key=name_key(name.full), line=line)
