"""A label of a few words before its colon, one word of it OCR misread by a letter.

Small print on a fax loses a letter of a label's word ("Reason Tor referral:", "Reler to:",
"Date of bith:"), and a label that is no longer one leaves its value unread. The phrase before
a line's colon is mended only when it is no label itself, one letter changed in one of its
words makes it a label, and every label so made names the same field, one we read (labels
of fields not read, "Date of service", would lend their values to a field's).
"""

import functools
import re

from app.pipeline.fields import edits
from app.pipeline.fields.lexicon import classify, is_label

# Two to four words of letters at the line's start, then a colon.
_PHRASE = re.compile(r"^(?P<lead>\s*)(?P<phrase>[A-Za-z]+(?: [A-Za-z]+){1,3})(?P<rest>\s?:.*)$")


def mended(line: str) -> str:
    """``line`` with the label phrase before its colon spelled right, where it was misread."""
    match = _PHRASE.match(line)
    if match is None:
        return line
    phrase = _label_near(match["phrase"])
    return line if phrase is None else f"{match['lead']}{phrase}{match['rest']}"


@functools.lru_cache(maxsize=4096)
def _label_near(phrase: str) -> str | None:
    if is_label(phrase):
        return None
    words = phrase.split()
    found: dict[str, tuple[str, str | None]] = {}
    for i, word in enumerate(words):
        if len(word) < 3:
            continue
        for near in edits.one_letter_changed(word):
            spelled = (
                near.upper() if word.isupper() else near.capitalize() if word[0].isupper() else near
            )
            candidate = " ".join([*words[:i], spelled, *words[i + 1 :]])
            if is_label(candidate):
                found[candidate] = classify(candidate)
    kinds = set(found.values())
    if len(kinds) != 1 or next(iter(kinds))[0] == "skip":
        return None
    return min(found)
