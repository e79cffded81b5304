"""Names: the patient's first and last name, the referring provider's name.

A labelled value may run on into other words ("Jane Doe DOB 01/02/1980"), so a name is the
run of name-like words it starts with. "Doe, Jane" and a "(Last, First)" hint say the order.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nameparser import HumanName

from app.pipeline.fields.boxes import odd_one_out, with_misread_options
from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    LABEL_IN_SECTION,
    NARRATIVE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.labels import SIGN_OFF, Labeled
from app.pipeline.fields.lexicon import OTHER, PATIENT, RECIPIENT, REFERRER
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Sex
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
    r"[\s,|]*(?:\||npi\b)",
    re.IGNORECASE,
)
_SIGNED_BY = re.compile(r"(?:electronically )?signed by\s*:?\s*(?P<name>.+)$", re.IGNORECASE)
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
                if name is not None:
                    yield _provider(name, NARRATIVE, page, signed["name"], number)
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


# -- sex -------------------------------------------------------------------------------------

SEX = "patient.sex"
_SEX_WORDS = {
    "f": Sex.F, "female": Sex.F, "woman": Sex.F, "girl": Sex.F, "fem": Sex.F,
    "m": Sex.M, "male": Sex.M, "man": Sex.M, "boy": Sex.M,
    "x": Sex.X, "nonbinary": Sex.X, "non-binary": Sex.X, "other": Sex.X,
    "u": Sex.U, "unknown": Sex.U, "undisclosed": Sex.U,
    # a bilingual form's: "Femenino / Female"
    "femenino": Sex.F, "mujer": Sex.F, "masculino": Sex.M, "hombre": Sex.M,
}  # fmt: skip
# The words a row of sex check boxes offers (a ticked "F" or "M" is read too, after a tick).
_SEX_OPTIONS = r"female|male|other|x|unknown|undisclosed|non-?binary"
_SEX_BOX = re.compile(
    r"(?P<mark>\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)|[☒☑✔✓■])\s*"
    rf"(?P<word>{_SEX_OPTIONS}|f|m)\b",
    re.IGNORECASE,
)
# "/AMale": a hand tick read as a letter glued to the capital of the option after it.
_SEX_OPTION = re.compile(
    rf"(?:(?<![A-Za-z])|(?<=[A-Za-z])(?=(?-i:[A-Z][a-z])))(?P<word>{_SEX_OPTIONS})(?![A-Za-z])",
    re.IGNORECASE,
)
_SEX_BOXES = re.compile(r"[\[(]\s*[\])]|[☐□]")
_AGE_SEX = re.compile(
    r"\b\d{1,3}[- ](?:year|yr)s?[- ]old\s+(?P<word>female|male|woman|man|girl|boy)\b"
    r"|\b\d{1,3}\s?(?:yo|y/o|y\.o\.)\s+(?P<word2>female|male|woman|man|f|m)\b",
    re.IGNORECASE,
)


# A birth date's cell that goes on with the age and the sex: "3/4/1961  63Y F", "… 63 yo M".
_AGE_THEN_SEX = re.compile(
    r"(?<![\w/.-])\d{1,3}\s?(?:y|yo|y/o|yrs?|years?)\.?\s*[,/]?\s*"
    r"(?P<sex>female|male|nonbinary|non-binary|unknown|f|m|x|u)\s*$",
    re.IGNORECASE,
)
_SEX_ALONE = re.compile(r"^\s*(?:female|male|nonbinary|non-binary)\s*$", re.IGNORECASE)
_BIRTH_LABEL = re.compile(r"^\s*(?:dob|d\.o\.b\.?|date of birth|birth ?date)\b", re.IGNORECASE)


def _near_a_birth_date(page: PageText, number: int) -> bool:
    """Whether a line stands within three lines of one that starts with a birth date's label."""
    lines = page.text.split("\n")
    return any(
        _BIRTH_LABEL.match(lines[j])
        for j in range(max(0, number - 3), number + 4)
        if j < len(lines)
    )


# "[ ] M  [X] F  [ ] X": a row of boxes whose options are the letters.
_LETTER_OPTION = re.compile(r"(?:[\[(][^\])]{0,3}[\])]|[☐□☒☑■])\s*(?P<letter>[MF])\b")


def read_sex_boxes(line: str) -> Sex | None:
    """The option ticked in a row of sex check boxes standing without its label (OCR lost
    it: "SEX" read as "ME", or the form printed none); None for any line that is not such
    a row."""
    options = {m["word"].lower() for m in _SEX_OPTION.finditer(line)}
    options |= {m["letter"].lower() for m in _LETTER_OPTION.finditer(line)}
    if not ({"male", "female"} <= options or {"m", "f"} <= options) or not _SEX_BOXES.search(line):
        return None
    return read_sex(line)


# The options of a row of sex boxes long enough to be told when a tick garbled one.
_SEX_BOX_WORDS = ("male", "female", "unknown", "other")


def read_crossed_sex(value: str) -> Sex | None:
    """``read_sex`` of a row of boxes whose ticked option OCR misread under the tick
    ("i Amate [ ] Female [ ] X"): the word one letter off an option the row lacks is that
    option. A guess: None where the row reads as it is, or is no row of boxes."""
    if not _SEX_BOXES.search(value):
        return None
    mended = with_misread_options(value, _SEX_BOX_WORDS)
    return read_sex(mended) if mended != value else None


def read_sex(value: str) -> Sex | None:
    ticked = {_SEX_WORDS[m["word"].lower()] for m in _SEX_BOX.finditer(value)}
    if len(ticked) == 1:
        return ticked.pop()
    if ticked:
        return None
    if _SEX_BOXES.search(value):
        odd = odd_one_out(value, _SEX_OPTION)  # ticked by hand, read by OCR
        return _SEX_WORDS[odd.lower()] if odd else None
    word = re.split(r"[\s,;/]+", value.strip().lower())[0].strip(".")
    return _SEX_WORDS.get(word)


# "Re: Mr. John Roe": the title the patient is named with says their sex.
_TITLED = re.compile(r"^\s*(?P<title>mr|mrs|ms|miss|mx)\b\.?\s+[^\W\d_]", re.IGNORECASE)
# "… has asked me to refer Mr. Ignatius Ekwueme to your service": the one referred is the
# patient, and the title says the sex.
_REFERRED_TITLE = re.compile(
    r"(?:\brefer(?:ring|red)?\s+(?:(?:my|our|the|this)\s+(?:patient\s+)?|patient\s+)?"
    r"|\bpatient\s+is\s+)"  # "The patient is Ms. Jane Roe, born …"
    r"(?P<title>mr|mrs|ms|miss|mx)\b\.?\s+[^\W\d_]",
    re.IGNORECASE,
)
_TITLE_SEX = {"mr": Sex.M, "mrs": Sex.F, "ms": Sex.F, "miss": Sex.F, "mx": Sex.X}


def sex_candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    labelled: set[tuple[int, int]] = set()
    for item in items:
        titled = _TITLED.match(item.value) if item.kind in ("name", "re") else None
        if titled and (label_score(item, PATIENT) or (item.kind == "re" and item.owner is None)):
            page = by_number[item.page]
            said = _TITLE_SEX[titled["title"].lower()]
            yield candidate(SEX, said, NARRATIVE * 0.95, page, item.value, line=item.line)
        aged = _AGE_THEN_SEX.search(item.value) if item.kind == "dob" else None
        if aged and (item.owner in (PATIENT, None)):
            # "DOB 3/4/1961  63Y F": an addressograph's birth date, age and sex in one cell
            said = _SEX_WORDS[aged["sex"].lower()]
            page = by_number[item.page]
            yield candidate(SEX, said, LABEL_ALONE, page, item.value, line=item.line)
        if item.kind != "sex":
            continue
        labelled.add((item.page, item.line))
        score = label_score(item, PATIENT) or (LABEL_ALONE if item.owner is None else 0.0)
        sex = read_sex(item.value)
        if sex is None and (sex := read_crossed_sex(item.value)) is not None:
            score = doubted(score)
        if sex is not None and score:
            yield candidate(SEX, sex, score, by_number[item.page], item.value, line=item.line)
    for page in by_number.values():
        referral = page.page_type in (None, PageType.referral)
        for number, line in enumerate(page.text.split("\n")):
            if referral and (page.number, number) not in labelled:
                boxed = read_sex_boxes(line)
                if boxed is not None:
                    yield candidate(SEX, boxed, LABEL_ALONE * 0.95, page, line, line=number)
                elif crossed := read_sex_boxes(with_misread_options(line, _SEX_BOX_WORDS)):
                    score = doubted(LABEL_ALONE * 0.95)  # an option word read as a guess
                    yield candidate(SEX, crossed, score, page, line, line=number)
            referred = _REFERRED_TITLE.search(line) if referral else None
            if referred:
                said = _TITLE_SEX[referred["title"].lower()]
                yield candidate(SEX, said, NARRATIVE * 0.95, page, referred.group(0), line=number)
            if (
                (page.number, number) not in labelled
                and _SEX_ALONE.match(line)
                and _near_a_birth_date(page, number)
            ):
                # "ROE, JANE" / "DOB 3/4/1961" / "Female": a banner's cells, one to a line
                said = _SEX_WORDS[line.strip().lower()]
                yield candidate(SEX, said, LABEL_ALONE * 0.9, page, line, line=number)
            match = _AGE_SEX.search(line)
            if match:
                sex = _SEX_WORDS[(match["word"] or match["word2"]).lower()]
                yield candidate(SEX, sex, NARRATIVE, page, match.group(0), line=number)
