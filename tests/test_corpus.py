"""The synthetic referral corpus: deterministic, truthful, and laid out as it claims."""

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image, ImageOps

from bench.corpus import (
    TODAY,
    Packet,
    eighth_layouts,
    eleventh_layouts,
    fifth_layouts,
    fourth_layouts,
    generate,
    holdout_eighth,
    holdout_eleventh,
    holdout_layouts,
    holdout_ninth,
    holdout_seventh,
    holdout_sixth,
    holdout_tenth,
    holdout_thirteenth,
    holdout_twelfth,
    layouts,
    ninth_layouts,
    seventh_layouts,
    sixth_layouts,
    tenth_layouts,
    third_layouts,
    thirteenth_layouts,
    twelfth_layouts,
)
from bench.corpus.holdout_fifth import SECONDARY_PAYERS
from bench.corpus.people import shifted, years_between
from bench.corpus.writing import MONTHS
from bench.extraction import score_fields
from models.document import PageType
from models.extraction import FIELD_PATHS, Extraction
from models.values import npi_valid, parse_dob, phone_e164, strip_titles

US_STATES = set(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
    ]
)
# Words each kind of page carries (typed pages are checked through their text layer).
MARKERS = {
    PageType.cover_sheet: "CONFIDENTIALITY NOTICE",
    PageType.clinical_notes: "Medications",
    PageType.lab: "LABORATORY REPORT",
    PageType.imaging: "IMPRESSION",
}


@cache
def typed(layout: str, seed: int = 3) -> Packet:
    return generate(seed, layout, scanned=False)


def page_texts(packet: Packet) -> list[str | None]:
    """Each page's text layer ('' when the page is an image), None for an image file."""
    texts: list[str | None] = []
    for f in packet.files:
        if f.content_type != "application/pdf":
            texts += [None] * getattr(Image.open(io.BytesIO(f.data)), "n_frames", 1)
            continue
        doc = pdfium.PdfDocument(f.data)
        texts += [doc[i].get_textpage().get_text_bounded() for i in range(len(doc))]
        doc.close()
    return texts


def page_images(packet: Packet) -> list[Image.Image]:
    """Each page as the image it was sent as (the picture inside an image-only PDF)."""
    images = []
    for f in packet.files:
        if f.content_type == "application/pdf":
            doc = pdfium.PdfDocument(f.data)
            for i in range(len(doc)):
                (picture,) = doc[i].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])
                images.append(picture.get_bitmap().to_pil())
            doc.close()
        else:
            image = Image.open(io.BytesIO(f.data))
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                images.append(image.copy())
    return images


def skew(image: Image.Image) -> float:
    """The tilt (degrees) whose undoing lines the text rows up best: projection profile."""
    ink = ImageOps.invert(image).point(lambda v: 255 if v > 110 else 0)

    def sharpness(angle: float) -> float:
        rows = ink.rotate(angle, resample=Image.Resampling.BILINEAR).reduce((ink.width, 1))
        values = [rows.getpixel((0, y)) for y in range(rows.height)]
        return sum((a - b) ** 2 for a, b in zip(values, values[1:], strict=False))

    return max((a / 4 for a in range(-12, 13)), key=sharpness)


def test_same_seed_same_packet_and_another_seed_another() -> None:
    first, again = generate(11, "form", False), generate(11, "form", False)
    assert [f.data for f in first.files] == [f.data for f in again.files]
    assert first.truth == again.truth and first.page_types == again.page_types
    other = generate(12, "form", False)
    assert other.truth != first.truth


@pytest.mark.parametrize("layout", layouts())
def test_truth_is_normalised_with_a_valid_npi(layout: str) -> None:
    truth = typed(layout).truth
    assert npi_valid(truth.referrer.npi)
    assert parse_dob(truth.patient.dob).isoformat() == truth.patient.dob  # type: ignore[union-attr]
    for number in (truth.patient.phone, truth.referrer.phone, truth.referrer.fax):
        assert number is None or phone_e164(number) == number
    assert strip_titles(truth.referrer.provider_name) == truth.referrer.provider_name
    assert truth.patient.address is None or truth.patient.address.state in US_STATES
    assert all("." in c or len(c) == 3 for c in truth.clinical.diagnosis_codes)


@pytest.mark.parametrize("layout", layouts())
def test_each_page_is_the_type_the_truth_says(layout: str) -> None:
    packet = typed(layout)
    texts = page_texts(packet)
    assert len(texts) == len(packet.page_types)
    assert PageType.referral in packet.page_types
    referral_text = " ".join(
        t or "" for t, kind in zip(texts, packet.page_types, strict=True) if kind == "referral"
    )
    assert packet.truth.referrer.npi in referral_text
    assert packet.truth.patient.last_name.upper() in referral_text.upper()  # type: ignore[union-attr]
    for text, kind in zip(texts, packet.page_types, strict=True):
        if kind in MARKERS:
            assert MARKERS[kind] in (text or ""), kind
        if kind == PageType.insurance_card and text:  # else a scanned-in copy of the card
            assert packet.truth.insurance.member_id in text  # type: ignore[operator]


def test_no_two_sets_name_a_layout_alike() -> None:
    sets = [layouts(), holdout_layouts(), third_layouts(), fourth_layouts(), fifth_layouts(),
            sixth_layouts(), seventh_layouts(), eighth_layouts(),
            ninth_layouts(), tenth_layouts(), eleventh_layouts(), twelfth_layouts(),
            thirteenth_layouts()]  # fmt: skip
    names = [name for one in sets for name in one]
    assert len(names) == len(set(names))  # generate() looks a layout up in all sets at once


@pytest.mark.parametrize("layout", holdout_layouts() + third_layouts() + fourth_layouts())
def test_a_holdout_layout_states_its_truth_on_its_referral_pages(layout: str) -> None:
    packet = typed(layout)
    truth = packet.truth
    assert npi_valid(truth.referrer.npi)
    texts = page_texts(packet)
    referral = " ".join(
        t or "" for t, kind in zip(texts, packet.page_types, strict=True) if kind == "referral"
    )
    assert truth.referrer.npi in referral
    assert truth.patient.last_name.upper() in referral.upper()  # type: ignore[union-attr]
    assert truth.insurance.member_id is None or truth.insurance.member_id in referral
    assert all(code in referral for code in truth.clinical.diagnosis_codes)


def test_the_narrative_first_referral_names_its_patient_only_on_its_second_page() -> None:
    packet = typed("narrative_first")
    texts = page_texts(packet)
    referral = [t or "" for t, kind in zip(texts, packet.page_types, strict=True)
                if kind == "referral"]  # fmt: skip
    assert len(referral) == 2
    last = packet.truth.patient.last_name  # type: ignore[union-attr]
    assert last not in referral[0] and last in referral[1]
    assert packet.truth.referrer.npi not in referral[0]


def test_an_injury_claim_without_a_health_plan_has_a_claim_number_but_no_member_id() -> None:
    packets = (generate(seed, "injury_claim", scanned=False) for seed in range(60))
    packet = next(p for p in packets if p.truth.insurance.provider is None)
    referral = " ".join(
        t or "" for t, kind in zip(page_texts(packet), packet.page_types, strict=True)
        if kind == "referral"
    )  # fmt: skip
    assert "Claim number" in referral and "None reported" in referral
    assert packet.truth.insurance.member_id is None
    assert packet.truth.insurance.group_number is None


def referral_text(packet: Packet) -> str:
    texts = page_texts(packet)
    return " ".join(
        t or "" for t, kind in zip(texts, packet.page_types, strict=True) if kind == "referral"
    )


def squeezed(text: str) -> str:
    """Without white space: a comb of one character a box reads as the value."""
    return "".join(text.split()).upper()


@pytest.mark.parametrize("layout", fifth_layouts())
@pytest.mark.parametrize("seed", [3, 4])
def test_a_fifth_set_layout_states_its_normalised_truth_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    truth = packet.truth
    npi, provider = truth.referrer.npi, truth.referrer.provider_name
    assert npi is not None and provider is not None and npi_valid(npi)
    assert parse_dob(truth.patient.dob).isoformat() == truth.patient.dob  # type: ignore[union-attr]
    assert truth.patient.address is None or truth.patient.address.state in US_STATES
    text = referral_text(packet)
    flat, digits = squeezed(text), re.sub(r"\D", "", text)
    assert npi in flat
    assert squeezed(truth.patient.last_name) in flat  # type: ignore[arg-type]
    assert squeezed(provider) in flat
    assert truth.insurance.member_id is None or truth.insurance.member_id in flat
    assert all(code in flat for code in truth.clinical.diagnosis_codes)
    for number in (truth.patient.phone, truth.referrer.phone, truth.referrer.fax):
        assert number is None or (phone_e164(number) == number and number[2:] in digits)


def assert_every_truth_value_is_on_the_referral_pages(
    packet: Packet, date_forms: Callable[[date], tuple[str, ...]] = holdout_sixth.date_forms
) -> None:
    """Each value the truth states is written on the packet's referral pages (white space
    aside; a phone by its ten digits; a name by its words, whatever their order; the
    urgency by its word in any case), the birth date in one of the set's ``date_forms``."""
    truth = packet.truth
    p, insurance, referrer, clinical = (
        truth.patient, truth.insurance, truth.referrer, truth.clinical
    )  # fmt: skip
    assert p is not None and referrer.npi is not None and npi_valid(referrer.npi)
    born = parse_dob(p.dob)
    assert born is not None and born.isoformat() == p.dob
    text = referral_text(packet)
    flat, digits = squeezed(text), re.sub(r"\D", "", text)
    assert any(form in text for form in date_forms(born)), p.dob
    address = p.address
    stated = [p.first_name, p.last_name, p.email, insurance.provider, insurance.member_id,
              insurance.group_number, referrer.npi, referrer.practice_name, clinical.reason,
              *clinical.diagnosis_codes]  # fmt: skip
    if address is not None:
        assert address.state in US_STATES
        stated += [address.line1, address.line2, address.city, address.state, address.zip]
    for value in stated:
        assert value is None or squeezed(value) in flat, value
    assert all(squeezed(word) in flat for word in (referrer.provider_name or "?").split())
    for number in (p.phone, referrer.phone, referrer.fax):
        assert number is None or (phone_e164(number) == number and number[2:] in digits)
    words = {"stat": ("STAT", "EMERGENT"), "urgent": ("URGENT",), "routine": ("ROUTINE",)}
    assert clinical.urgency is None or any(w in text.upper() for w in words[clinical.urgency])


@pytest.mark.parametrize("layout", sixth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_sixth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    assert_every_truth_value_is_on_the_referral_pages(generate(seed, layout, scanned=False))


@pytest.mark.parametrize("layout", seventh_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_seventh_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_seventh.date_forms)


@pytest.mark.parametrize("layout", eighth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_an_eighth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_eighth.date_forms)


@pytest.mark.parametrize("layout", ninth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_ninth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_ninth.date_forms)


@pytest.mark.parametrize("layout", tenth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_tenth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_tenth.date_forms)


@pytest.mark.parametrize("layout", eleventh_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_an_eleventh_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_eleventh.date_forms)


@pytest.mark.parametrize("layout", twelfth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_twelfth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_twelfth.date_forms)


@pytest.mark.parametrize("layout", thirteenth_layouts())
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_thirteenth_set_layout_states_every_truth_value_on_its_referral_pages(
    layout: str, seed: int
) -> None:
    packet = generate(seed, layout, scanned=False)
    assert_every_truth_value_is_on_the_referral_pages(packet, holdout_thirteenth.date_forms)


def test_the_superbill_checks_exactly_the_truths_codes_among_others_printed() -> None:
    for seed in range(6):
        packet = generate(seed, "superbill", scanned=False)
        text = referral_text(packet)
        checked = re.findall(r"\[X\] ([A-Z][0-9][0-9A-Z]\.?[0-9A-Z]*) ", text)
        printed = re.findall(r"\] ([A-Z][0-9][0-9A-Z]\.?[0-9A-Z]*) ", text)
        assert sorted(checked) == sorted(packet.truth.clinical.diagnosis_codes)
        assert len(printed) == 15


def test_the_order_behind_the_notes_comes_after_a_progress_note() -> None:
    for seed in range(4):
        types = generate(seed, "behind_notes", scanned=False).page_types
        first = types.index(PageType.referral)
        assert first >= 1 and PageType.clinical_notes in types[:first]


def test_the_sticker_request_names_its_patient_only_on_the_label() -> None:
    packet = generate(3, "sticker", scanned=False)
    patient = packet.truth.patient
    text = referral_text(packet)
    label = f"{patient.last_name}, {patient.first_name}".upper()  # type: ignore[union-attr]
    assert text.count(patient.last_name.upper()) == 1 and label in text  # type: ignore[union-attr]


def test_the_guardian_referral_is_for_a_child_whose_parent_is_named_beside_it() -> None:
    for seed in range(6):
        packet = generate(seed, "guardian", scanned=False)
        patient = packet.truth.patient
        born = parse_dob(patient.dob)  # type: ignore[union-attr]
        assert born is not None and TODAY - born < timedelta(days=18 * 365)
        names = re.findall(r"Name (.+)", referral_text(packet).replace("\r", ""))
        assert f"{patient.first_name} {patient.last_name}" in names  # type: ignore[union-attr]
        assert len(set(names)) >= 3  # the child, the parent, the emergency contact (and doctor)


def test_the_story_letter_writes_the_birth_date_in_words_and_names_no_referrer_by_label() -> None:
    for seed in range(6):
        packet = generate(seed, "story_letter", scanned=False)
        born = parse_dob(packet.truth.patient.dob)  # type: ignore[union-attr]
        assert born is not None
        text = referral_text(packet)
        numeric = (
            born.isoformat(),
            f"{born.month}/{born.day}/",
            f"{born.month:02d}/{born.day:02d}",
        )
        assert not any(form in text for form in numeric)
        assert f" {born.year}" in text and MONTHS[born.month - 1] in text
        assert "referring" not in text.lower()
        assert text.rindex(packet.truth.referrer.npi or "?") > text.index("regards")


def test_coverage_rows_list_the_primary_payer_before_another_with_its_own_member_id() -> None:
    packets = (generate(seed, "coverage_rows", scanned=False) for seed in range(20))
    packet = next(p for p in packets if p.truth.insurance.provider)
    insurance = packet.truth.insurance
    flat = squeezed(referral_text(packet))
    others = [flat.index(squeezed(name)) for name, _ in SECONDARY_PAYERS if squeezed(name) in flat]
    assert others
    primary = flat.index(squeezed(insurance.provider))  # type: ignore[arg-type]
    assert primary < flat.index(insurance.member_id) < min(others)  # type: ignore[arg-type]


def test_a_scanned_packet_has_no_text_layer_and_is_grey_and_tilted() -> None:
    packet = generate(15, "checkbox", scanned=True)
    assert packet.truth.method == "ocr"
    assert [f.content_type for f in packet.files] == ["application/pdf"]
    assert all(not text for text in page_texts(packet))
    images = page_images(packet)
    assert len(images) == len(packet.page_types)
    for page in images:
        assert page.mode == "L" and page.size == (1700, 2200)  # letter at 200 dpi, greyscale
        assert sum(1 for n in page.histogram() if n) > 64  # grey levels, not black on white
        assert abs(skew(page.reduce(2))) >= 0.25  # tilted by 0.3 to 2 degrees


def test_the_bench_scores_the_truth_right_and_an_empty_reading_wrong() -> None:
    truth = typed("table").truth
    stated = [p for p in FIELD_PATHS if truth.value_at(p) not in (None, "", [])]
    perfect = truth.model_copy(update={"confidence": dict.fromkeys(stated, 0.99)})
    assert all(s.right for s in score_fields(truth, perfect))
    empty = {s.path: s.right for s in score_fields(truth, Extraction())}
    assert not any(empty[p] for p in stated)
    assert all(empty[p] for p in FIELD_PATHS if p not in stated)


def test_a_stated_age_counts_whole_years_and_a_relatives_birth_date_is_a_real_past_day() -> None:
    born = date(1996, 2, 29)
    assert years_between(born, date(2026, 2, 28)) == 29  # the day before a birthday
    assert years_between(born, date(2026, 3, 1)) == 30
    assert shifted(born, -28, before=TODAY) == date(1968, 2, 29)  # a leap year keeps the day
    assert shifted(born, 25, before=date(2030, 1, 1)) == date(2021, 2, 28)
    # Thirty years on would be 2026-02-28 or later: the relative is born before the fax.
    assert shifted(born, 30, before=date(2026, 2, 1)) == date(2025, 2, 28)
