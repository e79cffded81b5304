"""Normalising what people and faxes write: names, dates of birth, phone numbers.

A value that cannot be read is ``None``, never a guess (DESIGN §10).
"""

import re
import unicodedata
from datetime import date, datetime

_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_TITLES = re.compile(
    r"^(dr|mr|mrs|ms|miss|mx|prof)\.?\s+|,?\s+(md|do|np|pa|pa-c|rn|fnp|dnp|phd|mbbs|jr|sr|ii|iii)\.?$",
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
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("-", " ").replace("'", "")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


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
    if isinstance(value, date):
        parsed: date | None = value
    else:
        parsed = _parse_date(value.strip().replace(",", " "))
    today = today or date.today()
    if parsed is None or parsed > today or parsed.year < today.year - 130:
        return None
    return parsed


def _parse_date(text: str) -> date | None:
    text = _SPACES.sub(" ", text)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt == "%m/%d/%y" and parsed > date.today():
            # Two-digit years are births: 09/01/45 is 1945, not 2045.
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    return None


def phone_e164(value: str | None, default_country: str = "1") -> str | None:
    """``(555) 123-4567`` → ``+15551234567``; ``None`` when it is not a phone number."""
    if not value:
        return None
    text = value.strip()
    text = re.split(r"\s*(?:x|ext\.?|extension)\s*\d+$", text, flags=re.IGNORECASE)[0]
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01":
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
