"""Extraction bench: the pipeline against the synthetic corpus's ground truth.

    .venv/bin/python bench/extraction.py --per-layout 4 --seed 1 --both [--misses 40]
    .venv/bin/python bench/extraction.py --per-layout 2 --dump /tmp/corpus   # look at them
    .venv/bin/python bench/extraction.py --per-layout 6 --holdout   # layouts nobody tuned on
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout third   # the third such set
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout fourth  # the fourth such set
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout fifth   # the fifth, written blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout sixth   # the sixth, written blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout seventh # the seventh, blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout eighth  # the eighth, blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout ninth   # the ninth, blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout tenth   # the tenth, blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout eleventh  # the eleventh, blind
    .venv/bin/python bench/extraction.py --per-layout 4 --holdout thirteenth  # the thirteenth

Generates N packets of every layout (typed PDFs and/or scanned faxes), reads each with the
pipeline (``app.pipeline.read.read_packet`` then ``app.pipeline.fields.extract``), and
prints field accuracy (typed / scanned, per field, per layout), page classification
accuracy, calibration (fields scored >= 0.9 and a reliability table), seconds per page on one
core and pages per minute with a process pool.

Scoring: a field is right when the extracted normalised value equals the truth (rules per
field in ``same``); a field the packet never states is right only if it comes back empty
with confidence 0; diagnosis codes compare as sets.
"""

import os

# One OCR thread per process: the figures are per core (set before tesseract is loaded).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import (  # noqa: E402
    Packet,
    eighth_layouts,
    eleventh_layouts,
    fifth_layouts,
    fourth_layouts,
    generate,
    holdout_layouts,
    layouts,
    ninth_layouts,
    seventh_layouts,
    sixth_layouts,
    tenth_layouts,
    third_layouts,
    thirteenth_layouts,
    twelfth_layouts,
)
from models.extraction import FIELD_PATHS, Extraction  # noqa: E402

BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)
HIGH = 0.9


# -- comparing one field --------------------------------------------------------------------


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = re.sub("[\u2018\u2019\u02bc`\u00b4]", "'", text)
    return " ".join(text.split())


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _loose(value: object) -> str:
    """Folded, punctuation dropped: "Apt. 12" == "apt 12", "St. Luke's" == "st lukes"."""
    return " ".join(re.sub(r"[^\w\s]", " ", _fold(value).replace("'", "")).split())


def _ident(value: object) -> str:
    return re.sub(r"[\s\-]", "", str(value)).upper()


def _person(value: object) -> str:
    """A provider's name without middle initials: "John A. Smith" == "John Smith"."""
    return " ".join(t for t in _loose(value).split() if len(t) > 1)


def _reason(truth: object, got: object) -> bool:
    t, g = _loose(truth), _loose(got)
    return bool(g) and (t in g or (g in t and len(g) >= 0.6 * len(t)))


_SAME: dict[str, Callable[[object], object]] = {
    "patient.firstName": _fold,
    "patient.lastName": _fold,
    "patient.email": _fold,
    "patient.address.line1": _loose,
    "patient.address.line2": _loose,
    "patient.address.city": _loose,
    "insurance.provider": _loose,
    "insurance.memberId": _ident,
    "insurance.groupNumber": _ident,
    "referrer.providerName": _person,
    "referrer.practiceName": _loose,
    "clinical.diagnosisCodes": lambda codes: frozenset(_ident(c) for c in codes),  # type: ignore[attr-defined]
}


def _value(v: object) -> object:
    return getattr(v, "value", v)  # enums → their value


def same(path: str, truth: object, got: object) -> bool:
    truth, got = _value(truth), _value(got)
    if path == "clinical.reason":
        return _reason(truth, got)
    norm = _SAME.get(path, lambda v: v)
    return norm(truth) == norm(got)


def _absent(value: object) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True)
class FieldScore:
    path: str
    right: bool
    confidence: float  # the extraction's confidence in the value it gave (0 when empty)
    stated: bool  # the truth has a value
    truth: object = None
    got: object = None


def score_fields(truth: Extraction, got: Extraction) -> list[FieldScore]:
    scores = []
    for path in FIELD_PATHS:
        t, g = truth.value_at(path), got.value_at(path)
        confidence = float(got.confidence.get(path, 0.0))
        if _absent(t):
            right = _absent(g) and confidence == 0.0
        else:
            right = not _absent(g) and same(path, t, g)
        given = confidence if not _absent(g) else 0.0
        scores.append(FieldScore(path, right, given, not _absent(t), _value(t), _value(g)))
    return scores


# -- running the pipeline ---------------------------------------------------------------------


@dataclass
class Outcome:
    layout: str
    scanned: bool
    seed: int
    pages: int
    seconds: float
    fields: list[FieldScore] = field(default_factory=list)
    page_types: list[tuple[str, str | None]] = field(default_factory=list)  # (truth, got)
    error: str | None = None


def _pipeline() -> tuple[Callable[..., Any], Callable[..., Any]]:
    try:
        from app.pipeline.fields import extract
        from app.pipeline.read import read_packet
    except ImportError as exc:
        sys.exit(
            f"bench.extraction: the pipeline is not here yet ({exc}). It needs "
            "app.pipeline.read.read_packet and app.pipeline.fields.extract: merge the "
            "`pipeline` and `fields` branches first. (--dump works without them.)"
        )
    return read_packet, extract


def run_one(packet: Packet) -> Outcome:
    read_packet, extract = _pipeline()
    outcome = Outcome(packet.layout, packet.scanned, packet.seed, len(packet.page_types), 0.0)
    started = time.process_time()  # CPU: steady whatever else runs on the machine
    try:
        pages = read_packet([(f.data, f.content_type) for f in packet.files])
        got = extract(pages)
    except Exception as exc:  # a packet the pipeline cannot read is scored as read empty
        outcome.seconds = time.process_time() - started
        outcome.error = f"{type(exc).__name__}: {exc}"
        pages, got = [], Extraction()
    else:
        outcome.seconds = time.process_time() - started
    outcome.fields = score_fields(packet.truth, got)
    got_types = [_value(p.page_type) for p in pages]
    outcome.page_types = [
        (str(t.value), str(got_types[i]) if i < len(got_types) else None)
        for i, t in enumerate(packet.page_types)
    ]
    return outcome


def _generate(args: tuple[int, str, bool]) -> Packet:
    return generate(*args)


# -- printing ---------------------------------------------------------------------------------


def _pct(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}%" if total else "    - "


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                                enumerate(zip(row, widths, strict=True))))  # fmt: skip
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def report(outcomes: list[Outcome]) -> None:
    kinds = [("typed", False), ("scanned", True)]
    present = [(name, s) for name, s in kinds if any(o.scanned == s for o in outcomes)]

    def acc(pred: Callable[[Outcome, FieldScore], bool]) -> tuple[int, int]:
        hits = [fs.right for o in outcomes for fs in o.fields if pred(o, fs)]
        return sum(hits), len(hits)

    rows = []
    for path in FIELD_PATHS:
        row: list[object] = [path]
        for _, s in present:
            r, n = acc(lambda o, fs, s=s, path=path: o.scanned == s and fs.path == path)
            stated = sum(
                fs.stated for o in outcomes if o.scanned == s for fs in o.fields if fs.path == path
            )
            row += [_pct(r, n), f"{stated}/{n}"]
        rows.append(row)
    total_row: list[object] = ["ALL FIELDS"]
    for _, s in present:
        r, n = acc(lambda o, fs, s=s: o.scanned == s)
        total_row += [_pct(r, n), f"{n}"]
    rows.append(total_row)
    header = ["field"] + [h for name, _ in present for h in (name, "stated")]
    _table("Field accuracy (stated = packets whose truth has the field)", header, rows)

    rows = []
    for name in sorted({o.layout for o in outcomes}):
        row = [name]
        for _, s in present:
            r, n = acc(lambda o, fs, s=s, name=name: o.scanned == s and o.layout == name)
            row.append(_pct(r, n))
        errors = sum(1 for o in outcomes if o.layout == name and o.error)
        packets = sum(1 for o in outcomes if o.layout == name)
        rows.append(row + [packets, errors])
    _table("Accuracy per layout (all fields)", ["layout"] + [n for n, _ in present]
           + ["packets", "failed"], rows)  # fmt: skip

    pairs = [(o.scanned, t, g) for o in outcomes for t, g in o.page_types]
    rows = []
    for page_type in sorted({t for _, t, _ in pairs}):
        row: list[object] = [page_type]
        for _, s in present:
            hits = [g == t for sc, t, g in pairs if sc == s and t == page_type]
            row.append(f"{_pct(sum(hits), len(hits))} of {len(hits)}")
        rows.append(row)
    all_row: list[object] = ["ALL PAGES"]
    for _, s in present:
        hits = [g == t for sc, t, g in pairs if sc == s]
        all_row.append(f"{_pct(sum(hits), len(hits))} of {len(hits)}")
    rows.append(all_row)
    _table("Page classification accuracy", ["page type"] + [n for n, _ in present], rows)
    confusion = Counter((t, g) for _, t, g in pairs if t != g)
    if confusion:
        print("  most confused (truth -> got): " + ", ".join(
            f"{t}->{g} x{c}" for (t, g), c in confusion.most_common(6)))  # fmt: skip

    rows = []
    for _, s in present:
        given = [fs for o in outcomes if o.scanned == s for fs in o.fields if fs.confidence > 0]
        high = [fs for fs in given if fs.confidence >= HIGH]
        rows.append([_, len(given), len(high), _pct(sum(f.right for f in high), len(high))])
    _table(f"Calibration: fields given a value, and those scored >= {HIGH}",
           ["kind", "given", f">= {HIGH}", "accuracy"], rows)  # fmt: skip
    rows = []
    given = [fs for o in outcomes for fs in o.fields if fs.confidence > 0]
    for lo, hi in zip(BUCKETS, BUCKETS[1:], strict=False):
        bucket = [fs for fs in given if lo <= fs.confidence < hi]
        if not bucket:
            continue
        mean = sum(f.confidence for f in bucket) / len(bucket)
        rows.append([f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}", len(bucket),
                     f"{mean:.3f}", _pct(sum(f.right for f in bucket), len(bucket))])  # fmt: skip
    _table("Reliability (all fields given a value)", ["confidence", "n", "mean", "accuracy"], rows)

    accents = Counter(
        fs.path
        for o in outcomes
        for fs in o.fields
        if not fs.right and isinstance(fs.truth, str) and isinstance(fs.got, str)
        and _fold(_without_accents(fs.truth)) == _fold(_without_accents(fs.got))
    )  # fmt: skip
    if accents:
        print(f"\n  wrong only by a lost accent (counted wrong above): {dict(accents)}")
    failed = [o for o in outcomes if o.error]
    for o in failed[:5]:
        print(f"  FAILED {o.layout} seed={o.seed} scanned={o.scanned}: {o.error}")


def misses(outcomes: list[Outcome], limit: int) -> None:
    """The wrong fields themselves, most confident first: what to look at next."""
    wrong = [(o, fs) for o in outcomes for fs in o.fields if not fs.right]
    wrong.sort(key=lambda pair: -pair[1].confidence)
    print(f"\nWrong fields ({len(wrong)}; showing {min(limit, len(wrong))}, most confident first)")
    for o, fs in wrong[:limit]:
        kind = "scanned" if o.scanned else "typed"
        print(f"  {o.layout}/{o.seed}/{kind} {fs.path}: truth={fs.truth!r} got={fs.got!r} "
              f"conf={fs.confidence:.2f}")  # fmt: skip


def floor_seconds(packet: Packet) -> float:
    """The floor for the same pages: pdfium's text layer, else bare Tesseract on the image
    (no clean-up, no classification, no field extraction)."""
    import pypdfium2 as pdfium
    from PIL import Image

    started = time.process_time()
    for f in packet.files:
        if f.content_type == "application/pdf":
            doc = pdfium.PdfDocument(f.data)
            for i in range(len(doc)):
                if not doc[i].get_textpage().get_text_bounded().strip():
                    _bare_ocr(doc[i].render(scale=200 / 72, grayscale=True).to_pil())
            doc.close()
        else:
            image = Image.open(io.BytesIO(f.data))
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                _bare_ocr(image.convert("L"))
    return time.process_time() - started


_tess: Any = None


def _bare_ocr(image: Any) -> str:
    global _tess
    if _tess is None:
        import tesserocr

        path = os.environ.get("TESSDATA_PREFIX") or os.path.join(sys.prefix, "share", "tessdata")
        _tess = tesserocr.PyTessBaseAPI(path=path, lang="eng", oem=tesserocr.OEM.LSTM_ONLY)
    _tess.SetImage(image)
    return str(_tess.GetUTF8Text())


def speed(outcomes: list[Outcome], floors: dict[bool, float] | None) -> None:
    rows = []
    for name, s in (("typed", False), ("scanned", True)):
        chosen = [o for o in outcomes if o.scanned == s]
        pages = sum(o.pages for o in chosen)
        if pages:
            seconds = sum(o.seconds for o in chosen)
            floor = f"{floors[s] / pages:.3f}" if floors else "-"
            rows.append([name, pages, f"{seconds / pages:.3f}", floor])
    _table(
        "CPU seconds per page, one core (OMP_THREAD_LIMIT=1); floor = text layer or bare Tesseract",
        ["kind", "pages", "s/page", "floor s/page"],
        rows,
    )


# -- main -------------------------------------------------------------------------------------


def dump(packets: list[Packet], root: Path) -> None:
    for p in packets:
        folder = root / f"{p.layout}-{p.seed}-{'scanned' if p.scanned else 'typed'}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in p.files:
            (folder / f.file_name).write_bytes(f.data)
        truth = {
            "layout": p.layout,
            "scanned": p.scanned,
            "seed": p.seed,
            "pageTypes": [t.value for t in p.page_types],
            "files": [{"fileName": f.file_name, "contentType": f.content_type} for f in p.files],
            "truth": p.truth.model_dump(mode="json", by_alias=True, exclude={"corrections"}),
        }
        (folder / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False))
    print(f"wrote {len(packets)} packets to {root}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-layout", type=int, default=3, help="packets per layout and kind")
    parser.add_argument("--seed", type=int, default=1)
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--typed", action="store_true", help="typed PDFs only")
    kind.add_argument("--scanned", action="store_true", help="scanned faxes only")
    kind.add_argument("--both", action="store_true", help="typed and scanned (default)")
    parser.add_argument("--layout", action="append", help="only this layout (repeatable)")
    parser.add_argument("--holdout", nargs="?", const="first",
                        choices=("first", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                                 "ninth", "tenth", "eleventh", "twelfth", "thirteenth",
                                 "all"),
                        help="only the held-out layouts (kept out of tuning): the first nine "
                        "(default), the third to thirteenth sets, or all")  # fmt: skip
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="process pool for the throughput run (0: skip it)")  # fmt: skip
    parser.add_argument("--dump", type=Path, help="write the packets' files and truth here")
    parser.add_argument("--misses", type=int, default=0, help="print this many wrong fields")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-engine floor")
    args = parser.parse_args(argv)

    kinds = [False] if args.typed else [True] if args.scanned else [False, True]
    held = {
        "first": holdout_layouts(),
        "third": third_layouts(),
        "fourth": fourth_layouts(),
        "fifth": fifth_layouts(),
        "sixth": sixth_layouts(),
        "seventh": seventh_layouts(),
        "eighth": eighth_layouts(),
        "ninth": ninth_layouts(),
        "tenth": tenth_layouts(),
        "eleventh": eleventh_layouts(),
        "twelfth": twelfth_layouts(),
        "thirteenth": thirteenth_layouts(),
        "all": [
            *holdout_layouts(),
            *third_layouts(),
            *fourth_layouts(),
            *fifth_layouts(),
            *sixth_layouts(),
            *seventh_layouts(),
            *eighth_layouts(),
            *ninth_layouts(),
            *tenth_layouts(),
            *eleventh_layouts(),
            *twelfth_layouts(),
            *thirteenth_layouts(),
        ],
    }
    names = args.layout or (held[args.holdout] if args.holdout else layouts())
    jobs = [
        (args.seed * 100_003 + i, name, scanned)
        for scanned in kinds
        for name in names
        for i in range(args.per_layout)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(max(1, args.workers)) as pool:
        packets = list(pool.map(_generate, jobs))
    pages = sum(len(p.page_types) for p in packets)
    print(f"generated {len(packets)} packets, {pages} pages "
          f"({time.perf_counter() - started:.1f}s)")  # fmt: skip
    if args.dump:
        dump(packets, args.dump)
    _pipeline()

    # Accuracy and seconds per page: one packet after another, in this process.
    outcomes = [run_one(p) for p in packets]
    report(outcomes)
    if args.misses:
        misses(outcomes, args.misses)
    floors = None
    if not args.no_floor:
        floors = {False: 0.0, True: 0.0}
        for p in packets:
            floors[p.scanned] += floor_seconds(p)
    speed(outcomes, floors)

    if args.workers:
        started = time.perf_counter()
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(run_one, packets))
        wall = time.perf_counter() - started
        print(
            f"\nThroughput: {pages} pages in {wall:.1f}s with {args.workers} worker processes"
            f" = {60 * pages / wall:.1f} pages/minute (os.cpu_count()={os.cpu_count()})"
        )


if __name__ == "__main__":
    main()
