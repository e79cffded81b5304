"""Lines rewritten before they are read, each into ``Label: value`` form or left as it is:
numbered boxes, questionnaire questions, chart banners, values with captions after dashes,
and labels OCR cut or misread by one letter.
"""

import functools
import re

from app.pipeline.fields import label_words, misread_phrases, value_named_labels
from app.pipeline.fields.label_find import find_labels, longest_at_start
from app.pipeline.fields.lexicon import BORDER_NOISE, classify, is_label, one_field_near, section_of


def _unnumbered(line: str) -> str:
    """A line of numbered boxes' labels ("4. EMPLOYER GROUP 5. SEX") as colon labels
    ("EMPLOYER GROUP:   SEX:"), each value then read under it; any other line as it is."""
    phrases = label_words.numbered(line)
    if phrases is None or not all(is_label(p) for p in phrases):
        return line
    return "   ".join(
        f"{p.rstrip(' :#')}{' #' if p.rstrip().endswith('#') else ''}:" for p in phrases
    )


# A numbered or bulleted question and its answer: "4. Best phone number to reach you: …",
# "- What is the main reason for your visit? …".
_QUESTION = re.compile(
    r"^(?P<lead>\s*(?:(?:q\s?)?\d{1,2}\s?[.)]|[-\u2022\u25aa\u00b7*])\s+)"
    r"(?P<question>[A-Za-z][^:?]{2,90}?)\s*[:?]\s*(?P<answer>.*)$",
    re.IGNORECASE,
)


# How a questionnaire asks, around the field it names: interrogatives, pronouns, auxiliaries
# and hedges ("Who referred you", "if known", "to reach you").
_ASKING = frozenset(
    {
        *("what", "who", "whom", "which", "when", "where", "how"),
        *("is", "are", "was", "do", "does", "did", "can", "will", "would", "should"),
        *("you", "your", "yours", "we", "our", "us", "i", "my", "me", "the", "a", "an"),
        *("please", "main", "if", "known", "optional", "applicable", "any"),
        *("reach", "call", "given", "this", "that"),
    }
)


# What the asking words leave behind at the end: "Best phone number to (reach you)".
_DANGLING = re.compile(r"(?:[\s,;]+(?:to|for|of|by|at|on|in))*[\s,;]*$", re.IGNORECASE)


# A question that asks yes or no starts with an auxiliary: its answer labels nothing.
_YES_NO = re.compile(r"^(?:do|does|did|are|is|was|have|has|had|can|will|would)\b", re.I)


# Where a question asks for several fields at once: "Insurance company and member ID".
_ALSO = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+", re.IGNORECASE)


def _question(line: str) -> str:
    """A numbered or bulleted question as a plain label before its answer ("Best phone
    number: 555-0100"); one asking for several fields ("Referring office name, phone and
    fax: Sunrise Clinic, 555-0100, 555-0101") as one label per field when its answer gives
    as many parts. Any other line, a yes/no question and one asking for no field we know, as
    it is."""
    match = _QUESTION.match(line)
    if match is None or _YES_NO.match(match["question"]):
        return line
    question = " ".join(
        w for w in match["question"].split() if w.lower().strip("'’(),") not in _ASKING
    )
    question = _DANGLING.sub("", question)
    if not question or not is_label(question):
        return line
    answer = match["answer"].strip()
    asked = [p for p in _ALSO.split(question) if p]
    parts = [p.strip() for p in answer.split(",")]
    if len(asked) >= 2 and len(parts) == len(asked):
        owner = [w for w in asked[0].split() if label_words.is_owner_word(w)]
        labels = [asked[0], *(" ".join([*owner, p]) for p in asked[1:])]
        kinds = {classify(label)[0] for label in labels}
        if all(is_label(label) for label in labels) and len(kinds) == len(labels):
            pairs = zip(labels, parts, strict=True)
            return match["lead"] + "   ".join(f"{label}: {part}" for label, part in pairs)
    return f"{match['lead']}{question}: {answer}"


def _answers_below(lines: list[str]) -> list[str]:
    """A numbered question asking for several fields ("9. Insurance company and member ID:")
    with its answer on the next line ("Florida Blue, F7632373461"): the answer moved up beside
    it, where ``_question`` reads one label per part; the answer's line left empty."""
    out = list(lines)
    for i, line in enumerate(lines[:-1]):
        match = _QUESTION.match(line)
        if match is None or match["answer"].strip() or _YES_NO.match(match["question"]):
            continue
        after = lines[i + 1].strip()
        if "," not in after or _QUESTION.match(after) or find_labels(after):
            continue
        if len([p for p in _ALSO.split(match["question"]) if p]) >= 2:
            out[i], out[i + 1] = f"{line.rstrip()} {after}", ""
    return out


# A chart's patient banner: cells apart by wide gaps, one the birth date after its label.
_CELL_GAP = re.compile(r"\s{2,}|\t")


_BANNER_BIRTH = re.compile(
    r"^(?:dob|d\.o\.b\.?|date of birth|born)\s*:?\s+(?:\d|[a-z]{3,9}\.? \d)", re.IGNORECASE
)


_BANNER_NAME = re.compile(r"^[^\W\d_][^\d:]{1,60}$")


_SEX_WORD = re.compile(r"^(?:male|female|nonbinary|non-binary|intersex)$", re.IGNORECASE)


def _banner(line: str) -> str:
    """A patient banner across a chart printout ("ROE, JANE  MRN 12345  DOB 3/4/1961 (65 y)
    Female  Ph 555-0100") as labelled cells: its first cell, a name and no label, is the
    patient; a cell of a sex's word alone the sex; a cell that starts with a label and a space
    that label's ("Ph: 555-0100"). Any other line as it is."""
    cells = [c.strip() for c in _CELL_GAP.split(line.strip()) if c.strip()]
    if len(cells) < 3 or not any(_BANNER_BIRTH.match(c) for c in cells[1:]):
        return line
    first = cells[0]
    if not _BANNER_NAME.match(first) or is_label(first) or find_labels(first):
        return line
    out = [f"Patient: {first}"]
    for cell in cells[1:]:
        start = longest_at_start(cell)
        if _SEX_WORD.match(cell):
            out.append(f"Sex: {cell}")
        elif start is not None and start.start("label") == 0 and ":" not in cell:
            out.append(f"{start['label']}: {cell[start.end() :].strip()}")
        else:
            out.append(cell)
    return "   ".join(out)


# The dash between a value and the caption after it: "Ana Peña - patient", "555-0100 — fax".
_CAPTION_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")


def _caption_after(line: str) -> str:
    """A line of values each followed by its caption after a dash ("Ana Peña - patient",
    "555-201-0100 - office phone 555-201-0101 - office fax") as colon labels before their
    values ("patient: Ana Peña   office phone: 555-201-0100   office fax: 555-201-0101");
    any other line as it is. Every dash must be followed by a label, and no value be one."""
    parts = _CAPTION_DASH.split(line)
    if len(parts) < 2 or not parts[0].strip() or is_label(parts[0]):
        return line
    if longest_at_start(parts[0]) is not None:
        return line  # "Tel 555-201-0100 - Fax 555-201-0101": labels before their values
    if ":" in parts[0] and find_labels(parts[0]):
        return line  # "Physician: Jo Roe, DO - NPI 1234567893": the first cell a label's
    pairs: list[str] = []
    value = parts[0].strip()
    for part in parts[1:]:
        words = part.split()
        cut = next((n for n in range(len(words), 0, -1) if is_label(" ".join(words[:n]))), 0)
        if not cut or not value or is_label(value):
            return line
        pairs.append(f"{' '.join(words[:cut]).rstrip(':')}: {value}")
        value = " ".join(words[cut:])
    return "   ".join(pairs + ([value] if value else []))


# OCR reads the "#" of a capitals label ("MEMBER #") as "@"; an address's "@" has no gap after.
_HASH_READ_AS_AT = re.compile(r"(?<=[A-Z]{2}) @(?=\s{2,}|\s*$)")


# "Member 1D:": OCR's I of a label's "ID" read as a one or a lower-case l.
_ID_READ_AS_1D = re.compile(r"(?<=[A-Za-z] )[1l]D(?=\s*[:#])")


_CUT_LABEL = re.compile(r"^[\s'‘’`|_—.,-]*(?P<head>[a-z]{4,}[A-Za-z /\-]{0,30}?)\s*:")


def _restore_cut_label(line: str) -> str:
    """ "eason for referral: …": a label whose first letter OCR lost at a box's edge, when
    exactly one letter before it makes a label of the lexicon."""
    match = _CUT_LABEL.match(line)
    if match is None or is_label(match["head"]):
        return line
    kinds = {
        classify(letter + match["head"])
        for letter in "abcdefghijklmnopqrstuvwxyz"
        if is_label(letter + match["head"])
    }
    if len(kinds) != 1:
        return line
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if is_label(letter + match["head"]):
            start = match.start("head")
            return f"{letter.upper()}{line[start:]}"  # the box's edge read as "‘" goes too
    return line


# A word alone on its line, or before a colon: where a form puts its labels.
_LONE_WORD = re.compile(r"^(?P<lead>\s*)(?P<word>[A-Za-z]{4,12})(?P<rest>\s*(?::.*)?)$")


def _restore_garbled_label(line: str) -> str:
    """ "ADOR" over "8538 Mill Rd …": a label OCR misread by one letter ("ADDR"), when it is
    no label itself, stands as a label stands (alone in capitals, or before a colon), and
    every label one letter away names the same field. Labels of fields not read ("Date",
    "Notes") are not restored: the value of a mended label would be taken for a field's.
    """
    match = _LONE_WORD.match(line)
    if match is None or is_label(match["word"]) or section_of(match["word"]) is not None:
        return line
    word, rest = match["word"], match["rest"]
    if not (word.isupper() or rest.strip().startswith(":")):
        return line
    found = one_field_near(word)
    if found is None:
        return line
    near = found[0]
    return f"{match['lead']}{near.upper() if word.isupper() else near.capitalize()}{rest}"


# A word of letters standing alone among the line's words: where two labels glued may stand.
_WORD = re.compile(r"(?<![\w/])[A-Za-z]{6,16}(?![\w/])")


def _label_part(part: str) -> tuple[str, tuple[str, str | None], bool] | None:
    """``part`` as a label, what it names, and whether it was mended to read so."""
    if is_label(part):
        return part.lower(), classify(part), False
    found = one_field_near(part)
    return None if found is None else (found[0], found[1], True)


def _unglued(match: re.Match[str]) -> str:
    return _parted(match.group(0))


@functools.lru_cache(maxsize=8192)
def _parted(word: str) -> str:
    """ "ApvUnit": two labels of one field OCR read as one word, the slash between them lost
    ("Apt/Unit"), one of them perhaps misread by one letter, as the two labels ("Apt/Unit");
    any other word as it is. A word that is a label itself, or splits into labels of two
    fields ("Datename"), or into two misread halves, is left alone. A label of two words
    whose space OCR lost ("PLANNAME") is spaced again ("PLAN NAME")."""
    if is_label(word):
        return word
    for cut in range(2, len(word) - 1):
        spaced = f"{word[:cut]} {word[cut:]}"
        if is_label(spaced) and classify(spaced)[0] != "skip":
            return spaced
    for cut in range(3, len(word) - 2):
        if not (is_label(word[:cut]) or is_label(word[cut:])):
            continue  # (two halves both misread are no labels', and the search is dear)
        left, right = _label_part(word[:cut]), _label_part(word[cut:])
        if left is None or right is None or left[1] != right[1] or left[1][0] == "skip":
            continue
        halves = zip((left[0], right[0]), (word[:cut], word[cut:]), strict=True)
        return "/".join(
            near.upper() if part.isupper() else near.capitalize() if part[0].isupper() else near
            for near, part in halves
        )
    return word


def restore_glued_labels(line: str) -> str:
    """A line with every pair of labels OCR glued into one word parted (``_unglued``)."""
    return _WORD.sub(_unglued, line)


def restore_garbled_labels(lines: list[str]) -> tuple[list[str], set[int]]:
    """``_restore_garbled_label`` on each line but one standing under a bare label: that
    line is the label's value ("LAST NAME" / "BELL"), however like a label it reads, unless
    the label is of a number and the line has no digit ("PHONE" left empty over "ADOR", the
    next cell's label); then labels misread by a letter that the value after them
    (``value_named_labels``) or the rest of their phrase (``misread_phrases``) name. Also
    the lines mended: their labels are guesses."""
    out = list(lines)
    mended: set[int] = set()
    above = ""
    for i, line in enumerate(lines):
        if line.strip():
            out[i] = restore_glued_labels(line)
            if not is_label(above) or _no_value_of(above, line):
                out[i] = _restore_garbled_label(out[i])
            out[i] = misread_phrases.mended(value_named_labels.mended(out[i]))
            if out[i] != line:
                mended.add(i)
            above = line
    return out, mended


# Fields written with digits: a line without one is no value of theirs.
_NUMBER_KINDS = frozenset({"phone", "fax", "phone_fax", "dob", "npi", "zip"})


def _no_value_of(label: str, line: str) -> bool:
    """Whether ``line`` cannot be the value of the bare ``label`` above it: the label's field
    is a number and the line has no digit."""
    return classify(label.strip(BORDER_NOISE))[0] in _NUMBER_KINDS and not any(
        c.isdigit() for c in line
    )


def _wrapped_labels_joined(lines: list[str]) -> list[str]:
    """A table's label that wraps in its cell, its bracket closed on the next line, the value
    beside it wrapping with it: "Home address (prior to  12 Elm St,  Code status  Full" /
    "admission)  Erie, PA 16501" as "Home address (prior to admission)  12 Elm St, Erie, PA
    16501  Code status  Full" and an empty line."""
    out = list(lines)
    for i in range(len(out) - 1):
        cells = [c for c in _CELL_GAP.split(out[i].strip()) if c]
        under = [c for c in _CELL_GAP.split(out[i + 1].strip()) if c]
        if len(cells) < 2 or len(under) != 2:
            continue
        head, close = cells[0], under[0]
        if "(" not in head or ")" in head or not close.endswith(")") or "(" in close:
            continue
        label = f"{head} {close}"
        start = longest_at_start(f"{label}  x")
        if len(close.split()) > 3 or start is None or start.end("label") + 1 < label.index("("):
            continue
        out[i] = "  ".join([label, f"{cells[1]} {under[1]}", *cells[2:]])
        out[i + 1] = ""
    return out


# A middle dot or bullet between spaces parts one line's fields as a cell's gap does:
# "Coverage  Sentara Health Plans · Member ID SNT418 · Group 42357".
_DOT_BETWEEN_CELLS = re.compile(r"[ \t]+[·•][ \t]+")


def rewritten(text: str) -> list[str]:
    """A page's lines as the reader reads them: OCR's misread label marks mended, then each
    line in ``Label: value`` form where it had another (a cut label, a banner, a question,
    numbered boxes, values with their captions after them); fields parted by a dot, parted
    by a gap."""
    lines = []
    for line in _wrapped_labels_joined(_answers_below(text.split("\n"))):
        line = _DOT_BETWEEN_CELLS.sub("  ", line)
        line = _ID_READ_AS_1D.sub("ID", _HASH_READ_AS_AT.sub(" #", line))
        for rewrite in (_restore_cut_label, _banner, _question, _unnumbered, _caption_after):
            line = rewrite(line)
        lines.append(line)
    return lines
