"""The referring practice: its NPI (check digit repairs OCR) and its name."""

import re
from collections.abc import Iterable, Iterator

from app.pipeline.fields import phones
from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    NARRATIVE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.labels import SALUTATION, SIGN_OFF, Labeled
from app.pipeline.fields.lexicon import RECIPIENT, REFERRER, section_of
from app.pipeline.fields.people import WITH_CREDENTIAL, is_organisation, read_name
from app.pipeline.fields.repair import as_digits, capital_i
from app.pipeline.types import PageText
from models.document import PageType
from models.values import name_key, npi_valid

NPI = "referrer.npi"
PRACTICE = "referrer.practiceName"

# "PA-CNPI: 1499478893": OCR may lose the space before "NPI", or misread its P or I ("Npt",
# "Net 1237600980"); the ten digits' check digit still holds.
_NPI_TEXT = re.compile(
    r"(?:\b|(?<=[A-Za-z]))N[PE][IlT1|]\b\s*(?:#|no\.?|number)?\s*[:#]?\s*(?P<npi>[0-9OoIl|]{10})\b",
    re.IGNORECASE,
)
_PRACTICE_WORDS = re.compile(
    r"\b(?:medicine|medical|clinic|clinics|health|healthcare|associates|group|practice|center"
    r"|centre|pediatrics|physicians|care|partners|orthopedics|orthopaedics|cardiology"
    r"|family|internal|hospital|specialists|primary|wellness|pc|llc|pllc|p\.c\.|inc)\b",
    re.IGNORECASE,
)
_NOT_PRACTICE = re.compile(
    r"\b(?:referral|form|fax|cover|sheet|confidential|request|consultation|patient|page"
    r"|notes?|progress|report|results?|order|summary|visit|letter)\b",
    re.IGNORECASE,
)


# A letterhead, a footer or a "Referring:" line strings its parts with separators:
# "Valley Clinic · 12 Main St · Tel 555-123-4567 · Fax 555-123-4568 · NPI 1234567893".
_SEPARATOR = re.compile(r"\s+[-\u2013\u2014|\u00b7\u2022]\s+|\s*[|\u00b7\u2022]\s*")
_CONTACT = re.compile(
    r"^(?:(?P<fax>fax|f)|(?P<phone>tel|telephone|phone|ph|office|t|p))\b\.?\s*(?:no\.?)?\s*[:#]?\s*"
    r"(?P<number>\+?[\d(][\d()\s.\-]{8,18}\d)$",
    re.IGNORECASE,
)
# The page's last lines a footer can hold.
_FOOTER_LINES = 3


def read_npi(value: str) -> tuple[str | None, float]:
    """Ten digits whose check digit holds, and how sure: a read OCR had to repair is for a
    person to check even when its check digit then holds (``doubted``)."""
    match = re.search(r"[0-9OoIl|]{10}", value.replace(" ", "").replace("-", ""))
    if match is None:
        return None, 0.0
    digits = as_digits(match.group(0))
    repaired = digits != match.group(0)
    if not digits.isdigit():
        return None, 0.0
    if npi_valid(digits):
        return digits, doubted(1.0, repaired)
    return digits, 0.3  # read, but wrong: shown for a person to check, never as sure


def _is_practice(text: str) -> bool:
    """Not a specialty: "Family Medicine" alone names a department, "Valley Family Medicine" a
    practice; a practice's name has a word of its own before the kind of practice it is."""
    return len(text.split()) >= 2


def read_practice(value: str) -> str | None:
    text = capital_i(re.split(r"\s{2,}|\s\|\s|;", value.strip())[0].strip(" ,.-"))
    if not text or not re.search("[A-Za-z]{3}", text) or re.search(r"\d{3}", text):
        return None
    if _in_lower_case(text):
        return None  # "R medial gaiter" (a wound's "Location"), "home health agency"
    return text.title() if text.isupper() and len(text) > 4 else text


_WORD = re.compile(r"[^\W\d_][\w'&.-]*")


def _in_lower_case(text: str) -> bool:
    """Whether most of a phrase's words of three letters or more are in lower case: a
    description, where a practice's name is capitalised ("Granary Street Geriatrics")."""
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    lower = sum(1 for w in words if w[0].islower())
    return len(words) >= 2 and lower * 2 > len(words)


def candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    labelled_npi_lines: set[tuple[int, int]] = set()
    labelled_practice = False
    # pages where a place the sender's section names is not the letterhead's practice
    elsewhere: set[int] = set()
    for item in items:
        page = by_number[item.page]
        if page.page_type == PageType.cover_sheet:
            continue
        if item.kind == "npi":
            labelled_npi_lines.add((item.page, item.line))
            score = label_score(item, REFERRER) or (LABEL_ALONE if item.owner is None else 0.0)
            npi, sure = read_npi(item.value)
            if npi and score:
                yield candidate(NPI, npi, score * sure, page, item.value, line=item.line)
        elif item.kind == "department" and item.owner != RECIPIENT:
            # "Department: Oakwood Family Health Center" is a practice; "Endocrinology" is not
            practice = read_practice(item.value)
            if practice and _PRACTICE_WORDS.search(practice) and _is_practice(practice):
                labelled_practice = True
                yield candidate(
                    PRACTICE,
                    practice,
                    LABEL_ALONE,
                    page,
                    item.value,
                    key=name_key(practice),
                    line=item.line,
                )
        elif item.kind == "practice":
            score = label_score(item, REFERRER) or (LABEL_ALONE if item.owner is None else 0.0)
            practice = read_practice(item.value)
            if practice and score and (item.owner is not None or _PRACTICE_WORDS.search(practice)):
                labelled_practice = True
                another = _another_letterhead(item, page, practice)
                if another and _PLACE_LABEL.match(page.text.split("\n")[item.line]):
                    # the surgery's facility under the surgeon on the practice's letterhead:
                    # where the service is done, the letterhead the sender (both in doubt)
                    elsewhere.add(page.number)
                    score = SHAPE_ONLY
                elif another:
                    # "Practice" under a clinician's row on a payer's letter: the clinician's
                    # own, but the letterhead is someone else's
                    score = doubted(score)
                yield candidate(
                    PRACTICE,
                    practice,
                    score,
                    page,
                    item.value,
                    key=name_key(practice),
                    line=item.line,
                )
        elif item.kind == "name" and label_score(item, REFERRER):
            # "Referring Provider: Dr. John Smith, Valley Family Medicine"; "From: Valley Clinic"
            _, _, rest = item.value.partition(",")
            if not rest and _names_a_practice(item.value):
                rest = item.value
            practice = read_practice(rest)
            if practice and _PRACTICE_WORDS.search(practice):
                yield candidate(
                    PRACTICE,
                    practice,
                    NARRATIVE,
                    page,
                    item.value,
                    key=name_key(practice),
                    line=item.line,
                )
            elif len(_parts(item.value)) > 1:
                yield from _contact_line(page, item.value, item.line, NARRATIVE)
    for page in by_number.values():
        if page.page_type not in (None, PageType.referral):
            continue
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            if (page.number, number) in labelled_npi_lines:
                continue
            for match in _NPI_TEXT.finditer(line):
                npi, sure = read_npi(match["npi"])
                if npi:
                    yield candidate(NPI, npi, NARRATIVE * sure, page, match["npi"], line=number)
        if page.number in elsewhere:
            yield from _head_practice(page)
        elif not labelled_practice:
            yield from _letterhead(page, lines)
        yield from _signature_practice(page, lines)
        yield from _practice_under_clinician(page, lines)
        yield from _footer(page, lines)
        yield from _letterhead_numbers(page, lines)


def _another_letterhead(item: Labeled, page: PageText, practice: str) -> bool:
    """Whether the page's letterhead names another practice than a "Facility:" its section
    gave the sender: the surgery's facility under "Surgeon: Jane Roe, DO" on a surgeon's
    letterhead is someone else's place; a label that names the sender itself
    ("Referring practice:") is not in doubt."""
    if item.owner_from_label or _under_the_referrers_heading(item, page):
        return False
    head = _first_line(page)
    return (
        head is not None
        and len(head.split()) >= 2
        and not re.search(r"\d", head)
        and not _NOT_PRACTICE.search(head)
        and not find_labels(head)
        and name_key(practice) not in name_key(head)
    )


def _under_the_referrers_heading(item: Labeled, page: PageText) -> bool:
    """Whether the nearest heading above the value opens the referrer's section ("Referring
    Provider" over "Practice: …" on the receiver's own form): the practice is the sender's
    by the form's word, not by a clinician's row above it."""
    for line in reversed(page.text.split("\n")[: item.line]):
        section = section_of(line.strip(" :"))
        if section is not None:
            return section == REFERRER
    return False


def _head_practice(page: PageText) -> Iterator[Candidate]:
    """The name heading a page whose sender's section names another place: the sender (its
    first cell whole, an "&" in it too: "Basalt Orthopaedic & Spine")."""
    lines = [line.strip() for line in page.text.split("\n")[page.fax_header_lines :]]
    first = next((line for line in lines if line), "")
    head = _CELL_BREAK.split(first)[0]
    if len(head.split()) < 2:
        head = _first_line(page) or ""
    practice = read_practice(head) if head else None
    if practice:
        yield candidate(
            PRACTICE,
            practice,
            SHAPE_ONLY * 1.3,
            page,
            practice,
            key=name_key(practice),
            line=page.fax_header_lines,
        )


def _first_line(page: PageText) -> str | None:
    """The first cell of the page's first line after the fax machine's header; a name in
    large type that the text layer split one word a line ("Basalt  &" / "Orthopaedic
    Spine") takes the next line's first cell too."""
    lines = [line.strip() for line in page.text.split("\n")[page.fax_header_lines :]]
    cells = [_SEPARATOR_OR_GAP.split(line)[0] for line in lines if line][:2]
    if not cells:
        return None
    if len(cells[0].split()) == 1 and len(cells) == 2:
        return f"{cells[0]} {cells[1]}"
    return cells[0]


# A label naming where a service is done, not whose practice it is ("Facility", "Location").
_PLACE_LABEL = re.compile(
    r"^\s*(?:surgery |surgical |service |treating )?(?:facility|location|site)\b", re.IGNORECASE
)
# Where a line's first cell ends: a separator between spaces ("Valley Clinic · 12 Elm St"),
# a wide gap or a tab.
_CELL_BREAK = re.compile(r"\s+[-\u2013\u2014|\u00b7\u2022]\s+|\s{2,}|\t")
_SEPARATOR_OR_GAP = re.compile(r"\s+[-\u2013\u2014|\u00b7\u2022&]\s+|\s{2,}|\t")


def _names_a_practice(text: str) -> bool:
    """ "Northgate Medical Group", not "Dr. Jane Roe" nor "Referral Coordinator"."""
    return (
        _PRACTICE_WORDS.search(text) is not None
        and _NOT_PRACTICE.search(text) is None
        and (is_organisation(text) or read_name(text) is None)
        and 2 <= len(text.split()) <= 8
    )


def _signature_practice(page: PageText, lines: list[str]) -> Iterator[Candidate]:
    """The practice under a letter's signature: "Thank you," / "Jane Roe, NP" / "Valley Clinic"."""
    for number, line in enumerate(lines):
        if not SIGN_OFF.match(line):
            continue
        after = [(j, lines[j].strip()) for j in range(number + 1, min(len(lines), number + 5))]
        after = [(j, text) for j, text in after if text]
        if len(after) >= 2 and WITH_CREDENTIAL.match(after[0][1]):
            j, text = after[1]
            if _names_a_practice(text) and (practice := read_practice(text)):
                yield candidate(
                    PRACTICE, practice, NARRATIVE, page, text, key=name_key(practice), line=j
                )


_NPI_WORD = re.compile(r"\bnpi\b", re.IGNORECASE)


def _practice_under_clinician(page: PageText, lines: list[str]) -> Iterator[Candidate]:
    """The practice on the line under a clinician's name and NPI, no label before either:
    "Jane Roe, DO · NPI 1234567893" / "Valley Clinic · 12 Elm St · Tel …"."""
    for number, line in enumerate(lines[:-1]):
        if not (WITH_CREDENTIAL.match(line) and _NPI_WORD.search(line)) or find_labels(
            _CELL_BREAK.split(line)[0]
        ):
            continue
        text = _CELL_BREAK.split(lines[number + 1].strip())[0]
        named = _names_a_practice(text) or (
            2 <= len(text.split()) <= 6 and not WITH_CREDENTIAL.match(text)
        )
        if named and not find_labels(text) and (practice := read_practice(text)):
            yield candidate(
                PRACTICE, practice, NARRATIVE, page, text, key=name_key(practice), line=number + 1
            )


def _letterhead(page: PageText, lines: list[str]) -> Iterator[Candidate]:
    """The practice named at the top of the referral, before any label."""
    seen = 0
    for number, line in enumerate(lines):
        text = line.strip()
        if not text or number < page.fax_header_lines:
            continue  # the fax machine's header line is the machine's, not the letterhead
        seen += 1
        # "Summit Health Partners - Referral Coordinator Worksheet": the name before the dash
        # "Valley Clinic    ENCOUNTER FORM": the first cell, before a wide gap
        # "Kettle Clinic · Referral Log · Ph 555-201-0100": the first of a line's cells, the
        # numbers after it labelled
        name = re.split(r"\s+[-\u2013\u2014|\u00b7\u2022]\s+|\s{2,}|\t", text)[0]
        ends = _ends_letterhead(text)
        if seen > 4 or SALUTATION.match(text) or (ends and _ends_letterhead(name)):
            return
        practice = read_practice(name)
        if (
            practice
            and _PRACTICE_WORDS.search(name)
            and not _NOT_PRACTICE.search(name)
            and len(name.split()) <= 8
        ):
            yield candidate(
                PRACTICE,
                practice,
                SHAPE_ONLY * 1.3,
                page,
                text,
                key=name_key(practice),
                line=number,
            )
            return
        if ends:
            return


def _ends_letterhead(text: str) -> bool:
    """Whether a line above the practice's name ends the letterhead: a label of a field with
    its value, not a slip's "Date 14-Nov-2026" or "Office copy - fax to specialist" (an office
    that names no practice, a fax with no number)."""
    labels = find_labels(text)
    ends = [label.start for label in labels[1:]] + [len(text)] if labels else []
    for label, end in zip(labels, ends, strict=True):
        value = text[label.end : end]
        if label.kind == "skip":
            continue
        if label.kind in ("phone", "fax") and not phones.PHONE.search(value):
            continue
        if label.kind == "practice" and not _names_a_practice(value.strip(" -:")):
            continue
        return True
    return False


# "7350 Tamarack Way, Fargo, ND 58199 Tel 406.418.9520 Fax 406.709.2952": a letterhead's
# numbers, each after its word, with no colon.
_NUMBER_AFTER_WORD = re.compile(
    r"(?<![A-Za-z])(?:(?P<fax>fax|f)|(?P<phone>tel|telephone|phone|ph|t|p))\.?\s*[:#]?\s*"
    rf"(?P<number>{phones.PHONE.pattern})",
    re.IGNORECASE,
)
# How many lines head a letter: the practice's name and its address and numbers under it.
_LETTERHEAD_LINES = 4


def _letterhead_numbers(page: PageText, lines: list[str]) -> Iterator[Candidate]:
    """The sending practice's phone and fax in the letterhead: the first lines of the
    referral, before any label or salutation, each number after its word."""
    seen = 0
    for number, line in enumerate(lines):
        text = line.strip()
        if not text or number < page.fax_header_lines:
            continue
        seen += 1
        if seen > _LETTERHEAD_LINES or SALUTATION.match(text) or find_labels(text):
            return
        for match in _NUMBER_AFTER_WORD.finditer(text):
            phone, repaired = phones.read_phone(match["number"])
            if phone:
                path = phones.REFERRER_FAX if match["fax"] else phones.REFERRER_PHONE
                score = doubted(SHAPE_ONLY * 1.3, repaired)
                yield candidate(path, phone, score, page, match.group(0), line=number)


def _parts(line: str) -> list[str]:
    return [part.strip(" ,;") for part in _SEPARATOR.split(line.strip()) if part.strip(" ,;")]


def _footer(page: PageText, lines: list[str]) -> Iterator[Candidate]:
    """A letterhead printed at the foot of the page: the sender's name, address and numbers
    on one line strung with separators, among the page's last lines."""
    filled = [(n, line) for n, line in enumerate(lines) if line.strip()]
    for number, line in filled[-_FOOTER_LINES:]:
        parts = _parts(line)
        if len(parts) >= 3 and _names_a_practice(parts[0]):
            yield from _contact_line(page, line, number, SHAPE_ONLY * 1.3)


def _contact_line(page: PageText, line: str, number: int, score: float) -> Iterator[Candidate]:
    """The practice and the phone and fax numbers of a line of the sender's particulars."""
    practice_found = False
    for part in _parts(line):
        contact = _CONTACT.match(part)
        if contact:
            phone, repaired = phones.read_phone(contact["number"])
            if phone:
                path = phones.REFERRER_FAX if contact["fax"] else phones.REFERRER_PHONE
                sure = doubted(score, repaired)
                yield candidate(path, phone, sure, page, part, line=number)
            continue
        if not practice_found and _names_a_practice(part) and (practice := read_practice(part)):
            practice_found = True
            yield candidate(
                PRACTICE, practice, score, page, part, key=name_key(practice), line=number
            )
