"""The patient's sex: a labelled value ("Sex: F", "Femenino / Female"), a row of check
boxes with one ticked, the title the patient is named with ("Mr. John Roe"), an age and sex
("54-year-old woman", "DOB 3/4/1961  63Y F")."""

import re
from collections.abc import Iterable, Iterator

from app.pipeline.fields.boxes import odd_one_out, with_misread_options
from app.pipeline.fields.confidence import (
    LABEL_ALONE,
    NARRATIVE,
    Candidate,
    candidate,
    doubted,
    label_score,
)
from app.pipeline.fields.labels import Labeled
from app.pipeline.fields.lexicon import PATIENT
from app.pipeline.types import PageText
from models.document import PageType
from models.extraction import Sex

SEX = "patient.sex"
_SEX_WORDS = {
    "f": Sex.F, "female": Sex.F, "woman": Sex.F, "girl": Sex.F, "fem": Sex.F,
    "m": Sex.M, "male": Sex.M, "man": Sex.M, "boy": Sex.M,
    "x": Sex.X, "nonbinary": Sex.X, "non-binary": Sex.X, "other": Sex.X,
    "u": Sex.U, "unknown": Sex.U, "undisclosed": Sex.U,
    # a bilingual form's: "Femenino / Female"
    "femenino": Sex.F, "mujer": Sex.F, "masculino": Sex.M, "hombre": Sex.M,
}  # fmt: skip
# The words a row of sex check boxes offers (a ticked "F" or "M" is read too, after a tick).
_SEX_OPTIONS = r"female|male|other|x|unknown|undisclosed|non-?binary"
_SEX_BOX = re.compile(
    r"(?P<mark>\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)|[☒☑✔✓■])\s*"
    rf"(?P<word>{_SEX_OPTIONS}|f|m)\b",
    re.IGNORECASE,
)
# "/AMale": a hand tick read as a letter glued to the capital of the option after it.
_SEX_OPTION = re.compile(
    rf"(?:(?<![A-Za-z])|(?<=[A-Za-z])(?=(?-i:[A-Z][a-z])))(?P<word>{_SEX_OPTIONS})(?![A-Za-z])",
    re.IGNORECASE,
)
_SEX_BOXES = re.compile(r"[\[(]\s*[\])]|[☐□]")
_AGE_SEX = re.compile(
    r"\b\d{1,3}[- ](?:year|yr)s?[- ]old\s+(?P<word>female|male|woman|man|girl|boy)\b"
    r"|\b\d{1,3}\s?(?:yo|y/o|y\.o\.)\s+(?P<word2>female|male|woman|man|f|m)\b",
    re.IGNORECASE,
)


# A birth date's cell that goes on with the age and the sex: "3/4/1961  63Y F", "… 63 yo M".
_AGE_THEN_SEX = re.compile(
    r"(?<![\w/.-])\d{1,3}\s?(?:y|yo|y/o|yrs?|years?)\.?\s*[,/]?\s*"
    r"(?P<sex>female|male|nonbinary|non-binary|unknown|f|m|x|u)\s*$",
    re.IGNORECASE,
)
_SEX_ALONE = re.compile(r"^\s*(?:female|male|nonbinary|non-binary)\s*$", re.IGNORECASE)
_BIRTH_LABEL = re.compile(r"^\s*(?:dob|d\.o\.b\.?|date of birth|birth ?date)\b", re.IGNORECASE)
# A banner's sex as one capital on its own line, soon after the age or the birth date
# ("DOB 22 Mar 1956" / "(70 yrs)" / "F"): a letter alone says nothing elsewhere.
_LETTER_ALONE = re.compile(r"^\s*(?P<letter>[MF])\s*$")
_AGE_ALONE = re.compile(r"^\W*\d{1,3}\s?(?:y|yo|y/o|yrs?|years?)\.?(?:\s*old)?\W*$", re.I)


def _banner_letter(lines: list[str], number: int) -> Sex | None:
    """The sex a lone "F" or "M" says, within three lines after a banner's age or birth date."""
    letter = _LETTER_ALONE.match(lines[number])
    if letter is None or number == 0:
        return None
    before = lines[max(0, number - 3) : number]
    if not any(_AGE_ALONE.match(line) or _BIRTH_LABEL.match(line) for line in before):
        return None
    return _SEX_WORDS[letter["letter"].lower()]


def _near_a_birth_date(page: PageText, number: int) -> bool:
    """Whether a line stands within three lines of one that starts with a birth date's label."""
    lines = page.text.split("\n")
    return any(
        _BIRTH_LABEL.match(lines[j])
        for j in range(max(0, number - 3), number + 4)
        if j < len(lines)
    )


# "[ ] M  [X] F  [ ] X": a row of boxes whose options are the letters.
_LETTER_OPTION = re.compile(r"(?:[\[(][^\])]{0,3}[\])]|[☐□☒☑■])\s*(?P<letter>[MF])\b")


def read_sex_boxes(line: str) -> Sex | None:
    """The option ticked in a row of sex check boxes standing without its label (OCR lost
    it: "SEX" read as "ME", or the form printed none); None for any line that is not such
    a row."""
    options = {m["word"].lower() for m in _SEX_OPTION.finditer(line)}
    options |= {m["letter"].lower() for m in _LETTER_OPTION.finditer(line)}
    if not ({"male", "female"} <= options or {"m", "f"} <= options) or not _SEX_BOXES.search(line):
        return None
    return read_sex(line)


# The options of a row of sex boxes long enough to be told when a tick garbled one.
_SEX_BOX_WORDS = ("male", "female", "unknown", "other")


def read_crossed_sex(value: str) -> Sex | None:
    """``read_sex`` of a row of boxes whose ticked option OCR misread under the tick
    ("i Amate [ ] Female [ ] X"): the word one letter off an option the row lacks is that
    option. A guess: None where the row reads as it is, or is no row of boxes."""
    if not _SEX_BOXES.search(value):
        return None
    mended = with_misread_options(value, _SEX_BOX_WORDS)
    return read_sex(mended) if mended != value else None


def read_sex(value: str) -> Sex | None:
    ticked = {_SEX_WORDS[m["word"].lower()] for m in _SEX_BOX.finditer(value)}
    if len(ticked) == 1:
        return ticked.pop()
    if ticked:
        return None
    if _SEX_BOXES.search(value):
        odd = odd_one_out(value, _SEX_OPTION)  # ticked by hand, read by OCR
        return _SEX_WORDS[odd.lower()] if odd else None
    word = re.split(r"[\s,;/]+", value.strip().lower())[0].strip(".")
    return _SEX_WORDS.get(word)


# "Re: Mr. John Roe": the title the patient is named with says their sex.
_TITLED = re.compile(r"^\s*(?P<title>mr|mrs|ms|miss|mx)\b\.?\s+[^\W\d_]", re.IGNORECASE)
# "… has asked me to refer Mr. Ignatius Ekwueme to your service": the one referred is the
# patient, and the title says the sex.
_REFERRED_TITLE = re.compile(
    r"(?:\brefer(?:ring|red)?\s+(?:(?:my|our|the|this)\s+(?:patient\s+)?|patient\s+)?"
    r"|\bpatient\s+is\s+)"  # "The patient is Ms. Jane Roe, born …"
    r"(?P<title>mr|mrs|ms|miss|mx)\b\.?\s+[^\W\d_]",
    re.IGNORECASE,
)
_TITLE_SEX = {"mr": Sex.M, "mrs": Sex.F, "ms": Sex.F, "miss": Sex.F, "mx": Sex.X}


def sex_candidates(pages: Iterable[PageText], items: Iterable[Labeled]) -> Iterator[Candidate]:
    by_number = {p.number: p for p in pages}
    labelled: set[tuple[int, int]] = set()
    for item in items:
        titled = _TITLED.match(item.value) if item.kind in ("name", "re") else None
        if titled and (label_score(item, PATIENT) or (item.kind == "re" and item.owner is None)):
            page = by_number[item.page]
            said = _TITLE_SEX[titled["title"].lower()]
            yield candidate(SEX, said, NARRATIVE * 0.95, page, item.value, line=item.line)
        aged = _AGE_THEN_SEX.search(item.value) if item.kind == "dob" else None
        if aged and (item.owner in (PATIENT, None)):
            # "DOB 3/4/1961  63Y F": an addressograph's birth date, age and sex in one cell
            said = _SEX_WORDS[aged["sex"].lower()]
            page = by_number[item.page]
            yield candidate(SEX, said, LABEL_ALONE, page, item.value, line=item.line)
        if item.kind != "sex":
            continue
        labelled.add((item.page, item.line))
        score = label_score(item, PATIENT) or (LABEL_ALONE if item.owner is None else 0.0)
        sex = read_sex(item.value)
        if sex is None and (sex := read_crossed_sex(item.value)) is not None:
            score = doubted(score)
        if sex is not None and score:
            yield candidate(SEX, sex, score, by_number[item.page], item.value, line=item.line)
    for page in by_number.values():
        referral = page.page_type in (None, PageType.referral)
        lines = page.text.split("\n")
        for number, line in enumerate(lines):
            if referral and (page.number, number) not in labelled:
                boxed = read_sex_boxes(line)
                if boxed is not None:
                    yield candidate(SEX, boxed, LABEL_ALONE * 0.95, page, line, line=number)
                elif crossed := read_sex_boxes(with_misread_options(line, _SEX_BOX_WORDS)):
                    score = doubted(LABEL_ALONE * 0.95)  # an option word read as a guess
                    yield candidate(SEX, crossed, score, page, line, line=number)
            referred = _REFERRED_TITLE.search(line) if referral else None
            if referred:
                said = _TITLE_SEX[referred["title"].lower()]
                yield candidate(SEX, said, NARRATIVE * 0.95, page, referred.group(0), line=number)
            if (
                (page.number, number) not in labelled
                and _SEX_ALONE.match(line)
                and _near_a_birth_date(page, number)
            ):
                # "ROE, JANE" / "DOB 3/4/1961" / "Female": a banner's cells, one to a line
                said = _SEX_WORDS[line.strip().lower()]
                yield candidate(SEX, said, LABEL_ALONE * 0.9, page, line, line=number)
            banner = _banner_letter(lines, number) if referral else None
            if banner is not None and (page.number, number) not in labelled:
                yield candidate(SEX, banner, LABEL_ALONE * 0.9, page, line, line=number)
            match = _AGE_SEX.search(line)
            if match:
                sex = _SEX_WORDS[(match["word"] or match["word2"]).lower()]
                yield candidate(SEX, sex, NARRATIVE, page, match.group(0), line=number)
