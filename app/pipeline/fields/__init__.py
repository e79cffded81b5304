"""Reading a referral's pages into an ``Extraction`` (DESIGN §10): fields, confidences, pages.

Each module proposes candidates with their evidence (``labels`` finds labelled values and
their sections; ``people``, ``dates``, ``phones``, ``address``, ``insurance``, ``referrer``,
``clinical`` read values of one concern); ``confidence.choose`` keeps one per field.
A fax cover sheet speaks for the sender's fax machine only: nothing else is read from it.
"""

from collections.abc import Iterator, Sequence
from dataclasses import replace

from app.pipeline.fields import (
    accents,
    address,
    clinical,
    dates,
    envelope,
    insurance,
    narrative,
    people,
    phones,
    referrer,
    rows,
    sex,
    urgency,
)
from app.pipeline.fields.confidence import Candidate, choose
from app.pipeline.fields.labels import Labeled, Row, labeled_values
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import FIELD_PATHS, Extraction, ExtractionMethod

__all__ = ["extract"]


def extract(pages: Sequence[PageText]) -> Extraction:
    pages = _with_a_referral(pages)
    items = labelled(pages)
    by_path: dict[str, list[Candidate]] = {path: [] for path in FIELD_PATHS}
    for proposed in _candidates(pages, items):
        by_path[proposed.path].append(proposed)
    extraction = Extraction()
    confidence: dict[str, float] = {}
    source_pages: dict[str, int] = {}
    for path, found in by_path.items():
        chosen = choose(_without_cover_sheets(found))
        if chosen is None:
            continue
        extraction = extraction.with_value(path, chosen.value)
        confidence[path] = chosen.confidence
        source_pages[path] = chosen.page
    extraction = _names_of_one_person(extraction, by_path, confidence)
    extraction = _accents_from_the_packet(extraction, pages)
    return extraction.model_copy(
        update={
            "confidence": {p: confidence.get(p, 0.0) for p in FIELD_PATHS},
            "source_pages": source_pages,
            "method": _method(pages, set(source_pages.values())),
        }
    )


def labelled(pages: Sequence[PageText]) -> list[Labeled]:
    """Every labelled value of the packet, header rows' values matched by shape."""
    read = [item for page in pages for item in labeled_values(page)]
    items = [item for item in read if isinstance(item, Labeled)]
    return items + [cell for row in read if isinstance(row, Row) for cell in rows.expand(row)]


def _with_a_referral(pages: Sequence[PageText]) -> Sequence[PageText]:
    """A packet where no page was classified as the referral: its unclassified pages are."""
    if any(p.page_type in (None, PageType.referral) for p in pages):
        return pages
    return [
        replace(p, page_type=PageType.referral) if p.page_type == PageType.other else p
        for p in pages
    ]


def _candidates(pages: Sequence[PageText], items: list[Labeled]) -> Iterator[Candidate]:
    yield from people.patient_candidates(pages, items)
    yield from sex.sex_candidates(pages, items)
    yield from people.provider_candidates(pages, items)
    yield from phones.email_candidates(pages, items)
    yield from dates.candidates(pages, items)
    yield from phones.candidates(pages, items)
    yield from address.candidates(pages, items)
    yield from envelope.candidates(pages)
    yield from insurance.candidates(pages, items)
    yield from insurance.payer_from_title(pages)
    yield from referrer.candidates(pages, items)
    yield from clinical.code_candidates(pages, items)
    yield from urgency.urgency_candidates(pages, items)
    yield from clinical.reason_candidates(pages, items)
    yield from narrative.candidates(pages)


def _without_cover_sheets(found: list[Candidate]) -> list[Candidate]:
    """A cover sheet's value counts only where no other page has one (the referrer's fax)."""
    elsewhere = [c for c in found if c.page.page_type != PageType.cover_sheet]
    if elsewhere:
        return elsewhere
    return [c for c in found if c.path == phones.REFERRER_FAX]


def _names_of_one_person(
    extraction: Extraction, by_path: dict[str, list[Candidate]], confidence: dict[str, float]
) -> Extraction:
    """First and last name chosen from different people is worse than either: trust neither."""
    first = extraction.patient.first_name
    last = extraction.patient.last_name
    if first is None or last is None:
        return extraction
    pairs = {(c.page.number, c.line) for c in by_path[people.FIRST] if c.value == first} & {
        (c.page.number, c.line) for c in by_path[people.LAST] if c.value == last
    }
    if not pairs and len(by_path[people.FIRST]) > 1:
        for path in (people.FIRST, people.LAST):
            confidence[path] = round(confidence[path] * 0.8, 3)
    return extraction


def _accents_from_the_packet(extraction: Extraction, pages: Sequence[PageText]) -> Extraction:
    """A name read without the accents the packet writes it with elsewhere takes them."""
    for path in (people.FIRST, people.LAST, people.PROVIDER):
        value = extraction.value_at(path)
        if isinstance(value, str) and value:
            marked = accents.with_packet_accents(value, pages)
            if marked != value:
                extraction = extraction.with_value(path, marked)
    return extraction


def _method(pages: Sequence[PageText], used: set[int]) -> ExtractionMethod | None:
    methods = {p.method for p in pages if p.number in used} or {p.method for p in pages}
    if not methods:
        return None
    if methods == {"text"}:
        return ExtractionMethod.text
    if methods == {"ocr"}:
        return ExtractionMethod.ocr
    return ExtractionMethod.mixed
