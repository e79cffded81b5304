"""The pipeline's pure steps as the process pool runs them (``app.cpu_pool``).

A file is handed over as the path of a temporary copy, not as bytes, so a 300-page
PDF is not pickled to a pool process once per page; the copy is read from the page cache.
"""

from collections.abc import Sequence
from pathlib import Path

from app.pipeline import fields, read
from app.pipeline.types import Limits, PageText
from models.extraction import Extraction


def ready() -> bool:
    """A call that does nothing: importing this module in a pool process is the work."""
    return True


def count_pages(path: str, content_type: str, limits: Limits) -> int:
    return read.page_count(Path(path).read_bytes(), content_type, limits)


def read_page(
    path: str, content_type: str, index: int, *, number: int, document_index: int, limits: Limits
) -> PageText:
    """Page ``index`` of the file as text: its text layer, else OCR."""
    data = Path(path).read_bytes()
    return read.read_page(
        data, content_type, index, number=number, document_index=document_index, limits=limits
    )


def extract(packet: Sequence[PageText]) -> Extraction:
    return fields.extract(packet)
