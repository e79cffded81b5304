"""Seconds per scanned page on one core: our ``read_page`` against the bare Tesseract call.

    .venv/bin/python bench/ocr.py [--packets 2] [--seed 100]

For ``--packets`` scanned faxes of every corpus layout, every page is read twice:
- ours: ``read_page`` as the worker calls it (decode or render, clean up, OCR, words);
- floor: one ``tesserocr`` call with the same model on the same page image, as decoded,
  with Tesseract's defaults and nothing else: the least any OCR of that page costs.
Times are CPU seconds of this process (``OMP_THREAD_LIMIT=1``, so one core), which the
other work on a shared machine does not inflate; wall seconds are printed beside them.
Quality is word accuracy against the text the page was typed from (the corpus renders
each page from a typed PDF before faxing it; its text layer is the truth), the fax header
line left out, and the share of the packet's true field values found in the text.
"""

import argparse
import difflib
import io
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2 as pdfium  # noqa: E402
import tesserocr  # noqa: E402
from PIL import Image  # noqa: E402

from app.pipeline import files, read, tesseract  # noqa: E402
from app.pipeline.text import text_layer  # noqa: E402
from app.pipeline.types import Limits  # noqa: E402
from bench.corpus import Packet, generate, layouts, render  # noqa: E402

LIMITS = Limits()


@dataclass
class Tally:
    pages: int = 0
    cpu: float = 0.0
    wall: float = 0.0
    accuracy: float = 0.0
    found: list[bool] = field(default_factory=list)

    def add(self, cpu: float, wall: float, accuracy: float) -> None:
        self.pages += 1
        self.cpu += cpu
        self.wall += wall
        self.accuracy += accuracy

    def line(self, name: str) -> str:
        n = max(self.pages, 1)
        recall = sum(self.found) / max(len(self.found), 1)
        return (
            f"{name:6s} {self.cpu / n:5.2f} s/page CPU  {self.wall / n:5.2f} s/page wall  "
            f"word accuracy {self.accuracy / n:.3f}  field values found {recall:.3f}"
        )


def typed_texts(seed: int, layout: str) -> tuple[Packet, list[str]]:
    """The packet, and the text of each of its pages as typed (before the fax)."""
    typed: list[bytes] = []
    original = render.html_page_pdf

    def keep(*args: object, **kwargs: object) -> bytes:
        pdf = original(*args, **kwargs)  # type: ignore[arg-type]
        typed.append(pdf)
        return pdf

    render.html_page_pdf = keep  # type: ignore[assignment]
    try:
        packet = generate(seed, layout, scanned=True)
    finally:
        render.html_page_pdf = original  # type: ignore[assignment]
    texts = []
    for pdf in typed:
        doc = pdfium.PdfDocument(pdf)
        page = doc[0]
        texts.append(text_layer(page).text)
        page.close()
        doc.close()
    return packet, texts


def page_images(data: bytes) -> list[Image.Image]:
    """Each page as ``read_page`` sees it before cleaning it up."""
    kind = files.sniff(data)
    if kind == files.PDF:
        doc = pdfium.PdfDocument(data)
        images = []
        for index in range(len(doc)):
            page = doc[index]
            images.append(read._render(page, LIMITS)[0])
            page.close()
        doc.close()
        return images
    image = Image.open(io.BytesIO(data))
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(image.copy())
    return frames


def word_accuracy(truth: str, text: str) -> float:
    """Share of the typed words read, in order (header line of the fax left out)."""
    expected, got = truth.split(), text.split("\n", 1)[-1].split()
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(expected), 1)


def truth_values(packet: Packet) -> list[str]:
    t = packet.truth
    values = [
        t.patient.first_name,
        t.patient.last_name,
        t.insurance.member_id,
        t.insurance.group_number,
        t.referrer.npi,
    ]
    phones = [t.patient.phone, t.referrer.phone, t.referrer.fax]
    return [v for v in values if v] + [p[-10:] for p in phones if p]


def found(values: list[str], text: str) -> list[bool]:
    digits = "".join(c for c in text if c.isdigit())
    return [(v in digits) if v.isdigit() else (v.casefold() in text.casefold()) for v in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=2, help="scanned packets per layout")
    parser.add_argument("--seed", type=int, default=100)
    args = parser.parse_args()

    floor_api = tesserocr.PyTessBaseAPI(path=tesseract.tessdata_path(), lang="eng")
    ours, floor = Tally(), Tally()
    read.read_page(*_warm_up(), 0, number=1)  # load the model outside the timings
    for seed in range(args.seed, args.seed + args.packets):
        for layout in layouts():
            packet, truths = typed_texts(seed, layout)
            our_text, floor_text = [], []
            page = 0
            for file in packet.files:
                images = page_images(file.data)
                for index, image in enumerate(images):
                    cpu, wall = time.process_time(), time.perf_counter()
                    result = read.read_page(file.data, file.content_type, index, number=page + 1)
                    ours.add(
                        time.process_time() - cpu,
                        time.perf_counter() - wall,
                        word_accuracy(truths[page], result.text),
                    )
                    cpu, wall = time.process_time(), time.perf_counter()
                    floor_api.SetImage(image)
                    text = floor_api.GetUTF8Text()
                    floor.add(
                        time.process_time() - cpu,
                        time.perf_counter() - wall,
                        word_accuracy(truths[page], text),
                    )
                    our_text.append(result.text)
                    floor_text.append(text)
                    page += 1
            values = truth_values(packet)
            ours.found += found(values, "\n".join(our_text))
            floor.found += found(values, "\n".join(floor_text))
    print(f"{ours.pages} scanned pages, {args.packets} packets per layout, one core")
    print(ours.line("ours"))
    print(floor.line("floor"))


def _warm_up() -> tuple[bytes, str]:
    image = Image.new("L", (200, 60), 255)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), "image/png"


if __name__ == "__main__":
    main()
