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
    # How many leading lines of ``text`` are a fax machine's transmission header
    # ("DEC-01-2026 09:14AM FROM: 555 201 3344 P. 2/4"): the machine's, not the sender's.
    fax_header_lines: int = 0

    @property
    def body(self) -> str:
        """``text`` without the fax transmission header: what the sender wrote."""
        if not self.fax_header_lines:
            return self.text
        return "\n".join(self.text.split("\n")[self.fax_header_lines :])


@dataclass(frozen=True)
class DocumentPages:
    """The pages of one stored file."""

    pages: list[PageText] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """How much of a file the pipeline agrees to read; past these the file is refused."""

    max_pages: int = 300  # per file
    # Pixels of one image or TIFF frame as stored: past this it is a decompression bomb.
    max_image_pixels: int = 60_000_000  # ~ a 600-dpi letter page in colour is 34 M
    # Pixels of one page as rendered for OCR: a huge PDF page is rendered smaller instead.
    max_render_pixels: int = 12_000_000
    dpi: int = 300  # render scale for OCR of PDF pages, and assumed for images without one
    page_seconds: float = 60.0  # per page: render, preprocess and OCR together
