"""A synthetic referral corpus with ground truth, for the extraction bench and tests.

``generate(seed, layout, scanned)`` makes one packet: its files (a typed PDF with a text
layer, or a scanned fax as image PDF / TIFF / PNG / JPEG pages), the exact normalised
``Extraction`` a perfect reader would return (DESIGN §10; a fact the packet never states is
``None``), and the type of every page. Same arguments, same bytes.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bench.corpus import pages, render
from bench.corpus.context import MARK, Ctx
from bench.corpus.holdout import HOLDOUT
from bench.corpus.holdout_eighth import EIGHTH
from bench.corpus.holdout_eleventh import ELEVENTH
from bench.corpus.holdout_fifth import FIFTH
from bench.corpus.holdout_fourth import FOURTH
from bench.corpus.holdout_ninth import NINTH
from bench.corpus.holdout_seventh import SEVENTH
from bench.corpus.holdout_sixth import SIXTH
from bench.corpus.holdout_tenth import TENTH
from bench.corpus.holdout_third import THIRD
from bench.corpus.holdout_thirteenth import THIRTEENTH
from bench.corpus.holdout_twelfth import TWELFTH
from bench.corpus.layouts import LAYOUTS
from bench.corpus.people import Facts, facts
from bench.corpus.writing import Writer
from models.document import PageType
from models.extraction import (
    ExtractedAddress,
    ExtractedClinical,
    ExtractedInsurance,
    ExtractedPatient,
    ExtractedReferrer,
    Extraction,
    ExtractionMethod,
)

# The corpus's "today": fixed, so a seed always gives the same dates.
TODAY = date(2026, 11, 30)

__all__ = [
    "Packet",
    "PacketFile",
    "corpus",
    "eighth_layouts",
    "eleventh_layouts",
    "fifth_layouts",
    "fourth_layouts",
    "generate",
    "holdout_layouts",
    "layouts",
    "ninth_layouts",
    "seventh_layouts",
    "sixth_layouts",
    "tenth_layouts",
    "third_layouts",
    "twelfth_layouts",
    "thirteenth_layouts",
]


@dataclass(frozen=True)
class PacketFile:
    file_name: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Packet:
    files: list[PacketFile]
    truth: Extraction
    page_types: list[PageType]  # one per page, across the files in order
    layout: str
    scanned: bool
    seed: int = 0


def layouts() -> list[str]:
    return list(LAYOUTS)


def holdout_layouts() -> list[str]:
    """Layouts kept out of tuning (``bench/corpus/holdout.py``); ``generate`` makes them too."""
    return list(HOLDOUT)


def third_layouts() -> list[str]:
    """The third held-out set (``bench/corpus/holdout_third.py``): measured, never tuned on."""
    return list(THIRD)


def fourth_layouts() -> list[str]:
    """The fourth held-out set (``bench/corpus/holdout_fourth.py``): measured, never tuned on."""
    return list(FOURTH)


def fifth_layouts() -> list[str]:
    """The fifth held-out set (``bench/corpus/holdout_fifth.py``): written blind, never tuned on."""
    return list(FIFTH)


def sixth_layouts() -> list[str]:
    """The sixth held-out set (``bench/corpus/holdout_sixth.py``): written blind, never tuned on."""
    return list(SIXTH)


def seventh_layouts() -> list[str]:
    """The seventh held-out set (``bench/corpus/holdout_seventh.py``): written blind, never
    tuned on."""
    return list(SEVENTH)


def eighth_layouts() -> list[str]:
    """The eighth held-out set (``bench/corpus/holdout_eighth.py``): written blind, never
    tuned on."""
    return list(EIGHTH)


def ninth_layouts() -> list[str]:
    """The ninth held-out set (``bench/corpus/holdout_ninth.py``): written blind, never
    tuned on."""
    return list(NINTH)


def tenth_layouts() -> list[str]:
    """The tenth held-out set (``bench/corpus/holdout_tenth.py``): written blind, never
    tuned on."""
    return list(TENTH)


def eleventh_layouts() -> list[str]:
    """The eleventh held-out set (``bench/corpus/holdout_eleventh.py``): written blind, never
    tuned on."""
    return list(ELEVENTH)


def twelfth_layouts() -> list[str]:
    """The twelfth held-out set (``bench/corpus/holdout_twelfth.py``): written blind, never
    tuned on."""
    return list(TWELFTH)


def thirteenth_layouts() -> list[str]:
    """The thirteenth held-out set (``bench/corpus/holdout_thirteenth.py``): written blind,
    never tuned on."""
    return list(THIRTEENTH)


def corpus(n_per_layout: int, seed: int = 0, scanned: bool | None = None) -> Iterator[Packet]:
    """``n_per_layout`` packets of every layout; alternating typed/scanned unless told."""
    for i in range(n_per_layout):
        for name in LAYOUTS:
            is_scanned = (i % 2 == 1) if scanned is None else scanned
            yield generate(seed * 100_003 + i, name, is_scanned)


def truth_of(f: Facts, method: ExtractionMethod) -> Extraction:
    r = f.referrer
    a = f.address
    return Extraction(
        patient=ExtractedPatient(
            first_name=f.patient.first,
            last_name=f.patient.last,
            dob=f.dob.isoformat(),
            sex=f.sex,
            phone=f.phone,
            email=f.email,
            address=ExtractedAddress(
                line1=a.line1, line2=a.line2, city=a.city, state=a.state, zip=a.zip
            )
            if a
            else None,
        ),
        insurance=ExtractedInsurance(provider=f.payer, member_id=f.member_id, group_number=f.group),
        referrer=ExtractedReferrer(
            provider_name=Writer.full(r.person),
            npi=r.npi,
            practice_name=r.practice,
            phone=r.phone,
            fax=r.fax,
        ),
        clinical=ExtractedClinical(
            reason=f.reason.text, diagnosis_codes=list(f.codes), urgency=f.urgency
        ),
        method=method,
    )


@dataclass
class _Page:
    html: str
    page_type: PageType
    as_image: bool = False  # a typed packet's scanned-in page (an insurance card copy)


def generate(seed: int, layout: str, scanned: bool) -> Packet:
    every = {**LAYOUTS, **HOLDOUT, **THIRD, **FOURTH, **FIFTH, **SIXTH, **SEVENTH, **EIGHTH,
             **NINTH, **TENTH, **ELEVENTH, **TWELFTH,
             **THIRTEENTH}  # fmt: skip
    if layout not in every:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(every)}")
    rng = random.Random(f"intakedesk-corpus:{seed}:{layout}:{int(scanned)}")
    spec = every[layout]
    f = spec.omit(facts(rng, today=TODAY), rng)
    ctx = Ctx(f=f, w=Writer(rng), rng=rng, scanned=scanned,
              hand_marks=scanned and rng.random() < 0.7)  # fmt: skip

    referral = [_Page(html, PageType.referral) for html in spec.render(ctx)]
    if spec.lead is not None:  # pages the sender put before the referral itself
        referral = [_Page(html, kind) for html, kind in spec.lead(ctx)] + referral
    extras: list[_Page] = []
    if rng.random() < 0.6:
        extras.append(_Page(pages.clinical_notes(ctx), PageType.clinical_notes))
    if rng.random() < 0.3:
        extras.append(_Page(pages.lab(ctx), PageType.lab))
    if rng.random() < 0.25:
        extras.append(_Page(pages.imaging(ctx), PageType.imaging))
    rng.shuffle(extras)
    card_file = False
    if f.payer and rng.random() < 0.5:
        card = _Page(pages.insurance_card(ctx), PageType.insurance_card)
        if not scanned:
            card.as_image = rng.random() < 0.6
            card_file = card.as_image and rng.random() < 0.4
        extras.insert(rng.randint(0, len(extras)), card) if not card_file else extras.append(card)
    body = referral + extras
    if rng.random() < (0.55 if scanned else 0.3):
        body.insert(0, _Page(pages.cover_sheet(ctx, len(body) + 1), PageType.cover_sheet))

    # A practice prints in one typeface: a sans serif or a serif.
    font = rng.choice(("Helvetica", "Helvetica", "Times-Roman"))
    pdfs = [
        render.html_page_pdf(f"<div style='font-family: {font}'>{page.html}</div>") for page in body
    ]
    stem = f"{layout}-{seed}"
    if scanned:
        files = _fax_files(ctx, body, pdfs, stem)
        method = ExtractionMethod.ocr
    else:
        files = _typed_files(ctx, body, pdfs, stem, card_file)
        method = ExtractionMethod.mixed if any(p.as_image for p in body) else ExtractionMethod.text
    return Packet(
        files=files,
        truth=truth_of(f, method),
        page_types=[p.page_type for p in body],
        layout=layout,
        scanned=scanned,
        seed=seed,
    )


def _typed_files(
    ctx: Ctx, body: list[_Page], pdfs: list[bytes], stem: str, card_file: bool
) -> list[PacketFile]:
    parts: list[bytes] = []
    files: list[PacketFile] = []
    # Sometimes the records come as a second PDF after the referral's own.
    last_referral = max(i for i, page in enumerate(body) if page.page_type == PageType.referral)
    split = last_referral + 1 if ctx.rng.random() < 0.15 else None
    records: list[bytes] = []
    for index, (page, pdf) in enumerate(zip(body, pdfs, strict=True)):
        target = records if split is not None and index >= split else parts
        if not page.as_image:
            target.append(pdf)
            continue
        image = render.rasterise(pdf, dpi=150)
        image = image.rotate(ctx.rng.uniform(-1.5, 1.5), fillcolor=255)
        if card_file:
            files.append(
                PacketFile(
                    f"{stem}-insurance-card.jpg", render.image_file(image, "jpeg"), "image/jpeg"
                )  # fmt: skip
            )
        else:
            target.append(render.images_pdf([image]))
    main = [PacketFile(f"{stem}.pdf", render.merge_pdfs(parts), "application/pdf")]
    if records:
        main.append(
            PacketFile(f"{stem}-records.pdf", render.merge_pdfs(records), "application/pdf")
        )
    return [*main, *files]


_RECORDS = (PageType.clinical_notes, PageType.lab, PageType.imaging)


def _fax_files(ctx: Ctx, body: list[_Page], pdfs: list[bytes], stem: str) -> list[PacketFile]:
    f, rng = ctx.f, ctx.rng
    when = f"{f.sent.month:02d}/{f.sent.day:02d}/{f.sent.year} {rng.randint(7, 17):02d}:" + (
        f"{rng.randint(0, 59):02d}"
    )
    sender_fax = ctx.w.phone(f.referrer.fax, rng.choice((0, 2)))
    style = rng.randrange(3)
    standard = rng.random() < 0.2  # the fax's standard mode: 200 x 100 dpi
    images = []
    total = len(body)
    # Now and then a page of the records went through the machine upside down.
    flipped = rng.choice(
        [i for i, p in enumerate(body) if p.page_type in _RECORDS] or [None]
    ) if rng.random() < 0.05 else None  # fmt: skip
    for number, pdf in enumerate(pdfs, start=1):
        image = render.rasterise(pdf)
        if number - 1 == flipped:
            image = image.rotate(180)
        if ctx.hand_marks:
            for box in render.marker_boxes(pdf, MARK):
                render.handwritten_mark(image, box, rng)
        if style == 0:
            header = f"FROM: {f.referrer.practice.upper()}  {sender_fax}   TO: {ctx.w.phone(f.receiver_fax, 2)}   {when}   P.{number:03d}/{total:03d}"  # noqa: E501
        elif style == 1:
            header = f"{when}   {sender_fax}   {f.referrer.practice}   PAGE {number} OF {total}"
        else:
            header = (
                f"{when}  FAX {sender_fax}  -> {ctx.w.phone(f.receiver_fax, 0)}  p{number}/{total}"  # noqa: E501
            )
        images.append(render.fax_degrade(image, header, rng, standard))
    kind = rng.choices(("pdf", "tiff", "png", "jpeg"), (45, 25, 15, 15))[0]
    if kind == "pdf":
        return [PacketFile(f"{stem}-fax.pdf", render.images_pdf(images), "application/pdf")]
    if kind == "tiff":
        data = render.images_tiff(images, bilevel=rng.random() < 0.5)
        return [PacketFile(f"{stem}-fax.tif", data, "image/tiff")]
    content_type = "image/png" if kind == "png" else "image/jpeg"
    ext = "png" if kind == "png" else "jpg"
    return [
        PacketFile(f"{stem}-p{i}.{ext}", render.image_file(image, kind), content_type)
        for i, image in enumerate(images, start=1)
    ]
