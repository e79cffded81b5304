"""Real files for upload tests, made on the spot."""

import io
import secrets

from PIL import Image
from pypdf import PdfWriter


def fixed_pdf(pages: int = 1, *, title: str | None = None) -> bytes:
    """A real, readable PDF; the same bytes for the same pages and title."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if title is not None:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, readable PDF, different on every call (so no accidental duplicate)."""
    return fixed_pdf(pages, title=secrets.token_hex(8))


def fixed_png(color: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(out, format="PNG")
    return out.getvalue()


def png_bytes() -> bytes:
    """A real PNG, different on every call."""
    return fixed_png((secrets.randbelow(256), 7, 9))
