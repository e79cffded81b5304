"""Pages of HTML into files: a typed PDF with a text layer, or a scanned fax of images.

Each page is rendered on its own (xhtml2pdf) and must come out as exactly one PDF page, so
the page types of the truth line up with the file's pages. A scan is pdfium's rendering of
that page at 200 dpi, made grey, tilted, blurred and speckled, with the fax machine's
header line on top, saved as an image-only PDF, a multi-page TIFF or one PNG/JPEG a page.
"""

import io
import random
import time

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from xhtml2pdf import pisa

DPI = 200
# Same seed, same bytes: no creation dates or random document ids in the PDFs.
rl_config.invariant = 1
_FIXED_TIME = time.gmtime(1796029200)  # 2026-11-30 09:00 UTC
CSS = """
@page { size: letter; margin: 0.6in 0.7in 0.6in 0.7in; }
body { font-family: Helvetica; font-size: 10pt; line-height: 1.25; }
h1 { font-size: 15pt; margin: 0 0 4pt 0; }
h2 { font-size: 11pt; margin: 8pt 0 2pt 0; padding: 1pt 2pt; background-color: #e4e4e4; }
h3 { font-size: 10pt; margin: 6pt 0 2pt 0; }
p { margin: 0 0 4pt 0; }
table { width: 100%; }
td, th { padding: 2pt 3pt; vertical-align: top; text-align: left; }
.grid td, .grid th { border: 0.6pt solid #000; }
.lab { background-color: #eeeeee; font-weight: bold; width: 32%; }
.small { font-size: 8pt; }
.tiny { font-size: 7pt; }
.center { text-align: center; }
.right { text-align: right; }
.head { font-size: 7.5pt; color: #333333; }
.box { border: 0.8pt solid #000; padding: 3pt; }
.above { font-size: 7pt; color: #333333; }
.mono { font-family: Courier; font-size: 9pt; }
.card { border: 1.2pt solid #000; padding: 6pt; width: 3.6in; }
"""


class RenderError(Exception):
    pass


def html_page_pdf(body: str) -> bytes:
    """One page of HTML as a one-page PDF (with a real text layer)."""
    out = io.BytesIO()
    doc = f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{body}</body></html>"
    result = pisa.CreatePDF(doc, dest=out, encoding="utf-8")
    if result.err:
        raise RenderError(f"xhtml2pdf failed: {result.err}")
    data = out.getvalue()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    if pages != 1:
        raise RenderError(f"a page rendered as {pages} pages")
    return data


def merge_pdfs(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rasterise(pdf: bytes, dpi: int = DPI) -> Image.Image:
    """The first page of ``pdf`` as a greyscale image."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    return image


def marker_boxes(pdf: bytes, marker: str, dpi: int = DPI) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (left, top, right, bottom) of each occurrence of ``marker`` on page 1."""
    doc = pdfium.PdfDocument(pdf)
    boxes: list[tuple[int, int, int, int]] = []
    try:
        page = doc[0]
        height = page.get_height()
        text = page.get_textpage()
        searcher = text.search(marker, match_case=True)
        scale = dpi / 72
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            for rect_index in range(text.count_rects(index, count)):
                left, bottom, right, top = text.get_rect(rect_index)
                boxes.append(
                    (
                        int(left * scale),
                        int((height - top) * scale),
                        int(right * scale),
                        int((height - bottom) * scale),
                    )
                )
        searcher.close()
        text.close()
        page.close()
    finally:
        doc.close()
    return boxes


def handwritten_mark(
    image: Image.Image, box: tuple[int, int, int, int], rng: random.Random
) -> None:
    """A pen tick or cross drawn over ``box``, wobbly, thicker than print."""
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = box
    cx, cy = (left + right) / 2, (top + bottom) / 2
    size = max(right - left, bottom - top) * rng.uniform(0.9, 1.4)
    width = rng.randint(4, 7)
    jitter = lambda: rng.uniform(-size * 0.12, size * 0.12)  # noqa: E731
    if rng.random() < 0.5:  # a tick
        points = [
            (cx - size * 0.55 + jitter(), cy + jitter()),
            (cx - size * 0.1 + jitter(), cy + size * 0.55 + jitter()),
            (cx + size * 0.75 + jitter(), cy - size * 0.9 + jitter()),
        ]
        draw.line(points, fill=rng.randint(0, 50), width=width, joint="curve")
    else:  # a cross
        half = size * 0.6
        draw.line([(cx - half + jitter(), cy - half), (cx + half, cy + half + jitter())],
                  fill=rng.randint(0, 50), width=width)  # fmt: skip
        draw.line([(cx + half + jitter(), cy - half), (cx - half, cy + half + jitter())],
                  fill=rng.randint(0, 50), width=width)  # fmt: skip


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - old Pillow
        return ImageFont.load_default()


def fax_degrade(
    image: Image.Image, header: str, rng: random.Random, standard: bool = False
) -> Image.Image:
    """A page as it comes out of a fax machine: header line, tilt, blur, speckle, grey.

    ``standard``: sent in the fax's standard mode, half the vertical resolution (blocky).
    """
    image = image.convert("L")
    width, height = image.size
    if standard:
        image = image.resize((width, height // 2), Image.Resampling.BOX).resize(
            (width, height), Image.Resampling.NEAREST
        )
    # The sending machine's header line, printed in the top margin.
    draw = ImageDraw.Draw(image)
    draw.text((int(width * 0.04), int(height * 0.012)), header, fill=0, font=_font(30))
    # Slight blur then tilt (white fill outside the page).
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.1)))
    angle = rng.uniform(-2.0, 2.0)
    if abs(angle) < 0.3:
        angle = 0.3 if angle >= 0 else -0.3
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    # Speckle: dark dots on the paper, light dropouts in the ink, and a little grain.
    noise = Image.frombytes("L", image.size, rng.randbytes(width * height))
    image = Image.blend(image, noise, rng.uniform(0.05, 0.10))
    pixels = image.load()
    assert pixels is not None
    for _ in range(int(width * height * rng.uniform(0.0004, 0.0012))):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.randint(0, 80) if pixels[x, y] > 128 else rng.randint(180, 255)
    # Fax contrast: darker ink, greyer paper.
    lo, hi = rng.randint(0, 30), rng.randint(225, 250)
    return image.point(lambda v: lo + (hi - lo) * v // 255)


def images_pdf(images: list[Image.Image]) -> bytes:
    """An image-only PDF: one page per image, no text layer."""
    out = io.BytesIO()
    first, *rest = images
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=DPI,
               creationDate=_FIXED_TIME, modDate=_FIXED_TIME)  # fmt: skip
    return out.getvalue()


def images_tiff(images: list[Image.Image], bilevel: bool) -> bytes:
    out = io.BytesIO()
    if bilevel:
        pages = [i.convert("1") for i in images]
        compression = "group4"
    else:
        pages = images
        compression = "tiff_deflate"
    first, *rest = pages
    first.save(
        out, format="TIFF", save_all=True, append_images=rest, compression=compression,
        dpi=(DPI, DPI),
    )  # fmt: skip
    return out.getvalue()


def image_file(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "png":
        image.save(out, format="PNG", optimize=False, dpi=(DPI, DPI))
    else:
        image.save(out, format="JPEG", quality=70, dpi=(DPI, DPI))
    return out.getvalue()
