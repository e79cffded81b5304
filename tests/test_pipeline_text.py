"""app/pipeline: a stored file's pages as text (text layer or OCR), and the files it refuses."""

import pytest
from PIL import Image

from app.pipeline import ocr
from app.pipeline.read import page_count, read_packet, read_page
from app.pipeline.types import Limits, PipelineError, PipelineTimeout, TooManyPages
from tests.pipeline_samples import (
    blank_pdf,
    encrypted_pdf,
    image_bytes,
    pdf_with_image_declaring,
    png_declaring,
    scanned_image,
    scanned_pdf,
    typed_pdf,
)

# --- text layer ---------------------------------------------------------------------------


def test_typed_pdf_is_read_from_its_text_layer_in_reading_order() -> None:
    page = read_page(typed_pdf(), "application/pdf", 0, number=3, document_index=1)

    assert page.method == "text"
    assert page.confidence == 1.0
    assert (page.number, page.document_index) == (3, 1)
    lines = page.text.split("\n")
    assert lines.index("Valley Family Medicine") < lines.index("Patient: Maria Gonzalez")
    assert "DOB: 03/15/1985" in lines
    assert "NPI 1234567893" in page.text


GRID_HTML = """<table border="1" cellpadding="3">
<tr><td width="20%">Surname</td><td width="30%">Fernandes</td>
<td width="20%">Given name(s)</td><td width="30%">Teodoro</td></tr>
<tr><td>Street</td><td>8556 West Jefferson Street Building Four</td>
<td>City/State/ZIP</td><td>Tulsa, OK 74175</td></tr>
<tr><td>Insurance carrier</td><td>CareSource</td><td>Policy number</td><td>86573095347</td></tr>
<tr><td>Sex</td><td>F</td><td>Phone</td><td>515-790-7406</td></tr>
</table>"""


def test_a_typed_tables_cells_stay_apart_and_a_wrapped_cell_stays_whole() -> None:
    # The layer's own order runs a row's cells together with single spaces and breaks a row
    # where a cell wraps; read by where the words stand, each cell keeps to itself.
    page = read_page(typed_pdf(GRID_HTML), "application/pdf", 0, number=1)

    assert page.method == "text"
    lines = page.text.split("\n")
    assert "Surname  Fernandes  Given name(s)  Teodoro" in lines
    assert "Insurance carrier  CareSource  Policy number  86573095347" in lines
    assert "Sex  F  Phone  515-790-7406" in lines
    street = next(text for text in lines if text.startswith("Street"))
    assert street.split("  ")[:3] == [
        "Street", "8556 West Jefferson Street Building Four", "City/State/ZIP"
    ]  # fmt: skip


def test_an_underscore_inside_a_typed_word_stays_in_the_word() -> None:
    # the "_" glyph's ink lies under the letters' line: it is still one word with them
    html = "<p>E-mail: ambrose_dellorto8@fastmail.com</p>"
    page = read_page(typed_pdf(html), "application/pdf", 0, number=1)
    assert "E-mail: ambrose_dellorto8@fastmail.com" in page.text.split("\n")


def test_fax_header_is_kept_in_the_text_and_marked() -> None:
    page = read_page(typed_pdf(), "application/pdf", 0, number=1)

    assert page.text.startswith("DEC-01-2026 09:14AM FROM: Valley Family Medicine")
    assert page.fax_header_lines == 1
    assert page.body.startswith("Valley Family Medicine")


def test_blank_page_inside_a_pdf_reads_as_empty_text() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(typed_pdf())))
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()

    assert page_count(data, "application/pdf") == 2
    page = read_page(data, "application/pdf", 1, number=2)
    assert (page.text, page.method) == ("", "text")


# --- OCR ------------------------------------------------------------------------------------


def test_scanned_png_is_read_by_ocr_with_word_confidences() -> None:
    data = image_bytes(scanned_image(), "PNG")

    page = read_page(data, "image/png", 0, number=1)

    assert page.method == "ocr"
    assert "Maria Gonzalez" in page.text
    assert "1234567893" in page.text
    assert "03/15/1985" in page.text
    assert page.words and all(0.0 <= w.confidence <= 1.0 for w in page.words)
    assert page.confidence == pytest.approx(
        sum(w.confidence for w in page.words) / len(page.words), abs=0.001
    )
    assert 0.7 < page.confidence <= 1.0
    assert page.fax_header_lines == 1


def test_scanned_pdf_without_text_layer_is_rendered_and_read_by_ocr() -> None:
    data = scanned_pdf(scanned_image())

    page = read_page(data, "application/pdf", 0, number=1)

    assert page.method == "ocr"
    assert "Maria Gonzalez" in page.text


def test_multi_page_tiff_reads_the_frame_asked_for() -> None:
    first = scanned_image()
    second = Image.new("1", (400, 200), 1)  # a blank second page: quick to read
    data = image_bytes(first, "TIFF", save_all=True, append_images=[second], dpi=(200, 200))

    assert page_count(data, "application/pdf") == 2  # the bytes decide, not the declared type
    assert read_page(data, "image/tiff", 1, number=2).text == ""
    assert "Maria Gonzalez" in read_page(data, "image/tiff", 0, number=1).text


def test_jpeg_scan_is_read() -> None:
    data = image_bytes(scanned_image().convert("L"), "JPEG", quality=75)

    assert "Maria Gonzalez" in read_page(data, "image/jpeg", 0, number=1).text


def test_page_fed_upside_down_is_read_the_right_way_up() -> None:
    data = image_bytes(scanned_image().rotate(180), "PNG")

    page = read_page(data, "image/png", 0, number=1)

    assert "Maria Gonzalez" in page.text
    assert page.confidence > 0.8
    assert page.fax_header_lines == 1


@pytest.mark.parametrize("angle", [-2.5, 1.2, 2.8])
def test_skew_is_estimated_within_a_few_tenths_of_a_degree(angle: float) -> None:
    image = scanned_image(angle=angle).convert("L")

    assert ocr.skew_angle(image) == pytest.approx(-angle, abs=0.3)


def test_page_over_its_time_limit_is_a_timeout() -> None:
    data = image_bytes(scanned_image(), "PNG")

    with pytest.raises(PipelineTimeout):
        read_page(data, "image/png", 0, number=1, limits=Limits(page_seconds=0.05))


def test_read_packet_numbers_pages_across_files_and_classifies_them() -> None:
    pages = read_packet([(typed_pdf(), "application/pdf"), (typed_pdf(), "application/pdf")])

    assert [(p.number, p.document_index) for p in pages] == [(1, 0), (2, 1)]
    assert all(p.page_type == "referral" for p in pages)


# --- refusals -------------------------------------------------------------------------------


def _refusal(data: bytes, limits: Limits = Limits()) -> str:
    with pytest.raises(PipelineError) as caught:
        page_count(data, "application/pdf", limits)
    return caught.value.reason


def test_empty_file_is_refused() -> None:
    assert _refusal(b"") == "the file is empty (0 bytes)"


def test_file_of_another_kind_is_refused() -> None:
    assert "not a PDF, TIFF, PNG or JPEG" in _refusal(b"GIF89a....")


def test_corrupt_pdf_is_refused_as_damaged() -> None:
    assert "damaged" in _refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")


def test_password_protected_pdf_is_refused_with_its_reason() -> None:
    data = encrypted_pdf()

    assert "password-protected" in _refusal(data)
    with pytest.raises(PipelineError, match="password-protected"):
        read_page(data, "application/pdf", 0, number=1)


def test_pdf_of_blank_pages_is_refused() -> None:
    assert _refusal(blank_pdf(2)) == "the PDF has neither text nor images: every page is blank"


def test_pdf_over_the_page_limit_is_too_many_pages() -> None:
    with pytest.raises(TooManyPages, match="3 pages, more than the 2-page limit"):
        page_count(blank_pdf(3), "application/pdf", Limits(max_pages=2))


def test_image_bomb_is_refused_before_any_pixel_is_allocated() -> None:
    data = png_declaring(50_000, 50_000)  # 2.5 G pixels in a few hundred bytes

    assert "pixel limit" in _refusal(data)
    with pytest.raises(PipelineError, match="pixel limit"):
        read_page(data, "image/png", 0, number=1)


def test_pdf_holding_an_image_bomb_is_refused_before_it_is_drawn() -> None:
    data = pdf_with_image_declaring(40_000, 40_000)

    with pytest.raises(PipelineError, match="image inside the PDF is 40000×40000 pixels"):
        read_page(data, "application/pdf", 0, number=1)


def test_image_just_over_our_limit_is_refused_by_our_check() -> None:
    data = png_declaring(10_000, 7_000)  # below Pillow's own guard, above ours

    assert _refusal(data) == (
        "the PNG image is 10000×7000 pixels, more than the 60,000,000-pixel limit; "
        "scan it at a lower resolution"
    )


def test_truncated_image_is_refused_as_damaged() -> None:
    data = image_bytes(scanned_image(), "PNG")[:200]

    with pytest.raises(PipelineError, match="damaged"):
        read_page(data, "image/png", 0, number=1)


def test_page_index_outside_the_file_is_a_programming_error() -> None:
    with pytest.raises(IndexError):
        read_page(typed_pdf(), "application/pdf", 1, number=2)
