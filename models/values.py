"""Normalising what people and faxes write: names, dates of birth, phone numbers, NPIs.

A value that cannot be read is ``None``, never a guess (DESIGN §10).
"""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

_SPACES = re.compile(r"\s+")
# A stored phone number. ASCII digits only: \d would take any script's digits.
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
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
# Titles before a name and credentials after it, as they read once punctuation is gone
# ("M.D." is "m d"): the one list both the title stripper and the alias key use.
TITLES = frozenset(("dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof"))
CREDENTIALS = frozenset(
    ("md", "do", "np", "pa", "pac", "rn", "fnp", "dnp", "phd", "mbbs", "facp", "faafp")
    + ("jr", "sr", "ii", "iii")
)
# USPS codes: the states, DC, territories and military post offices.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM AA AE AP"
)
US_STATES = frozenset(_STATE_CODES.split())
_ZIP = re.compile(r"(\d{5})(?:-?(\d{4}))?")
# A date written with a two-digit year ("3/15/85", "01-02-24"): its century is a guess.
TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{2}")
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


def _credential_words(words: list[str]) -> int:
    """How many of the last words spell a credential ("md", or "m d" from "M.D."), or 0."""
    for size in (1, 2, 3, 4, 5):
        if len(words) > size and "".join(words[-size:]) in CREDENTIALS:
            return size
    return 0


def title_free_words(text: str | None) -> list[str]:
    """The name's words as keys, titles before and credentials after it removed.

    A name is never stripped to nothing: its last word stays whatever it is.
    """
    words = name_key(text).split()
    while len(words) > 1 and words[0] in TITLES:
        del words[0]
    while (size := _credential_words(words)) > 0:
        del words[-size:]
    return words


_WORD = re.compile(r"[^\s,]+")


def strip_titles(name: str | None) -> str | None:
    """``Dr. John Smith, M.D.`` → ``John Smith``: titles and credentials gone, the rest as
    written."""
    if not name:
        return None
    words = list(_WORD.finditer(name))
    keys = [name_key(w.group()).replace(" ", "") for w in words]
    first = 0
    while len(words) - first > 1 and keys[first] in TITLES:
        first += 1
    kept = keys[first:]
    while (size := _credential_words(kept)) > 0:
        kept = kept[:-size]
    if not kept:
        return None
    last = first + len(kept) - 1
    return name[words[first].start() : words[last].end()].strip(" ,") or None


STATE_RULE = "must be a two-letter US state code such as CA"
ZIP_RULE = "must be 5 or 9 digits (12345 or 12345-6789)"


def us_state(value: str | None) -> str | None:
    """``ca`` → ``CA``; ``None`` when it is not a USPS state or territory code."""
    text = (value or "").strip().upper()
    return text if text in US_STATES else None


def us_zip(value: str | None) -> str | None:
    """``902101234`` → ``90210-1234``; ``None`` when it is not a 5- or 9-digit ZIP code."""
    match = _ZIP.fullmatch((value or "").strip())
    if match is None:
        return None
    return "-".join(part for part in match.groups() if part)


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
