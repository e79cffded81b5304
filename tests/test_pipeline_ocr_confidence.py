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


def _urgency(read: dict[str, float], row: str = ROW) -> tuple[Urgency | None, float]:
    text = f"Patient\nName: Ann Bell\n{row}\n"
    words = tuple(Word(w, read.get(w, 0.95)) for w in text.split())
    got = extract([PageText(1, text, "ocr", 0.9, words, PageType.referral)])
    return got.clinical.urgency, got.confidence.get("clinical.urgency", 0.0)


def test_a_tick_read_beside_words_ocr_could_not_read_is_in_doubt() -> None:
    found, confidence = _urgency(READ)
    assert found == Urgency.stat
    assert confidence < 0.9


def test_the_ocr_confidence_of_the_words_decides_on_a_row_that_reads_cleanly() -> None:
    # the text alone leaves no doubt (a box ticked, every option spelt): OCR's own doubt
    # about a word on the line is what lowers the score
    row = "Priority: [ ] Routine [X] Urgent [ ] STAT"
    found, confidence = _urgency({}, row)
    assert found == Urgency.urgent
    assert confidence >= 0.9
    found, confidence = _urgency({"[X]": 0.12}, row)
    assert found == Urgency.urgent
    assert confidence < 0.9
