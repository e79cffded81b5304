"""Values under a header row, matched to its labels by their shapes.

"Patient Name Birthdate Sex Mobile" over "Okafor, Fatima 02/21/1953 FEMALE 614.815.3290":
the text layer keeps no columns, so each label takes the value of its shape — a date for a
date of birth, a phone number for a phone, an identifier for a member id — in the order the
labels stand. What no shape claims is left unread.
"""

import re
from collections.abc import Iterator

from app.pipeline.fields.address import CSZ, STREET
from app.pipeline.fields.dates import DATE
from app.pipeline.fields.insurance import PAYER
from app.pipeline.fields.labels import Labeled, Row
from app.pipeline.fields.lexicon import OTHER, PATIENT, RECIPIENT
from app.pipeline.fields.people import read_name
from app.pipeline.fields.phones import EMAIL_SHAPE, PHONE
from app.pipeline.fields.sex import read_sex

# Letters are any script's: the "M" of "Müller" is no sex.
_SEX = re.compile(
    r"(?<![^\W\d_])(?:female|male|f|m|u|x|unknown|undisclosed|other|non-?binary)(?![^\W\d_])",
    re.I,
)
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9\-])(?=[A-Za-z0-9\-]*\d)[A-Za-z0-9][A-Za-z0-9\-]{3,24}\b")
_NPI = re.compile(r"(?<!\d)\d{10}(?!\d)")


def expand(row: Row) -> Iterator[Labeled]:
    if row.column:
        yield from align(row)
        return
    explicit = {owner for _, owner in row.labels if owner == PATIENT}
    lines = list(row.lines)
    taken = [""] * len(lines)  # text already claimed on each line

    def take(kind: str, owner: str | None, value: str, index: int) -> Labeled:
        taken[index] += " " + value
        owner = owner or (PATIENT if explicit and kind in _PATIENT_KINDS else None)
        return Labeled(kind, owner, False, value, row.page, row.line + index, in_row=True)

    kinds = [kind for kind, _ in row.labels]
    owners = dict(reversed(row.labels))
    street_read = False  # the address, read from a line that opens with its street
    if "address" in kinds:
        for i, line in enumerate(lines):
            if STREET.match(line):
                street_read = True
                street = line
                if i + 1 < len(lines) and CSZ.search(lines[i + 1]):
                    street = f"{line}, {lines[i + 1]}"
                    taken[i + 1] += lines[i + 1]
                elif i + 2 < len(lines) and CSZ.search(f"{lines[i + 1]} {lines[i + 2]}"):
                    # "Anchorage, AK" / "99508-5837": the cell wrapped before its ZIP
                    street = f"{line}, {lines[i + 1]} {lines[i + 2]}"
                    taken[i + 1] += lines[i + 1]
                    taken[i + 2] += lines[i + 2]
                yield take("address", owners["address"], street, i)
                break
    ids: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        free = _free(line, taken[i])
        if "dob" in kinds and (date := DATE.search(free)):
            yield take("dob", owners["dob"], date.group(0), i)
            free = free.replace(date.group(0), " ")
        phone_kinds = [k for k in kinds if k in ("phone", "fax")]
        for kind, phone in zip(phone_kinds, PHONE.finditer(free), strict=False):
            yield take(kind, owners[kind], phone.group(0), i)
            free = free.replace(phone.group(0), " ")
        if "email" in kinds and (email := EMAIL_SHAPE.search(free)):
            yield take("email", owners["email"], email.group(0), i)
            free = free.replace(email.group(0), " ")
        if "npi" in kinds and (npi := _NPI.search(free)):
            yield take("npi", owners["npi"], npi.group(0), i)
            free = free.replace(npi.group(0), " ")
        if "address" in kinds and not street_read:
            cells = _street_cells(kinds, free)
            if cells is not None:
                street_read = True
                yield take("address", owners["address"], cells[0], i)
                free = free.replace(cells[1], " ", 1)
        if "name" in kinds and i == 0:
            # the name is what stands before the first value of another shape
            shapes = [m.start() for p in (DATE, PHONE, EMAIL_SHAPE, _SEX) if (m := p.search(line))]
            head = line[: min(shapes, default=len(line))].strip()
            # "Jones, Ann   XK1234567": the name ends at a gap or at a word with a digit
            head = re.split(r"\s{2,}|\t|\s(?=\S*\d)", head)[0].strip()
            if read_name(head) is not None:
                yield take("name", owners["name"], head, i)
                free = free.replace(head, " ", 1)
        if i == 0 and "name" not in kinds:
            for kind, name in _name_parts(kinds, line):
                yield take(kind, owners[kind], name, i)
                free = free.replace(name, " ", 1)
        if "sex" in kinds and (sex := _SEX.search(free)) and i == 0:
            yield take("sex", owners["sex"], sex.group(0), i)
        if "insurer" in kinds and (payer := PAYER.search(free)):
            yield take("insurer", owners["insurer"], _payer_words(free, payer.start()), i)
        if not CSZ.search(line):
            ids += [(m.group(0), i) for m in _IDENTIFIER.finditer(_one_number_per_cell(line, free))]
    id_kinds = [k for k in kinds if k in ("member_id", "group")]
    for kind, (identifier, i) in zip(id_kinds, ids, strict=False):
        yield take(kind, owners[kind], identifier, i)


_PATIENT_KINDS = {"dob", "sex", "phone", "email", "address"}
_NAME_PARTS = ("last", "first", "middle")
# A street in a row's cells: a house number and words, up to the next wide gap.
_STREET_CELL = re.compile(r"(?<![\w\-.(/])\d{1,6}[A-Za-z]?(?: [A-Za-z0-9#.\-]+)+")
_CSZ_KINDS = ("city", "state", "zip")


def _street_cells(kinds: list[str], free: str) -> tuple[str, str] | None:
    """ "Street  City  St  ZIP" over "… 1317 N Chickasaw Ave Apt 118  Valdosta  GA  31659":
    the street's cell and the city, state and ZIP cells after it, as one address (and the
    text they take), when the columns after the street are those and each cell has its
    shape."""
    after = kinds[kinds.index("address") + 1 :]
    if tuple(after[:3]) != _CSZ_KINDS:
        return None
    match = _STREET_CELL.search(free)
    if match is None:
        return None
    cells = [c.strip() for c in _CELL_GAP.split(free[match.end() :].strip())][:3]
    if len(cells) != 3:
        return None
    value = f"{match.group(0)}, {cells[0]}, {cells[1]} {cells[2]}"
    if not CSZ.search(value):
        return None
    taken = free[match.start() : match.end()] + free[match.end() :].split(cells[2], 1)[0]
    return value, f"{taken}{cells[2]}"


_CELL_GAP = re.compile(r"\s{2,}|\t")
_DIGIT = re.compile(r"\d")


def _name_parts(kinds: list[str], line: str) -> list[tuple[str, str]]:
    """ "SURNAME  FIRST NAME  DOB" over "O'Brien  Malik  1939-10-26": the cells before the
    first value of another shape, one a name part, in the order of the name labels (only
    when there are as many such cells as labels: a cell more or less says nothing)."""
    parts = [k for k in kinds if k in _NAME_PARTS]
    if not parts or parts == ["middle"]:
        return []
    shapes = [m.start() for p in (DATE, PHONE, EMAIL_SHAPE) if (m := p.search(line))]
    cells = [c.strip() for c in _CELL_GAP.split(line[: min(shapes, default=len(line))].strip())]
    if len(cells) == len(parts) - 1 and "middle" in parts:
        parts.remove("middle")  # "Roe  Jane  03/04/1961" under "Last  First  MI  DOB"
    if len(cells) != len(parts):
        return []
    pairs = list(zip(parts, cells, strict=True))
    if not all(_fits(kind, cell) and not _DIGIT.search(cell) for kind, cell in pairs):
        return []
    return pairs


def _free(line: str, claimed: str) -> str:
    free = line
    for part in claimed.split(" "):
        if part:
            free = free.replace(part, " ", 1)
    return free


def _one_number_per_cell(line: str, free: str) -> str:
    """ "Molina Healthcare  24608097 109": where wide gaps part the cells, OCR's gap inside
    a cell's number is no gap between two values."""
    if not re.search(r"\S\s{2,}\S", line):
        return free
    return re.sub(r"(?<=\d) (?=\d)", "", free)


def _payer_words(line: str, start: int) -> str:
    """The payer's words: up to the first identifier, a payer name said twice said once."""
    words: list[str] = []
    for word in line[start:].split():
        if _IDENTIFIER.fullmatch(word) or (words and word.upper() == words[0].upper()):
            break
        words.append(word)
    return " ".join(words)


# -- a column of labels, then a column of values ------------------------------------------------

_URGENCY = re.compile(r"\b(?:stat|urgent|routine|asap|emergent|elective|expedited)\b", re.I)
_CODE = re.compile(r"\b[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


_SHORT_SEX = 20


def _fits(kind: str, text: str) -> bool | None:
    """Whether ``text`` has the shape of a ``kind`` value; None when the kind has no shape."""
    checks = {
        "dob": lambda t: DATE.search(t) is not None,
        # "F", or a short value a sex's word starts: "Femenino / Female"
        "sex": lambda t: (
            _SEX.fullmatch(t.strip()) is not None
            or (len(t) <= _SHORT_SEX and read_sex(t) is not None)
        ),
        "phone": lambda t: PHONE.search(t) is not None,
        "fax": lambda t: PHONE.search(t) is not None,
        "phone_fax": lambda t: PHONE.search(t) is not None,
        "email": lambda t: EMAIL_SHAPE.search(t) is not None,
        "npi": lambda t: _NPI.search(t) is not None,
        "member_id": lambda t: _IDENTIFIER.fullmatch(t.strip()) is not None,
        "group": lambda t: _IDENTIFIER.fullmatch(t.strip()) is not None,
        "address": lambda t: STREET.match(t) is not None,
        "diagnosis": lambda t: _CODE.search(t) is not None,
        "urgency": lambda t: _URGENCY.search(t) is not None,
        "name": lambda t: read_name(t) is not None,
        "provider": lambda t: read_name(t) is not None,
        "first": lambda t: t[:1].isupper() and len(t.split()) <= 2,
        "middle": lambda t: re.fullmatch(r"[A-Z]\.?", t) is not None,
        "last": lambda t: t[:1].isupper() and len(t.split()) <= 3,
        "insurer": lambda t: not any(c.isdigit() for c in t),
        "practice": lambda t: not any(c.isdigit() for c in t),
    }
    check = checks.get(kind)
    return None if check is None else check(text)


def align(row: Row) -> Iterator[Labeled]:
    """Values in the labels' order; a label whose shape the next value lacks was left empty."""
    values = list(row.lines)
    v = 0
    for i, (kind, owner) in enumerate(row.labels):
        if v >= len(values):
            return
        text = values[v]
        fits = None if owner in (RECIPIENT, OTHER) else _fits(kind, text)
        following = row.labels[i + 1][0] if i + 1 < len(row.labels) else None
        if kind == "skip" and DATE.fullmatch(text.strip()) and not _fits(following or "", text):
            v += 1  # "Date of encounter" over "November 7 2026": a date is a date label's
            continue
        if kind == "skip" or fits is False:
            # an empty field, unless the value fits no label after it either
            if following is not None and _fits(following, text) is not False:
                continue
            if kind == "skip":
                continue
        if fits is None and following is not None and _fits(following, text):
            continue  # "Specialty:" left empty, the next label's value stands here
        take = 1
        if kind == "address" and v + 1 < len(values) and CSZ.search(values[v + 1]):
            text, take = f"{text}, {values[v + 1]}", 2
        if fits is not False:
            yield Labeled(kind, owner, False, text, row.page, row.line + v, in_row=True)
        v += take
