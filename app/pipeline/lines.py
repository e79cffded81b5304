"""A page's words as lines of text: words whose middles line up are a line, cut into
*segments* at gaps wider than the text's height and at a table's vertical rules (which OCR
reads as "|" words taller than the text, and which are dropped). Pure: boxes in, lines out.
"""

import re
from dataclasses import dataclass
from statistics import median

# A gap wider than this many text heights separates two segments of a line.
SEGMENT_GAP = 1.4
# What OCR makes of a table's vertical rule, and how much taller than the text the rule runs.
RULE_STROKES = "|_[]!"
RULE_HEIGHT = 1.5


@dataclass(frozen=True)
class Box:
    """One word as OCR read it, with its box in pixels (x0, y0 top left; x1, y1 bottom right)."""

    text: str
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def height(self) -> int:
        return max(1, self.y1 - self.y0)

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Segment:
    text: str
    x0: int
    x1: int


@dataclass(frozen=True)
class Line:
    words: tuple[Box, ...]
    segments: tuple[Segment, ...]

    @property
    def top(self) -> int:
        return min(w.y0 for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.y1 for w in self.words)


def lines(words: list[Box], unit: float) -> list[Line]:
    rows: list[list[Box]] = []
    for word in sorted(words, key=lambda w: w.middle):
        if rows:
            row = rows[-1]
            centre = median(w.middle for w in row)
            height = median(w.height for w in row)
            if abs(word.middle - centre) <= 0.5 * max(min(height, word.height), unit * 0.5):
                row.append(word)
                continue
        rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        words = [w for w in row if not _is_rule(w, unit)]
        if words:
            lines.append(Line(tuple(words), tuple(_segments(row, unit))))
    return lines


# The right half of a check box as OCR reads it after a tick: a closing bracket, maybe with
# a stroke of the tick before it ("]", "/]").
_BOX_CLOSED = re.compile(r"^[^\w\s\[(]?[\])]$")


def _is_rule(word: Box, unit: float) -> bool:
    """A table's vertical rule that OCR read as a word ("|", "_|"): rule strokes only, and
    taller than the text beside it (a typed "|" between two values is of the text's height)."""
    return (
        "|" in word.text and not word.text.strip(RULE_STROKES) and word.height > RULE_HEIGHT * unit
    )


def _segments(row: list[Box], unit: float) -> list[Segment]:
    """The line's words cut at wide gaps and at a table's rules; not before a box's closing
    bracket, which a cell does not start with: a hand tick over a box leaves a gap where the
    box's left half was ("Urgent [,   /] Routine")."""
    groups: list[list[Box]] = []
    cut = True
    for word in row:
        if _is_rule(word, unit):
            cut = True
        elif cut or (
            word.x0 - groups[-1][-1].x1 > SEGMENT_GAP * unit and not _BOX_CLOSED.match(word.text)
        ):
            groups.append([word])
            cut = False
        else:
            groups[-1].append(word)
    return [Segment(" ".join(w.text for w in g), g[0].x0, max(w.x1 for w in g)) for g in groups]
