"""Reading order for a page's words (OCR'd, or a PDF's text layer): its columns and cells.

Tesseract, asked for one column of text, reads straight across the page, so a form's
label row and the value row under it come out as two lines ("FAMILY NAME FIRST NAME DOB" /
"Fitzgerald Yolanda 12/16/48"), and two blocks side by side (a chart header with the
patient on the left and the address on the right) come out interleaved; a PDF's text layer
runs a table row's cells together and breaks the row where a cell wraps. Here the words'
boxes say where the columns are:

- a line cut by wide gaps into *segments* (a gap wider than the page's text height);
- a **label row**, a line whose every segment is a bare label ("FAMILY NAME", "DOB"), is
  followed by its values: each label is written with the value segments under it, the
  way the cells of a grid read;
- a **caption row**, a line of bare labels in smaller type close under a line of values that
  stand in its cells ("Peña  Ana  3/4/1961" over "Last name  First name  Date of birth"), is
  the values' labels printed under them: each label is written with the value above it;
- a run of close lines whose segments start at the same few places is a set of **side by
  side blocks**: written column by column, unless its first column is labels and the
  rest their values (a key/value table reads row by row, a wrapped cell's lines joined).

Everything else reads one line at a time, its segments two spaces apart. Pure: words in,
text out.
"""

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from statistics import median

from app.pipeline.grid import KEY_NOISE, read_grid
from app.pipeline.lines import Box, Line, Segment
from app.pipeline.lines import lines as read_lines
from app.pipeline.trailing_labels import label_first, reversed_pairs

# Lines further apart than this many text heights are not one block.
BLOCK_LEAD = 1.6
# A cell's second line follows its first closer than this.
CELL_LEAD = 1.0
# A side column: this many lines start at its edge, beside this many lines of prose (this
# many words or more) on its left.
SIDE_LINES = 8
SIDE_PROSE = 3
SIDE_PROSE_WORDS = 6
# Prose wraps at a column's edge: its lines run to within this many text heights of it.
SIDE_WRAP = 4
# A caption is printed smaller than the value it labels: at most this share of its height.
CAPTION_SIZE = 0.85
# A row of cells stands this many text heights or less over its captions (measured from the
# letters' ink: a row in capitals has no descenders).
CAPTION_LEAD = 2.0
# Two gaps this many text heights apart or less are as wide as each other.
CAPTION_TIE = 0.25


def arrange(
    boxes: Sequence[Box],
    is_label: Callable[[str], bool],
    is_party: Callable[[str], bool] = lambda text: False,
    rules: Sequence[Box] = (),
    leaders: Sequence[Box] = (),
) -> str:
    """The page's text in reading order, one line per line (or cell) of the page;
    ``is_party`` tells a heading that names a party ("PATIENT", "COVERAGE"); ``rules`` are
    runs of dashes drawn on the page (not part of its text), which may underline captions;
    ``leaders`` are its dot leaders, which may lead from a value to its label."""
    words = [b for b in boxes if b.text.strip()]
    if not words:
        return ""
    unit = median(w.height for w in words)
    lines = read_lines(words, unit)
    captions = _dashed_captions(lines, rules, unit)
    split = _side_column(lines, unit) or _cards_side_by_side(lines, unit, is_party)
    if split is not None:
        # before the columns, the body column, the side column, after them
        first, last, x = split
        body = [w for line in lines[first : last + 1] for w in line.words if w.x0 < x]
        side = [w for line in lines[first : last + 1] for w in line.words if w.x0 >= x]
        parts = (
            [w for line in lines[:first] for w in line.words],
            body,
            side,
            [w for line in lines[last + 1 :] for w in line.words],
        )
        texts = (arrange(part, is_label, is_party, rules, leaders) for part in parts)
        return "\n".join(t for t in texts if t)
    trailing = reversed_pairs(lines, leaders, unit, is_label)
    out: list[str] = []
    i = 0
    captioned = -2  # the value line of the last caption row read
    while i < len(lines):
        line = lines[i]
        if i in trailing:
            out.append(label_first(line))  # "ROE, JANE ...... Patient": "Patient  ROE, JANE"
            i += 1
            continue
        if i in captions:
            # "STREET  CITY  ST" over dashes over "12 ELM ST  ERIE  PA": each caption, its value
            out.extend(_cells(line, [lines[i + 1]], unit))
            i += 2
            continue
        grid = read_grid(lines, i, unit, is_label, is_party)
        if grid is not None:
            out.extend(grid[0])
            i += grid[1]
            continue
        labelled_above = (
            i - 1 > captioned + 1  # the line above is no caption row already read
            and _close(lines[i - 1], line, unit)
            # every value in a cell of it: a heading over a row ("Patient (please print)" over
            # "ROE  JANE") labels none of its cells
            and _start_at(line.segments, [s.x0 for s in lines[i - 1].segments], unit)
            # a label row, or one OCR read a label of wrongly ("SEX AT BIR  TEL  ADDRESS")
            and 2 * sum(is_label(s.text) for s in lines[i - 1].segments)
            >= len(lines[i - 1].segments)
        )
        # the row right after a caption row read is the form's next row, its captions under
        # it too, whatever the letters' heights and gaps ("3169 ELM ST" as tall as "Street")
        next_row = captioned >= 0 and captioned == i - 2
        # rows of cells and rows of labels in turn, a row of labels last: each caption row
        # is under its values, whatever the letters' heights (a "g" reaches lower than "ROE")
        cells = len(line.segments) >= 2 and _ends_in_captions(lines, i, unit, is_label)
        # a cell of the row wrapped onto lines of its own ("Catalpa Breast & Surgical" /
        # "Oncology") before the row's captions
        wraps = _wrapped(lines, i, unit, is_label)
        row = _with_wraps(line, lines[i + 1 : i + 1 + wraps])
        k = i + 1 + wraps  # the captions' line
        if (
            not labelled_above
            and k < len(lines)
            and _is_caption_row(row, lines[k], unit, is_label, sized=not (next_row or cells))
            and (
                next_row
                or k + 1 >= len(lines)
                or _nearer_above(row, lines[k], lines[k + 1], unit, len(line.segments))
            )
        ):
            # (a value under a label line that captions nothing is that label's, not the
            # caption's below it: "Phone / 555-0100 / Fax / 555-0101" reads downwards)
            out.extend(_cells(lines[k], lines[i:k], unit))
            captioned = k - 1
            i = k + 1
            continue
        label_row = _is_label_row(line, is_label) or _captions_over_a_row(lines, i, unit, is_label)
        if label_row and not _among_key_values(lines, i, unit, is_label):
            below = _values_under(lines, i, unit, is_label)
            out.extend(_cells(line, below, unit))
            i += 1 + len(below)
            continue
        block = _block(lines, i, unit, is_label, trailing)
        if len(block) >= 2:
            out.extend(_columns(block, unit, is_label))
            i += len(block)
            continue
        out.append("  ".join(s.text for s in line.segments))
        i += 1
    return "\n".join(out)


def _start_at(segments: Sequence[Segment], starts: list[int], unit: float) -> bool:
    """Whether every segment starts where one of ``starts`` does (within a text height)."""
    return all(any(abs(s.x0 - x) <= unit for x in starts) for s in segments)


def _dashed_captions(lines: list[Line], rules: Sequence[Box], unit: float) -> set[int]:
    """The lines that are a printout's column captions: dashes drawn under every caption,
    starting where it starts, and a line of values under the dashes."""
    found: set[int] = set()
    for i, (line, below) in enumerate(zip(lines, lines[1:], strict=False)):
        between = [r for r in rules if line.bottom <= r.middle <= below.top]
        if not between or below.top - line.bottom > 3 * BLOCK_LEAD * unit:
            continue
        starts = [r.x0 for r in between]
        if _start_at(line.segments, starts, unit) and _start_at(below.segments, starts, unit):
            found.add(i)
    return found


def _side_column(lines: list[Line], unit: float) -> tuple[int, int, int] | None:
    """A column beside the body text (a sidebar of particulars next to a letter's prose): the
    first and last of the lines it spans and the x where it starts, or None.

    It is a left edge where at least ``SIDE_LINES`` lines of a run start a segment, no word of
    the run crossing it, with prose wrapped at it on its left (``SIDE_PROSE`` lines of
    several words running up to it): a table's short labels before their values are no body
    text, so a key/value table stays row by row."""
    starts = sorted(s.x0 for line in lines for s in line.segments)
    if not starts:
        return None
    margin = starts[0]
    for x in sorted({x for x in starts if x > margin + 5 * unit}):
        run: list[int] = []
        best: list[int] = []
        for i, line in enumerate(lines):
            if any(w.x0 < x - unit / 4 and w.x1 > x - unit / 4 for w in line.words):
                best = max(best, run, key=len)
                run = []
            else:
                run.append(i)
        best = max(best, run, key=len)
        if not best:
            continue
        chosen = [lines[i] for i in best]
        side = sum(1 for line in chosen if any(abs(sg.x0 - x) <= unit / 2 for sg in line.segments))
        prose = sum(1 for line in chosen if _wraps_before(line, x, unit))
        if side >= SIDE_LINES and prose >= SIDE_PROSE:
            return best[0], best[-1], round(x - unit / 4)
    return None


def _cards_side_by_side(
    lines: list[Line], unit: float, is_party: Callable[[str], bool]
) -> tuple[int, int, int] | None:
    """Two cards side by side, each under a heading that names its party ("PATIENT" beside
    "REFERRING PROVIDER"): the first and last of their lines and the x where the right one
    starts, or None. Each card is a form of its own, its rows no rows of the other's (they
    drift apart where a cell wraps or stands empty), so each is read whole, left then right.
    The cards run from the headings' line down to a line crossing the gap between them or a
    gap between lines wider than between a form's rows."""
    for first, line in enumerate(lines):
        if len(line.segments) != 2 or not all(is_party(s.text) for s in line.segments):
            continue
        x = round(line.segments[1].x0 - unit / 4)
        last = first
        for below in lines[first + 1 :]:
            # (a form's rows stand as far apart as a row of cells from its captions)
            apart = below.top - lines[last].bottom > CAPTION_LEAD * unit
            if apart or any(w.x0 < x < w.x1 for w in below.words):
                break
            last += 1
        card = lines[first + 1 : last + 1]
        left = sum(1 for ln in card if any(w.x1 < x for w in ln.words))
        right = sum(1 for ln in card if any(w.x0 > x for w in ln.words))
        if min(left, right) >= 2:
            return first, last, x
    return None


def _wraps_before(line: Line, x: int, unit: float) -> bool:
    """Whether the line's text left of ``x`` is prose wrapped at the column's edge: several
    words, running to within a few text heights of it."""
    left = [sg for sg in line.segments if sg.x1 < x]
    words = " ".join(sg.text for sg in left).split()
    return len(words) >= SIDE_PROSE_WORDS and left[-1].x1 >= x - SIDE_WRAP * unit


def _close(upper: Line, lower: Line, unit: float) -> bool:
    return lower.top - upper.bottom <= BLOCK_LEAD * unit


def _is_label_row(line: Line, is_label: Callable[[str], bool]) -> bool:
    return len(line.segments) >= 2 and all(is_label(s.text) for s in line.segments)


def _captions_over_a_row(
    lines: list[Line], index: int, unit: float, is_label: Callable[[str], bool]
) -> bool:
    """A table's header row of short captions, most of them labels ("Payer name  Policy type
    Covered party ID  Group number"), over one row with a value under each caption."""
    line = lines[index]
    if len(line.segments) < 3 or index + 1 >= len(lines):
        return False
    below = lines[index + 1]
    starts = [s.x0 for s in line.segments]
    after = lines[index + 2] if index + 2 < len(lines) else None
    if (
        after is not None
        and _close(below, after, unit)
        and len(after.segments) >= 2
        and _start_at(after.segments, starts, unit)
    ):
        return False  # a grid of several rows (one coverage per row): the rows' to read
    return (
        all(_is_caption(s.text) for s in line.segments)
        and 3 * sum(is_label(s.text) for s in line.segments) >= 2 * len(line.segments)
        and _close(line, below, unit)
        and len(below.segments) == len(line.segments)
        and all(abs(s.x0 - x) <= unit for s, x in zip(below.segments, starts, strict=True))
    )


def _among_key_values(
    lines: list[Line], index: int, unit: float, is_label: Callable[[str], bool]
) -> bool:
    """A "label row" of two segments in a key/value table's columns, a neighbour row a label
    and its value at the same two places: it is a key and a value that reads like a label
    ("Plan  Priority Health"), not two labels over their values."""
    line = lines[index]
    if len(line.segments) != 2:
        return False
    starts = [s.x0 for s in line.segments]
    for j in (index - 1, index + 1):
        if not 0 <= j < len(lines):
            continue
        near = lines[j]
        if len(near.segments) != 2 or _is_label_row(near, is_label):
            continue
        close = _close(near, line, unit) if j < index else _close(line, near, unit)
        aligned = all(abs(a.x0 - b) <= unit for a, b in zip(near.segments, starts, strict=True))
        if close and aligned and is_label(near.segments[0].text):
            return True
    return False


def _is_caption_row(
    values: Line,
    captions: Line,
    unit: float,
    is_label: Callable[[str], bool],
    *,
    sized: bool = True,
) -> bool:
    """Whether ``captions`` labels the line above it: bare labels in smaller type, close
    under it (unless not ``sized``: a row of cells, as near as the form's rows), and every
    value of that line starting where a caption starts (its cell)."""
    if not all(is_label(s.text) for s in captions.segments) or any(
        is_label(s.text) for s in values.segments
    ):
        return False
    if sized and median(w.height for w in captions.words) > CAPTION_SIZE * median(
        w.height for w in values.words
    ):
        return False
    if captions.top - values.bottom > (BLOCK_LEAD if sized else CAPTION_LEAD) * unit:
        return False
    starts = [s.x0 for s in captions.segments]
    # each value stays in its cell: a line running on across the captions' columns
    # ("Attention: Valley Neurology  19-Nov-2026" over a header row) is no row of values
    return _start_at(values.segments, starts, unit) and not any(
        _past_its_cell(s, starts, unit) for s in values.segments
    )


def _ends_in_captions(
    lines: list[Line], index: int, unit: float, is_label: Callable[[str], bool]
) -> bool:
    """Whether the lines from ``index`` are rows of values and rows of labels in turn, close
    and in the same cells, that end with a row of labels: nothing under the last labels, so
    each row of labels captions the values above it. After two such pairs a row of values
    whose caption the lexicon does not know ("Tumor board date requested") ends them too: the
    form has shown which way its captions go."""
    j = index
    while j + 1 < len(lines):
        wraps = _wrapped(lines, j, unit, is_label)
        values = _with_wraps(lines[j], lines[j + 1 : j + 1 + wraps])
        j += wraps
        if j + 1 >= len(lines):
            return False
        labels = lines[j + 1]
        starts = [s.x0 for s in labels.segments]
        if (
            any(is_label(s.text) for s in values.segments)
            or labels.top - values.bottom > CAPTION_LEAD * unit
            or not _start_at(values.segments, starts, unit)
        ):
            return False
        if 2 * sum(is_label(s.text) for s in labels.segments) < len(labels.segments):
            return j - index >= 4
        after = lines[j + 2] if j + 2 < len(lines) else None
        if (
            after is None
            or after.top - labels.bottom > CAPTION_LEAD * unit
            or not _start_at(after.segments, starts, unit)
            or any(is_label(s.text) for s in after.segments)
        ):
            return True
        j += 2
    return False


def _wrapped(lines: list[Line], index: int, unit: float, is_label: Callable[[str], bool]) -> int:
    """How many lines after a row of cells at ``index`` carry on some of its cells: each
    close under the one before, fewer segments than the row, each starting where one of the
    row's cells does and ending before the next, none of them a label."""
    row = lines[index]
    if len(row.segments) < 2:
        return 0
    starts = [s.x0 for s in row.segments]
    count = 0
    for line in lines[index + 1 :]:
        above = lines[index + count]
        if (
            line.top - above.bottom > CELL_LEAD * unit
            or len(line.segments) >= len(row.segments)
            or not _start_at(line.segments, starts, unit)
            or any(_past_its_cell(s, starts, unit) or is_label(s.text) for s in line.segments)
        ):
            break
        count += 1
    return count


def _with_wraps(row: Line, wraps: Sequence[Line]) -> Line:
    """The row as one line reaching down over its cells' wrapped lines (its own segments)."""
    if not wraps:
        return row
    return Line(row.words + tuple(w for line in wraps for w in line.words), row.segments)


def _nearer_above(above: Line, line: Line, below: Line, unit: float, cells: int) -> bool:
    """Whether ``line`` stands nearer the line above it than the one below: a caption hugs
    its value's rule, a label above its value hugs the value. A row of several cells set as
    near (give or take a quarter of a text height) reads as the captions' values, since no
    label above labels them (the caller's check); a line of one may be a heading."""
    tie = CAPTION_TIE * unit if cells >= 2 else 0.0
    return line.top - above.bottom < below.top - line.bottom + tie


def _values_under(
    lines: list[Line], index: int, unit: float, is_label: Callable[[str], bool]
) -> list[Line]:
    """The value lines of the label row at ``index``: the next line, and the lines after it
    that continue its cells (a second address line), up to a gap or the next label row."""
    labels = lines[index]
    starts = [s.x0 for s in labels.segments]
    values: list[Line] = []
    for line in lines[index + 1 :]:
        above = values[-1] if values else labels
        if not _close(above, line, unit) or _is_label_row(line, is_label):
            break
        if len(line.segments) >= 2 and is_label(line.segments[0].text):
            break  # "Member ID  PH58646756": a key/value row of its own, not the cells' values
        if values and (
            line.top - values[-1].bottom > CELL_LEAD * unit
            or not _start_at(line.segments, starts, unit)
            or any(_past_its_cell(s, starts, unit) or is_label(s.text) for s in line.segments)
        ):
            break
        values.append(line)
    return values


def _past_its_cell(segment: Segment, starts: list[int], unit: float) -> bool:
    """A line running on past the start of the next column is no cell's wrapped line
    ("Reason for referral: knee pain" under a grid's first column)."""
    column = _column_of(segment, starts, unit)
    return column + 1 < len(starts) and segment.x1 > starts[column + 1] - unit


def _cells(labels: Line, values: list[Line], unit: float) -> list[str]:
    """Each label, then the values that start under it (before the next label starts).

    Segments of one line under one label are one line of its value: a gap inside a cell
    ("[ ] X  ] Unknown", where a hand tick took a box's place) does not end the cell's line.
    """
    starts = [s.x0 for s in labels.segments]
    under: list[list[str]] = [[] for _ in starts]
    for line in values:
        in_column: dict[int, list[str]] = {}
        for segment in line.segments:
            in_column.setdefault(_column_of(segment, starts, unit), []).append(segment.text)
        for column, parts in in_column.items():
            under[column].append("  ".join(parts))
    out: list[str] = []
    for label, texts in zip(labels.segments, under, strict=True):
        out.append(label.text)
        out.extend(texts)
    return out


def _column_of(segment: Segment, starts: list[int], unit: float) -> int:
    """The last column (by its left edge, left to right) that starts at or before the
    segment, give or take a text height; the first column for one further left."""
    return max((i for i, x in enumerate(starts) if x <= segment.x0 + unit), default=0)


def _block(
    lines: list[Line],
    start: int,
    unit: float,
    is_label: Callable[[str], bool],
    pairs: AbstractSet[int] = frozenset(),
) -> list[Line]:
    """The run of lines from ``start`` whose segments stand in the same columns, up to a line
    of ``pairs`` (a value and its label, which read together)."""
    first = lines[start]
    if len(first.segments) < 2:
        return [first]
    columns = [s.x0 for s in first.segments]
    block = [first]
    for index, line in enumerate(lines[start + 1 :], start + 1):
        if not _close(block[-1], line, unit) or _is_label_row(line, is_label) or index in pairs:
            break
        starts = [s.x0 for s in line.segments]
        aligned = [any(abs(x - c) <= unit for c in columns) for x in starts]
        if len(starts) >= 2 and sum(aligned) >= 2:
            block.append(line)
        elif len(starts) == 1 and aligned[0] and abs(starts[0] - columns[0]) > unit:
            block.append(line)  # a line of a right-hand column only
        elif len(starts) == 1 and aligned[0] and line.segments[0].x1 < min(columns[1:]) - unit:
            block.append(line)  # a line of the left-hand column only, short of the next one
        else:
            break
        columns.extend(x for x, ok in zip(starts, aligned, strict=True) if not ok)
    return block


def _table_rows(block: list[Line], unit: float) -> list[tuple[Segment, ...]]:
    """A key/value table's rows, a cell's wrapped lines joined to it: a line that starts right
    of the keys' column, close under a row, continues that row's cells ("8556 W Jefferson" /
    "St"), each of its segments the cell it stands under."""
    keys = block[0].segments[0].x0
    rows: list[list[Segment]] = []
    previous: Line | None = None
    for line in block:
        wraps = (
            previous is not None
            and line.segments[0].x0 - keys > unit
            and line.top - previous.bottom <= CELL_LEAD * unit
        )
        if wraps:
            row = rows[-1]
            starts = [s.x0 for s in row]
            for segment in line.segments:
                i = _column_of(segment, starts, unit)
                row[i] = Segment(
                    f"{row[i].text} {segment.text}", row[i].x0, max(row[i].x1, segment.x1)
                )
        else:
            rows.append(list(line.segments))
        previous = line
    return [tuple(row) for row in rows]


def _key_value(segments: tuple[Segment, ...], is_label: Callable[[str], bool]) -> list[str]:
    texts = [s.text for s in segments]
    if len(texts) >= 2 and is_label(texts[0]):
        texts[0] = texts[0].strip(KEY_NOISE)  # a table's rule read as a quote before the key
    return texts


# A caption of a table's column or row: a few words, no digits, no colon inside.
_CAPTION = re.compile(r"^[^\W\d_][^\d:]{0,40}$")


def _is_caption(text: str) -> bool:
    return _CAPTION.match(text) is not None and len(text.split()) <= 4


def _captions_beside(block: list[Line], unit: float, is_label: Callable[[str], bool]) -> bool:
    """A two-column table whose first column is short captions, one of them a label the
    lexicon knows ("Category of care / SEOC / Payer / Third party administrator"): a key/value
    table whose keys are mostly the form's own words, not two blocks side by side."""
    if any(len(line.segments) > 2 for line in block):
        return False
    # a line starting right of the keys is a value's wrapped line ("Author  Jo Roe, MD" /
    # "Valley Clinic")
    keys = block[0].segments[0].x0
    rows = [line for line in block if line.segments[0].x0 - keys <= unit]
    firsts = [line.segments[0].text for line in rows]
    return (
        len(firsts) >= 3
        and sum(len(line.segments) == 2 for line in rows) >= 2
        and any(is_label(text) for text in firsts)
        and all(_is_caption(text) for text in firsts)
    )


def _columns(block: list[Line], unit: float, is_label: Callable[[str], bool]) -> list[str]:
    """Side by side blocks column by column; a key/value table row by row."""
    firsts = [line.segments[0] for line in block if len(line.segments) >= 2]
    labelled = sum(is_label(s.text) for s in firsts) * 2 >= len(firsts)
    if firsts and (labelled or _captions_beside(block, unit, is_label)):
        # a key/value table: each row its label, a wide gap, its value ("DOB  01/02/1980")
        return ["  ".join(_key_value(row, is_label)) for row in _table_rows(block, unit)]
    starts: list[int] = []
    for x in sorted(s.x0 for line in block for s in line.segments):
        if not starts or x - starts[-1] > unit:
            starts.append(x)
    by_column: list[list[str]] = [[] for _ in starts]
    for line in block:
        for segment in line.segments:
            by_column[_column_of(segment, starts, unit)].append(segment.text)
    return [text for column in by_column for text in column]
