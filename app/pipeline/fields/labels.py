"""Reading a page's labelled values: ``Label: value``, ``Label  value``, a label above its value.

A page is read line by line, each line as ``label_lines`` rewrites it. Every label on a line
(``label_find``) takes the text up to the next label as its value, or the line under it when
it stands bare. Headings ("PATIENT INFORMATION", "Referring Provider:") set the *section*,
which tells whose name, phone or address a generic label ("Name", "Phone") gives; header rows
of labels and columns of bare labels are handed on as ``Row``s, read by shape (``rows.py``).
What a label says, and whose, is the lexicon's (``lexicon.py``).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from app.pipeline.fields.label_below import (
    after_a_gap,
    clean_value,
    codes_below,
    column_block,
    in_label_run,
    split_cells,
    value_below,
)
from app.pipeline.fields.label_find import Label, find_labels, header_row
from app.pipeline.fields.label_lines import restore_garbled_labels, rewritten
from app.pipeline.fields.label_owner import for_party, owner_in, owner_in_row, someone_elses_phone
from app.pipeline.fields.lexicon import (
    OTHER,
    PATIENT,
    RECIPIENT,
    REFERRER,
    SECTION_START,
    in_lexicon,
    is_label,
    section_of,
)
from app.pipeline.types import PageText


@dataclass(frozen=True)
class Labeled:
    """One labelled value on a page."""

    kind: str
    owner: str | None  # patient, referrer, insurance, recipient, other, clinical; None: unknown
    owner_from_label: bool
    value: str
    page: int
    line: int
    hint: str = ""
    below: bool = False  # read from the line(s) under the label
    in_row: bool = False  # one column of a header row, matched to its value by shape
    guessed: bool = False  # its label was read from its words, not found in the lexicon
    # the label's value is the first of several cells across its line ("Phone  555-0100
    # 555-0199": a grid's row read across, whose columns' owners no heading names here)
    among_cells: bool = False


@dataclass(frozen=True)
class Row:
    """A header row of labels ("Patient Name Birthdate Sex Mobile") and the lines under it.

    Without column positions the values are matched to their labels by their shapes
    (``rows.py``)."""

    labels: tuple[tuple[str, str | None], ...]  # (kind, owner) per column, left to right
    lines: tuple[str, ...]
    page: int
    line: int  # of the first value line
    # A column of bare labels whose values OCR read after them all, in the same order.
    column: bool = False


# A name labelled this few lines before a birth date is the patient's.
_IDENTITY_REACH = 6


def _opens_a_text(line: str) -> bool:
    """ "Reason for Referral:" alone on its line is the label of the text under it."""
    labels = find_labels(line)
    return bool(labels) and labels[0].kind in ("reason", "complaint", "diagnosis")


def _heading_start(line: str) -> str | None:
    """A heading that also carries labels: ``PATIENT: Name: Jane Doe``."""
    text = line.strip()
    for pattern, owner in SECTION_START:
        match = pattern.match(text)
        if match and text[match.end() :].lstrip().startswith(":"):
            rest = text[match.end() :].lstrip()[1:]
            if find_labels(rest) and find_labels(rest)[0].start <= 2:
                return owner
    return None


# A letter's salutation names whom it is written to; its sign-off closes the sender's part.
SALUTATION = re.compile(r"^\s*(?:dear|hello|hi|to whom)\b", re.IGNORECASE)


SIGN_OFF = re.compile(
    r"^\s*(?:(?:with\s+)?(?:(?:best|kind|kindest|warm|warmest|many|sincere)\s+)?"
    r"(?:regards|wishes|thanks)|sincerely(?:\s+yours)?|yours\s+(?:sincerely|truly|faithfully)"
    r"|respectfully(?:\s+yours)?|thank\s+you(?:\s+(?:very\s+much|again))?|cordially|best"
    r"|gratefully)[,.!]?\s*$",
    re.IGNORECASE,
)


# (a name has no digits: "ADDRESS 12 Elm St Erie, PA 16584" ends in a state, not a credential)
_SIGNATURE = re.compile(
    r"^\s*(?:dr\.?\s+)?[^\W\d_](?:[^\W\d]|['.\- ]){2,40},?\s+"
    r"(?:md|do|np|pa-c|pa|fnp|dnp|mbbs|aprn)\b"
    r"(?!\s*:)|^\s*dr\.?\s+[^\W\d_][\w'.\- ]{2,40}\s*(?:\||,?\s+npi\b)",
    re.IGNORECASE,
)


# "O'SHAUGHNESSY, VESNA", "DELA ROSA, ANA M": a chart's way of writing the patient's name
_NAME_IN_CAPITALS = re.compile(
    r"^\s*[A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)?, [A-Z][A-Z'\-]+(?: [A-Z]\.?)?\s*$"
)
_CREDENTIAL_ALONE = re.compile(
    r"^\s*(?:md|m\.d\.|do|d\.o\.|np|pa-c|pa|fnp|dnp|mbbs|aprn)\s*$", re.IGNORECASE
)


def _bare_labels_over_values(
    lines: list[str], index: int, labels: list[Label]
) -> tuple[list[str], int] | None:
    """The value lines under a line of two or more labels ending in ':' with no values."""
    line = lines[index]
    if len(labels) < 2 or labels[0].start > len(line) - len(line.lstrip()) + 1:
        return None
    ends = [label.start for label in labels[1:]] + [len(line)]
    if any(clean_value(line[label.end : end]) for label, end in zip(labels, ends, strict=True)):
        return None
    if not all(":" in line[label.start : label.end] for label in labels):
        return None
    block = []
    for j in range(index + 1, min(len(lines), index + 3)):
        text = lines[j].strip()
        if not text or find_labels(text) or section_of(text) is not None:
            break
        block.append(text)
    cells = re.split(r"\s{2,}|\t", block[0]) if len(block) == 1 else []
    if len(cells) == len(labels):
        return cells, 1  # "LEE, KIM  5/12/2005": one value a label, as the gaps say
    return (block, len(block)) if block else None


def _row_block(lines: list[str], index: int) -> list[str]:
    block: list[str] = []
    for j in range(index + 1, min(len(lines), index + 6)):
        text = lines[j].strip()
        if not text or _worded_labels(text) or section_of(text) is not None or header_row(text):
            break
        block.append(text)
    return block


def _worded_labels(text: str) -> list[Label]:
    """The labels of a line but a letter's: under a header row "F  (814) 793-4363" is a
    sex's cell and a phone's, not a fax's label and its number."""
    return [label for label in find_labels(text) if len(text[label.start : label.end]) > 2]


# OCR reads a label's colon as a semicolon ("Tel; +1 608 421 0118"): a phrase where a label
# stands (a line's start, after a gap or a bar) then ";" and a value (not a clause after it).
_SEMICOLON_AFTER_LABEL = re.compile(
    r"(?P<lead>^\s*|\s{2,}|\|\s*)(?P<head>[A-Za-z][A-Za-z.#/]*(?: [A-Za-z.#/]+){0,3});"
    r"(?=\s+[^\sa-z])"
)


def _colon_for_semicolon(match: re.Match[str]) -> str:
    """The label's colon, when the phrase before the semicolon is a label."""
    if not is_label(match["head"]):
        return match.group(0)
    return f"{match['lead']}{match['head']}:"


# A pen form's writing line OCR read as an underscore glued to the word written on it or to
# its label: "street_ 1532 N Bellwether St_ Apt/Unit", "(_970_) 655 - 1452".
_WRITING_LINE = re.compile(r"(?<=[^\W_])_+(?=[\s)]|$)|(?:(?<=\s)|(?<=\()|^)_+(?=[^\W_])")


def labeled_values(page: PageText) -> Iterator[Labeled | Row]:
    """Every labelled value on a page, with the section it stands in; on an OCR'd page, a
    label misread by one letter is read as the label (``_restore_garbled_label``)."""
    lines = rewritten(page.text)
    mended: set[int] = set()
    if page.method == "ocr":
        lines = [_SEMICOLON_AFTER_LABEL.sub(_colon_for_semicolon, line) for line in lines]
        lines = [_WRITING_LINE.sub(" ", line) for line in lines]
        lines, mended = restore_garbled_labels(lines)
    section: str | None = None
    birth_dates = [
        i for i, line in enumerate(lines) if any(x.kind == "dob" for x in find_labels(line))
    ]
    skip_until = -1
    pending: list[tuple[str, str | None]] = []  # bare labels that found no value
    bare_lines: list[int] = []  # the lines of those labels
    named: set[str | None] = set()  # the sections whose party has been named
    # A second column's section: "PATIENT  ROE, JANE  REFER TO  Bone & Joint" / "ADDRESS …":
    # a party named in a cell after a wide gap owns that column, not the lines' first cells.
    side: str | None = None
    for index, line in enumerate(lines):
        if index == page.fax_header_lines:
            # the fax machine's "FROM: … TO: …" heads no section of the page, and the sender
            # it names is not a party the form itself has named yet
            section = None
            named.clear()
        if index <= skip_until:
            continue
        if _CREDENTIAL_ALONE.match(line) and index and lines[index - 1].strip():
            continue  # "Jane Roe" / "MD": a signature's credential, not a label over a value
        if SALUTATION.match(line):
            section = None  # a letter's body: no one's section
        elif SIGN_OFF.match(line) or (_SIGNATURE.match(line) and not _another_field_first(line)):
            section = REFERRER  # what follows "Sincerely," or "Jane Roe, MD |" is the sender's
        if _NAME_IN_CAPITALS.match(line) and any(index < j <= index + 2 for j in birth_dates):
            # "ROE, JANE" / "DOB 3/4/1961 …": a chart label or banner, after a letter's
            # signature or a sender's block; what follows is the patient's
            section, side = PATIENT, None
            continue
        row = header_row(line)
        if row is not None:
            block = _row_block(lines, index)
            if block:
                # "Patient Name DOB Mobile": the whole row is the patient's; so is "Name
                # Birthdate Gender" under the recipient's "Attention:" line
                row_section = section
                if any(o == PATIENT for _, o in row) or (
                    section != OTHER and any(k in ("dob", "sex") for k, _ in row)
                ):
                    row_section = PATIENT
                owned = tuple(
                    (kind, owner or owner_in_row(row, row_section, kind)) for kind, owner in row
                )
                yield Row(owned, tuple(block), page.number, index + 1)
                if row_section == PATIENT:
                    section = PATIENT
                skip_until = index + len(block)
                continue
        headings = _headings_side_by_side(line)
        if headings:
            # "Patient  Coverage / Authorization  Referral": columns' headings, no label; the
            # first heads the lines' first cells
            section, side = headings[0], None
            continue
        heading = section_of(line)
        if heading is not None and not _opens_a_text(line):
            section = heading
            side = None
            named.discard(heading)  # "Emergency contact" after "Guardian": a new party's name
            labels = find_labels(line)
            # "Referring Provider:" / "REFERRING PRACTICE" / "Payer" alone on its line, the
            # value under it
            if labels and labels[0].kind in ("name", "provider", "practice", "insurer"):
                under = value_below(lines, index)
                if under is not None:
                    owner = labels[0].owner or heading
                    yield Labeled(
                        labels[0].kind, owner, True, under[0], page.number, under[1], "", True
                    )
                    continue
            if labels and ":" in line and labels[0].kind != "skip":
                # "Insurance:" heads its section and labels a value OCR may read later
                pending.append((labels[0].kind, labels[0].owner or heading))
            continue
        opened = _heading_start(line)
        if opened is not None:
            section = opened
        labels = [
            someone_elses_phone(for_party(label, line, section), line)
            for label in find_labels(line)
        ]
        if index in mended:
            labels = [replace(label, guessed=True) for label in labels]
        bare = _bare_labels_over_values(lines, index, labels)
        if bare is not None:
            # "EMPLOYER GROUP:   SEX:" over "female": each value to the label of its shape
            owned = tuple((lab.kind, lab.owner or owner_in(section, lab.kind)) for lab in labels)
            yield Row(owned, tuple(bare[0]), page.number, index + 1, True)
            skip_until = index + bare[1]
            continue
        if not labels and line.strip() and len(pending) >= 2:
            # Two columns read one after the other: every label, then every value.
            column = column_block(lines, index)
            # a title between the labels ("Referral Details") is no column of values; two
            # labels take a column of two values only
            if len(column) >= 3 or len(column) == len(pending) == 2:
                yield Row(tuple(pending), tuple(t for _, t in column), page.number, index, True)
                pending = []
                skip_until = column[-1][0]
                continue
        at_start = section
        left: str | None = None  # the first column's section, while a later cell is read
        entered: str | None = None
        for i, label in enumerate(labels):
            if left is None and i and after_a_gap(line, label.start) and labels[0].start <= 1:
                if section != at_start:
                    side = None  # the line's first cell named a new party: a new block
                left, entered = section or "", side or section
                section = entered
            end = labels[i + 1].start if i + 1 < len(labels) else len(line)
            value = clean_value(line[label.end : end])
            among_cells = len(split_cells(line[label.end : end])) >= 2
            line_of_value = index
            is_below = False
            many = label.kind in ("reason", "complaint", "diagnosis")
            # "REASON FOR REFERRAL" alone, no colon: a heading over its text, never one of a
            # column of bare labels ("ICD-10-CM" captions above it are no such column)
            over_a_text = many and ":" not in line
            if (
                not value
                and i + 1 == len(labels)
                and (over_a_text or not in_label_run(lines, index, bare_lines))
            ):
                # after a run of bare labels, what stands under a gap is the values' column
                found = value_below(lines, index, many=many, gap=len(pending) < 2)
                if found is not None:
                    value, line_of_value = found
                    is_below = True
                    if many:
                        skip_until = line_of_value
            if (
                label.kind in ("name", "first", "last")
                and label.owner is None
                and section not in (PATIENT, OTHER)
                and value
                and any(index < j <= index + _IDENTITY_REACH for j in birth_dates)
            ):
                # "Last name / First name / Date of birth" after the sender's particulars: a
                # name with a birth date after it is the patient's, whoever was named before
                section = PATIENT
            elif label.kind == "name" and label.owner is None and section in named and value:
                # "Attention: Bone & Joint" … "Name: Jane Doe": one party has one name, so a
                # second bare "Name" is someone else's: the form's, the patient's
                section = None
            if label.kind in ("name", "insurer") and label.owner is not None:
                # "Patient: Jane Doe" / "From: Dr. Wu   Fax: …": what follows is theirs
                section = label.owner
            elif label.kind == "provider" and section != RECIPIENT and value:
                section = REFERRER
            elif label.kind in ("name", "first", "last") and section is None and value:
                section = PATIENT  # a form's first "Name:" is the patient's
            if not value:
                if label.start <= 1 and i + 1 == len(labels):
                    field = (label.kind, label.owner or owner_in(section, label.kind))
                    if not (pending and bare_lines[-1] == index - 1 and pending[-1][0] == field[0]):
                        # "Fecha de nacimiento" / "Date of birth": one field's label and its
                        # caption in another language under it label one value
                        pending.append(field)
                    bare_lines.append(index)
                continue
            if label.kind == "diagnosis" and i + 1 == len(labels):
                more = codes_below(lines, line_of_value)
                if more:
                    value = f"{value} {more[0]}"
                    line_of_value = skip_until = more[1]
            if label.kind == "name":
                named.add(label.owner or section)
            pending.clear()  # labels with their values: no column of bare labels here
            parts = _compound(line[label.start : label.end], value)
            if parts is not None:
                # "DOB/Age/Sex: 3/4/1961 / 63 / F": each of the label's fields its own value
                for (part_kind, part_owner), part in parts:
                    yield Labeled(
                        part_kind,
                        part_owner or owner_in(section, part_kind),
                        part_owner is not None,
                        part,
                        page.number,
                        line_of_value,
                    )
                continue
            yield Labeled(
                label.kind,
                label.owner or owner_in(section, label.kind),
                label.owner is not None,
                value,
                page.number,
                line_of_value,
                label.hint,
                is_below,
                guessed=label.guessed,
                among_cells=among_cells,
            )
        if left is not None:
            if section != entered:
                side = section
            section = left or None


# The values of a compound label, parted as its names are: "a / b / c", "a | b | c".
_VALUE_PARTS = re.compile(r"\s+/\s+|\s*\|\s*")
_SHORT_PART = 4  # "63y", "F": the later parts of a value parted by bare slashes
_SLASHED_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


def _compound(label_text: str, value: str) -> list[tuple[tuple[str, str | None], str]] | None:
    """The fields of a label that joins several with slashes ("DOB/Age/Sex", "Phone / Fax"),
    each with its part of a value parted the same way; None for any other label or value."""
    names = [n.strip(" :#") for n in label_text.split("/")]
    if len(names) < 2 or in_lexicon(label_text.strip(" :#")) is not None:
        return None
    fields = [in_lexicon(n) for n in names]
    kinds = [f[0] for f in fields if f is not None]
    if len(kinds) != len(names) or len(set(kinds)) != len(kinds):
        return None
    values = _VALUE_PARTS.split(value)
    if len(values) != len(names):
        # "3/4/1961/63/F": OCR lost the spaces; the later parts are short, the first the rest
        values = value.rsplit("/", len(names) - 1)
        if len(values) != len(names) or any(len(v.strip()) > _SHORT_PART for v in values[1:]):
            return None
        cuts = [len("/".join(values[: i + 1])) for i in range(len(values) - 1)]
        if any(d.start() < cut < d.end() for d in _SLASHED_DATE.finditer(value) for cut in cuts):
            return None  # "3/4/1961" alone: a date's slashes part nothing
    if not all(v.strip() for v in values):
        return None
    return [(f, v.strip()) for f, v in zip(fields, values, strict=True) if f is not None]


def _another_field_first(line: str) -> bool:
    """ "SEX  X  REF PROVIDER  Jo Roe, DO": a row of cells that starts with another field's
    label, no signature however it ends."""
    labels = find_labels(line)
    return bool(labels) and labels[0].start <= 1 and labels[0].kind not in ("name", "provider")


def _headings_side_by_side(line: str) -> list[str]:
    """The sections a line of column headings opens, left to right ("PATIENT  INSURANCE
    Referral"): two headings or more, every other cell a title of a few words."""
    cells = [cell.strip() for cell in split_cells(line)]
    sections = [section_of(cell) for cell in cells]
    found = [s for s in sections if s is not None]
    titles = all(
        s is not None or (len(c.split()) <= 3 and not re.search(r"[\d:#]", c))
        for c, s in zip(cells, sections, strict=True)
    )
    return found if len(found) >= 2 and titles else []
