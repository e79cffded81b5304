"""The patient's date of birth: labelled, or named in a sentence ("DOB 3/15/1985", "born …")."""

import re
from collections.abc import Iterable, Iterator
from datetime import date

from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    NARRATIVE,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.lexicon import PATIENT
from app.pipeline.fields.repair import as_digits, repaired_digits
from app.pipeline.types import PageText
from models.values import TWO_DIGIT_YEAR, parse_dob

PATH = "patient.dob"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_D = r"[0-9OoIl|]"
DATE = re.compile(
    rf"(?<![0-9])(?:{_D}{{1,2}}\s?[/.\-]\s?{_D}{{1,2}}\s?[/.\-]\s?{_D}{{4}}"
    rf"|{_D}{{1,2}}/{_D}{{1,2}}/{_D}{{2}}(?![0-9])"
    rf"|{_D}{{4}}-{_D}{{2}}-{_D}{{2}}"
    # "October 9, 2011", "October the 9th, 2011", "9 October 2011", "the 9th of October, 2011"
    rf"|{_MONTH}\s+(?:the\s+)?{_D}{{1,2}}(?:st|nd|rd|th)?,?\s+{_D}{{4}}"
    rf"|(?:the\s+)?{_D}{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{_MONTH}[\s\-,]+{_D}{{4}})",
    re.IGNORECASE,
)
_NAMED_DOB = re.compile(
    rf"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on)?)\s*[:\-#]?\s*(?:is\s+)?"
    rf"(?P<date>{DATE.pattern})",
    re.IGNORECASE,
)


# "10311992 MMDDYYYY": a date written in a form's boxes, its order printed under them.
_BOXED = re.compile(
    r"(?<![0-9])(?P<digits>[0-9]{8})\s*(?P<order>MMDDYYYY|DDMMYYYY|YYYYMMDD)\b", re.IGNORECASE
)


def _boxed_date(text: str) -> date | None:
    match = _BOXED.search(text)
    if match is None:
        return None
    digits, order = match["digits"], match["order"].upper()
    year, month, day = (
        digits[order.index(key) : order.index(key) + len(key)] for key in ("YYYY", "MM", "DD")
    )
    return parse_dob(f"{year}-{month}-{day}")


def read_date_text(text: str) -> tuple[date | None, bool]:
    """The first date written in ``text`` as a date of birth, and whether it is in doubt
    (OCR repair was needed, or a two-digit year's century is a guess)."""
    boxed = _boxed_date(text)
    if boxed is not None:
        return boxed, False
    match = DATE.search(text)
    if match is None:
        return None, False
    return _parse(match.group(0))


def _parse(raw: str) -> tuple[date | None, bool]:
    raw = re.sub(r"\b(?:the|of)\s+", "", raw, flags=re.IGNORECASE)  # "the 9th of October"
    if re.search(r"[A-Za-z]{3}", raw):
        fixed, repaired = repaired_digits(raw)
    else:
        fixed = as_digits(raw)
        repaired = fixed != raw
    fixed = re.sub(r"\s*([/.\-])\s*", r"\1", fixed)
    fixed = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", fixed, flags=re.IGNORECASE)
    fixed = fixed.replace(".", "/") if re.fullmatch(r"\d+\.\d+\.\d+", fixed) else fixed
    fixed = (
        re.sub(r"(?<=[A-Za-z])\.", "", fixed).replace("-", " ")
        if re.search("[A-Za-z]", fixed)
        else fixed
    )
    fixed = re.sub(r"\b(Sept)\b", "Sep", fixed, flags=re.IGNORECASE)
    dob = parse_dob(fixed)
    return dob, repaired or _century_in_doubt(fixed, dob)


def _century_in_doubt(written: str, dob: date | None) -> bool:
    """A two-digit year read as this century: "01/02/24" is 2024, or 1924 for a patient of
    102. Read as the last century ("03/15/85"), the other reading is in the future."""
    return dob is not None and dob.year >= 2000 and bool(TWO_DIGIT_YEAR.fullmatch(written))


def candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        if item.kind != "dob":
            continue
        owner_score = label_score(item, PATIENT) or (LABEL_ALONE if item.owner is None else 0.0)
        if not owner_score:
            continue
        dob, repaired = read_date_text(item.value)
        if dob is None:
            continue
        page = by_number[item.page]
        yield candidate(
            PATH,
            dob.isoformat(),
            doubted(owner_score, repaired),
            page,
            item.value,
            line=item.line,
        )
    for page in by_number.values():
        for number, line in enumerate(page.text.split("\n")):
            for match in _NAMED_DOB.finditer(line):
                dob, repaired = _parse(match["date"])
                if dob is None:
                    continue
                yield candidate(
                    PATH,
                    dob.isoformat(),
                    doubted(NARRATIVE, repaired),
                    page,
                    match["date"],
                    line=number,
                )
