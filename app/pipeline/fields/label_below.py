"""What stands under a bare label, or after it across a line: the value's lines (a wrap, a
list of diagnoses each opening with its code), the cells of a stretch of a line, and whether
a line is the first value under a run of bare labels. Pure: lines in, text out.
"""

import re

from app.pipeline.fields import icd10
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.lexicon import is_label, section_of


def split_cells(text: str) -> list[str]:
    """The cells of a stretch of a line: what wide gaps (or a tab) part."""
    return [cell for cell in re.split(r"\s{2,}|\t", text) if cell.strip(" |;,:-_")]


# "9 9 3 0 1 2 4 6 7 P": a form's character boxes, one letter or digit to a box.
_CHARACTER_BOXES = re.compile(r"(?<!\S)[A-Za-z0-9](?: [A-Za-z0-9]){3,}(?!\S)")


def clean_value(value: str) -> str:
    """A value as read, its character boxes closed up and its rules and underlines dropped."""
    value = _CHARACTER_BOXES.sub(lambda m: m.group(0).replace(" ", ""), value)
    value = re.sub(r"_{2,}", " ", value)
    # a cell's underline or rule read by OCR after the value: "Capital Blue Cross —_"
    return " ".join(value.replace("\t", " ").split()).strip(" |;,:-_\u2014\u2013")


def column_block(lines: list[str], index: int) -> list[tuple[int, str]]:
    """The lines from ``index`` (their numbers and text) up to the next label or heading."""
    block: list[tuple[int, str]] = []
    for j in range(index, len(lines)):
        text = lines[j].strip()
        if text and (find_labels(text) or section_of(text) is not None):
            break
        if text:
            block.append((j, text))
    return block


def after_a_gap(line: str, start: int) -> bool:
    """Whether a label starts a cell after a wide gap, not the line's first cell."""
    before = line[:start]
    return bool(before.strip()) and re.search(r"(?:\s{2,}|\t)$", before) is not None


def in_label_run(lines: list[str], index: int, bare_lines: list[int]) -> bool:
    """ "Sex at birth: / Mobile: / E-mail: / Address:" then their values: the line under the
    last of a run of bare labels is the first value of the column, not the last label's.

    Two bare labels make a run when exactly two value lines stand under them ("DOB: / PH: /
    3/6/00 / 1-609-553-8271": OCR read a two-column block one column after the other)."""
    above = [j for j in range(index - 1, -1, -1) if lines[j].strip()][:2]
    if len(above) == 2 and all(j in bare_lines for j in above):
        return True
    return bool(above) and above[0] in bare_lines and len(column_block(lines, index + 1)) == 2


_CODE_START = re.compile(r"^\s*[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


# A code in brackets ending a diagnosis's words: "… of colon (Z12.11)", "… [E11.9]".
_CODE_IN_BRACKETS = re.compile(r"[(\[][A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?[)\]]")


def codes_below(lines: list[str], index: int) -> tuple[str, int] | None:
    """A list of diagnoses that runs on to the next lines, each starting with a code, or a
    line of them wrapped mid-diagnosis ("…; Family history of malignant" / "neoplasm of
    digestive organs (Z80.0)"): the words run on to a code in brackets, as the line's did."""
    taken: list[str] = []
    last = index
    wraps = _CODE_IN_BRACKETS.search(lines[index]) is not None and not re.search(
        r"[)\].;]\s*$", lines[index]
    )
    for j in range(index + 1, min(len(lines), index + 6)):
        wrapped = wraps and j == index + 1 and _CODE_IN_BRACKETS.search(lines[j]) is not None
        if not (_CODE_START.match(lines[j]) or wrapped) or find_labels(lines[j]):
            break
        taken.append(lines[j].strip())
        last = j
    return (" ".join(taken), last) if taken else None


# "Encounter for screening … [Z12.11]": a diagnosis listed under "Diagnoses", whatever label
# its first word looks like.
_ENDS_IN_CODE = re.compile(r"\[[A-Z0-9£€][0-9A-Z .]{2,9}\]\s*$")


# A form's row: a few words, a column's gap, a value ("Transport  Wheelchair").
_KEY_AND_VALUE = re.compile(r"^[^\W\d_][^\W\d_'/-]*(?: [^\W\d_'/-]+){0,2}(?:\s{2,}|\t)\S")


# A value cut short where its cell wrapped: it cannot end on "of", "and" or "&"
# ("BlueCross BlueShield of" / "Tennessee").
CUT_SHORT = re.compile(r"(?:\b(?:of|and|the|for)|&)\s*$", re.IGNORECASE)


def _leads_with_a_code(text: str) -> bool:
    """Whether a line opens with a code of ICD-10-CM: under "Diagnoses", the list's next
    line, whatever words its description holds ("E11.42 Type 2 diabetes mellitus")."""
    words = text.split(maxsplit=1)
    return bool(words) and icd10.is_code(words[0].rstrip(",;:"))


def value_below(
    lines: list[str], index: int, *, many: bool = False, gap: bool = True
) -> tuple[str, int] | None:
    """The line under a bare label if it is a value (no label of its own), else None."""
    taken: list[str] = []
    last = index
    # OCR puts a blank line between a label and the value under it
    for j in range(index + 1, min(len(lines), index + (8 if many else 3))):
        text = lines[j].strip()
        if not text:
            if taken or not (gap or many):
                break
            continue
        found = find_labels(text)
        if many and _leads_with_a_code(text):
            found = []  # "E11.42 Type 2 diabetes …": a code's description, no label in it
        if (found and len(text) > 1 and not (many and _ENDS_IN_CODE.search(text))) or (
            section_of(text) is not None or (not found and is_label(text))
        ):
            head = text[: found[0].start].strip() if found and not taken else ""
            one_cell = bool(head) and len(split_cells(head)) == 1 and not is_label(head)
            if one_cell and (after_a_gap(text, found[0].start) or (many and head.endswith("."))):
                # "Jo Roe, MD  NPI 1234567893" under "Requesting clinician": the first cell;
                # "Knee pain. Priority: Routine." under "Reason": the sentences before a label
                return clean_value(head), j
            break  # "F" alone under "Sex:" is a value, not the footer's "F" for fax
        if many and _KEY_AND_VALUE.match(text):
            # "Consult requested  Cardiology" under a heading is a form's row, not the
            # heading's text
            break
        taken.append(text)
        last = j
        if not many and not CUT_SHORT.search(text):
            break
    if not taken:
        return None
    return clean_value(" ".join(taken)), last
