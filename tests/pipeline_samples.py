"""Files for the pipeline tests, made on the spot: a typed referral, its fax-like scan, and
files the pipeline must refuse."""

import io
import random
import struct
import zlib
from functools import cache

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfWriter

REFERRAL_HTML = """<html><body style="font-family: Helvetica; font-size: 11pt">
<p>DEC-01-2026 09:14AM FROM: Valley Family Medicine (555) 201-3344 P. 2/4</p>
<h2>Valley Family Medicine</h2>
<p>REFERRAL FOR SPECIALIST CONSULTATION</p>
<p>Patient: Maria Gonzalez<br/>DOB: 03/15/1985<br/>Phone: (555) 123-4567</p>
<p>Reason for referral: right knee pain, medial meniscus tear. Please evaluate.</p>
<p>Referring provider: John Smith, MD  NPI 1234567893</p>
</body></html>"""


@cache
def typed_pdf(html: str = REFERRAL_HTML) -> bytes:
    from xhtml2pdf import pisa

    out = io.BytesIO()
    pisa.CreatePDF(html, dest=out)
    return out.getvalue()


@cache
def scanned_image(angle: float = 1.2, dpi: int = 200) -> Image.Image:
    """The typed referral as a fax machine delivers it: 1-bit, slightly skewed, speckled.

    Only the top of the page (where the text is) is kept, so OCR in a test stays quick.
    """
    pdf = pdfium.PdfDocument(typed_pdf())
    page = pdf[0]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    page.close()
    pdf.close()
    image = image.crop((0, 0, image.width, image.height * 4 // 10))
    image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    pixels = image.load()
    rng = random.Random(7)
    for _ in range(1500):
        pixels[rng.randrange(image.width), rng.randrange(image.height)] = 0
    return image.point(lambda v: 0 if v < 150 else 255).convert("1")


def image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def scanned_pdf(image: Image.Image, dpi: int = 200) -> bytes:
    """A PDF holding the scan as its only content, as a fax server stores it."""
    return image_bytes(image.convert("L"), "PDF", resolution=dpi)


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(typed_pdf()))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def pdf_with_image_declaring(width: int, height: int) -> bytes:
    """A one-page PDF whose only image claims ``width``×``height`` pixels in a few bytes."""
    stream = zlib.compress(b"\xff" * 64)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(stream), stream),
        b"<< /Length 35 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
