"""A value read from a line where OCR could not read a word is never shown as sure
(app.pipeline.fields.confidence.read_factor)."""

from app.pipeline.fields import extract
from app.pipeline.types import PageText, Word
from models.document import PageType
from models.extraction import Urgency

# A row of boxes whose middle option a hand tick garbled: Tesseract read "Urgent" and its
# tick as "foe |" and the last box's bracket as a "J" (the words' confidences as it gave them).
ROW = "Priority: [ ] Routine foe | JEmergent"
READ = {"foe": 0.006, "|": 0.461, "JEmergent": 0.215, "[": 0.707, "]": 0.723}


def _urgency(read: dict[str, float]) -> tuple[Urgency | None, float]:
    text = f"Patient\nName: Ann Bell\n{ROW}\n"
    words = tuple(Word(w, read.get(w, 0.95)) for w in text.split())
    got = extract([PageText(1, text, "ocr", 0.9, words, PageType.referral)])
    return got.clinical.urgency, got.confidence.get("clinical.urgency", 0.0)


def test_a_tick_read_beside_words_ocr_could_not_read_is_in_doubt() -> None:
    found, confidence = _urgency(READ)
    assert found == Urgency.stat
    assert confidence < 0.9


def test_the_same_row_read_with_confidence_keeps_its_score() -> None:
    sure = {w: max(c, 0.9) for w, c in READ.items()}
    found, confidence = _urgency(sure)
    assert found == Urgency.stat
    assert confidence >= 0.9
