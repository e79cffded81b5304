"""Normalising what people and faxes write: names, dates of birth, phone numbers, NPIs.

A value that cannot be read is ``None``, never a guess (DESIGN §10).
"""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

_SPACES = re.compile(r"\s+")
# Apostrophes join a name ("O'Brien", "O’Brien" → "obrien"); other punctuation separates words.
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb`\u00b4]")
# Letters that Unicode does not decompose into a base letter and an accent.
_BASE_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe"}
)
# Phone numbers are digits and the usual separators, nothing else ("MRN2223456789" is not one).
_PHONE_TEXT = re.compile(r"\+?[0-9().\-/\s]*")
# A match that may start with spaces starts at the first of them, "(?<!\s)": searching
# from every space of a long run would take time quadratic in the run's length.
_EXTENSION = re.compile(r"(?<!\s)\s*(?:x|ext\.?|extension)\s*[0-9]+$", re.IGNORECASE)
_TITLES = re.compile(
    r"^(dr|mr|mrs|ms|miss|mx|prof)\.?\s+"
    r"|(?:,|(?<!\s))\s+(md|do|np|pa|pa-c|rn|fnp|dnp|phd|mbbs|jr|sr|ii|iii)\.?$",
    re.IGNORECASE,
)
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %B %Y",
)


def name_key(value: str | None) -> str:
    """Lower case, accents and punctuation removed, spaces folded: for search and matching."""
    if not value:
        return ""
    text = _APOSTROPHES.sub("", _without_accents(value)).casefold()
    # Folding case can yield accented letters again ("İ" → "i̇"): strip once more.
    text = _without_accents(text).translate(_BASE_LETTERS)
    # Letters of every script are kept, so names in other scripts never share an empty key.
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_titles(name: str | None) -> str | None:
    """``Dr. John Smith, MD`` → ``John Smith``."""
    if not name:
        return None
    previous = None
    text = name.strip()
    while previous != text:
        previous = text
        text = _TITLES.sub("", text).strip(" ,")
    return text or None


def parse_dob(value: str | date | None, *, today: date | None = None) -> date | None:
    """A date of birth from ISO or common US forms; ``None`` if unreadable or impossible."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    today = today or latest_date_on_earth()
    if isinstance(value, date):
        parsed: date | None = value
    else:
        parsed = read_date(value, today=today)
    if parsed is None or parsed > today or parsed.year < today.year - 130:
        return None
    return parsed


def latest_date_on_earth() -> date:
    """Today in UTC+14: a date of birth after this is in the future wherever the patient is."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def read_date(text: str, *, today: date | None = None) -> date | None:
    """A calendar date written in ISO or a common US form, past or future; else ``None``."""
    text = _SPACES.sub(" ", text.strip().replace(",", " "))
    today = today or latest_date_on_earth()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt == "%m/%d/%y" and parsed > today:
            # Two-digit years are births: 09/01/45 is 1945, not 2045.
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    return None


def phone_e164(value: str | None, default_country: str = "1") -> str | None:
    """``(555) 123-4567`` → ``+15551234567``; ``None`` when it is not a phone number."""
    if not value:
        return None
    text = _EXTENSION.sub("", value.strip())
    if not _PHONE_TEXT.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") and not digits.startswith("1"):
        return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    elif text.startswith("+"):
        return None
    # The area code must start 2-9. The exchange is not checked: the published API's own
    # example, +1 555 123-4567, has an exchange starting with 1, as fictional numbers do.
    if len(digits) == 10 and digits[0] not in "01":
        return f"+{default_country}{digits}"
    return None


def npi_valid(npi: str | None) -> bool:
    """The NPI check digit (Luhn over the ``80840`` prefix)."""
    if not npi or not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])
