"""The values that pass between the pipeline's steps."""

from dataclasses import dataclass, field
from typing import Literal

from models.document import PageType


class PipelineError(Exception):
    """A document the pipeline cannot read; ``reason`` is shown to a coordinator as is.

    Permanent: retrying the same bytes gives the same answer, so the job fails at once.
    """

    code = "unreadable"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyPages(PipelineError):
    code = "too_many_pages"


class PipelineTimeout(PipelineError):
    code = "timeout"


@dataclass(frozen=True)
class Word:
    """One word as read, with OCR's confidence in it (1.0 from a text layer)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class PageText:
    """One page of a packet as text, in reading order, lines separated by ``\\n``."""

    number: int  # 1-based across the whole packet (all of the referral's documents in order)
    text: str
    method: Literal["text", "ocr"]
    # Mean word confidence, 0..1 (1.0 for a text layer).
    confidence: float = 1.0
    words: tuple[Word, ...] = ()
    page_type: PageType | None = None
    document_index: int = 0  # which of the referral's documents it came from


@dataclass(frozen=True)
class DocumentPages:
    """The pages of one stored file."""

    pages: list[PageText] = field(default_factory=list)
