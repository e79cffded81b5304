"""Check boxes as OCR reads them: the one box of a row that does not read as an empty box.

A typed "[X]" is read by the patterns of each field. A box ticked by hand and then faxed
reads as anything ("x Female", "[J Routine", "JS Female", the box lost under the stroke),
while the empty boxes of the same row still read as empty ones ("[ ]", "{ ]", "[]"). So
among the options of one row, if every option but one stands after an empty box, that one
is the ticked one. Two or more that differ, or none, and nothing is concluded.
"""

import re
from collections.abc import Iterable

# An empty box as OCR reads one: a bracket, maybe a space or a stray bar, a bracket.
_EMPTY = re.compile(r"^[\[({|][\[\](){}|l1]{0,2}[\])}|]$|^[☐□○◯❏]$")


# A box's right or left half alone: what OCR leaves of an empty box as often as of a ticked one.
_HALF_BOX = re.compile(r"^[\[\](){}|]$")


def odd_one_out(text: str, options: re.Pattern[str]) -> str | None:
    """The option word of ``text`` whose mark is the only one that is not an empty box.

    ``options`` matches the option words, in a group named ``word``.
    """
    odd = _odd_one(text, options)
    return odd[0] if odd else None


def odd_one_is_half_a_box(text: str, options: re.Pattern[str]) -> bool:
    """Whether the odd one out stands after half a box and no stroke ("]  Routine"): OCR
    drops a bracket of an empty box as often as a tick takes one, so it may be no tick."""
    odd = _odd_one(text, options)
    if odd is None:
        return False
    tokens = text[: odd[1]].split()
    # "gency.  ] Routine": the bracket alone, a word (no stroke) before it
    return (
        bool(tokens)
        and _HALF_BOX.match(tokens[-1]) is not None
        and (len(tokens) == 1 or len(tokens[-2]) > 2)
    )


def _odd_one(text: str, options: re.Pattern[str]) -> tuple[str, int] | None:
    """The odd option's word and where it starts."""
    found = list(options.finditer(text))
    # "x Female": a lone letter right before an option is the tick, not an option ("X")
    found = [
        m
        for i, m in enumerate(found)
        if not (
            len(m["word"]) == 1
            and i + 1 < len(found)
            and not text[m.end() : found[i + 1].start()].strip()
        )
    ]
    # "Expedited / urgent", "Urgent (within 1 week)": words of one option, under one box
    found = [
        m
        for i, m in enumerate(found)
        if i == 0 or not re.fullmatch(r"\s*(?:/|or|,|\()\s*", text[found[i - 1].end() : m.start()])
    ]
    if len(found) < 2:
        return None
    marks = []
    previous_end = 0
    for match in found:
        before = text[previous_end : match.start()].split()
        # the mark is what stands right before the word: the last one or two tokens
        two = len(before) >= 2 and len(before[-1]) == 1
        mark = "".join(before[-2:]) if two else "".join(before[-1:])
        marks.append(mark)
        previous_end = match.end()
    empty = [bool(_EMPTY.match(m)) for m in marks]
    if sum(empty) != len(found) - 1:
        return None
    odd = found[empty.index(False)]
    return odd["word"], odd.start()


_LETTERS = re.compile(r"[A-Za-z]{4,}")


def with_misread_options(text: str, words: Iterable[str]) -> str:
    """``text`` with an option word a hand tick crossed read as that word: OCR misreads a
    letter of it and may glue the tick on ("i Amate", "S<1Mate" for "Male"). A run of letters
    ending one letter away from exactly one of ``words`` (four letters or more) that the text
    does not already hold is taken for it; any other text is left as it is."""
    absent = [w for w in words if len(w) >= 4 and not re.search(rf"(?i)\b{w}\b", text)]

    def mended(match: re.Match[str]) -> str:
        run = match.group(0)
        near = [w for w in absent if len(run) >= len(w) and _one_off(run[-len(w) :], w)]
        if len(near) != 1:
            return run
        word = near[0]
        head, tail = run[: -len(word)], run[-len(word) :]
        return head + (word.capitalize() if head or tail[0].isupper() else word)

    return _LETTERS.sub(mended, text)


def _one_off(read: str, word: str) -> bool:
    return sum(a != b for a, b in zip(read.lower(), word.lower(), strict=True)) == 1


# A box as a form prints it, ticked or not.
_TICKED = r"[\[(]\s*[xX✓✔✗✘*]\s*[\])]|[☒☑✔✓■▣⊠✗✘]"
_UNTICKED = r"[\[(]\s*[\])]|[☐□○◯❏]"
_MARK = re.compile(rf"(?P<ticked>{_TICKED})|(?P<empty>{_UNTICKED})")


def options(text: str) -> list[tuple[bool, str]] | None:
    """The options of a row of printed boxes ("[X] Standard [ ] Expedited / urgent"): each
    box's text, up to the next box, and whether it is ticked; None without two boxes."""
    marks = list(_MARK.finditer(text))
    if len(marks) < 2:
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [
        (m["ticked"] is not None, text[m.end() : end].strip())
        for m, end in zip(marks, ends, strict=True)
    ]


# An empty box's side OCR read as a bar ("[ |", "{ |", "| |", "{| |", "[| ]", "{|"): a word
# of its own, of brackets and at least one bar, before a word. One bar between words
# ("Dx | I10") is no box, nor are two ("a || b").
_BARRED_BOX = (
    r"(?:(?<=\s)|^)(?!\|\|)"
    r"(?:[\[({|]\|?\s?\||\|\s?[\])}]|[\[({]\|\s?[\])}])"
    r"(?=\s|[A-Z0-9])"
)
# A box of a printed list, as typed or as OCR reads an empty one ("{ ]", "( ]", "[ |").
_LIST_MARK = re.compile(
    rf"(?P<ticked>{_TICKED})|(?P<empty>{_UNTICKED}|[\[({{]\s*[\])}}]|{_BARRED_BOX})"
)


def without_unticked(text: str) -> str:
    """``text`` less what stands after an empty box, up to the next box: "[ ] K92.1 Melena
    [X] R00.2 Palpitations" keeps "R00.2 Palpitations" (a printed list's options not asked
    for). Text before the first box, and text without boxes, is kept as it is."""
    marks = list(_LIST_MARK.finditer(text))
    if not marks:
        return text
    ends = [m.start() for m in marks[1:]] + [len(text)]
    kept = [text[: marks[0].start()]]
    kept += [text[m.end() : end] for m, end in zip(marks, ends, strict=True) if m["ticked"]]
    return " ".join(part.strip() for part in kept if part.strip())
