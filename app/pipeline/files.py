"""Opening a stored file by what its bytes are, and refusing one the pipeline cannot read.

Every refusal is a ``PipelineError`` whose reason a coordinator can act on ("the PDF is
password-protected"), never a parser's message about buffers and offsets. A parser may
fail on hostile bytes in any way it likes, so the calls into pypdfium2 and Pillow catch
broadly and translate; they touch nothing but the bytes, so this hides no bug of ours.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageSequence

from app.pipeline.types import Limits, PipelineError, TooManyPages

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
_KIND = {PDF: "PDF", TIFF: "TIFF image", PNG: "PNG image", JPEG: "JPEG image"}


def sniff(data: bytes) -> str:
    """The file's type from its first bytes; the name and the declared type are not asked."""
    if not data:
        raise PipelineError("the file is empty (0 bytes)")
    head = data[:1024]
    for magic, content_type in _SIGNATURES:
        # PDF readers accept the header anywhere in the first KiB; images must lead with it.
        if head.startswith(magic) or (content_type == PDF and magic in head):
            return content_type
    raise PipelineError("the file is not a PDF, TIFF, PNG or JPEG")


def describe(content_type: str) -> str:
    """What a coordinator calls the file: "PDF", "TIFF image"."""
    return _KIND.get(content_type, "file")


@contextmanager
def open_pdf(data: bytes, limits: Limits) -> Iterator[pdfium.PdfDocument]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PipelineError(_pdf_load_reason(exc)) from None
    except Exception:
        raise PipelineError("the PDF is damaged and cannot be opened") from None
    try:
        pages = len(pdf)
        if pages == 0:
            raise PipelineError("the PDF has no pages")
        _check_page_count(pages, limits)
        yield pdf
    finally:
        pdf.close()


def _pdf_load_reason(exc: pdfium.PdfiumError) -> str:
    if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
        return "the PDF is password-protected; ask the sender for an unprotected copy"
    if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
        return "the PDF uses an encryption that cannot be opened"
    if exc.err_code == pdfium_c.FPDF_ERR_FORMAT:
        return "the PDF is damaged or not a PDF at all and cannot be opened"
    return "the PDF is damaged and cannot be opened"


def has_content(page: pdfium.PdfPage) -> bool:
    """Whether the page draws anything at all (text, an image or a drawing)."""
    return next(iter(page.get_objects(max_depth=2)), None) is not None


def check_not_blank(pdf: pdfium.PdfDocument) -> None:
    """A PDF whose every page is empty has nothing to read: refuse it now, not page by page."""
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            if has_content(page):
                return
        finally:
            page.close()
    raise PipelineError("the PDF has neither text nor images: every page is blank")


@dataclass(frozen=True)
class ImageFrame:
    image: Image.Image
    dpi: float | None  # as the file declares it, if it does


@contextmanager
def open_image(data: bytes, content_type: str, limits: Limits) -> Iterator[Image.Image]:
    """Pillow's lazy view of an image file: the header is read, no pixel is decoded yet."""
    kind = describe(content_type)
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        # Pillow's own guard, for sizes far past ours: refuse for the same reason.
        raise PipelineError(
            f"the {kind} declares more pixels than the {limits.max_image_pixels:,}-pixel "
            "limit; scan it at a lower resolution"
        ) from None
    except Exception:  # UnidentifiedImageError, OSError, ValueError, struct.error ...
        raise PipelineError(f"the {kind} is damaged and cannot be opened") from None
    with image:
        yield image


def frame_count(image: Image.Image, content_type: str, limits: Limits) -> int:
    try:
        frames = int(getattr(image, "n_frames", 1)) if content_type == TIFF else 1
    except Exception:
        kind = describe(content_type)
        raise PipelineError(f"the {kind} is damaged and cannot be opened") from None
    _check_page_count(frames, limits)
    return frames


def load_frame(image: Image.Image, content_type: str, index: int, limits: Limits) -> ImageFrame:
    """Decode frame ``index``, after checking its declared size against the bomb limit."""
    kind = describe(content_type)
    try:
        frame = ImageSequence.Iterator(image)[index] if index else image
        check_pixels(frame.size, limits, kind)
        frame.load()
        dpi = frame.info.get("dpi")
        return ImageFrame(image=frame.copy(), dpi=_dpi_of(dpi))
    except PipelineError:
        raise
    except Exception:
        raise PipelineError(
            f"page {index + 1} of the {kind} is damaged and cannot be read"
        ) from None


def check_pixels(size: tuple[int, int], limits: Limits, kind: str) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise PipelineError(f"the {kind} has no pixels")
    if width * height > limits.max_image_pixels:
        raise PipelineError(
            f"the {kind} is {width}×{height} pixels, more than the "
            f"{limits.max_image_pixels:,}-pixel limit; scan it at a lower resolution"
        )


def _dpi_of(value: object) -> float | None:
    if isinstance(value, tuple) and value:
        try:
            dpi = float(value[0])
        except (TypeError, ValueError):
            return None
        # 1 or 72 mostly mean "not set" (a screen grab, a default): don't trust them.
        return dpi if 100 <= dpi <= 1200 else None
    return None


def _check_page_count(pages: int, limits: Limits) -> None:
    if pages > limits.max_pages:
        raise TooManyPages(
            f"the file has {pages} pages, more than the {limits.max_pages}-page limit; "
            "split it and upload the parts"
        )
