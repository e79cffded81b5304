"""A stored file's pages as text: from the PDF's text layer where it has a usable one, else OCR.

The worker calls ``page_count`` once per file (fast; refuses what cannot be read), then
``read_page`` once per page in a process pool, then ``pages.classify_all`` on the packet's
pages in order (a page may take its type from the one before it).
``read_packet`` does all of it in order in one process, for the bench and the tests.
"""

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from app.pipeline import files, leaders, ocr, pages, rules
from app.pipeline.fax_header import fax_header_lines
from app.pipeline.text import clean, text_layer
from app.pipeline.types import Limits, PageText, PipelineError, PipelineTimeout, Word

DEFAULT_LIMITS = Limits()
LETTER_WIDTH_INCHES = 8.5
MIN_SCAN_DPI = 200


def page_count(data: bytes, content_type: str = "", limits: Limits = DEFAULT_LIMITS) -> int:
    """How many pages the file has, after checking it can be read at all.

    The type is taken from the bytes; ``content_type`` (as stored) is not trusted.
    """
    kind = files.sniff(data)
    if kind == files.PDF:
        with files.open_pdf(data, limits) as pdf:
            files.check_not_blank(pdf)
            return len(pdf)
    with files.open_image(data, kind, limits) as image:
        frames = files.frame_count(image, kind, limits)
        for index in range(frames):
            if index:
                image.seek(index)
            files.check_pixels(image.size, limits, files.describe(kind))
        return frames


def read_page(
    data: bytes,
    content_type: str,
    index: int,
    *,
    number: int,
    document_index: int = 0,
    limits: Limits = DEFAULT_LIMITS,
) -> PageText:
    """Page ``index`` (0-based within the file) as text; ``number`` is its place in the packet.

    CPU-bound: render and OCR take about a second for a scanned page. Raises
    ``PipelineTimeout`` past ``limits.page_seconds`` (checked between the steps and
    inside Tesseract's recognition, which is where the time goes).
    """
    deadline = time.monotonic() + limits.page_seconds
    kind = files.sniff(data)
    if kind == files.PDF:
        with files.open_pdf(data, limits) as pdf:
            _check_index(index, len(pdf))
            page = pdf[index]
            try:
                layer = text_layer(page)
                if layer.usable or not files.has_content(page):
                    return _page(layer.text, "text", 1.0, (), number, document_index)
                image, dpi = _render(page, limits)
            finally:
                page.close()
    else:
        with files.open_image(data, kind, limits) as opened:
            _check_index(index, files.frame_count(opened, kind, limits))
            frame = files.load_frame(opened, kind, index, limits)
        image, dpi = frame.image, round(frame.dpi or _dpi_from_width(frame.image))
    _check_deadline(deadline)
    # Dot leaders and dashed rules read as garbage that swallows the words beside them, a
    # box's vertical rules as brackets in its label.
    cleared, led = leaders.clear_and_find(ocr.prepare(image), dpi)
    prepared = rules.clear(cleared, dpi)
    _check_deadline(deadline)
    result = ocr.read_upright(prepared, dpi=dpi, deadline=deadline, leaders=led)
    return _page(clean(result.text), "ocr", result.confidence, result.words, number, document_index)


def read_packet(
    documents: Sequence[tuple[bytes, str]], limits: Limits = DEFAULT_LIMITS
) -> list[PageText]:
    """Every page of every file in order, numbered 1.. across the packet, each classified."""
    out: list[PageText] = []
    for document_index, (data, content_type) in enumerate(documents):
        for index in range(page_count(data, content_type, limits)):
            page = read_page(
                data,
                content_type,
                index,
                number=len(out) + 1,
                document_index=document_index,
                limits=limits,
            )
            out.append(page)
    return [
        replace(page, page_type=kind)
        for page, kind in zip(out, pages.classify_all(out), strict=True)
    ]


def _page(
    text: str,
    method: Literal["text", "ocr"],
    confidence: float,
    words: tuple[Word, ...],
    number: int,
    document_index: int,
) -> PageText:
    return PageText(
        number=number,
        text=text,
        method=method,
        confidence=confidence,
        words=words,
        document_index=document_index,
        fax_header_lines=fax_header_lines(text),
    )


def _render(page: pdfium.PdfPage, limits: Limits) -> tuple[Image.Image, int]:
    """The page as a greyscale picture at ``limits.dpi``, or smaller if it is a huge page.

    A scanned page is drawn at its scan's own resolution (within 200..``limits.dpi``):
    a 200-dpi fax drawn at 300 dpi reads no better and 30% slower.
    """
    _check_embedded_images(page, limits)
    width, height = page.get_size()  # points, 1/72 inch
    scale = _scan_dpi(page, limits) / 72
    area = max(width * height, 1.0) * scale * scale
    if area > limits.max_render_pixels:
        scale *= (limits.max_render_pixels / area) ** 0.5
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil()
    except Exception:
        raise PipelineError("a page of the PDF is damaged and cannot be drawn") from None
    return image, max(1, round(scale * 72))


def _check_embedded_images(page: pdfium.PdfPage, limits: Limits) -> None:
    """PDFium decodes a page's images whole to draw them: refuse a bomb before it does."""
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        files.check_pixels(obj.get_px_size(), limits, "image inside the PDF")


def _scan_dpi(page: pdfium.PdfPage, limits: Limits) -> float:
    width, height = page.get_size()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) < 0.5 * width * height:
            continue  # a logo or a signature, not the scan
        pixels_wide, _ = obj.get_px_size()
        dpi = pixels_wide / max((right - left) / 72, 0.1)
        return float(min(limits.dpi, max(MIN_SCAN_DPI, dpi)))
    return float(limits.dpi)


def _dpi_from_width(image: Image.Image) -> float:
    """An image that does not say its resolution is taken to be a letter-wide page scan."""
    return min(600.0, max(70.0, image.width / LETTER_WIDTH_INCHES))


def _check_index(index: int, pages_in_file: int) -> None:
    if not 0 <= index < pages_in_file:
        raise IndexError(f"page index {index} is outside the file's {pages_in_file} pages")


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise PipelineTimeout("reading the page took too long")
