"""The patient's address: street, unit, city, state, ZIP — in one value or in labelled parts."""

import re
from collections.abc import Iterable, Iterator

from app.pipeline.fields.confidence import (
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.label_words import is_label_phrase
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.lexicon import PATIENT, SECTION_MARK, in_lexicon, section_of
from app.pipeline.types import PageText
from models.document import PageType

LINE1 = "patient.address.line1"
LINE2 = "patient.address.line2"
CITY = "patient.address.city"
STATE = "patient.address.state"
ZIP = "patient.address.zip"

STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR", "guam": "GU", "virgin islands": "VI",
}  # fmt: skip
_CODES = set(STATES.values())
# OCR reads a code's I, O, S or B as a digit, bar or "!" ("Des Moines, 1A", "!A"): still a code.
_LETTER_FOR_DIGIT = str.maketrans({"1": "I", "|": "I", "!": "I", "0": "O", "5": "S", "8": "B"})
_DIGIT_FOR_LETTER = {"I": r"[I1|!]", "O": "[O0]", "S": "[S5]", "B": "[B8]"}
_CODES_AS_READ = sorted("".join(_DIGIT_FOR_LETTER.get(c, c) for c in code) for code in _CODES)
_STATE = "|".join([*sorted(STATES, key=len, reverse=True), *_CODES_AS_READ])
CSZ = re.compile(
    rf"(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,?\s+(?P<state>{_STATE})\.?,?\s+"
    r"(?P<zip>[0-9OIl]{5}(?:-[0-9OIl]{4})?)\s*$",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"(?:,\s*|\s+)(?P<unit>(?:apt|apartment|suite|ste|unit|bldg|building|floor|fl|rm|room|lot"
    r"|space|spc|trlr|trailer|#)"
    r"\.?\s*#?\s*[A-Za-z0-9\-]+)\s*$",
    re.IGNORECASE,
)
_STREET_END = re.compile(
    r"\b(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|boulevard|way|ct|court|pl|place"
    r"|cir|circle|pkwy|parkway|hwy|highway|ter|terrace|trl|trail|sq|square|loop|row|run|pike"
    r"|(?:apt|apartment|suite|ste|unit|lot|#)\.?\s*#?\s*[A-Za-z0-9\-]+)\.?(?=\s)",
    re.IGNORECASE,
)
STREET = re.compile(r"^\s*(?:\d+[A-Za-z]?|P\.?\s?O\.?\s+Box)\s+\S", re.IGNORECASE)


# A ZIP code, or ZIP+4.
ZIP_CODE = r"\d{5}(?:-\d{4})?"
_STATE_ZIP = re.compile(rf"^\s*(?P<state>[A-Za-z]{{2}})\.?,?\s+(?P<zip>{ZIP_CODE})\b")


def state_code(text: str) -> str | None:
    word = " ".join(text.strip(" .,").split()).lower()
    if word.upper().translate(_LETTER_FOR_DIGIT) in _CODES:
        return word.upper().translate(_LETTER_FOR_DIGIT)
    return STATES.get(word)


# "9005 N Sth St": an ordinal whose digit OCR read as a letter; its suffix must agree.
_ORDINAL = re.compile(r"\b(?=[0-9SOlI]*[SOlI])(?P<number>[0-9SOlI]{1,3})(?P<suffix>st|nd|rd|th)\b")


def _mend_ordinal(match: re.Match[str]) -> str:
    number = match["number"].translate(str.maketrans("SOlI", "5011"))
    if number.startswith("0"):
        return match.group(0)
    last, tens = int(number[-1]), int(number[-2:]) // 10 if len(number) > 1 else 0
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(last, "th") if tens != 1 else "th"
    return number + suffix if suffix == match["suffix"] else match.group(0)


# "Duluth, MN $5810": OCR's "$" (or "§") for a ZIP's first digit, where the state's code
# before it says that digit is a 5 (the ZIPs of these states all start with one).
_ZIP_READ_WITH_A_DOLLAR = re.compile(r"(?<=\b(?:IA|MN|MT|ND|SD|WI) )[$§](?=\d{4}(?:-\d{4})?$)")


def split_address(text: str) -> dict[str, str] | None:
    """``123 Main St, Apt 4B, Anytown, CA 90210`` → its parts; None if no street is there."""
    # (an underscore is the writing line a pen form's street was written on: "Grove Rd_")
    text = " ".join(text.replace("_", " ").split()).strip(" ,")
    text = re.sub(r"\bBivd\b", "Blvd", text, flags=re.IGNORECASE)  # OCR's "i" for the "l"
    text = _ORDINAL.sub(_mend_ordinal, text)
    text = _ZIP_READ_WITH_A_DOLLAR.sub("5", text)
    parts: dict[str, str] = {}
    csz = CSZ.search(text)
    if csz is not None and not text[: csz.start()].rstrip().endswith(","):
        # "9075 Maple Dr Des Moines, IA 50377": the street ends at its last suffix or unit
        street_end = None
        for match in _STREET_END.finditer(text[: csz.end("city")]):
            street_end = match.end()
        if street_end is not None and text[street_end:].lstrip()[:1] != ",":
            text = f"{text[:street_end]}, {text[street_end:].lstrip()}"
            csz = CSZ.search(text)
    if csz is not None:
        head = text[: csz.start()].rstrip(" ,")
        # "123 Main St Anytown CA 90210": the city is the words after the street's last comma
        if "," not in csz["city"] and "," not in head and head and not STREET.match(head):
            return None
        state = state_code(csz["state"])
        if state:
            parts.update(city=_city(csz["city"]), state=state, zip=csz["zip"])
        text = head
    # "938 Plover Pt Bldg C Apt 7": the secondary address starts at its FIRST unit designator
    units: list[str] = []
    while (unit := _UNIT.search(text)) is not None and (
        not units or STREET.match(text[: unit.start()])
    ):
        units.insert(0, unit["unit"])
        text = text[: unit.start()].rstrip(" ,")
    if units:
        parts["line2"] = " ".join(units)
    if text:
        if not STREET.match(text):
            return None
        parts["line1"] = text
    return parts or None


def _city(text: str) -> str:
    city = " ".join(text.split()).strip(" ,")
    return city.title() if city.isupper() else city


# (a "Home Health" form's title or agency is no patient's home)
_IDENTITY = re.compile(
    r"\b(?:MRN|DOB|D\.O\.B|home(?!\s+health)|sex|gender|patient)\b", re.IGNORECASE
)


def _garbled_label(line: str) -> bool:
    """ "ADOR EMAIL ADDRESS": OCR merged two labels into one that the lexicon cannot read."""
    return bool(re.search(r"\baddress\b", line, re.IGNORECASE)) and not find_labels(line)


def _unlabelled(page: PageText) -> Iterator[Candidate]:
    """An address standing under the patient's identity (an EHR banner) or under a label OCR
    garbled, without a label we read."""
    if page.page_type not in (None, PageType.referral):
        return
    lines = page.text.split("\n")
    for i, line in enumerate(lines):
        if i < 2 or not STREET.match(line) or find_labels(line):
            continue
        if not _IDENTITY.search(" ".join(lines[max(0, i - 4) : i])) and not _garbled_label(
            lines[i - 1]
        ):
            continue
        value = line
        if not CSZ.search(line) and i + 1 < len(lines) and CSZ.fullmatch(lines[i + 1].strip()):
            value = f"{line}, {lines[i + 1].strip()}"
        parts = split_address(value)
        if parts and "zip" in parts:
            for key, path in _PATHS.items():
                if key in parts:
                    yield candidate(
                        path,
                        parts[key],
                        SHAPE_ONLY * 1.35,
                        page,
                        value,
                        key=parts[key].lower(),
                        line=i,
                    )
            return


_PATHS = {"line1": LINE1, "line2": LINE2, "city": CITY, "state": STATE, "zip": ZIP}


_UNIT_WORD = r"apt|apartment|suite|ste|unit"
# "3725 Sunset Blvd, Suite" / "200": a unit word whose number the cell wrapped to the next line
_OPEN_UNIT = re.compile(rf"(?:,\s*|\s+)(?:{_UNIT_WORD}|#)\.?\s*$", re.IGNORECASE)
# "Street 12 Elm Rd Apt/Unit": a form's caption for a unit left empty ends the street's cell.
_EMPTY_UNIT = re.compile(
    rf"(?:,\s*|\s+)(?:{_UNIT_WORD})\.?(?:\s*/\s*(?:{_UNIT_WORD})\.?)*\s*#?\s*$", re.IGNORECASE
)


# "12 Elm Rd Apt/Unit Bldg 2": the unit's caption between the street and the unit's value.
_UNIT_CAPTION = re.compile(
    rf"\s+(?:{_UNIT_WORD})\.?(?:\s*/\s*(?:{_UNIT_WORD})\.?)+\s+(?=\S)", re.IGNORECASE
)


_STATE_AT_END = re.compile(r",\s*[A-Z]{2}\s*$")


def _with_lines_after(value: str, lines: list[str], line: int) -> str:
    """A labelled street with what its cell wrapped onto the lines under it: a unit's number,
    the city, state and ZIP; a unit's caption that stays empty is dropped. OCR's cell border
    ("| Anthem Blue Cross") ends the street."""
    value = value.split(" | ")[0]
    following = [text.strip() for text in lines[line + 1 : line + 3]]
    if _OPEN_UNIT.search(value) and following and re.fullmatch(r"[0-9A-Za-z\-]{1,5}", following[0]):
        value = f"{value} {following.pop(0)}"
    if not CSZ.search(value) and following and CSZ.fullmatch(following[0]):
        value = f"{value}, {following[0]}"
    elif (
        not CSZ.search(value)
        and following
        and _STATE_AT_END.search(value)
        and re.fullmatch(ZIP_CODE, following[0])
    ):
        value = f"{value} {following[0]}"  # "…, Raleigh, NC" / "27637": the ZIP wrapped
    return _EMPTY_UNIT.sub("", _UNIT_CAPTION.sub(", ", value))


# "City Mobile State AL ZIP 36667": a form's one line of captioned cells, read as the city's.
_PART_CAPTION = re.compile(
    r"\s+(?:state|zip(?:\s*code)?|postal\s+code)\s*:?\s*(?=\S)", re.IGNORECASE
)


def _is_heading(item: Labeled) -> bool:
    """Whether what stands where a value should is a section's heading or, under the label,
    another label: the form left this one empty. Beside its label a word is the value, even
    one that labels elsewhere ("City Mobile")."""
    text = SECTION_MARK.sub("", item.value)  # "B. INSURANCE": the next section
    return (item.below and is_label_phrase(text)) or section_of(text.strip(" :")) is not None


def _city_cells(value: str) -> dict[str, str]:
    """A city cell and the state and ZIP cells captioned after it on its line."""
    caption = _PART_CAPTION.search(value)
    if caption is None:
        return {"city": value}
    whole = CSZ.fullmatch(_PART_CAPTION.sub(" ", value).strip())
    state = state_code(whole["state"]) if whole is not None else None
    if whole is not None and state is not None:
        return {"city": whole["city"], "state": state, "zip": whole["zip"]}
    return {"city": value[: caption.start()]}


def _address_under_a_phones_label(item: Labeled) -> bool:
    """ "Home: 12 Elm St, Erie, PA 16501": a label that names a phone ("Home") over no number
    but a whole address, its street, city, state and ZIP."""
    if item.kind != "phone" or re.search(r"\d{3}\D{0,3}\d{3}\D?\d{4}", item.value):
        return False
    parts = split_address(item.value)
    return parts is not None and all(k in parts for k in ("line1", "city", "state", "zip"))


def _without_label_as_city(value: str, parts: dict[str, str]) -> tuple[str, dict[str, str], bool]:
    """ "1992 E Sassafras St, North Platte, E-mail NE 69153": the next cell's label read
    across into the address where its city should be. The address read without it, in doubt
    (True) whatever it then reads as."""
    city = parts.get("city")
    label = in_lexicon(city.strip(" :")) if city is not None else None
    if city is None or label is None or label[0] == "phone":
        return value, parts, False  # "Mobile, AL": a town a phone's label names
    at = value.lower().rfind(city.lower())
    if at < 0:
        return value, parts, True
    bare = f"{value[:at].rstrip(' ,')} {value[at + len(city) :].lstrip(' :')}"
    again = split_address(bare)
    if again is None or again.get("city") is None or in_lexicon(again["city"]) is not None:
        return value, {k: v for k, v in parts.items() if k != "city"}, True
    return bare, again, True


def candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for page in by_number.values():
        yield from _unlabelled(page)
    for item in items:
        score = label_score(item, PATIENT)
        if not score or _is_heading(item):
            continue
        page = by_number[item.page]
        if item.kind == "address" or _address_under_a_phones_label(item):
            value = _with_lines_after(item.value, page.text.split("\n"), item.line)
            parts = split_address(value)
            if not parts:
                continue
            value, parts, label_inside = _without_label_as_city(value, parts)
            # a street with commas and no city read after it: where it ends is a guess; an
            # address under a phone's label ("Home: 12 Elm St, Erie, PA 16501") is one by its
            # shape alone
            unsure = (
                ("city" not in parts and "," in parts.get("line1", ""))
                or item.kind != "address"
                or label_inside
            )
            for key, path in (
                ("line1", LINE1),
                ("line2", LINE2),
                ("city", CITY),
                ("state", STATE),
                ("zip", ZIP),
            ):
                if key in parts:
                    evidence = doubted(score, unsure)
                    yield candidate(
                        path,
                        parts[key],
                        evidence,
                        page,
                        value,
                        key=parts[key].lower(),
                        line=item.line,
                    )
        elif item.kind == "line2":
            yield candidate(
                LINE2,
                item.value,
                score * 0.95,
                page,
                item.value,
                key=item.value.lower(),
                line=item.line,
            )
        elif item.kind == "city":
            cells = _city_cells(item.value)
            digits = sum(c.isdigit() for c in cells["city"])
            if digits * 2 >= len(cells["city"].strip()):
                continue  # "628527451" under "City": another cell's number, no town's name
            yield candidate(
                CITY,
                _city(cells["city"]),
                doubted(score, digits > 0),  # "Spr1ngfield": OCR's misread, or no city
                page,
                item.value,
                key=cells["city"].strip().lower(),
                line=item.line,
            )
            if "state" in cells:
                yield candidate(STATE, cells["state"], score, page, item.value, line=item.line)
                yield candidate(ZIP, cells["zip"], score, page, item.value, line=item.line)
        elif item.kind == "state":
            both = _STATE_ZIP.match(item.value)  # "State / ZIP  ID 83221"
            code = state_code(both["state"] if both else item.value)
            if code:
                yield candidate(STATE, code, score, page, item.value, line=item.line)
            if code and both:
                yield candidate(ZIP, both["zip"], score, page, item.value, line=item.line)
        elif item.kind == "zip":
            match = re.match(rf"^{ZIP_CODE}\b", item.value)
            if match:
                yield candidate(ZIP, match.group(0), score, page, item.value, line=item.line)
        elif item.kind == "csz":
            match = CSZ.search(item.value)
            if match and state_code(match["state"]):
                for path, value in (
                    (CITY, _city(match["city"])),
                    (STATE, state_code(match["state"]) or ""),
                    (ZIP, match["zip"]),
                ):
                    yield candidate(
                        path, value, score, page, item.value, key=value.lower(), line=item.line
                    )
