"""Labels printed after their values, a dot leader between ("ROE, JANE ........ Patient").

Some forms set each value first and lead the eye along dots to its label on the right. Read
as they stand, such lines look like two columns side by side (values, then labels) and come
out as all the values, then all the labels. The leader itself says the two segments are one
pair; a run of such lines whose right-hand segments are labels (and left-hand ones are not)
is read label first, as the rest of the reader expects. Pure: lines and leader boxes in.
"""

from collections.abc import Callable, Sequence

from app.pipeline.lines import Box, Line


def reversed_pairs(
    lines: Sequence[Line],
    leaders: Sequence[Box],
    unit: float,
    is_label: Callable[[str], bool],
) -> set[int]:
    """The indices of the lines that are a value, a leader, then the value's label."""
    led = [i for i, line in enumerate(lines) if _led(line, leaders, unit)]
    found: set[int] = set()
    for run in _runs(led):
        pairs = [lines[i].segments for i in run]
        after = sum(is_label(right.text) and not is_label(left.text) for left, right in pairs)
        before = sum(is_label(left.text) for left, _ in pairs)
        # most of the run's labels on the right, and never fewer than those on the left: a
        # run of "Name ...... Jane" lines with one value that reads like a label stays as it is
        if after > before and 2 * after >= len(run):
            found.update(run)
    return found


def label_first(line: Line) -> str:
    left, right = line.segments
    return f"{right.text}  {left.text}"


def _led(line: Line, leaders: Sequence[Box], unit: float) -> bool:
    """Two segments with a leader running from the first to the second, on the line."""
    if len(line.segments) != 2:
        return False
    left, right = line.segments
    return any(
        line.top <= leader.middle <= line.bottom
        and leader.x0 >= left.x1 - unit
        and leader.x1 <= right.x0 + unit
        for leader in leaders
    )


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive indices grouped: the lines of one run of leaders."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
