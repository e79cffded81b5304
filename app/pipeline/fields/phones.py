"""Phone and fax numbers: the patient's phone, the referring practice's phone and fax."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.lexicon import PATIENT, REFERRER
from app.pipeline.fields.repair import as_digits
from app.pipeline.types import PageText
from models.document import PageType
from models.values import phone_e164

PATIENT_PHONE = "patient.phone"
REFERRER_PHONE = "referrer.phone"
REFERRER_FAX = "referrer.fax"

_D = r"[0-9OoIl|SB$§]"  # digits, and the letters and signs OCR reads for some (repair.as_digits)
# A dash typeset other than as the hyphen: a hyphen's Unicode twins, a figure dash, an en dash.
_TYPESET_DASH = "\u2010-\u2013"
_DASH = rf"[\s.\-{_TYPESET_DASH}]"  # what parts a number's groups
PHONE = re.compile(
    # "( 785 ) 421 - 3842": a form's boxes for the area code spaced inside its brackets;
    # "785/421-3842": the area code set off by a slash; "(785) 421–3842": typeset with a
    # dash other than the hyphen (an en dash, a figure dash, a non-breaking hyphen)
    rf"(?<![0-9A-Za-z])(?:\+?1[\s.\-]?)?(?:\(\s?)?{_D}{{3}}(?:\s?\))?(?:{_DASH}*|\s?/\s?)"
    rf"{_D}{{3}}{_DASH}*"
    rf"{_D}{{4}}(?![0-9])"
)


def read_phone(text: str) -> tuple[str | None, bool]:
    """The first phone number written in ``text``, E.164, and whether it is in doubt: OCR
    had to repair it, or its exchange is none a North American number has."""
    match = PHONE.search(text)
    if match is None or match.start() > 4:
        # "Fax completed form to 555-…": a number at the end of a sentence is someone else's
        return None, False
    typed = re.sub(f"[{_TYPESET_DASH}]", "-", match.group(0))
    fixed = as_digits(typed)
    number = phone_e164(fixed)
    return number, fixed != typed or not _exchange_dialable(number)


def _exchange_dialable(number: str | None) -> bool:
    """ "(301)-058-0432": no exchange starts with 0 or 1, so a digit of it was likely misread
    (958). A "555 123-4567" of an example is kept, but not shown as sure."""
    return number is None or not number.startswith("+1") or number[5] not in "01"


def candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        if item.kind == "phone_fax":
            # "Phone / Fax 802-399-3998 / 802-572-4941"
            numbers = list(PHONE.finditer(item.value))
            if len(numbers) == 2:
                for kind, number_match in zip(("phone", "fax"), numbers, strict=True):
                    yield from candidates(
                        pages, [replace(item, kind=kind, value=number_match.group(0))]
                    )
            continue
        if item.kind == "practice" and read_phone(item.value)[0]:
            # "Office 555-201-0100", "Hospitalist office: …": a place's label over its number
            yield from candidates(pages, [replace(item, kind="phone")])
            continue
        if item.kind in ("phone_short", "fax_short") and PHONE.match(item.value):
            # a one-letter label counts only when a number follows it at once
            kind = item.kind.removesuffix("_short")
            yield from candidates(pages, [replace(item, kind=kind)])
            continue
        if item.kind not in ("phone", "fax"):
            continue
        page = by_number[item.page]
        number, repaired = read_phone(item.value)
        if number is None:
            continue
        # the first of several numbers after the label is the label's by nearness alone (a
        # grid's row read across: the next cell's number is another column's)
        factor = doubted(1.0, repaired or len(PHONE.findall(item.value)) > 1)
        if item.kind == "phone":
            if page.page_type != PageType.cover_sheet:
                score = label_score(item, PATIENT)
                if score:
                    yield candidate(
                        PATIENT_PHONE, number, score * factor, page, item.value, line=item.line
                    )
            score = label_score(item, REFERRER) or _letterhead(item, page)
            if score and page.page_type != PageType.cover_sheet:
                yield candidate(
                    REFERRER_PHONE, number, score * factor, page, item.value, line=item.line
                )
        else:
            score = label_score(item, REFERRER) or _letterhead(item, page)
            if score:
                yield candidate(
                    REFERRER_FAX, number, score * factor, page, item.value, line=item.line
                )


def _letterhead(item: Labeled, page: PageText) -> float:
    """A number at the top of a referral, under no heading: the sending practice's."""
    if item.owner is None and item.line < 8 and page.page_type in (None, PageType.referral):
        return LABEL_ALONE * 0.9
    return 0.0


# -- email -----------------------------------------------------------------------------------

EMAIL = "patient.email"
# The top-level domain ends where its letters change case: "outlook.comOptima Health" is an
# address with the next cell's words run on (a narrow table's cells the text layer joined).
EMAIL_SHAPE = re.compile(
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.(?:[a-z]{2,}(?![a-z])|[A-Z]{2,}(?![A-Z])|[A-Za-z]{2,})"
)
_RUN_ON = re.compile(r"@[A-Za-z0-9.\-]+\.[a-z]{2,}[A-Z]")
_AROUND_AT = re.compile(r"(?<=[A-Za-z0-9]) ?@ ?(?=[A-Za-z0-9])")


# OCR parts the digits that end an address's name ("jabernathy1 1 @outlook.com").
_SPLIT_DIGITS = re.compile(r"(?<=[A-Za-z0-9]) (?=[0-9]+ ?@)")
_LOOK_ALIKE_DIGITS = re.compile(r"(?<=[a-z])[0-9SO]*[0-9][0-9SO]*(?=@)")
_WORD_BEFORE_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-] +[A-Za-z0-9._%+\-]+ ?@")
_ALONE = re.compile(rf"^\s*({EMAIL_SHAPE.pattern})\s*$")


def read_email(text: str, *, ocr: bool = True) -> str | None:
    """The email address written in ``text``; as OCR read it, mended where its misreadings
    are plain."""
    # OCR puts spaces around the "@" of a small-print address ("jdoe@ yahoo.com").
    match = EMAIL_SHAPE.search(_AROUND_AT.sub("@", _SPLIT_DIGITS.sub("", text)))
    if match is None:
        return None
    email = match.group(0).rstrip(".")
    if not ocr:
        return email.lower()
    local, _, domain = email.partition("@")
    if re.fullmatch(r"[a-zI0-9._%+\-]+", local) and any(c.islower() for c in local):
        # a name written in lower case: its capital "I" is OCR's "l" ("Ischmidt6")
        local = local.replace("I", "l")
    # "rwhitfieldS7": in the digits that end the name an "S" is a 5, an "O" a 0
    mended = _LOOK_ALIKE_DIGITS.sub(lambda m: as_digits(m.group(0)), f"{local}@")
    return f"{mended}{domain}".lower()


def email_candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        if item.kind == "skip" and item.guessed and _ALONE.match(_AROUND_AT.sub("@", item.value)):
            # "Em: jo_roe@mail.com": a label not known, its value an address and nothing else
            item = replace(item, kind="email")
            score = doubted(label_score(item, PATIENT))
        elif item.kind == "email":
            score = label_score(item, PATIENT)
        else:
            continue
        email = read_email(item.value, ocr=by_number[item.page].method == "ocr")
        if email and score:
            # "ambrose dellorto8@…": a word before the address may be its start, its "_" lost
            glued = _WORD_BEFORE_ADDRESS.search(item.value) is not None or bool(
                _RUN_ON.search(item.value)
            )
            yield candidate(
                EMAIL,
                email,
                doubted(score, glued),
                by_number[item.page],
                item.value,
                line=item.line,
            )
    for page in by_number.values():
        if page.page_type not in (None, PageType.referral):
            continue
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            # an address alone on its line below the letterhead, its label lost ("EMAK ADORESS")
            if number >= 4 and _ALONE.match(_AROUND_AT.sub("@", line)):
                email = read_email(line, ocr=page.method == "ocr")
                if email:
                    yield candidate(EMAIL, email, SHAPE_ONLY * 1.35, page, line, line=number)
