"""The line a fax machine prints across the top of every page it sends.

"DEC-01-2026 09:14AM FROM: Valley Family Med (555) 201-3344 P. 2/4" is the sending
machine's, not the sender's: its number is the practice's fax line at best, and its date is
the transmission's. The line stays in the page text (a person reading it wants it there);
``PageText.fax_header_lines`` says how many leading lines are such a header, so field
extraction can skip them.
"""

import re

_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?!\d)")
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ .-]*\d{1,2}[ ,.-]+\d{2,4}\b"
    r"|\b\d{1,2}[ .-]*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ ,.-]+\d{2,4}\b",
    re.IGNORECASE,
)
_PAGE_MARK = re.compile(
    r"\b(?:p|pg|pp|page)\.?\s*#?\s*\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?\b"
    r"|\b\d{1,3}\s*of\s*\d{1,3}\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\(?\b\d{3}\)?[\s.-]{0,2}\d{3}[\s.-]{0,2}\d{4}\b|\+1[\s\d().-]{10,16}")
# A practice's phone labelled beside its fax: a letterhead's line; a machine prints its
# fax number alone, with the time it sent.
_PHONE_WORD = re.compile(r"\b(?:ph|phone|tel|telephone|office)\.?\s*:?\s*\(?\+?\d", re.IGNORECASE)
_FAX_WORDS = re.compile(r"\b(?:fax|from|to|sent|received|rcvd|recv)\b\s*:?", re.IGNORECASE)

# How many of the top lines may be a header: some machines print two (sender, then receiver).
MAX_HEADER_LINES = 2
MAX_HEADER_LENGTH = 160


def fax_header_lines(text: str) -> int:
    """How many of the first lines of ``text`` are a fax transmission header (0 if none)."""
    count = 0
    for line in text.split("\n")[:MAX_HEADER_LINES]:
        if not is_fax_header(line):
            break
        count += 1
    return count


def is_fax_header(line: str) -> bool:
    """A time stamp or date together with a page mark, a phone number or a fax word.

    One of these alone is ordinary content (a letter's date, a cover sheet's "Fax:"
    field); a transmission header carries several on one line.
    """
    line = line.strip()
    if not line or len(line) > MAX_HEADER_LENGTH:
        return False
    when = bool(_TIME.search(line)) or bool(_DATE.search(line))
    cues = sum(
        (
            bool(_PAGE_MARK.search(line)),
            bool(_NUMBER.search(line)),
            bool(_FAX_WORDS.search(line)),
        )
    )
    if not _TIME.search(line) and not _PAGE_MARK.search(line) and _PHONE_WORD.search(line):
        return False  # "Kettle Clinic · Referral Log · 11.11.2026 · Ph 555… · Fax 555…"
    return when and cues >= 1 and (cues >= 2 or bool(_TIME.search(line)))
