"""Confidence from evidence: where a value was found, whether it validates, how well it was read.

Every extractor proposes ``Candidate`` values with the evidence behind them; ``choose``
picks one value per field. The numbers below were set against the synthetic corpus
(``bench/extraction.py``) so that a field shown at 0.9 or more is right at least 99 times
in 100: a coordinator skips those.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.pipeline.fields.labels import Labeled
from app.pipeline.types import PageText
from models.document import PageType

# How sure the place of a value makes us, before validation and OCR.
LABEL_OWN = 0.97  # "Patient Name: …"
LABEL_IN_SECTION = 0.94  # "Name: …" under "PATIENT INFORMATION"
LABEL_ALONE = 0.86  # "DOB: …" with no section: the kind says whose it is
IN_ROW = 0.88  # under a header row, matched by its shape
LABEL_GUESSED = 0.85  # a label the lexicon does not list, read from its words ("Beneficiary ID")
NARRATIVE = 0.82  # "I am referring my patient Jane Doe (DOB …)"
SHAPE_ONLY = 0.6  # a value found by its shape alone (a letterhead, an ICD-10 code in text)
# Evidence a person must check, whatever the label said: a digit string OCR had to repair
# ("l23" for 123, even when its check digit then holds), a value taken from among others of
# its row (a grid's cells read across: "Phone  555-0100  555-0199", the label's own column
# unknown). Every score is at most 0.995, so this keeps it under 0.9.
IN_DOUBT = 0.85

# Text that no check can confirm: what OCR reads there (an accent dropped, O for 0 in an id,
# "Oid" for "Old") is never shown as sure. Dates, phones, NPIs, codes, closed vocabularies and
# shapes validate what was read, so they keep their evidence.
FREE_TEXT = frozenset(
    {
        "patient.firstName",
        "patient.lastName",
        "patient.address.line1",
        "patient.address.line2",
        "patient.address.city",
        "insurance.provider",
        "insurance.memberId",
        "insurance.groupNumber",
        "referrer.providerName",
        "referrer.practiceName",
        "clinical.reason",
        "patient.email",
    }
)
OCR_FREE_TEXT = 0.85
# A word read with less confidence than this OCR could not read (a hand tick over "Urgent" read
# as "foe"): a value read from among such words may be missing what was there, and a
# coordinator checks it (its score times this stays under 0.9).
UNREAD = 0.3
UNREAD_FACTOR = 0.9

# Pages other than the referral itself hold other people's names and other dates.
_PAGE_FACTOR = {
    None: 0.97,
    PageType.referral: 1.0,
    PageType.insurance_card: 0.95,
    PageType.clinical_notes: 0.88,
    PageType.lab: 0.85,
    PageType.imaging: 0.85,
    PageType.other: 0.9,
    PageType.cover_sheet: 0.5,
}
# A value agreeing with another found elsewhere is likelier right; one contradicted by an
# equally strong other value is a coin toss.
_CONFLICT_RATIO = 0.75
_CONFLICT_FACTOR = 0.6


@dataclass(frozen=True)
class Candidate:
    path: str
    value: object
    score: float
    page: PageText
    key: str  # values with the same key agree ("Doe" and "DOE")
    line: int = -1


@dataclass(frozen=True)
class Chosen:
    value: object
    confidence: float
    page: int


def own_label_score(item: Labeled) -> float:
    """A value under a label that only one field has (a diagnosis's, an urgency's): its own
    label, whatever section it stands in."""
    score = IN_ROW if item.in_row else LABEL_OWN
    return min(score, LABEL_GUESSED) if item.guessed else score


def label_score(item: Labeled, owner: str) -> float:
    if item.owner != owner:
        return 0.0
    if item.in_row:
        score = IN_ROW
    elif item.owner_from_label:
        score = LABEL_OWN
    else:
        score = LABEL_IN_SECTION
    if item.among_cells:
        score = doubted(score)
    return min(score, LABEL_GUESSED) if item.guessed else score


def doubted(score: float, in_doubt: bool = True) -> float:
    """``score`` for evidence a person must check (``IN_DOUBT``), when ``in_doubt``."""
    return score * IN_DOUBT if in_doubt else score


def page_factor(page: PageText) -> float:
    return _PAGE_FACTOR.get(page.page_type, 0.9)


def read_factor(page: PageText, raw: str) -> float:
    """How well OCR read the words of ``raw`` (1.0 for a text layer)."""
    if page.method == "text":
        return 1.0
    tokens = [t for t in re.split(r"\s+", raw) if t]
    confidences = []
    by_text: dict[str, float] = {}
    for word in page.words:
        by_text[word.text] = min(by_text.get(word.text, 1.0), word.confidence)
    for token in tokens:
        if token in by_text:
            confidences.append(by_text[token])
    weakest = min(confidences) if confidences else page.confidence
    if weakest < UNREAD:
        return UNREAD_FACTOR
    # Tesseract's word confidence is optimistic on clean print, pessimistic on the rest:
    # a read word at 0.9 is nearly always right, one at 0.6 often is not.
    return 0.93 + 0.07 * max(0.0, min(1.0, (weakest - 0.6) / 0.35))


def candidate(
    path: str,
    value: object,
    evidence: float,
    page: PageText,
    raw: str,
    *,
    key: str | None = None,
    line: int = -1,
) -> Candidate:
    score = evidence * page_factor(page) * read_factor(page, raw)
    return Candidate(path, value, score, page, key if key is not None else str(value), line)


def choose(candidates: Iterable[Candidate]) -> Chosen | None:
    """The best-supported value, its confidence raised by agreement, lowered by conflict."""
    by_key: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.score > 0:
            by_key.setdefault(c.key, []).append(c)
    if not by_key:
        return None
    # The referral's own pages decide; notes, labs and cards agree with them or stand in
    # for them, but their other names (the notes' author, a family member) never outvote them.
    primary = {k: [c for c in g if _on_referral(c)] for k, g in by_key.items()}
    primary = {k: g for k, g in primary.items() if g}
    deciding = primary or by_key
    ranked = sorted(deciding, key=lambda k: _support(deciding[k]), reverse=True)
    best = ranked[0]
    confidence = _support(by_key[best])
    rivals = [_support(deciding[k]) for k in ranked[1:]]
    if primary:
        rivals += [0.5 * _support(g) for k, g in by_key.items() if k not in primary]
    rival = max(rivals, default=0.0)
    if rival >= confidence * _CONFLICT_RATIO:
        confidence *= _CONFLICT_FACTOR
    else:
        confidence *= 1 - 0.3 * rival
    top = max(deciding[best], key=lambda c: c.score)
    if top.path in FREE_TEXT and all(c.page.method == "ocr" for c in by_key[best]):
        confidence = min(confidence, OCR_FREE_TEXT)
    return Chosen(top.value, round(min(confidence, 0.995), 3), top.page.number)


def _on_referral(c: Candidate) -> bool:
    return c.page.page_type in (None, PageType.referral)


def _support(group: Sequence[Candidate]) -> float:
    """One value's support: its best evidence, raised a little by each other place it is."""
    scores = sorted((c.score for c in group), reverse=True)
    places = {(c.page.number, c.line) for c in group}
    support = scores[0]
    if len(places) > 1:
        for other in scores[1:3]:
            support += (1 - support) * other * 0.5
    return support
