"""How soon the patient should be seen: an urgency in words ("STAT", "within 1 week"), a
row of check boxes with one ticked, or a clinic's shorthand."""

import re
from collections.abc import Iterable, Iterator, Sequence

from app.pipeline.fields.boxes import (
    odd_one_is_half_a_box,
    odd_one_out,
    options,
)
from app.pipeline.fields.confidence import (
    LABEL_IN_SECTION,
    NARRATIVE,
    Candidate,
    candidate,
    doubted,
    own_label_score,
)
from app.pipeline.fields.labels import Labeled
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Urgency

URGENCY = "clinical.urgency"


_CHECKED = r"(?:[\[(]\s*[xX✓✔✗✘*]\s*[\])]|[☒☑✔✓■▣⊠✗✘]|(?<![A-Za-z])[xX](?=\s))"
_TICK = re.compile(r"[\[(]\s*[xX✓✔✗✘*]\s*[\])]|[☒☑✔✓■▣⊠✗✘xX]")
_UNCHECKED = r"(?:[\[(]\s*[\])]|[☐□○◯❏]|_{2,}\s)"
_WORDS = r"stat|emergent|emergency|urgent|asap|expedited|routine|non-urgent|elective"
_BOX = re.compile(
    rf"(?P<mark>{_CHECKED}|{_UNCHECKED})?\s*(?P<word>{_WORDS})\b(?=\s*(?P<after>{_CHECKED}|{_UNCHECKED})?)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(
    r"\b(?:referral|request|consult|this)\s+is\s+(?:an?\s+)?(?:considered\s+)?"
    r"(?P<word4>stat|urgent|routine|emergent|non-urgent)\b"
    r"|\btreat\s+(?:this|it|the referral)\s+as\s+(?:an?\s+)?(?P<word5>stat|urgent|routine)\b"
    r"|\b(?P<word>stat|urgent|asap|routine|emergent)(?:ly)?\s+(?:referral|consult(?:ation)?"
    r"|evaluation|appointment|visit|request)\b|\bsee\s+(?:this patient\s+|him\s+|her\s+)?"
    r"(?P<word2>urgently|asap|stat)\b|\bpriority\s*[:\-]?\s*(?P<word3>stat|urgent|routine)\b",
    re.IGNORECASE,
)


# What the options of a form's urgency boxes say, beyond the words a value names.
# A hand tick read as letters may be glued to the capital of the option after it ("D<fRoutine"),
# or read as one letter glued to an option printed in capitals ("JASAP").
# How soon, as a form's option or a request's words put it: "[X] Within 1 week", "same day".
_SOON = (
    r"(?P<stat>\btoday\b|\bsame[- ]day\b|\bimmediately\b|\bwithin\s+24\s+hours\b)"
    r"|(?P<urgent>\bwithin\s+(?:the\s+)?(?:next\s+)?(?:few|couple\s+of|[1-9]|two|three|four|five)"
    r"\s+(?:days|business days)\b|\bthis\s+week\b|\bas\s+soon\s+as\s+possible\b"
    r"|\bwithin\s+(?:a|one|1)\s+week\b)"
    # a month or more away is the next routine appointment
    r"|(?P<routine>\bnext\s+available\b|\bat\s+your\s+(?:earliest\s+)?convenience\b"
    r"|\bwhen(?:ever)?\s+convenient\b"
    r"|\bwithin\s+(?:[4-9]|four|five|six)(?:\s*(?:-|to)\s*(?:\d+|six|eight))?\s+weeks\b)"
)
_SOON_OPTION = re.compile(rf"\s*(?:{_SOON})\s*", re.IGNORECASE)
_OPTION_WORDS = re.compile(
    r"(?:(?<![A-Za-z])|(?<=[a-z])(?=(?-i:[A-Z][a-z]))|(?<=(?<!\S)[A-Za-z])(?=(?-i:[A-Z]{3,}\b)))"
    rf"(?P<word>{_WORDS}|standard|normal|regular|non-urgent|urgently"
    r"|today|same[- ]day|within\s+\S+(?:\s+business)?\s+(?:hours|days?|weeks?))\b",
    re.IGNORECASE,
)
_ROUTINE_OPTIONS = {"standard", "normal", "regular"}


def _option_urgency(word: str) -> Urgency | None:
    """What an option's words ask for: an urgency's word, or how soon ("Within 1 week")."""
    soon = _SOON_OPTION.fullmatch(word)
    if soon is not None:
        return next(Urgency(key) for key in ("stat", "urgent", "routine") if soon[key])
    word = word.lower().removesuffix("ly")
    return Urgency.routine if word in _ROUTINE_OPTIONS else Urgency.read(word)


def _ticked_urgency(text: str) -> tuple[Urgency | None, bool] | None:
    """The urgency of the ticked box of a row of printed boxes: only a ticked box's words
    count ("[X] Standard [ ] Expedited / urgent" is routine); None for no such row."""
    found = options(text)
    if found is None:
        return None
    ticked: set[Urgency] = set()
    named = False
    for checked, words in found:
        for match in _OPTION_WORDS.finditer(words):
            named = True
            urgency = _option_urgency(match["word"])
            if checked and urgency is not None:
                ticked.add(urgency)
    if not named:
        return None
    if len(ticked) == 1:
        return ticked.pop(), True
    if ticked or not any(checked for checked, _ in found):
        return None, True
    return None


# How soon a request asks for the patient to be seen, in words of time rather than urgency.
_WHEN = re.compile(
    r"\b(?:see|schedule|evaluate|examine|seen|scheduled|appointment|follow[- ]?up)\b[^;]{0,140}?"
    rf"(?:{_SOON})",
    re.IGNORECASE,
)


def read_when(text: str) -> Urgency | None:
    """The urgency a request's "please see her today / within a few days / at the next
    available appointment" asks for."""
    match = _WHEN.search(text)
    if match is None:
        return None
    return next(Urgency(key) for key in ("stat", "urgent", "routine") if match[key])


# "Xistar [ ] Urgent [ ] Routine": a row's first option, ticked by hand, its tick and word
# read as one token that no longer spells the word; every later option after an empty box.
_FIRST_OPTION = re.compile(r"^\s*(?P<token>[^\s\[\](){}|]{4,12})\s+(?=[\[({|])")
GUESSED = 0.9
_EMPTY_BOX_BEFORE = re.compile(r"[\[({|][\s\[\](){}|l1]{0,2}[\])}|]\s*$")


def _glued_to_its_tick(text: str) -> Urgency | None:
    """The urgency of a first option read with its hand tick as one garbled token: its end
    is an option word or one letter away from one (no other is), and the row's other
    options all stand after empty boxes."""
    first = _FIRST_OPTION.match(text)
    if first is None:
        return None
    rest = list(_OPTION_WORDS.finditer(text, first.end()))
    if not rest or not all(_EMPTY_BOX_BEFORE.search(text[: m.start()]) for m in rest):
        return None
    token = first["token"].lower()
    found = {
        urgency
        for word in ("stat", "urgent", "routine", "emergent", "asap", "elective", "expedited")
        if len(token) > len(word)
        and sum(a != b for a, b in zip(token[-len(word) :], word, strict=True)) <= 1
        and (urgency := _option_urgency(word)) is not None
    }
    return found.pop() if len(found) == 1 else None


def _guess_factor(text: str) -> float:
    """A tick read out of a garbled token is a guess: never shown as sure. So is the odd one
    out of a row where words no option spells stand between the options ("[ ] Routine foe |
    JEmergent"): an option OCR garbled, which may be the ticked one."""
    printed = _ticked_urgency(text)
    if printed is not None and printed[0] is not None:
        return 1.0
    if _glued_to_its_tick(text):
        return GUESSED
    if odd_one_out(text, _OPTION_WORDS) and _garbled_between_options(text):
        return GUESSED
    return GUESSED if odd_one_is_half_a_box(text, _OPTION_WORDS) else 1.0


def _garbled_between_options(text: str) -> bool:
    """Whether a word of three letters or more that is no option stands between two options
    (an option's own "how soon" in brackets is no such word: "Routine (2-4 weeks)")."""
    found = list(_OPTION_WORDS.finditer(text))
    gaps = [text[a.end() : b.start()] for a, b in zip(found, found[1:], strict=False)]
    return any(re.search(r"[A-Za-z]{3,}", _HOW_SOON.sub(" ", gap)) for gap in gaps)


_HOW_SOON = re.compile(r"\([^()]*\)")


# A box's bracket, or a lone letter before the option (a bar before it, or the value's
# start): what OCR makes of a box ("| J Routine").
_BOX_SIGN = re.compile(r"[\[\]{}]|(?:\||^)\s*[A-Za-z]\s")


def _ticks_lost(text: str) -> bool:
    """A row of boxes whose ticks OCR lost ("[ Peasy  eer ] Emergent"): one option word read,
    no tick found, beside a box's brackets. The options OCR garbled may hold the tick."""
    urgency, boxed = read_urgency(text)
    return urgency is not None and not boxed and _BOX_SIGN.search(text) is not None


def read_urgency(text: str) -> tuple[Urgency | None, bool]:
    """The urgency a value names or ticks, and whether it was ticked among boxes."""
    printed = _ticked_urgency(text)
    if printed is not None and printed[0] is not None:
        return printed
    if glued := _glued_to_its_tick(text):
        return glued, True
    if odd := odd_one_out(text, _OPTION_WORDS):
        return _option_urgency(odd), True  # ticked by hand, read by OCR: "JX Expedited"
    boxes = list(_BOX.finditer(text))
    if not boxes:
        return None, False
    if any(m["mark"] or m["after"] for m in boxes):
        # "[X] Urgent [ ] Routine" or "Urgent [X] Routine [ ]": one style per line
        before = sum(bool(m["mark"]) for m in boxes) >= sum(bool(m["after"]) for m in boxes)
        ticked = {
            Urgency.read(m["word"].lower())
            for m in boxes
            if _is_checked(m["mark"] if before else m["after"])
        }
        ticked.discard(None)
        if len(ticked) == 1:
            return ticked.pop(), True
        if not ticked and (odd := odd_one_out(text, _OPTION_WORDS)):
            return _option_urgency(odd), True  # ticked by hand, read by OCR
        if ticked or len(boxes) > 1:
            return None, True
    words = {Urgency.read(m["word"].lower()) for m in boxes} - {None}
    if len(words) == 1:
        return words.pop(), False
    return None, False


# A labelled urgency in a slip's shorthand ("Pri. Rout.", "Priority: Urg"), or a payer's
# review type ("Review type: Standard (14 days)").
_SHORTHAND = re.compile(
    r"^\s*(?:(?P<routine>rout|rtn|standard|normal|regular)|(?P<urgent>urg)|(?P<stat>emerg))"
    r"\.?\s*(?:\([^)]{0,30}\))?\s*$",
    re.IGNORECASE,
)


def read_shorthand(value: str) -> Urgency | None:
    """The urgency a labelled value writes in shorthand or a form's word ("Rout.",
    "Standard"), else None."""
    match = _SHORTHAND.match(value)
    if match is None:
        return None
    return next(Urgency(key) for key in ("stat", "urgent", "routine") if match[key])


def _is_checked(mark: str | None) -> bool:
    if not mark:
        return False
    return _TICK.fullmatch(mark.strip()) is not None


# The fewest words of a line that a sentence wrapped from (more than a heading's).
_WRAPPED_WORDS = 4


def urgency_candidates(pages: Sequence[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    used_lines: set[tuple[int, int]] = set()
    for item in items:
        if item.kind != "urgency":
            continue
        page = by_number[item.page]
        if page.page_type not in (None, PageType.referral):
            continue
        urgency = read_urgency(item.value)[0] or read_shorthand(item.value)
        used_lines.add((item.page, item.line))
        if urgency is not None:
            evidence = doubted(
                own_label_score(item) * _guess_factor(item.value), _ticks_lost(item.value)
            )
            yield candidate(URGENCY, urgency, evidence, page, item.value, line=item.line)
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            if (page.number, number) in used_lines:
                continue
            urgency, boxed = read_urgency(line)
            if urgency is not None and boxed:
                evidence = LABEL_IN_SECTION * _guess_factor(line)
                yield candidate(URGENCY, urgency, evidence, page, line, line=number)
                continue
            sentence = _SENTENCE.search(line)
            if sentence:
                word = next(w for w in sentence.groups() if w)
                found = Urgency.read(word.lower().removesuffix("ly"))
                if found is not None:
                    yield candidate(URGENCY, found, NARRATIVE * 0.9, page, line, line=number)
                    continue
            # a sentence wrapped onto the next line ("follow-up with Neurology for …," /
            # "…, within 1 week.")
            after = lines[number + 1] if number + 1 < len(lines) else ""
            # a heading alone ("Follow-up") over a list is no sentence wrapped onto the next line
            wraps = after and len(line.split()) >= _WRAPPED_WORDS
            when = read_when(line) or (read_when(f"{line} {after}") if wraps else None)
            if when is not None:
                yield candidate(URGENCY, when, NARRATIVE * 0.85, page, line, line=number)
