"""Checking uploaded bytes: type by content (never by name), size, hash and page count."""

import hashlib
import io
from dataclasses import dataclass

from resolvers.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

ACCEPTED_TYPES = ("application/pdf", "image/tiff", "image/png", "image/jpeg")

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size_bytes: int
    sha256: str
    page_count: int


def sniff(data: bytes) -> str | None:
    head = data[:1024]
    for magic, content_type in _SIGNATURES:
        # PDF readers accept the header anywhere in the first KiB; images must lead with it.
        if head.startswith(magic) or (content_type == "application/pdf" and magic in head):
            return content_type
    return None


def check_declared(content_type: str | None, size_bytes: int | None, max_bytes: int) -> str:
    """Validate what a client declares before it uploads through a signed URL."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared == "image/jpg":
        declared = "image/jpeg"
    if declared not in ACCEPTED_TYPES:
        raise UnsupportedMediaType(
            f"contentType {content_type!r} is not accepted; send PDF, TIFF, PNG or JPEG",
            field="contentType",
        )
    if size_bytes is not None and size_bytes < 1:
        raise ValidationFailed("sizeBytes must be positive", field="sizeBytes")
    if size_bytes is not None and size_bytes > max_bytes:
        raise PayloadTooLarge(f"file is larger than the {max_bytes}-byte limit", field="sizeBytes")
    return declared


def check_file(data: bytes, max_bytes: int) -> CheckedFile:
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"file is larger than the {max_bytes}-byte limit")
    if not data:
        raise ValidationFailed("file is empty", field="file")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedMediaType("file content is not PDF, TIFF, PNG or JPEG", field="file")
    return CheckedFile(
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=count_pages(data, content_type),
    )


def count_pages(data: bytes, content_type: str) -> int:
    """Pages of a PDF, frames of a TIFF (1 for other images).

    The bytes are the caller's: a parser may fail on them in any way it likes (pypdf
    raises NotImplementedError for an unknown encryption, Pillow DecompressionBombError
    for a TIFF that declares billions of pixels in a few bytes), and every such failure
    is a file we cannot read, never a server error. Parsing touches nothing else, so
    catching broadly here hides no bug of ours.
    """
    try:
        if content_type == "application/pdf":
            return _pdf_pages(data)
        if content_type == "image/tiff":
            return _tiff_frames(data)
    except Exception as exc:
        kind = "PDF" if content_type == "application/pdf" else "TIFF"
        raise UnsupportedMediaType(
            f"{kind} could not be read: {_reason(exc)}", field="file"
        ) from None
    return 1


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _tiff_frames(data: bytes) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(getattr(image, "n_frames", 1))
    except UnidentifiedImageError:
        # Its message names the in-memory buffer object, which means nothing to a client.
        raise ValueError("not a readable TIFF image") from None


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
