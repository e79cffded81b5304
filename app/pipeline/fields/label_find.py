"""Finding the labels on one line: ``Label: value``, ``Label  value`` after a cell's gap,
labels the lexicon does not list but whose words compose one, and header rows of labels.
"""

import re
from dataclasses import dataclass, replace

from app.pipeline.fields import label_words
from app.pipeline.fields.lexicon import (
    AT_POSITION,
    AT_START,
    BARE_LABEL_END,
    LABEL_AT,
    LABEL_PATTERNS,
    PATIENT,
    WEAK_AT_START,
    classify,
    in_lexicon,
    is_label,
    one_field_near,
)


@dataclass(frozen=True)
class Label:
    kind: str
    owner: str | None  # from the label itself; None: the section says
    start: int
    end: int
    hint: str  # a parenthetical after the label: "(Last, First)"
    guessed: bool = False  # read from its words (``label_words``), not from the lexicon


def _longest_label_at(line: str, start: int) -> re.Match[str] | None:
    """The longest label starting at ``start`` that stands as one ("Home Address:", not "Home")."""
    found = [m for p in LABEL_PATTERNS if (m := p.match(line, start)) and _stands_as_label(line, m)]
    return max(found, key=lambda m: m.end("label"), default=None)


def find_labels(line: str) -> list[Label]:
    labels: list[Label] = []
    strong = longest_at_start(line)
    first = LABEL_AT.match(line)
    colon = _longest_label_at(line, first.start()) if first else None
    if strong and _of_a_place(line, strong):
        strong = None  # "Department of Veterans Affairs"
    if (
        strong
        and (
            colon is None
            or not _stands_as_label(line, colon)
            or colon.end("label") < strong.end("label")
        )
        and (not WEAK_AT_START.match(strong["label"]) or _table_row(line))
    ):
        kind, owner = classify(strong["label"])
        hint = (strong["hint"] or "").strip(" ()").lower()
        labels.append(Label(kind, owner, strong.start("label"), strong.end(), hint))
    position = labels[-1].end if labels else 0
    while True:
        start = LABEL_AT.search(line, position)
        if start is None:
            break
        match = _longest_label_at(line, start.start())
        if match is None:
            position = start.start() + 1
            continue
        position = max(match.end(), match.start() + 1)
        kind, owner = classify(match["label"])
        hint = (match["hint"] or "").strip(" ()").lower()
        labels.append(Label(kind, owner, match.start("label"), match.end(), hint))
    if labels and labels[-1].kind in _ONE_LETTER and not line[labels[-1].end :].strip():
        labels.pop()  # "F" alone on its line is a value (a sex), not the label "F" of a fax
    # "insurance is Anthem Blue Cross, …": a sentence wrapped at its subject, not a label
    labels = [
        label
        for label in labels
        if not (_VERB_AFTER.match(line, label.end) and ":" not in line[label.start : label.end])
        and not _runs_on(line, label)
    ]
    labels = _with_composed(line, _key_and_its_value(line, labels))
    return [
        replace(label, kind="skip", owner=None) if _plan_of_something(line, label) else label
        for label in labels
    ]


def _plan_of_something(line: str, label: Label) -> bool:
    """ "IEP / 504 plan:", "Treatment plan:": a "plan" with a word before it in its cell that
    no label took is no payer's plan (a label still, whose value is not read)."""
    return (
        label.kind == "insurer"
        and _PLAN_OF_SOMETHING.fullmatch(line[label.start : label.end].strip(" :#")) is not None
        and _WORD_BEFORE.search(line[: label.start]) is not None
    )


def _key_and_its_value(line: str, labels: list[Label]) -> list[Label]:
    """ "Plan  Priority Health": a key, a gap, then words that start like a label but run on
    past it with no colon anywhere: the key's value (a payer named like a field), not a second
    label. A row of labels ends at its last label ("Payer  Member ID")."""
    if len(labels) != 2 or ":" in line:
        return labels
    first, second = labels
    gap = line[first.end : second.start]
    rest = line[second.end :]
    if len(gap) >= 2 and not gap.strip() and rest.strip() and not LABEL_AT.search(rest):
        return [first]
    return labels


_VERB_AFTER = re.compile(r"\s*(?:is|was|are|were|has|had|will)\s+[a-z]*", re.IGNORECASE)
# "Health Plan of Nevada", "Indication for study", "COVERAGE & SUPPORT": a label's words
# running on into a name, a caption or a heading, one space and a joining word after them and
# no colon anywhere on: no label
_JOINED_AFTER = re.compile(
    r" ?(?:(?:of|for|to|from|by|with|and)\b|&(?=\s))(?![^\n]*:)", re.IGNORECASE
)


def _runs_on(line: str, label: Label) -> bool:
    return ":" not in line[label.start : label.end] and bool(_JOINED_AFTER.match(line, label.end))


_ONE_LETTER = ("phone_short", "fax_short")


# "Direct line 850 715 9680": a label phrase, a space, a phone number
_BEFORE_A_NUMBER = re.compile(r"^\s*(?P<head>[^\W\d_][A-Za-z/&'.\- ]{2,30}?) (?=[(+]?\d{3})")
# "Clinical reason    Asthma": a label phrase, a column's gap, its value (OCR may read the
# table's rule before it as a bracket or a bar: "[Clinical reason")
_BEFORE_A_GAP = re.compile(r"^\s*[\[{|]?(?P<head>[^\W\d_][\w/&'().\-# ]{2,40}?)(?:\s{2,}|\t)\S")


def _with_composed(line: str, labels: list[Label]) -> list[Label]:
    """The lexicon's labels, each widened to the label words before it ("Type 1 NPI:",
    "Requesting clinician:"), and the labels ending in ':' that the lexicon does not list."""
    widened: list[Label] = []
    floor = 0  # the end of the last label ending in ':'; one without may be a word of the next
    for label in labels:
        if ":" in line[label.start : label.end]:
            start = label_words.widen(line, floor, label.start, label.end)
            if start < label.start:
                phrase = line[start : label.end].rstrip(" :#")
                kind, owner = classify(phrase)
                guessed = in_lexicon(phrase) is None
                label = Label(kind, owner, start, label.end, label.hint, guessed)
            floor = label.end
        widened = [w for w in widened if w.end <= label.start]
        widened.append(label)
    whole = line.strip().rstrip(": ")
    listed = any(
        in_lexicon(text) is not None
        for text in (whole, BARE_LABEL_END.sub("", whole))  # "DIAGNOSIS CODE(S)"
    )
    if (
        whole
        and not listed
        and (not widened or ":" not in line)
        and label_words.is_label_phrase(_without_hint(whole))
    ):
        # "Plan member ID" alone on its line: one label, its value under it; so is
        # "Ordering clinician (print)", a note in brackets of how to fill it in
        kind, owner = classify(_without_hint(whole))
        start = len(line) - len(line.lstrip())
        return [Label(kind, owner, start, len(line.rstrip()), "", True)]
    before_number = _BEFORE_A_NUMBER.match(line)
    if (
        before_number
        and not any(w.start <= before_number.end("head") for w in widened)
        and in_lexicon(before_number["head"]) is None
        and _is_cell_label(before_number["head"])
    ):
        # "Direct line 850 715 9680": a label's words, then at once the number it labels
        kind, owner = classify(before_number["head"])
        head = Label(kind, owner, before_number.start("head"), before_number.end("head"), "", True)
        widened = [head, *widened]
    gap = _BEFORE_A_GAP.match(line) if ":" not in line else None
    if gap and not widened and in_lexicon(gap["head"]) is None and _is_cell_label(gap["head"]):
        # a column's gap ends a label the lexicon does not list as a colon would
        kind, owner = classify(_without_hint(gap["head"]))
        return [Label(kind, owner, gap.start("head"), gap.end("head"), "", True)]
    if gap and widened and _is_cell_label(gap["head"]):
        head_end = gap.end("head")
        inside = [w for w in widened if w.start < head_end]
        if (
            inside
            and all(len(line[: w.end].rstrip()) <= head_end for w in inside)
            and (len(inside) > 1 or inside[0].end < head_end or inside[0].owner is None)
        ):
            # a table row's first cell is one label, whatever lexicon words it holds
            # ("Department fax", "Patient e-mail"), its words saying whose it is
            kind, owner = _cell_kind(gap["head"])
            first = Label(
                kind, owner, gap.start("head"), head_end, "", in_lexicon(gap["head"]) is None
            )
            return [first, *(w for w in widened if w.start >= head_end)]
        if not inside:
            # "Primary payer  Aetna  Member #  W123": the row's first cell a label too
            kind, owner = _cell_kind(gap["head"])
            first = Label(kind, owner, gap.start("head"), head_end, "", True)
            return [first, *widened]
    taken = [(label.start, label.end) for label in widened if ":" in line[label.start : label.end]]
    composed = [
        Label(span.kind, span.owner, span.start, span.end, "", True)
        for span in label_words.colon_labels(line, taken)
    ]
    if not composed:
        return widened
    kept = [w for w in widened if not any(c.start <= w.start < c.end for c in composed)]
    return sorted(kept + composed, key=lambda label: label.start)


def _is_cell_label(head: str) -> bool:
    """Whether a row's first cell of several words is a label, listed or composed."""
    head = _without_hint(head)
    if len(head.split()) < 2:  # a lone word is the lexicon's to name
        return False
    return in_lexicon(head) is not None or label_words.is_label_phrase(head)


_TRAILING_HINT = re.compile(r"\s*\([^()]{1,30}\)\s*$")


def _without_hint(head: str) -> str:
    """ "Best phone (OK to leave message)": a cell's label and what it says in brackets of
    how to use it, which names no field."""
    return _TRAILING_HINT.sub("", head)


def _cell_kind(head: str) -> tuple[str, str | None]:
    """A cell label's kind, and its owner from its own words where the lexicon leaves it to
    the section ("Patient address" is the patient's under the ordering provider's rows)."""
    head = _without_hint(head)
    listed = in_lexicon(head)
    composed = label_words.compose(" ".join(head.lower().split()))
    if listed is None:
        return composed or ("skip", None)
    if listed[1] is None and composed is not None and composed[0] == listed[0]:
        return composed
    return listed


def longest_at_start(line: str) -> re.Match[str] | None:
    """ "Patient Address 12 Main St" is an address, not "Patient" named "Address 12 Main St"."""
    found = [m for m in (p.match(line) for p in AT_START) if m is not None]
    return max(found, key=lambda m: m.end("label"), default=None)


def _table_row(line: str) -> bool:
    """A short line that cannot be a sentence: "Provider Hannah S. St. Clair, DO"."""
    words = line.split()
    return len(words) <= 7 and not re.search(r"[.!?]\s*$|\b(?:is|was|has|the|and|for)\b", line)


_NUMBER_AFTER = re.compile(r"\s*[(+]?\s?\d")


def _stands_as_label(line: str, match: re.Match[str]) -> bool:
    """A label without a colon counts only where a cell starts: "Valley Clinic" is no label.

    A one-letter label ("T", "F") counts only with a number after it: "Sex  F  Phone" is a
    value.
    """
    if len(match["label"]) == 1 and not _NUMBER_AFTER.match(line, match.end()):
        return False
    if _of_a_place(line, match):
        return False  # "Office of Community Care": a name's words, not a label and its value
    if ":" in match["tail"] or "#" in match["tail"] or match["label"].endswith("#"):
        return True  # "Group # 635202" as "Group: 635202"
    before = line[: match.start("label")]
    if match["space"] is not None and re.search(r"\d\s$", before) and len(match["label"]) > 1:
        # "Telephone +1 865 314 7059 Facsimile +1 865 487 1744": a number ends the value
        # before, and a label word with a number after it starts the next one
        return _NUMBER_AFTER.match(line, match.end()) is not None
    if match["space"] is not None and _CREDENTIAL_BEFORE.search(before):
        return True  # "Name (print) Jo Park, PA-C Office Valley Clinic": a credential ends a name
    if match["space"] is not None and _NAME_PART.fullmatch(match["label"]) and before.strip():
        return True  # "Last name Begay First name Ottilie": no value holds these words
    if match["space"] is not None:
        # "| NPI 1234567893 |": a cell of a footer; "Pt. Name Roe, Jo  D.O.B 9-Jun-1945  Sex F":
        # a cell after a wide gap that starts with a strong label; at a line's start see
        # longest_at_start
        if re.search(r"\|\s*$", before):
            return True  # "| NPI 1234567893 |" (a dot parting cells is a gap: label_lines)
        if re.search(r";\s*$|\S\s+[-\u2013\u2014]\s+$", before):
            # "Callback 555-0100; fax 555-0199", "Tel 555-0100 - Fax 555-0199", "Jo Roe, DO -
            # NPI 1234567893" (OCR's dash for a dot between cells): a semicolon, or a spaced
            # dash, parts two cells when a number follows the label (not a clause: "asthma;
            # phone calls")
            return _NUMBER_AFTER.match(line, match.end()) is not None
        return bool(before.strip()) and re.search(r"(?:\s{2,}|\t)$", before) is not None
    return not before.strip() or bool(re.search(r"(?:\s{2,}|\t|\|)\s*$", before))


_PLAN_OF_SOMETHING = re.compile(r"plan", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"[^\W_]\s$")
_OF_AFTER = re.compile(r"\s*of\s", re.IGNORECASE)


def _of_a_place(line: str, match: re.Match[str]) -> bool:
    """ "Office of Community Care", "Department of Veterans Affairs": a place's label word
    with "of" after it (no colon) begins the place's name ("Name of enrollee" is a label)."""
    return (
        _OF_AFTER.match(line, match.end()) is not None
        and not re.search(r"[:#]", match["tail"] or "")
        and classify(match["label"])[0] in ("practice", "department")
    )


_NAME_PART = re.compile(r"(?:first|last|given|family|middle)\s?name", re.IGNORECASE)


_CREDENTIAL_BEFORE = re.compile(
    r",\s*(?:md|m\.d\.|do|d\.o\.|np|pa-c|pa|fnp|dnp|mbbs|aprn|rn)[_.]?\s$", re.IGNORECASE
)


_PATIENT_COLUMN = re.compile(r"\s*(?:patient|pt\.?)\s", re.IGNORECASE)


def header_row(line: str) -> list[tuple[str, str | None]] | None:
    """The labels of a line made of labels only, left to right; None for any other line."""
    found: list[tuple[str, str | None]] = []
    position = 0
    text = line.rstrip()
    while position < len(text):
        if text[position] in " /|\t":
            position += 1
            continue
        hint = re.match(r"\([^)]{0,30}\)", text[position:])
        if hint and found:
            position += hint.end()
            continue
        matches = [(m.end(), k, o) for p, k, o in AT_POSITION if (m := p.match(text, position))]
        if not matches and found and found[-1][0] == "city" and (m := _ST.match(text, position)):
            matches.append((m.end(), "state", found[-1][1]))  # "City  St  ZIP"
        if not matches:
            # a label the lexicon does not list: "Enrollee ID", "Callback Number"
            composed = label_words.row_label_at(text, position) or _misread_header(text, position)
            if composed is None:
                return None
            if found and composed[1:] == found[-1]:
                position = composed[0]  # "DIAGNOSIS CODE(S)": the same label, continued
                continue
            matches.append(composed)
        end, kind, owner = max(matches, key=lambda x: x[0])
        found.append((kind, owner))
        position = end
    values = [k for k, _ in found if k != "skip"]
    if len(found) >= 3 and found[0][0] != "name" and _PATIENT_COLUMN.match(text):
        found.insert(0, ("name", PATIENT))  # "Patient DOB Sex Phone": "Patient" is a column
    return found if len(found) >= 2 and values else None


# "St" after a city's column heading is its state's (elsewhere a street's or a saint's).
_ST = re.compile(r"st\.?(?=[\s/|]|$)", re.IGNORECASE)


_HEADER_WORD = re.compile(r"(?P<word>[A-Z0-9]{3,12})\.?(?=\s|$)")


# Digits OCR reads for capitals, and the capitals: "008" for "DOB" reads "OOB", one letter off.
_CAPITAL_FOR = str.maketrans("0815", "OBIS")


def _misread_header(text: str, position: int) -> tuple[int, str, str | None] | None:
    """ "Patient's Name  BOB.  Sex": a header in capitals OCR misread by one letter ("DOB"),
    when every label one letter away names the same field (not one left unread). Digits in
    it are read as the capitals they look like first ("008")."""
    match = _HEADER_WORD.match(text, position)
    if match is None or is_label(match["word"]):
        return None
    word = match["word"].translate(_CAPITAL_FOR)
    if not word.isalpha():
        return None
    near = one_field_near(word)
    if near is None:
        return None
    kind, owner = near[1]
    return match.end(), kind, owner
