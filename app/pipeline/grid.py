"""A grid whose columns are parties: row labels down the left, party headings across the top.

    (corner)   PATIENT            REFERRING PROVIDER       COVERAGE
    Name       Jane Doe           Ann Lee, MD              Aetna
    ID         64337034           1258810203               W123456789
    Phone      555-201-3344       555-201-9000

A cell means its row's label *of* its column's party: the "ID" under the provider is her NPI,
under the coverage the member id. Read across, a row is a label followed by three values of
three people, and whichever the reader takes it takes by guess. So the grid is written
column by column, each party's heading and then its cells as ``label: value`` lines, the
way a form with one section per party reads; an empty cell writes nothing.

The columns are found from the words' boxes: each heading's column starts where the values
under it start (the values are left-aligned in their cells; a heading may be centred), and
a word belongs to the last column that starts at or before it. Pure: lines in, text out.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.pipeline.lines import Box, Line, Segment

# What OCR makes of a table's left rule in front of a key.
KEY_NOISE = "'‘’`|_—-., "
# Lines further apart than this many text heights are not one grid.
GRID_LEAD = 1.6
# A row label that ends in one of these goes on on the next line ("Organization /" / "group").
_JOINERS = ("/", "&", ",", "-", " and", " or")


@dataclass(frozen=True)
class _Row:
    label: str
    cells: tuple[tuple[str, ...], ...]  # per party column, the cell's lines


def read_grid(
    lines: Sequence[Line],
    index: int,
    unit: float,
    is_label: Callable[[str], bool],
    is_party: Callable[[str], bool],
) -> tuple[list[str], int] | None:
    """The grid whose heading line is ``lines[index]``, column by column, and how many lines
    it spans; None when the line heads no such grid."""
    header = lines[index]
    parties = [s for s in header.segments if is_party(s.text)]
    others = [s for s in header.segments if not is_party(s.text)]
    # every heading names a party, but for a corner cell over the row labels
    if len(parties) < 2 or len(others) > 1 or (others and others[0].x0 > parties[0].x0):
        return None
    body = _body(lines, index + 1, unit)
    starts = _column_starts(body, parties, unit)
    if starts is None:
        return None
    # the grid ends at a line that runs across a column's edge (a note under the grid)
    crossing = [i for i, line in enumerate(body) if _crosses(line, starts, unit)]
    if crossing:
        body = body[: crossing[0]]
        starts = _column_starts(body, parties, unit)
    if starts is None or len(body) < 2:
        return None
    rows = _rows(body, starts, unit)
    labelled = [row for row in rows if row.label and any(row.cells)]
    if len(labelled) < 2 or 2 * sum(is_label(row.label) for row in labelled) < len(labelled):
        return None
    out: list[str] = []
    for column, party in enumerate(parties):
        out.append(party.text)
        for row in labelled:
            cell = " ".join(row.cells[column])
            if cell:
                out.append(f"{row.label.rstrip(' :')}: {cell}")
    return out, 1 + len(body)


def _body(lines: Sequence[Line], start: int, unit: float) -> list[Line]:
    """The lines under the headings, each close under the one above."""
    body: list[Line] = []
    above = lines[start - 1]
    for line in lines[start:]:
        if line.top - above.bottom > GRID_LEAD * unit:
            break
        body.append(line)
        above = line
    return body


def _column_starts(body: list[Line], parties: list[Segment], unit: float) -> list[int] | None:
    """Where each party's column starts: the start of the values under its heading (the
    furthest right cell start at or before the heading's own start), or the heading's."""
    cell_starts = sorted({s.x0 for line in body for s in line.segments})
    starts: list[int] = []
    for party in parties:
        before = [x for x in cell_starts if x <= party.x0 + unit / 2]
        start = min(max(before, default=party.x0), party.x0)
        if starts and start <= starts[-1] + unit:
            return None
        starts.append(start)
    return starts


def _crosses(line: Line, starts: list[int], unit: float) -> bool:
    return any(w.x0 < x - unit / 2 and w.x1 > x + unit / 2 for w in line.words for x in starts)


def _rows(body: list[Line], starts: list[int], unit: float) -> list[_Row]:
    """The grid's rows: a line with a row label starts one, a line without continues the
    cells of the one above (a wrapped address), as does the rest of a label cut after a
    joining word or sign ("Organization /" / "group")."""
    labels: list[list[str]] = []
    cells: list[list[list[str]]] = []
    for line in body:
        label_words: list[str] = []
        row_cells: list[list[str]] = [[] for _ in starts]
        for word in line.words:
            column = _column_of(word, starts, unit)
            if column < 0:
                label_words.append(word.text)
            else:
                row_cells[column].append(word.text)
        label = " ".join(label_words).lstrip(KEY_NOISE)
        continues = bool(labels) and (
            not label or (bool(labels[-1]) and labels[-1][-1].endswith(_JOINERS))
        )
        if continues:
            if label:
                labels[-1].append(label)
            for column, words in enumerate(row_cells):
                if words:
                    cells[-1][column].append(" ".join(words))
        else:
            labels.append([label] if label else [])
            cells.append([[" ".join(words)] if words else [] for words in row_cells])
    return [
        _Row(" ".join(label), tuple(tuple(c) for c in row_cells))
        for label, row_cells in zip(labels, cells, strict=True)
    ]


def _column_of(word: Box, starts: list[int], unit: float) -> int:
    """The party column the word stands in, or -1 for the row labels' column."""
    return max((i for i, x in enumerate(starts) if x <= word.x0 + unit / 2), default=-1)
