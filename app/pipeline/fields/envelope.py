"""A letter's addressee in its envelope window: a name, a street and a city line standing
unlabelled above the salutation that greets the same person ("OCTAVIA G. RASMUSSEN" /
"9691 CREOSOTE WAY APT 207" / "VICTORIA TX 77995-2638" ... "Dear Octavia Rasmussen:").

A letter written to the person it is about (a health plan's letter to its member, a
practice's to its patient) names the patient there. Nothing but the greeting ties the block to
that person, and the person to the patient (a parent or a guardian may be written to), so the
fields stay in doubt. A letter greeting a clinician ("Dear Dr. Lee", "Dear Ann Lee, MD") is
written to a colleague about someone else: its window names the receiver.
"""

import re
from collections.abc import Iterable, Iterator

from app.pipeline.fields.address import CITY, CSZ, LINE1, LINE2, STATE, STREET, ZIP, split_address
from app.pipeline.fields.confidence import LABEL_ALONE, Candidate, candidate
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.people import FIRST, LAST, WITH_CREDENTIAL, Name, read_name
from app.pipeline.types import PageText
from models.document import PageType
from models.values import name_key

# "Dear Octavia Rasmussen:", "Dear Ms. Rasmussen," (a doctor's title: no member's letter)
_GREETING = re.compile(
    r"^\s*dear\s+(?P<title>(?:mr|mrs|ms|miss|mx)\.?\s+)?(?P<name>[^\W\d_][^:,;]*?)\s*[:,;]?\s*$",
    re.IGNORECASE,
)
# The window stands at most this many lines above the salutation.
_WINDOW_LINES = 14
# A window's address: a street, at most one more line (a unit, a building), then the city's.
_ADDRESS_LINES = 3

_PATHS = {"line1": LINE1, "line2": LINE2, "city": CITY, "state": STATE, "zip": ZIP}


def candidates(pages: Iterable[PageText]) -> Iterator[Candidate]:
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            greeting = _GREETING.match(line)
            if greeting is None or WITH_CREDENTIAL.match(greeting["name"]):
                continue
            yield from _window(page, lines, number, greeting)
            break  # a letter greets once; a second "Dear" is another letter's


def _window(
    page: PageText, lines: list[str], salutation: int, greeting: re.Match[str]
) -> Iterator[Candidate]:
    """The name and address of the block above the salutation that names the one greeted."""
    for number in range(max(0, salutation - _WINDOW_LINES), salutation):
        text = lines[number].strip()
        if not text or find_labels(text):
            continue
        name = read_name(text)
        if name is None or not _greets(greeting, name):
            continue
        address = _address(lines[number + 1 : salutation])
        if address is None:
            continue
        raw, parts = address
        # (a person's name with the address under it and the same person greeted: the
        # letter's addressee, the patient most likely, but never for sure)
        for path, value in ((FIRST, name.first), (LAST, name.last)):
            yield candidate(path, value, LABEL_ALONE, page, text, key=name_key(value), line=number)
        for key, path in _PATHS.items():
            if key in parts:
                value = parts[key]
                yield candidate(path, value, LABEL_ALONE, page, raw, key=value.lower(), line=number)
        return


def _greets(greeting: re.Match[str], name: Name) -> bool:
    """Whether the salutation greets the person ``name``: the same last name, and the same
    first name unless it greets by title ("Dear Ms. Rasmussen")."""
    greeted = greeting["name"].split()
    if name_key(greeted[-1]) != name_key(name.last):
        return False
    return greeting["title"] is not None or name_key(greeted[0]) == name_key(name.first)


def _address(lines: list[str]) -> tuple[str, dict[str, str]] | None:
    """The street and city lines right under the name, read as one address, or None."""
    if not lines or not STREET.match(lines[0]) or find_labels(lines[0]):
        return None
    for end in range(1, min(_ADDRESS_LINES, len(lines))):
        if CSZ.fullmatch(lines[end].strip()):
            raw = ", ".join(line.strip() for line in lines[: end + 1])
            parts = split_address(raw)
            if parts and "zip" in parts:
                return raw, parts
            return None
    return None
