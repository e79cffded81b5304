"""Facts stated in sentences: "He lives at …", "can be reached at …", "insurance is …".

Letters say what forms label. Only the referral's own pages are read this way (notes speak of
family members in the same words), and a sentence naming another person or the sender's
office is passed over.
"""

import re
from collections.abc import Iterator, Sequence

from app.pipeline.fields import address, insurance, phones
from app.pipeline.fields.confidence import NARRATIVE, Candidate, candidate, doubted
from app.pipeline.types import PageText
from models.document import PageType

_OTHERS = re.compile(
    r"\b(?:wife|husband|spouse|mother|father|daughter|son|sister|brother|parent|guardian"
    r"|caregiver|partner|friend|my office|our office|fax|clinic|emergency contact)\b",
    re.IGNORECASE,
)
_ABOUT_PATIENT = re.compile(r"\b(?:patient|pt|she|he|they|her|his)\b", re.IGNORECASE)
_LIVES_AT = re.compile(
    r"\b(?:lives|resides|residing|living|located)\s+at\s+|\baddress\s+(?:is|:)\s+",
    re.IGNORECASE,
)
_ZIP_END = re.compile(rf"\b{address.ZIP_CODE}\b")
_REACHED_AT = re.compile(
    r"\b(?:reached|contacted|called|phone(?: number)?|number|cell|telephone|mobile)\s+"
    r"(?:is\s+|at\s+|on\s+)?"
    r"(?P<phone>\+?[\d(][\d()\s.\-]{9,16}\d)",
    re.IGNORECASE,
)
# "… disc bulge. can be reached at 555-…": a clause whose subject OCR lost (a pronoun at a
# line's start): it speaks of whom the sentence before it does.
_SUBJECT_LOST = re.compile(r"(?:^|[.!?]\s+)(?:can|may|could|is|will)\s+be\s+$")
_INSURANCE_IS = re.compile(
    r"\b(?i:insurance|coverage|insurer|payer|payor|health plan)\s+"
    r"(?:is|carrier is|provider is|:)\s+"
    r"(?:with\s+|through\s+)?(?P<payer>[A-Z][^,.;()]{1,60}?)"
    r"(?=\s*(?:[,.;(]|\s+(?:with|member|policy|subscriber|id|group)\b))"
    r"|\b(?:insured|covered)\s+(?:by|through|with)\s+(?P<payer2>[A-Z][^,.;()]{1,60}?)(?=\s*[,.;(])"
    # "Highmark covers the visit (ID …)": the payer as the sentence's subject
    r"|^(?P<payer3>[A-Z][\w&'\-]*(?:\s+[A-Z][\w&'\-]*){0,4})\s+(?:covers|will\s+cover|is\s+covering)\b",
)
# "member 1D W262815015": OCR reads the I of "ID" as a one or an l.
_MEMBER_ID = re.compile(
    r"\b(?:member|subscriber|policy)\s+(?:(?:id|[1l]d|#|number|no\.?)\s*(?:is\s+)?[:#]?\s*"
    r"(?P<id>[A-Z0-9][A-Z0-9\-]{3,24})\b|(?P<bare>(?=[A-Z\-]*\d)[A-Z0-9][A-Z0-9\-]{4,24})\b)",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"(?:\bgroup\s+(?:id|#|number|no\.?)|(?:,|\band)\s+group)\s*(?:is\s+)?[:#]?\s*"
    r"(?P<id>[A-Z0-9][A-Z0-9\-]{2,24})\b",
    re.IGNORECASE,
)


def sentences(page: PageText) -> list[str]:
    """The page's sentences; a short line (a form's row, a heading) ends one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in page.text.split("\n"):
        current.append(line.strip())
        if len(line.strip()) < 60:
            paragraphs.append(" ".join(current))
            current = []
    paragraphs.append(" ".join(current))
    found: list[str] = []
    for paragraph in paragraphs:
        text = " ".join(paragraph.split())
        if text:
            found += re.split(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])", text)
    return found


def candidates(pages: Sequence[PageText]) -> Iterator[Candidate]:
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        previous = ""
        for sentence in sentences(page):
            yield from _address(page, sentence)
            yield from _phone(page, sentence, previous)
            yield from _insurance(page, sentence)
            previous = sentence


def _address(page: PageText, sentence: str) -> Iterator[Candidate]:
    lives = _LIVES_AT.search(sentence)
    if lives is None or not _ABOUT_PATIENT.search(sentence[: lives.start()]):
        return
    rest = sentence[lives.end() :]
    end = _ZIP_END.search(rest)
    if end is None:
        return
    parts = address.split_address(rest[: end.end()])
    if not parts:
        return
    paths = {
        "line1": address.LINE1,
        "line2": address.LINE2,
        "city": address.CITY,
        "state": address.STATE,
        "zip": address.ZIP,
    }
    for key, value in parts.items():
        yield candidate(paths[key], value, NARRATIVE, page, rest[: end.end()], key=value.lower())


def _phone(page: PageText, sentence: str, previous: str) -> Iterator[Candidate]:
    for match in _REACHED_AT.finditer(sentence):
        before = sentence[: match.start()]
        sure = NARRATIVE
        lost = _SUBJECT_LOST.search(before)
        if not before.strip() or lost:
            # "… A1c 8.4. Telephone 555-…": a number said on its own in a letter about the
            # patient is theirs, unless the sentence before spoke of someone else; after a
            # form's row ("Name  Bea Lin" under "Emergency contact"), not a sentence, it is
            # that row's party's, which the labels read
            cut = lost.start() if lost else 0
            whole = not cut
            before = previous if whole else before[:cut]
            sure = NARRATIVE * 0.95
            if _OTHERS.search(before) or (whole and not re.search(r"[.!?]\s*$", before)):
                continue
        elif not _ABOUT_PATIENT.search(before) or _OTHERS.search(before):
            continue
        number, repaired = phones.read_phone(match["phone"])
        if number:
            yield candidate(
                phones.PATIENT_PHONE,
                number,
                doubted(sure, repaired),
                page,
                match["phone"],
            )


def _insurance(page: PageText, sentence: str) -> Iterator[Candidate]:
    payer_match = _INSURANCE_IS.search(sentence)
    if payer_match:
        said = payer_match["payer"] or payer_match["payer2"] or payer_match["payer3"]
        payer = insurance.read_payer(said)
        if payer:
            yield candidate(
                insurance.PROVIDER,
                payer,
                NARRATIVE,
                page,
                payer,
                key=" ".join(payer.lower().split()),
            )
    if not re.search(r"\b(?:insurance|coverage)\b", sentence, re.I) and not payer_match:
        return
    ocr = page.method == "ocr"
    after = (
        insurance.ids_after(sentence[payer_match.end() :], ocr=ocr) if payer_match else (None, None)
    )
    for pattern, path, written in (
        (_MEMBER_ID, insurance.MEMBER_ID, after[0]),
        (_GROUP, insurance.GROUP, after[1]),
    ):
        found = pattern.search(sentence)
        raw = (found["id"] or found.groupdict().get("bare") or "") if found else ""
        identifier = insurance.read_identifier(raw, ocr=ocr) if raw else written
        if identifier:
            # "subscriber ID 256-810-0297": a phone's shape, the next cell's number likelier
            score = doubted(NARRATIVE, insurance.phone_shaped(raw))
            yield candidate(path, identifier, score, page, raw or sentence)
