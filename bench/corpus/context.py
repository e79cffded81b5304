"""What every page renderer gets: the facts, the packet's writing habits, and its dice."""

import random
from dataclasses import dataclass

from bench.corpus.people import Facts
from bench.corpus.writing import Writer, esc

# A checked box on a scan is drawn by hand: the renderer writes this marker, invisible, where
# the pen mark goes, and the scanner finds it in the page's text and draws over it.
MARK = "qzq"


@dataclass
class Ctx:
    f: Facts
    w: Writer
    rng: random.Random
    scanned: bool
    hand_marks: bool  # checked boxes drawn by hand (scans only)

    def box(self, checked: bool, label: str) -> str:
        if not checked:
            return f"[&nbsp;&nbsp;] {esc(label)}"
        if self.hand_marks:
            return f"[<font color='#ffffff'>{MARK}</font>] {esc(label)}"
        return f"[X] {esc(label)}"

    def phone(self, e164: str | None) -> str:
        return esc(self.w.phone(e164)) if e164 else ""

    def dob(self) -> str:
        return esc(self.w.dob(self.f.dob))

    def described(self) -> dict[str, str]:
        return dict(self.f.reason.codes)

    def address_lines(self) -> tuple[str, str]:
        a = self.f.address
        if a is None:
            return "", ""
        line = a.line1 + (f", {a.line2}" if a.line2 else "")
        return esc(line), esc(f"{a.city}, {a.state} {a.zip}")
