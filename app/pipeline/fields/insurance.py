"""The insurance: payer, member id, group number."""

import re
from collections.abc import Iterable, Iterator

from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.label_below import CUT_SHORT
from app.pipeline.fields.label_find import header_row
from app.pipeline.fields.label_words import of_label_words_only
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.lexicon import (
    INSURANCE,
    OTHER,
    PATIENT,
    RECIPIENT,
    in_lexicon,
    is_label,
    section_of,
)
from app.pipeline.types import PageText
from models.document import PageType

PROVIDER = "insurance.provider"
MEMBER_ID = "insurance.memberId"
GROUP = "insurance.groupNumber"

# An identifier: letters and digits (a dash or space inside), at least one digit.
_IDENTIFIER = re.compile(r"^(?=[A-Za-z0-9\-]*[0-9])[A-Za-z0-9][A-Za-z0-9\-]{2,24}")
# Words a payer's name has ("Plan: Tricare" is insurance; "Plan: follow up" is not).
PAYER = re.compile(
    r"\b(?:aetna|cigna|humana|medicare|medicaid|tricare|kaiser|anthem|molina|ambetter|wellcare"
    r"|united ?health(?:care)?|uhc|blue (?:cross|shield)|bcbs|oscar|health ?net|highmark"
    r"|caresource|amerigroup|centene|oxford|emblem|insurance|health plan|hmo|ppo|epo|pos"
    r"|advantage|assurance|mutual|medi-cal|champva|health ?care)\b"
    # a payer named for its place or founder: "Priority Health", "Harvard Pilgrim Health Care"
    r"|(?-i:\b[A-Z][a-z]+ Health\b)",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"^(?:n/?a|none|unknown|self[- ]?pay|not provided|pending|uninsured"
    r"|no (?:insurance|coverage)|sin seguro|ninguno|pago propio)\b",  # and in Spanish
    re.IGNORECASE,
)


# "ZGP61 1446091": OCR's gap inside one identifier, the value being that identifier alone.
_SPLIT_IDENTIFIER = re.compile(r"^(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{2,}(?: [0-9]{2,})+$")


def read_identifier(value: str, *, ocr: bool = False) -> str | None:
    """The identifier ``value`` starts with, in capitals. Read by OCR (``ocr``), an "O" in an
    identifier of three digits or more is a zero: a fax's O and 0 are one shape to OCR, and
    member and group ids are digits with few letters, their issuers leaving out the O for
    that very confusion (Medicare's MBI has none), so the digit is far the likelier; but in
    the letter prefix of an id that is letters then digits ("OSC…"), clear of the digits, the
    O is one of the prefix's letters."""
    text = value.strip().lstrip("#: ")
    if _NONE.match(text):
        return None
    if _SPLIT_IDENTIFIER.match(text) and len(text.replace(" ", "")) <= 20:
        text = text.replace(" ", "")
    match = _IDENTIFIER.match(text)
    if match is None:
        return None
    identifier = match.group(0).upper().strip("-")
    if ocr and sum(c.isdigit() for c in identifier) >= 3:
        prefix = _LETTER_PREFIX.match(identifier)
        if prefix is None:
            identifier = identifier.replace("O", "0")
        else:  # "OSC64280049": the letters' O stays, one touching the digits is a zero
            head = prefix.group("letters")
            digits = prefix.group("digits").replace("O", "0")
            identifier = head[:-1] + head[-1:].replace("O", "0") + digits
    return identifier


# A payer's letter prefix, then digits only ("OSC64280049", "XGA018800057").
_LETTER_PREFIX = re.compile(r"^(?P<letters>[A-Z]{3,})(?P<digits>[0-9O]{5,})$")


# Words that start a payer's member id written after its name on the same line ("1D" and
# "lD": OCR's "ID").
_ID_WORD = re.compile(
    r"^[/,(]*(?:ids?|[1l]d|#|member|subscriber|policy|mbr|grp|no\.?)[:#.]?$", re.IGNORECASE
)


def _without_id(text: str) -> str:
    """The payer's name without the id written after it: "WellCare / ID 846657992",
    "Aetna, member W123456789": the name ends at an id's word or at a number, when a number
    (three digits or more) follows."""
    tokens = text.split()
    numbers = [i for i, token in enumerate(tokens) if sum(c.isdigit() for c in token) >= 3]
    for i in range(1, numbers[-1] + 1 if numbers else 0):
        if i in numbers or _ID_WORD.match(tokens[i]):
            return " ".join(tokens[:i]).strip(" ,/-(")
    return text


# Ids written after a payer's name: "Oscar Health / ID OSC908 (grp 73132)", "… (ID HMK36)".
_GROUP_AFTER = re.compile(
    r"\b(?:group|grp)\.?\s*(?:id|#|no\.?|number)?\s*[:#]?\s*(?P<id>[A-Z0-9][A-Z0-9\-]{2,24})\b",
    re.IGNORECASE,
)
_MEMBER_AFTER = re.compile(
    r"(?:^|(?<=[\s/,(]))(?:(?:member|subscriber|policy|mbr)\s*)?(?:id|#|no\.?|number)"
    r"\s*[:#]?\s*(?P<id>[A-Z0-9][A-Z0-9\-]{3,24})\b",
    re.IGNORECASE,
)


def ids_after(text: str, *, ocr: bool = False) -> tuple[str | None, str | None]:
    """The member id and the group number written with the payer's name, when they are."""
    group_match = _GROUP_AFTER.search(text)
    group = read_identifier(group_match["id"], ocr=ocr) if group_match else None
    if group_match:
        text = text[: group_match.start()] + " " + text[group_match.end() :]
    member_match = _MEMBER_AFTER.search(text)
    member = read_identifier(member_match["id"], ocr=ocr) if member_match else None
    return member, group


# Kinds of label no payer's name holds: a word sequence of one of them after the payer's first
# word is the next cell's label run on ("Nebraska Total Care Practice Kennebec Family
# Medicine": two forms side by side, their rows read across).
_OTHER_PARTY_KINDS = frozenset(
    {"practice", "provider", "npi", "phone", "fax", "address", "dob", "sex", "email", "department"}
)


def next_label_at(text: str) -> int | None:
    """Where a label of another party's field starts inside a payer's name, if one does."""
    words = list(re.finditer(r"\S+", text))
    for i in range(1, len(words)):
        if not words[i].group(0)[0].isupper():
            continue  # "Ambetter from …": a label starts a cell with a capital
        for j in range(min(len(words), i + 3), i, -1):
            found = in_lexicon(text[words[i].start() : words[j - 1].end()].strip(" :#,"))
            if found is None:
                continue
            kind, owner = found
            if owner == PATIENT:
                continue  # "Ambetter from Home State Health": a "Home" phone's word
            if kind in _OTHER_PARTY_KINDS or (kind == "name" and owner not in (None, INSURANCE)):
                return words[i].start()
    return None


def read_payer(value: str) -> str | None:
    text = re.split(r"\s{2,}|\s\|\s|;", value.strip())[0].strip(" ,.-")
    text = _without_id(text)
    if not text or _NONE.match(text) or not re.search("[A-Za-z]{2}", text):
        return None
    if (
        header_row(text) is not None
        or _NAMES_A_NUMBER.search(text)
        or (of_label_words_only(text) and not _NAMED_HEALTH_PLAN.match(text))
    ):
        # "Plan Subscriber ID Group", "Claim number": the labels of a table, not a payer;
        # "Insurance Providers": a heading read as a label and its value
        return None
    return text


# "Physicians Health Plan": a payer's name made of label words, a "Health Plan" named by
# the capitalised words before it (a heading says "Health Plans", "Insurance Plan")
_NAMED_HEALTH_PLAN = re.compile(r"^(?:[A-Z][a-z]+ ){1,3}Health Plan$")
# A phrase that ends in "number" or "ID" labels a number: no payer is called that.
_NAMES_A_NUMBER = re.compile(r"\b(?:number|no\.?|id|#)\s*$", re.IGNORECASE)

_WRAPPED = re.compile(r"^[A-Za-z][A-Za-z&.'\-]*(?: [A-Za-z][A-Za-z&.'\-]*)?$")


def _with_wrapped_words(item: Labeled, page: PageText) -> str:
    """ "Payor" / "BLUE CROSS BLUE" / "SHIELD" / "Plan": a payer under its label whose narrow
    cell wrapped its last words onto the next line, the next label standing under them. The
    words carry on when they are one or two words of letters, shorter than the line above, in
    its case, and no label themselves."""
    if not item.below:
        return item.value
    lines = page.text.split("\n")
    if item.line + 2 >= len(lines):
        return item.value
    after, then = lines[item.line + 1].strip(), lines[item.line + 2].strip()
    # a wrapped tail is shorter than the full line above it ("AETNA" / "CHOICE POS II" is
    # a payer and its plan)
    shorter = len(after) < len(item.value)
    same_case = after.isupper() == item.value.isupper()
    if _WRAPPED.match(after) and shorter and same_case and not is_label(after) and is_label(then):
        return f"{item.value} {after}"
    return item.value


# "Primary" / "Secondary": the column headings of a grid of coverages, each alone on its line
# (or one line of them after a wide gap).
_RANK = re.compile(r"^\s*(?:primary|secondary|tertiary)\s*:?\s*$", re.IGNORECASE)
_RANKS_IN_A_ROW = re.compile(r"\bprimary(?:\s{2,}|\t)secondary\b", re.IGNORECASE)


def coverage_grid_lines(page: PageText) -> set[int]:
    """The lines of a grid of several coverages side by side ("Primary  Secondary" over rows
    of payer, member id, group): read without the columns' positions, a cell can be any
    coverage's, so what is read there is in doubt. Empty for a page with no such grid."""
    lines = page.text.split("\n")
    found: set[int] = set()
    for index, line in enumerate(lines):
        ranks = _RANKS_IN_A_ROW.search(line) is not None or (
            _RANK.match(line) is not None
            and any(_RANK.match(other) for other in lines[index + 1 : index + 4])
        )
        if not ranks or index in found:
            continue
        for j in range(index, len(lines)):
            heading = section_of(lines[j])
            if j > index and heading is not None and heading != INSURANCE:
                break
            found.add(j)
    return found


# A phone number as written, its groups parted: "256-810-0297", "(863) 578-4890".
_PHONE_SHAPE = re.compile(r"^\s*[#:]?\s*(?:\+?1[ .-])?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b")


def phone_shaped(value: str) -> bool:
    """Whether an identifier as written has a phone number's shape: a number of another
    cell's more likely than a member's id."""
    return _PHONE_SHAPE.match(value) is not None


def candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    grids = {p.number: coverage_grid_lines(p) for p in by_number.values()}
    for item in items:
        score = label_score(item, INSURANCE)
        if (
            not score
            and item.kind == "insurer"
            and item.owner not in (OTHER, RECIPIENT)
            and PAYER.search(item.value)
        ):
            score = LABEL_ALONE
        if not score:
            continue
        page = by_number[item.page]
        score = doubted(score, item.line in grids[item.page])
        if item.kind == "insurer" or (item.kind == "name" and item.owner == INSURANCE):
            # "Payer name": the name of the insurance's party is the payer
            payer = read_payer(_with_wrapped_words(item, page))
            run_on = next_label_at(payer) if payer else None
            if payer and run_on is not None:
                # the next cell's label and value run on: the payer ends there, in doubt
                payer, score = payer[:run_on].rstrip(" ,/-") or None, doubted(score)
            if payer:
                yield candidate(
                    PROVIDER,
                    payer,
                    doubted(score, CUT_SHORT.search(payer) is not None),  # its end wrapped away
                    page,
                    item.value,
                    key=" ".join(payer.lower().split()),
                    line=item.line,
                )
                at = item.value.find(payer)
                after = item.value[at + len(payer) :] if at >= 0 else ""
                member, group = ids_after(after, ocr=page.method == "ocr")
                for path, found in ((MEMBER_ID, member), (GROUP, group)):
                    if found:
                        yield candidate(path, found, score * 0.95, page, item.value, line=item.line)
        elif item.kind in ("member_id", "group"):
            identifier = read_identifier(item.value, ocr=page.method == "ocr")
            if identifier:
                path = MEMBER_ID if item.kind == "member_id" else GROUP
                # "256-810-0297" under a wrapped "Member / subscriber ID": a phone's shape, a
                # number of the next cell's more likely than an id
                score = doubted(score, phone_shaped(item.value))
                yield candidate(path, identifier, score, page, item.value, line=item.line)


# A request a payer reviews: the form is the payer's own, under its name.
_PAYERS_FORM = re.compile(
    r"\b(?:prior|pre)[- ]?(?:authori[sz]ation|certification|cert|auth)\b"
    r"|\butili[sz]ation\s+(?:management|review)\b",
    re.IGNORECASE,
)
# How many lines head a page: its title and the form's name under it.
_HEAD_LINES = 3


def payer_from_title(pages: Iterable[PageText]) -> Iterator[Candidate]:
    """The payer named by the title of its own prior-authorization form ("Blue Shield of
    California" over "Prior Authorization Request"): the first line of a referral page whose
    head asks for prior authorization, when that line is a short name and no label. Weak
    evidence, below a labelled insurer; firmer when the name reads as a payer's."""
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        head = [line.strip() for line in page.body.split("\n") if line.strip()][:_HEAD_LINES]
        if len(head) < 2 or not any(_PAYERS_FORM.search(line) for line in head[1:]):
            continue
        title = head[0]
        words = title.split()
        if (
            not 1 <= len(words) <= 6
            or any(c.isdigit() for c in title)
            or ":" in title
            or is_label(title)
            or _PAYERS_FORM.search(title)
        ):
            continue
        score = LABEL_ALONE * 0.9 if PAYER.search(title) else SHAPE_ONLY
        key = " ".join(title.lower().split())
        yield candidate(PROVIDER, title, score, page, title, key=key, line=0)
