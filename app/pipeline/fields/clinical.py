"""What the referral is for: the reason and the ICD-10 codes (the urgency: ``urgency``)."""

import re
from collections.abc import Iterable, Iterator, Sequence

from app.pipeline.fields import icd10
from app.pipeline.fields.boxes import (
    without_unticked,
)
from app.pipeline.fields.confidence import (
    NARRATIVE,
    SHAPE_ONLY,
    Candidate,
    candidate,
    doubted,
    own_label_score,
    page_factor,
    read_factor,
)
from app.pipeline.fields.history import under_history
from app.pipeline.fields.label_find import find_labels
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.people import read_name
from app.pipeline.fields.repair import capital_i
from app.pipeline.types import PageText
from models.document import PageType

REASON = "clinical.reason"
CODES = "clinical.diagnosisCodes"

# A code as written, OCR's look-alikes allowed: letter (or a digit or sign OCR reads for one,
# _FIRST_LETTERS), digit, digit or letter, then the part after the dot. Not the part after
# another code's dot ("G43.009" is no "O09").
_CODE = re.compile(
    r"(?<![A-Za-z0-9.])(?P<code>[A-Z1058276£€][0-9OIlSBT][0-9A-Z](?:\.[0-9A-Za-z]{1,4})?)(?![A-Za-z0-9]|[\-/.]\d)"
)
_BARE_CODE = re.compile(r"(?<![A-Za-z0-9.])(?P<code>[A-Z][0-9]{2}[0-9A-Z]{1,4})(?![A-Za-z0-9])")
# Anything shaped like a dotted code, however OCR spelled it: "MS4.42", "£11.42".
# A code's shape; also as OCR splits one with a space ("El 1.42" for E11.42), or reads one
# letter as two ("DS50.9").
_CODE_LIKE = re.compile(
    r"(?<![\w.])(?:\S[0-9A-Za-z]{2,3}|[A-Z][0-9A-Za-z] [0-9A-Za-z]|[A-Z] [0-9A-Za-z]{2})"
    r"\.[0-9A-Za-z]{1,4}(?![\w.])"
)
UNREAD_CODE = 0.7
_HEAD_DIGITS = str.maketrans({"O": "0", "I": "1", "l": "1", "S": "5", "B": "8", "T": "1"})
# The letters a digit or sign stands for at a code's start, likeliest first: the code set
# decides between them ("050.9" is no O50.9, so D50.9).
_FIRST_LETTERS = {
    "1": "I", "0": "OD", "5": "S", "8": "B", "2": "Z", "7": "Z", "6": "G", "£": "E", "€": "E",
}  # fmt: skip
# "x: 150.22 - Chronic systolic heart failure": a label OCR cut at a box's edge ("Dx:"),
# then a dotted code (the line is a diagnosis however its first letter was read), or one
# whose dot OCR lost ("x: D485").
_CUT_LABEL = re.compile(
    r"^\s*[A-Za-z]{0,2}\s*:\s*"
    r"(?=[A-Z1058276£€][0-9OIlSBT][0-9A-Z]\.|[A-Z][0-9]{2}[0-9A-Z]{1,4}(?![\w.]))"
)
# "[E 11.42]": a bracketed code, a space OCR put inside it
_BRACKETED = re.compile(r"\[([^\]\s]{1,4}\s[^\]]{1,8})\]")
_CODE_CONTEXT = re.compile(r"\b(?:icd|dx|diagnos[ie]s|code)", re.IGNORECASE)


def read_code(raw: str, *, ocr: bool = True) -> tuple[str | None, bool]:
    """A valid ICD-10-CM code from what OCR read, and whether it had to be repaired; a digit
    misread for a look-alike is looked for only in what OCR read (``ocr``), not typed text."""
    if "T" in raw[1:3] and "." not in raw:
        return None, False  # a T for a 1 only where a dotted code's shape says so ("ETT.65")
    head = raw[1:3].translate(_HEAD_DIGITS)
    rest = raw[3:]
    for first in _FIRST_LETTERS.get(raw[0], raw[0]):
        repaired = first + head + rest.upper() != raw
        if head[0].isdigit() and icd10.is_code(first + head + rest.upper()):
            return icd10.dotted(first + head + rest), repaired
        alt = rest.upper().replace("O", "0").replace("I", "1").replace("L", "1")
        if alt != rest.upper() and icd10.is_code(first + head + alt):
            return icd10.dotted(first + head + alt), True
    return _one_digit_misread(raw) if ocr else (None, False)


# Digits OCR takes for one another on a fax ("1" for "7", "8" for "3" or "6"…).
_DIGIT_LOOK_ALIKES = {
    "0": "8", "1": "7", "3": "8", "5": "6", "6": "58", "7": "1", "8": "0369", "9": "8",
}  # fmt: skip


def _one_digit_misread(raw: str) -> tuple[str | None, bool]:
    """ "E04.7" is no code, "E04.1" is: a code that is none as read, when changing one of its
    digits for a look-alike makes exactly one code of the set. Two or more would be a guess."""
    if not re.fullmatch(r"[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?", raw):
        return None, False
    found = {
        raw[:i] + other + raw[i + 1 :]
        for i, digit in enumerate(raw)
        for other in _DIGIT_LOOK_ALIKES.get(digit, "")
        if i > 0 and icd10.is_code(raw[:i] + other + raw[i + 1 :])
    }
    if len(found) != 1:
        return None, False
    return icd10.dotted(found.pop()), True


# "D50.97 K92.1": the comma between two codes read as a digit glued to the first. Before
# another code, a code that is none as read, whose last character dropped leaves one, is that.
_ANOTHER_CODE = re.compile(r"\s+[A-Z1058276£€][0-9OIlSBT][0-9A-Z]\.")


def _separator_read_as_digit(raw: str) -> tuple[str | None, bool]:
    if not re.fullmatch(r"\S{3}\.[0-9A-Za-z]{2,4}", raw):
        return None, False
    code, _ = read_code(raw[:-1], ocr=False)
    return (code, True) if code else (None, False)


# "MS54.42": one letter read as two (an M's last stroke as an S), a head of four characters.
# The code set decides: the one code that dropping one of them leaves, or none.
_LONG_HEAD = re.compile(r"(?<![A-Za-z0-9.])(?P<code>[A-Z][0-9A-Z]{3}\.[0-9A-Za-z]{1,4})(?![\w.])")


def _one_extra_character(raw: str) -> tuple[str | None, bool]:
    found = set()
    for at in (1, 2, 3):
        code, _ = read_code(raw[:at] + raw[at + 1 :], ocr=False)
        if code is not None:
            found.add(code)
    return (found.pop(), True) if len(found) == 1 else (None, False)


# "G43,009": OCR's comma for a code's dot, kept only where the dotted code is one.
_COMMA_FOR_DOT = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{2}),([0-9][0-9A-Z]{0,3})(?![A-Za-z0-9])")


def _dot_if_code(match: re.Match[str]) -> str:
    dotted = f"{match[1]}.{match[2]}"
    return dotted if icd10.is_code(dotted) else match.group(0)


# "E£04.1": the code's E read twice, once as itself and once as the sign OCR reads for it.
_E_READ_TWICE = re.compile(r"(?<![A-Za-z0-9])E[£€](?=[0-9]{2})")


def codes_in(text: str, *, bare: bool = False, ocr: bool = True) -> list[tuple[str, bool]]:
    """The codes written in ``text``; ``bare`` (a diagnosis label's value) also takes "M1711"
    and a first letter OCR read as a digit, which in running text would be any number;
    ``ocr`` text may hold a digit misread for its look-alike (``read_code``)."""
    found: list[tuple[str, bool]] = []
    text = _BRACKETED.sub(lambda m: f"[{m.group(1).replace(' ', '')}]", text)
    text = _COMMA_FOR_DOT.sub(_dot_if_code, text)
    text = _E_READ_TWICE.sub("E", text)
    for match in _CODE.finditer(text):
        if not bare and not match["code"][0].isalpha():
            continue
        code, repaired = read_code(match["code"], ocr=ocr)
        if code is None and ocr and _ANOTHER_CODE.match(text, match.end()):
            code, repaired = _separator_read_as_digit(match["code"])
        if code and code not in [c for c, _ in found]:
            found.append((code, repaired))
    if ocr:
        for match in _LONG_HEAD.finditer(text):
            code, repaired = _one_extra_character(match["code"])
            if code and code not in [c for c, _ in found]:
                found.append((code, repaired))
    if bare:
        for match in _BARE_CODE.finditer(text):
            if icd10.is_code(match["code"]):
                code = icd10.dotted(match["code"])
                if code not in [c for c, _ in found]:
                    found.append((code, False))
    if ocr:
        # "C34" read off a fax where "C34.11" was written: a category whose extension OCR
        # may have lost is in doubt, as a repaired code is
        found = [(code, repaired or icd10.has_subcodes(code)) for code, repaired in found]
    return found


def code_candidates(pages: Sequence[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    """The codes as one list: those under a diagnosis label, else those standing in the text."""
    by_number = {p.number: p for p in pages}
    labelled: list[tuple[str, float, PageText]] = []
    past: list[tuple[str, float, PageText]] = []  # under a problem list or a history
    for item in items:
        if item.kind != "diagnosis":
            continue
        page = by_number[item.page]
        if page.page_type not in (None, PageType.referral):
            continue
        score = own_label_score(item) * page_factor(page) * read_factor(page, item.value)
        asked = without_unticked(item.value)  # "[ ] I10 [X] R00.2": the ticked codes
        found = codes_in(asked, bare=True, ocr=page.method == "ocr")
        score *= _unread_factor(asked, found)
        into = past if under_history(page.text.split("\n"), item.line) else labelled
        for code, repaired in found:
            into.append((code, score * (0.9 if repaired else 1.0), page))
    if labelled or past:
        yield _list_candidate(labelled or _doubted(past))
        return
    loose: list[tuple[str, float, PageText]] = []
    loose_past: list[tuple[str, float, PageText]] = []
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            cut = _CUT_LABEL.match(line) is not None
            evidence = NARRATIVE if cut or _CODE_CONTEXT.search(line) else SHAPE_ONLY
            score = evidence * page_factor(page) * read_factor(page, line)
            asked = without_unticked(line)
            found = codes_in(asked, bare=cut, ocr=page.method == "ocr")
            score *= _unread_factor(asked, found) if found else 1.0
            into = loose_past if found and under_history(lines, number) else loose
            for code, repaired in found:
                into.append((code, score * (0.9 if repaired else 1.0), page))
    if loose or loose_past:
        yield _list_candidate(loose or _doubted(loose_past))


def _doubted(found: list[tuple[str, float, PageText]]) -> list[tuple[str, float, PageText]]:
    """Codes read only under a problem list or a history: likely the referral's, as nothing
    else is written, but a person checks them (the list may hold the patient's every code)."""
    return [(code, doubted(score), page) for code, score, page in found]


def _unread_factor(text: str, found: list[tuple[str, bool]]) -> float:
    """Less sure of a list when the text holds more code-like tokens than codes read from
    it ("[MS4.42]" beside "[M51.26]"): the list is likely short of one."""
    shaped = len(_CODE_LIKE.findall(text))
    return UNREAD_CODE if shaped > len(found) else 1.0


def _list_candidate(found: list[tuple[str, float, PageText]]) -> Candidate:
    codes: list[str] = []
    for code, _, _ in found:
        if code not in codes:
            codes.append(code)
    score = min(s for _, s, _ in found)
    page = found[0][2]
    return Candidate(CODES, codes, score, page, ",".join(codes))


# -- reason ----------------------------------------------------------------------------------

# Within one sentence: no full stop, but an initial's or a title's ("St. Clair", "Dr. Wu").
_IN_SENTENCE = r"(?:[^.;]|(?-i:(?<=\b[A-Z])\.|(?<=\b[A-Z][a-z])\.|(?<=\bMrs)\.))"
# What follows "for" when it names no reason ("for evaluation of …", "for a consult").
_NOT_A_REASON = r"(?!evaluation|consultation|an?\s|further|assessment|management|treatment)"
_REFERRING_FOR = re.compile(
    rf"\b(?:referring|refer|referred|sending|referral\s+to)\b{_IN_SENTENCE}{{0,60}}?\bfor\s+"
    rf"{_NOT_A_REASON}"
    r"(?P<reason>[^.;\n]{4,160})"
    rf"|\b(?:consultation|evaluation|opinion|referral)\b{_IN_SENTENCE}{{0,80}}?\bregarding\s+"
    r"(?P<reason2>[^.;\n]{4,160})",
    re.IGNORECASE,
)
_FOR_EVALUATION = re.compile(
    r"\b(?:for|regarding)\s+(?:(?:an?\s+)?(?:evaluation|consultation|consult|assessment|"
    r"management|treatment|further evaluation)(?:\s+and\s+(?:management|treatment))?\s+of\s+)"
    r"(?P<reason>[^.;\n]{4,160})",
    re.IGNORECASE,
)


# "Could you please see Jane Roe next week for chest pain (R07.9)": what a request asks for
_PLEASE_SEE_FOR = re.compile(
    rf"\b(?:please|kindly)\s+(?:see|schedule|evaluate|examine)\b{_IN_SENTENCE}{{0,100}}?\bfor\s+"
    rf"{_NOT_A_REASON}"
    r"(?P<reason>[^.;(\n]{4,160})",
    re.IGNORECASE,
)


# "… agreed to see this patient regarding chest pain on exertion."
_SEE_ABOUT = re.compile(
    r"\b(?:see|seeing|evaluate|evaluating|assess|assessing)\s+(?:this|my|our|the)\s+patient\b"
    rf"{_IN_SENTENCE}{{0,40}}?\b(?:regarding|about|for)\s+"
    rf"{_NOT_A_REASON}"
    r"(?P<reason>[^.;(\n]{4,160})",
    re.IGNORECASE,
)
# "… agreed to take on a patient of ours with chest pain on exertion."
_PATIENT_WITH = re.compile(
    r"\b(?:a|this|my|our)\s+patient\s+of\s+(?:mine|ours)\s+(?:with|who\s+has|for)\s+"
    rf"{_NOT_A_REASON}"
    r"(?P<reason>[^.;(\n]{4,160})",
    re.IGNORECASE,
)
# A discharge's "Outpatient follow-up with Cardiology (Heart Center) for heart failure, within
# 1 week": what the follow-up is for, without when.
_FOLLOW_UP_FOR = re.compile(
    rf"\bfollow[- ]?up\s+with\b{_IN_SENTENCE}{{0,80}}?\bfor\s+{_NOT_A_REASON}"
    r"(?P<reason>[^.;(\n]{4,160}?)(?=,?\s+within\b|[.;(\n]|$)",
    re.IGNORECASE,
)
# An SBAR note (Situation, Background, Assessment, Recommendation) or a SOAP one (Subjective,
# Objective, Assessment, Plan): its first part says what the patient comes for.
_FIRST_PART = re.compile(r"^\s*(?:s|situation|subjective)\s*:\s*(?P<reason>\S.{2,160})$", re.I)
_LATER_PART = re.compile(r"^\s*(?:b|o|background|objective)\s*:", re.IGNORECASE)


def _first_part(lines: list[str]) -> tuple[int, str] | None:
    """The "S:" line of an SBAR or SOAP note: the one followed by a "B:" or "O:" line."""
    for number, line in enumerate(lines):
        found = _FIRST_PART.match(line)
        if found and any(_LATER_PART.match(later) for later in lines[number + 1 : number + 6]):
            return number, found["reason"]
    return None


def reason_candidates(pages: Sequence[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    for item in items:
        page = by_number[item.page]
        if item.kind == "re" and page.page_type in (None, PageType.referral):
            # "Re: Thyroid nodule" (not "RE: Jane Doe, DOB …", not "RE: Patient referral")
            reason = _clean_reason(item.value)
            if reason and read_name(item.value) is None and not _ABOUT_A_REFERRAL.search(reason):
                yield candidate(REASON, reason, NARRATIVE, page, item.value, key=reason.lower())
            continue
        if item.kind not in ("reason", "complaint"):
            continue
        if page.page_type not in (None, PageType.referral):
            continue
        reason = _clean_reason(item.value)
        stray = _STRAY_URGENCY.search(reason or "")
        if reason and stray and any(c.islower() for c in reason):
            # "Chest pain on exertion, URGENT rule out …": the next column's urgency, which the
            # text layer set among the reason's wrapped lines
            reason = _clean_reason(f"{reason[: stray.start()]} {reason[stray.end() :]}")
        if reason:
            # "Question for the specialist: Does this warrant …?": what the sender asks, which
            # the reason may stand beside
            asked = QUESTION if reason.endswith("?") else 1.0
            complaint = COMPLAINT if item.kind == "complaint" else 1.0
            yield candidate(
                REASON,
                reason,
                doubted(
                    own_label_score(item) * 0.95 * asked * complaint,
                    stray is not None or _wraps_on(page, item),
                ),
                page,
                item.value,
                key=reason.lower(),
                line=item.line,
            )
    for page in pages:
        if page.page_type not in (None, PageType.referral):
            continue
        first = _first_part(page.text.split("\n"))
        if first is not None and (reason := _clean_reason(first[1].rstrip("."))):
            yield candidate(
                REASON, reason, NARRATIVE * 0.9, page, first[1], key=reason.lower(), line=first[0]
            )
        text = " ".join(page.text.split())
        for pattern in (
            _FOR_EVALUATION,
            _REFERRING_FOR,
            _PLEASE_SEE_FOR,
            _SEE_ABOUT,
            _PATIENT_WITH,
            _FOLLOW_UP_FOR,
        ):
            match = pattern.search(text)
            raw = (match["reason"] or match.groupdict().get("reason2") or "") if match else ""
            reason = _clean_reason(raw)
            if reason:
                yield candidate(REASON, reason, NARRATIVE * 0.9, page, raw, key=reason.lower())


def _wraps_on(page: PageText, item: Labeled) -> bool:
    """Whether a reason read beside its label ends its line mid-sentence with the paragraph
    going on under it ("… REASON: SCREENING" / "COLONOSCOPY, FAMILY HISTORY …"): the rest
    of it may be on the next line."""
    value = item.value.strip()
    if item.below or item.in_row or value.endswith((".", "?", "!", ")")):
        return False
    lines = page.text.split("\n")
    for index, text in enumerate(lines[:-1]):
        # the label and the value on one line, the value its end
        if text.rstrip().endswith(value) and len(text.strip()) > len(value):
            after = lines[index + 1].strip()
            starts_a_label = any(label.start == 0 for label in find_labels(after))
            return bool(after) and after[0].isalnum() and not starts_a_label
    return False


_ABOUT_A_REFERRAL = re.compile(
    r"\b(?:referral|consult(?:ation)?|patient|new patient|request|dob|d\.o\.b)\b", re.IGNORECASE
)


# An urgency in capitals among a reason's words in lower case: another cell's value.
_STRAY_URGENCY = re.compile(r"(?<!\S)(?:STAT|URGENT|ROUTINE|ASAP)(?!\S)")
# A question put to the specialist is weaker evidence of the reason than a stated one.
QUESTION = 0.5
# A visit's chief complaint ("A1c 10.2 on metformin") is what the patient came with; beside
# a "Reason" for the referral it gives way.
COMPLAINT = 0.9
# A specialty's name alone ("eConsult request: Neurology") says whom the request is for,
# not what for.
_SPECIALTY_ALONE = re.compile(
    r"^[A-Za-z]+(?:ology|iatrics|pa?edics|iatry|surgery|medicine)$", re.IGNORECASE
)


def _clean_reason(value: str) -> str | None:
    text = capital_i(" ".join(value.split()).strip(" ,;:-"))
    if len(text) < 3 or not re.search("[A-Za-z]{3}", text) or _SPECIALTY_ALONE.match(text):
        return None
    return text
