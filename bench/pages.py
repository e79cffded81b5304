"""Page classification accuracy on the synthetic corpus, with the confusions.

    .venv/bin/python bench/pages.py [--packets 30] [--scanned 2] [--seed 0]

Reads ``--packets`` typed packets of every layout (text layer, quick) and ``--scanned``
faxed ones (OCR, about a second a page), classifies every page and compares with the
corpus's page types. The floor is the most frequent type (what "always say referral"
would score).
"""

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.pipeline.read import read_packet  # noqa: E402
from bench.corpus import generate, layouts  # noqa: E402
from models.document import PageType  # noqa: E402


def run(packets: int, seed: int, scanned: bool) -> Counter[tuple[PageType, PageType]]:
    pairs: Counter[tuple[PageType, PageType]] = Counter()
    for i in range(packets):
        for layout in layouts():
            packet = generate(seed + i, layout, scanned)
            pages = read_packet([(f.data, f.content_type) for f in packet.files])
            for page, truth in zip(pages, packet.page_types, strict=True):
                assert page.page_type is not None
                pairs[(truth, page.page_type)] += 1
    return pairs


def report(name: str, pairs: Counter[tuple[PageType, PageType]]) -> None:
    total = sum(pairs.values())
    if not total:
        return
    right = sum(n for (truth, got), n in pairs.items() if truth == got)
    by_truth = Counter[PageType]()
    for (truth, _), n in pairs.items():
        by_truth[truth] += n
    floor = by_truth.most_common(1)[0][1]
    print(f"{name}: {right}/{total} pages right = {right / total:.3f} (floor {floor / total:.3f})")
    for kind, n in sorted(by_truth.items()):
        ok = pairs[(kind, kind)]
        print(f"  {kind.value:15s} {ok:4d}/{n:<4d} {ok / n:.3f}")
    for (truth, got), n in sorted(pairs.items()):
        if truth != got:
            print(f"  confused: {truth.value} read as {got.value} x{n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=30, help="typed packets per layout")
    parser.add_argument("--scanned", type=int, default=2, help="scanned packets per layout")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report("typed", run(args.packets, args.seed, scanned=False))
    report("scanned", run(args.scanned, args.seed + 10_000, scanned=True))


if __name__ == "__main__":
    main()
