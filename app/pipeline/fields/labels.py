"""Finding labelled values on a page: ``Label: value``, ``Label  value``, a label above its value.

A page is read line by line. Every label of the lexicon below is found wherever it stands
(at the start of a line, after a gap, after the value of an earlier label), and its value is
the text up to the next label. Headings ("PATIENT INFORMATION", "Referring Provider:") set
the *section*, which tells whose name, phone or address a generic label ("Name", "Phone")
gives. The lexicon also names labels we never extract (MRN, Age, Date …) so that their
values end the value before them instead of being swallowed by it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from app.pipeline.fields import edits, label_words
from app.pipeline.types import PageText

# Whose value it is.
PATIENT = "patient"
REFERRER = "referrer"
INSURANCE = "insurance"
RECIPIENT = "recipient"  # the practice the referral is sent to: never the referrer
OTHER = "other"  # emergency contact, guardian, subscriber, secondary insurance …
CLINICAL = "clinical"

# (pattern, kind, owner or None for "from the section"). Patterns are lower case regexes
# matched at word boundaries; longer labels win over shorter ones at the same place.
_LEXICON: tuple[tuple[str, str, str | None], ...] = (
    # -- names
    (r"(?:patient|pt\.?|client|member)(?:'s)? (?:full )?name", "name", PATIENT),
    (r"name of patient|patient|pt\.?", "name", PATIENT),
    (r"re|regarding|subject", "re", None),  # "RE: Jane Doe", but also "Re: Thyroid nodule"
    (r"(?:full )?name", "name", None),
    (r"(?:patient |pt\.? )?(?:first|given) ?name|first|fname", "first", None),
    (r"(?:patient |pt\.? )?(?:last|family) ?name|surname|last|lname", "last", None),
    (r"(?:patient |pt\.? )?middle (?:name|initial)|m\.?i\.?", "middle", None),
    (
        r"referring (?:provider|physician|doctor|clinician|md|practitioner|provider name"
        r"|physician name)|referred by|referral from|ordering (?:provider|physician|md)"
        r"|requesting (?:provider|physician)|requested by|referrer|referring|sending provider"
        r"|ref\.? by|referred from"
        r"|primary care (?:physician|provider)|pcp"
        r"|ref\.? (?:md|dr\.?|doc(?:tor)?|provider|physician)",
        "name",
        REFERRER,
    ),
    (
        r"(?:provider|physician|doctor|clinician|practitioner) name|provider|physician|doctor"
        r"|clinician|practitioner",
        "provider",
        None,
    ),
    (r"from|sender", "name", REFERRER),
    (
        r"referred to|refer[- ]to|referral to|ref\.? to|consultant|specialist"
        r"|receiving (?:provider|practice)"
        r"|to provider|attention|attn\.?|specialty|service requested|to|recipient",
        "name",
        RECIPIENT,
    ),
    # -- patient facts
    (r"(?:patient |pt\.? )?(?:dob|d\.o\.b\.?|date of birth|birth ?date|born)", "dob", None),
    (
        # "M/F" as OCR reads a thin slash: a bar, or nothing ("MF")
        r"(?:patient )?(?:sex|gender|sex/gender|gender/sex|m ?[/|] ?f|f ?[/|] ?m|mf)"
        r"(?: at birth| assigned at birth)?",
        "sex",
        None,
    ),
    (r"e-?mail(?: address)?", "email", None),
    # -- contact numbers
    (
        r"(?:(?:dept|department|office|clinic|practice|provider)\.? )?(?:phone|ph|tel)\.?"
        r" ?/ ?fax(?: #| no\.?| number)?",
        "phone_fax",
        None,
    ),
    (r"home|work|cell", "phone", PATIENT),
    (r"t|p|o", "phone_short", None),  # "| T 555-123-4567 | F 555-123-4568": a footer's
    (r"f", "fax_short", None),
    (
        r"(?:home|cell|mobile|patient|pt\.?) (?:phone|telephone|tel\.?|ph\.?)"
        r"(?: number| no\.?| #)?",
        "phone",
        PATIENT,
    ),
    (
        r"(?:home |cell |mobile |primary |work |daytime |contact |office |main |patient |pt\.? "
        r"|provider |practice |clinic |physician |referring |doctor's |dept\.? |department "
        r"|ofc\.? |off\.? |unit )?"
        r"(?:phone|telephone|tel\.?|ph\.?)(?: number| no\.?| #)?|cell|mobile|contact number"
        r"|contact (?:#|no\.?|phone)"
        r"|office (?:#|no\.?|number)|main (?:#|number)",
        "phone",
        None,
    ),
    (
        r"(?:office |ofc\.? |return |clinic |practice |provider |physician |referring "
        r"|dept\.? |unit )?"  # a hospital unit's: "Unit fax"
        r"(?:fax|facsimile)(?: number| no\.?| #)?",
        "fax",
        None,
    ),
    (r"fax back to|please fax (?:back )?to|return fax to", "fax", REFERRER),
    # -- address
    (
        r"(?:home |mailing |street |patient |pt\.? )?address(?: line)?(?: ?1)?|street|addr\.?",
        "address",
        None,
    ),
    (r"address(?: line)? ?2|apt(?:\.|/suite)?|apartment|unit", "line2", None),
    (r"city(?:,? ?/? ?state,? ?/? ?zip(?: code)?)|city,? st,? zip", "csz", None),
    (r"city", "city", None),
    (r"state", "state", None),
    (r"zip(?: ?code)?|postal code", "zip", None),
    # -- insurance
    (
        r"(?:primary )?insurance(?: provider| company| carrier| plan| name)?|ins\.?|carrier"
        r"|payer|payor|health plan|insurance/payer|plan name",
        "insurer",
        INSURANCE,
    ),
    (r"plan", "insurer", None),  # an insurance plan under "Insurance", a care plan in notes
    (r"secondary insurance|secondary payer|secondary", "insurer", OTHER),
    (
        r"member(?: id| #| number| no\.?)|subscriber(?: id| #| number| no\.?)"
        r"|policy(?: id| #| number| no\.?)?|insurance id|ins\.? id"
        r"|medicaid id|medicare id|mbi|member/subscriber id|mbr(?: id| #| no\.?)?",
        "member_id",
        INSURANCE,
    ),
    (r"id(?: #| number| no\.?)?", "member_id", None),  # on an insurance card, under Insurance
    (r"group(?: #| number| no\.?| id)?|grp\.?(?: #)?", "group", INSURANCE),
    # -- referrer
    (
        r"(?:provider |referring |physician |prescriber )?npi(?: #| number| no\.?)?"
        r"|national provider (?:id|identifier|number)",
        "npi",
        None,
    ),
    (
        # an EHR's "LOCATION" under the referring provider: the practice they work at
        r"(?:referring )?(?:practice|clinic|facility|organization|office|location)(?: name)?"
        r"|medical group",
        "practice",
        None,
    ),
    (r"department|dept\.?", "department", None),  # the ordering one, or the one referred to
    # -- clinical
    (
        r"reason for (?:referral|consult(?:ation)?|visit|request)|referral reason|reason"
        r"|chief complaint|indication|clinical indication|presenting problem|clinical question"
        r"|services? requested|requested service|request|diagnosis ?/ ?reason|rsn\.?"
        r"|reason ?/ ?diagnosis|consult(?:ation)? for|(?:presenting )?complaint",
        "reason",
        CLINICAL,
    ),
    (
        r"(?:primary |referral |working )?diagnos[ie]s(?: codes?)?(?: \(icd-?10\))?"
        r"|dx(?: codes?)?|icd-?10(?:-cm)?(?: codes?)?|icd(?: codes?)?",
        "diagnosis",
        CLINICAL,
    ),
    (
        r"(?:referral |appointment |visit |scheduling |clinical )?(?:urgency|priority)(?: level)?"
        # a payer's "Review type: Urgent (72 hours)"; a slip's shorthand "Pri. Rout."
        r"|urgent\?|triage|review type|pri\.?",
        "urgency",
        None,
    ),
    # -- labels whose values we never take, so that they end the value before them
    (
        r"mrn|specimen id|accession(?: #| number)?|sample id|order id|patient id|pt\.? id"
        r"|patient #|patient number|chart(?: #| number)?|account"
        r"|medical record(?: number| #| no\.?)?|ssn|social security(?: number| #)?|age"
        r"|date|referral date|date of referral|visit date|date of service|dos|signature|signed"
        r"|(?:provider|physician|referring provider)'?s? signature"
        r"|medications?|allergies|history|hpi|assessment|pages?|cc"
        r"|time|(?:clinical |progress |visit )?notes?|comments?|relationship(?: to patient)?"
        r"|employer|language|race|ethnicity"
        r"|marital status|tax id|tin|dea|license(?: #)?|upin|taxonomy|effective date|copay"
        r"|account(?: #| number)?|encounter(?: #)?|appointment|auth(?:orization)?(?: #| number)?"
        r"|prior auth(?:orization)?|subscriber(?: name)?|policy ?holder|insured(?: name)?"
        r"|guarantor|emergency contact|contact name|county|country|credentials|title"
        r"|height|weight|bp|pulse|preferred language|interpreter|vitals|exam|impression|pager"
        r"|findings|results?|order(?: #| number| date)?|status|type|specialty requested"
        r"|cob|coordination of benefits|referral (?:id|#|number)|created|rel\.",
        "skip",
        None,
    ),
)

# Section headings: a line that is only one of these (and maybe a colon) sets the section.
_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        r"(?:secondary insurance|emergency contact|(?:legal )?guardian"
        r"|parent(?: ?/ ?(?:legal )?guardian)?|responsible party"
        r"|guarantor|next of kin|contact person|caregiver|subscriber|policy ?holder|insured)"
        r"(?: information| info| details)?",
        OTHER,
    ),
    (
        r"(?:patient|pt\.?|member|child|minor)(?:'s)?"
        r"(?: information| info| demographics| details| data)?"
        r"|demographics|patient identification",
        PATIENT,
    ),
    (
        r"(?:referring|ordering|requesting|sending|discharging)"
        # "Referring pediatrician", "Ordering surgeon": a clinician named by their field
        r" (?:provider|physician|doctor|practice|clinic|office|facility|clinician"
        r"|[a-z]+(?:ician|ist)|surgeon)"
        r"(?: information| info| details)?|referred by"
        r"|referral source|(?:provider|physician|practice) (?:information|info|details)"
        r"|from|sender|primary care (?:physician|provider)",
        REFERRER,
    ),
    (
        r"referred to|refer to|referral to|consultant|receiving (?:provider|practice)"
        r"|specialist(?: information)?|to"
        # who renders the service asked for: a payer's form's "Servicing provider / facility"
        r"|(?:servicing|rendering|performing|treating|accepting)"
        r" (?:provider|physician|practitioner|specialist|facility|practice|clinic)"
        r"(?: ?/ ?(?:facility|practice|clinic|provider))?(?: information| info| details)?",
        RECIPIENT,
    ),
    (r"(?:primary )?insurance(?: information| info| details)?|coverage|payer", INSURANCE),
    (
        r"clinical(?: information| info| details| summary)?|diagnos[ie]s|reason for referral"
        r"|referral (?:details|information|info)",
        CLINICAL,
    ),
)


@dataclass(frozen=True)
class Label:
    kind: str
    owner: str | None  # from the label itself; None: the section says
    start: int
    end: int
    hint: str  # a parenthetical after the label: "(Last, First)"
    guessed: bool = False  # read from its words (``label_words``), not from the lexicon


@dataclass(frozen=True)
class Labeled:
    """One labelled value on a page."""

    kind: str
    owner: str | None  # patient, referrer, insurance, recipient, other, clinical; None: unknown
    owner_from_label: bool
    value: str
    page: int
    line: int
    hint: str = ""
    below: bool = False  # read from the line(s) under the label
    in_row: bool = False  # one column of a header row, matched to its value by shape
    guessed: bool = False  # its label was read from its words, not found in the lexicon
    # the label's value is the first of several cells across its line ("Phone  555-0100
    # 555-0199": a grid's row read across, whose columns' owners no heading names here)
    among_cells: bool = False


@dataclass(frozen=True)
class Row:
    """A header row of labels ("Patient Name Birthdate Sex Mobile") and the lines under it.

    Without column positions the values are matched to their labels by their shapes
    (``rows.py``)."""

    labels: tuple[tuple[str, str | None], ...]  # (kind, owner) per column, left to right
    lines: tuple[str, ...]
    page: int
    line: int  # of the first value line
    # A column of bare labels whose values OCR read after them all, in the same order.
    column: bool = False


_WORD_BEFORE = r"(?:(?<=^)|(?<=[\s|;,(\[]))"
# What a label may carry in brackets after it: "Diagnosis (ICD-10)", "Phone (cell)"; not an
# area code OCR read a letter into ("Phone (S20) 534-3648": S for 5), which is the value's.
_HINT = r"\((?!(?=[^)]*\d)\s*[0-9OoIlSB$§|]{3}\s*\))(?=[^)]*[A-Za-z])[^)]{1,30}\)"
_LABEL_PATTERNS = [
    re.compile(
        _WORD_BEFORE
        + f"(?P<label>{p})"
        + rf"(?P<hint>\s*{_HINT})?"
        + r"(?P<tail>\s*[:#]|(?=\s{2,}|\t|\s*\||\s*$)|(?P<space>(?= \S)))",
        re.IGNORECASE,
    )
    for p, _, _ in _LEXICON
]
_LABEL_AT = re.compile(
    _WORD_BEFORE
    + "(?P<label>"
    + "|".join(f"(?:{p})" for p, _, _ in _LEXICON)
    + rf")(?P<hint>\s*{_HINT})?"
    + r"(?P<tail>\s*[:#]|(?=\s{2,}|\t|\s*\||\s*$)|(?P<space>(?= \S)))",
    re.IGNORECASE,
)
# Without a colon a label counts only at the start of a line and only if it is a strong one
# (several words or an acronym): "Date of Birth 01/02/1980", "DOB 01/02/1980".
_AT_START = [
    re.compile(
        rf"^\s*(?P<label>{p})(?P<hint>\s*{_HINT})?(?P<tail>\s+)(?=\S)",
        re.IGNORECASE,
    )
    for p, _, _ in _LEXICON
]
# Words that start sentences as often as they label a table row.
_WEAK_AT_START = re.compile(
    r"^(?:first|last|to|from|re|regarding|pt\.?|patient|request|reason|history|plan|status|type"
    r"|notes?|time|date|results?|order|exam|findings|impression|assessment|age|street|unit"
    r"|state|city|id|provider|physician|doctor|specialist|consultant|sender|referring|insured"
    r"|subscriber|signed|signature|priority|attention|title)$",
    re.IGNORECASE,
)
_KINDS = [(re.compile(f"(?:{p})", re.IGNORECASE), kind, owner) for p, kind, owner in _LEXICON]
_SECTION_LINE = [
    (re.compile(rf"^\s*(?:{p})\s*:?\s*$", re.IGNORECASE), owner) for p, owner in _SECTIONS
]
_SECTION_START = [(re.compile(rf"^\s*(?:{p})\b", re.IGNORECASE), owner) for p, owner in _SECTIONS]


def _listed(label_text: str) -> tuple[str, str | None] | None:
    """The kind and owner the lexicon gives a label's words, if it lists them."""
    words = " ".join(label_text.lower().split())
    for pattern, kind, owner in _KINDS:
        if pattern.fullmatch(words):
            return kind, owner
    return None


def classify(label_text: str) -> tuple[str, str | None]:
    """The kind and owner a label's words name: the lexicon's, else what its words compose."""
    listed = _listed(label_text)
    if listed is not None:
        return listed
    return label_words.compose(" ".join(label_text.lower().split())) or ("skip", None)


_BARE_LABEL_END = re.compile(rf"\s*(?:{_HINT})?\s*[:#]?\s*$")


# What OCR makes of a table's rules and corners next to a cell's text.
_BORDER_NOISE = " \t'‘’`|_—-.,;"


def is_label(text: str) -> bool:
    """Whether ``text`` is a label and nothing more ("DATE OF BIRTH", "NPI:", "3. MEMBER ID").

    A letter alone is a value (the "F" of a sex column, an initial), not the "F" of a footer's
    "F 555-123-4567", which labels only with its number beside it.
    """
    text = label_words.BOX_NUMBER.sub("", text.strip(_BORDER_NOISE))
    if len(text.rstrip(":#")) <= 1:
        return False
    for candidate in (text, _BARE_LABEL_END.sub("", text)):
        words = " ".join(candidate.lower().split())
        if words and (_listed(words) is not None or label_words.is_label_phrase(words)):
            return True
    return False


def _unnumbered(line: str) -> str:
    """A line of numbered boxes' labels ("4. EMPLOYER GROUP 5. SEX") as colon labels
    ("EMPLOYER GROUP:   SEX:"), each value then read under it; any other line as it is."""
    phrases = label_words.numbered(line)
    if phrases is None or not all(is_label(p) for p in phrases):
        return line
    return "   ".join(
        f"{p.rstrip(' :#')}{' #' if p.rstrip().endswith('#') else ''}:" for p in phrases
    )


# A numbered or bulleted question and its answer: "4. Best phone number to reach you: …",
# "- What is the main reason for your visit? …".
_QUESTION = re.compile(
    r"^(?P<lead>\s*(?:(?:q\s?)?\d{1,2}\s?[.)]|[-\u2022\u25aa\u00b7*])\s+)"
    r"(?P<question>[A-Za-z][^:?]{2,90}?)\s*[:?]\s*(?P<answer>.*)$",
    re.IGNORECASE,
)
# How a questionnaire asks, around the field it names: interrogatives, pronouns, auxiliaries
# and hedges ("Who referred you", "if known", "to reach you").
_ASKING = frozenset(
    {
        *("what", "who", "whom", "which", "when", "where", "how"),
        *("is", "are", "was", "do", "does", "did", "can", "will", "would", "should"),
        *("you", "your", "yours", "we", "our", "us", "i", "my", "me", "the", "a", "an"),
        *("please", "main", "if", "known", "optional", "applicable", "any"),
        *("reach", "call", "given", "this", "that"),
    }
)
# What the asking words leave behind at the end: "Best phone number to (reach you)".
_DANGLING = re.compile(r"(?:[\s,;]+(?:to|for|of|by|at|on|in))*[\s,;]*$", re.IGNORECASE)
# A question that asks yes or no starts with an auxiliary: its answer labels nothing.
_YES_NO = re.compile(r"^(?:do|does|did|are|is|was|have|has|had|can|will|would)\b", re.I)
# Where a question asks for several fields at once: "Insurance company and member ID".
_ALSO = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+", re.IGNORECASE)


def _question(line: str) -> str:
    """A numbered or bulleted question as a plain label before its answer ("Best phone
    number: 555-0100"); one asking for several fields ("Referring office name, phone and
    fax: Sunrise Clinic, 555-0100, 555-0101") as one label per field when its answer gives
    as many parts. Any other line, a yes/no question and one asking for no field we know, as
    it is."""
    match = _QUESTION.match(line)
    if match is None or _YES_NO.match(match["question"]):
        return line
    question = " ".join(
        w for w in match["question"].split() if w.lower().strip("'’(),") not in _ASKING
    )
    question = _DANGLING.sub("", question)
    if not question or not is_label(question):
        return line
    answer = match["answer"].strip()
    asked = [p for p in _ALSO.split(question) if p]
    parts = [p.strip() for p in answer.split(",")]
    if len(asked) >= 2 and len(parts) == len(asked):
        owner = [w for w in asked[0].split() if label_words.is_owner_word(w)]
        labels = [asked[0], *(" ".join([*owner, p]) for p in asked[1:])]
        kinds = {classify(label)[0] for label in labels}
        if all(is_label(label) for label in labels) and len(kinds) == len(labels):
            pairs = zip(labels, parts, strict=True)
            return match["lead"] + "   ".join(f"{label}: {part}" for label, part in pairs)
    return f"{match['lead']}{question}: {answer}"


def _answers_below(lines: list[str]) -> list[str]:
    """A numbered question asking for several fields ("9. Insurance company and member ID:")
    with its answer on the next line ("Florida Blue, F7632373461"): the answer moved up beside
    it, where ``_question`` reads one label per part; the answer's line left empty."""
    out = list(lines)
    for i, line in enumerate(lines[:-1]):
        match = _QUESTION.match(line)
        if match is None or match["answer"].strip() or _YES_NO.match(match["question"]):
            continue
        after = lines[i + 1].strip()
        if "," not in after or _QUESTION.match(after) or find_labels(after):
            continue
        if len([p for p in _ALSO.split(match["question"]) if p]) >= 2:
            out[i], out[i + 1] = f"{line.rstrip()} {after}", ""
    return out


# A chart's patient banner: cells apart by wide gaps, one the birth date after its label.
_CELL_GAP = re.compile(r"\s{2,}|\t")
_BANNER_BIRTH = re.compile(
    r"^(?:dob|d\.o\.b\.?|date of birth|born)\s*:?\s+(?:\d|[a-z]{3,9}\.? \d)", re.IGNORECASE
)
_BANNER_NAME = re.compile(r"^[^\W\d_][^\d:]{1,60}$")
_SEX_WORD = re.compile(r"^(?:male|female|nonbinary|non-binary|intersex)$", re.IGNORECASE)


def _banner(line: str) -> str:
    """A patient banner across a chart printout ("ROE, JANE  MRN 12345  DOB 3/4/1961 (65 y)
    Female  Ph 555-0100") as labelled cells: its first cell, a name and no label, is the
    patient; a cell of a sex's word alone the sex; a cell that starts with a label and a space
    that label's ("Ph: 555-0100"). Any other line as it is."""
    cells = [c.strip() for c in _CELL_GAP.split(line.strip()) if c.strip()]
    if len(cells) < 3 or not any(_BANNER_BIRTH.match(c) for c in cells[1:]):
        return line
    first = cells[0]
    if not _BANNER_NAME.match(first) or is_label(first) or find_labels(first):
        return line
    out = [f"Patient: {first}"]
    for cell in cells[1:]:
        start = _longest_at_start(cell)
        if _SEX_WORD.match(cell):
            out.append(f"Sex: {cell}")
        elif start is not None and start.start("label") == 0 and ":" not in cell:
            out.append(f"{start['label']}: {cell[start.end() :].strip()}")
        else:
            out.append(cell)
    return "   ".join(out)


# The dash between a value and the caption after it: "Ana Peña - patient", "555-0100 — fax".
_CAPTION_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")


def _caption_after(line: str) -> str:
    """A line of values each followed by its caption after a dash ("Ana Peña - patient",
    "555-201-0100 - office phone 555-201-0101 - office fax") as colon labels before their
    values ("patient: Ana Peña   office phone: 555-201-0100   office fax: 555-201-0101");
    any other line as it is. Every dash must be followed by a label, and no value be one."""
    parts = _CAPTION_DASH.split(line)
    if len(parts) < 2 or not parts[0].strip() or is_label(parts[0]):
        return line
    pairs: list[str] = []
    value = parts[0].strip()
    for part in parts[1:]:
        words = part.split()
        cut = next((n for n in range(len(words), 0, -1) if is_label(" ".join(words[:n]))), 0)
        if not cut or not value or is_label(value):
            return line
        pairs.append(f"{' '.join(words[:cut]).rstrip(':')}: {value}")
        value = " ".join(words[cut:])
    return "   ".join(pairs + ([value] if value else []))


def _longest_label_at(line: str, start: int) -> re.Match[str] | None:
    """The longest label starting at ``start`` that stands as one ("Home Address:", not "Home")."""
    found = [
        m for p in _LABEL_PATTERNS if (m := p.match(line, start)) and _stands_as_label(line, m)
    ]
    return max(found, key=lambda m: m.end("label"), default=None)


def find_labels(line: str) -> list[Label]:
    labels: list[Label] = []
    strong = _longest_at_start(line)
    first = _LABEL_AT.match(line)
    colon = _longest_label_at(line, first.start()) if first else None
    if (
        strong
        and (
            colon is None
            or not _stands_as_label(line, colon)
            or colon.end("label") < strong.end("label")
        )
        and (not _WEAK_AT_START.match(strong["label"]) or _table_row(line))
    ):
        kind, owner = classify(strong["label"])
        hint = (strong["hint"] or "").strip(" ()").lower()
        labels.append(Label(kind, owner, strong.start("label"), strong.end(), hint))
    position = labels[-1].end if labels else 0
    while True:
        start = _LABEL_AT.search(line, position)
        if start is None:
            break
        match = _longest_label_at(line, start.start())
        if match is None:
            position = start.start() + 1
            continue
        position = max(match.end(), match.start() + 1)
        kind, owner = classify(match["label"])
        hint = (match["hint"] or "").strip(" ()").lower()
        labels.append(Label(kind, owner, match.start("label"), match.end(), hint))
    if labels and labels[-1].kind in _ONE_LETTER and not line[labels[-1].end :].strip():
        labels.pop()  # "F" alone on its line is a value (a sex), not the label "F" of a fax
    # "insurance is Anthem Blue Cross, …": a sentence wrapped at its subject, not a label
    labels = [
        label
        for label in labels
        if not (_VERB_AFTER.match(line, label.end) and ":" not in line[label.start : label.end])
    ]
    return _with_composed(line, _key_and_its_value(line, labels))


def _key_and_its_value(line: str, labels: list[Label]) -> list[Label]:
    """ "Plan  Priority Health": a key, a gap, then words that start like a label but run on
    past it with no colon anywhere: the key's value (a payer named like a field), not a second
    label. A row of labels ends at its last label ("Payer  Member ID")."""
    if len(labels) != 2 or ":" in line:
        return labels
    first, second = labels
    gap = line[first.end : second.start]
    rest = line[second.end :]
    if len(gap) >= 2 and not gap.strip() and rest.strip() and not _LABEL_AT.search(rest):
        return [first]
    return labels


# A name labelled this few lines before a birth date is the patient's.
_IDENTITY_REACH = 6
_VERB_AFTER = re.compile(r"\s*(?:is|was|are|were|has|had|will)\s+[a-z]*", re.IGNORECASE)


_ONE_LETTER = ("phone_short", "fax_short")
# "Clinical reason    Asthma": a label phrase, a column's gap, its value
_BEFORE_A_GAP = re.compile(r"^\s*(?P<head>[^\W\d_][\w/&'().\- ]{2,40}?)(?:\s{2,}|\t)\S")


def _with_composed(line: str, labels: list[Label]) -> list[Label]:
    """The lexicon's labels, each widened to the label words before it ("Type 1 NPI:",
    "Requesting clinician:"), and the labels ending in ':' that the lexicon does not list."""
    widened: list[Label] = []
    floor = 0  # the end of the last label ending in ':'; one without may be a word of the next
    for label in labels:
        if ":" in line[label.start : label.end]:
            start = label_words.widen(line, floor, label.start, label.end)
            if start < label.start:
                phrase = line[start : label.end].rstrip(" :#")
                kind, owner = classify(phrase)
                guessed = _listed(phrase) is None
                label = Label(kind, owner, start, label.end, label.hint, guessed)
            floor = label.end
        widened = [w for w in widened if w.end <= label.start]
        widened.append(label)
    whole = line.strip().rstrip(": ")
    listed = any(
        _listed(text) is not None
        for text in (whole, _BARE_LABEL_END.sub("", whole))  # "DIAGNOSIS CODE(S)"
    )
    if (
        whole
        and not listed
        and (not widened or ":" not in line)
        and label_words.is_label_phrase(whole)
    ):
        # "Plan member ID" alone on its line: one label, its value under it
        kind, owner = classify(whole)
        start = len(line) - len(line.lstrip())
        return [Label(kind, owner, start, len(line.rstrip()), "", True)]
    gap = _BEFORE_A_GAP.match(line) if ":" not in line else None
    if gap and not widened and _listed(gap["head"]) is None and _is_cell_label(gap["head"]):
        # a column's gap ends a label the lexicon does not list as a colon would
        kind, owner = classify(gap["head"])
        return [Label(kind, owner, gap.start("head"), gap.end("head"), "", True)]
    if gap and widened and _is_cell_label(gap["head"]):
        head_end = gap.end("head")
        inside = [w for w in widened if w.start < head_end]
        if (
            inside
            and all(len(line[: w.end].rstrip()) <= head_end for w in inside)
            and (len(inside) > 1 or inside[0].end < head_end or inside[0].owner is None)
        ):
            # a table row's first cell is one label, whatever lexicon words it holds
            # ("Department fax", "Patient e-mail"), its words saying whose it is
            kind, owner = _cell_kind(gap["head"])
            first = Label(
                kind, owner, gap.start("head"), head_end, "", _listed(gap["head"]) is None
            )
            return [first, *(w for w in widened if w.start >= head_end)]
    taken = [(label.start, label.end) for label in widened if ":" in line[label.start : label.end]]
    composed = [
        Label(span.kind, span.owner, span.start, span.end, "", True)
        for span in label_words.colon_labels(line, taken)
    ]
    if not composed:
        return widened
    kept = [w for w in widened if not any(c.start <= w.start < c.end for c in composed)]
    return sorted(kept + composed, key=lambda label: label.start)


def _is_cell_label(head: str) -> bool:
    """Whether a row's first cell of several words is a label, listed or composed."""
    if len(head.split()) < 2:  # a lone word is the lexicon's to name
        return False
    return _listed(head) is not None or label_words.is_label_phrase(head)


def _cell_kind(head: str) -> tuple[str, str | None]:
    """A cell label's kind, and its owner from its own words where the lexicon leaves it to
    the section ("Patient address" is the patient's under the ordering provider's rows)."""
    listed = _listed(head)
    composed = label_words.compose(" ".join(head.lower().split()))
    if listed is None:
        return composed or ("skip", None)
    if listed[1] is None and composed is not None and composed[0] == listed[0]:
        return composed
    return listed


def _longest_at_start(line: str) -> re.Match[str] | None:
    """ "Patient Address 12 Main St" is an address, not "Patient" named "Address 12 Main St"."""
    found = [m for m in (p.match(line) for p in _AT_START) if m is not None]
    return max(found, key=lambda m: m.end("label"), default=None)


def _table_row(line: str) -> bool:
    """A short line that cannot be a sentence: "Provider Hannah S. St. Clair, DO"."""
    words = line.split()
    return len(words) <= 7 and not re.search(r"[.!?]\s*$|\b(?:is|was|has|the|and|for)\b", line)


_NUMBER_AFTER = re.compile(r"\s*[(+]?\s?\d")


def _stands_as_label(line: str, match: re.Match[str]) -> bool:
    """A label without a colon counts only where a cell starts: "Valley Clinic" is no label.

    A one-letter label ("T", "F") counts only with a number after it: "Sex  F  Phone" is a
    value.
    """
    if len(match["label"]) == 1 and not _NUMBER_AFTER.match(line, match.end()):
        return False
    if ":" in match["tail"] or "#" in match["tail"] or match["label"].endswith("#"):
        return True  # "Group # 635202" as "Group: 635202"
    before = line[: match.start("label")]
    if match["space"] is not None and re.search(r"\d\s$", before) and len(match["label"]) > 1:
        # "Telephone +1 865 314 7059 Facsimile +1 865 487 1744": a number ends the value
        # before, and a label word with a number after it starts the next one
        return _NUMBER_AFTER.match(line, match.end()) is not None
    if match["space"] is not None and _CREDENTIAL_BEFORE.search(before):
        return True  # "Name (print) Jo Park, PA-C Office Valley Clinic": a credential ends a name
    if match["space"] is not None and _NAME_PART.fullmatch(match["label"]) and before.strip():
        return True  # "Last name Begay First name Ottilie": no value holds these words
    if match["space"] is not None:
        # "| NPI 1234567893 |": a cell of a footer; "Pt. Name Roe, Jo  D.O.B 9-Jun-1945  Sex F":
        # a cell after a wide gap that starts with a strong label; at a line's start see
        # _longest_at_start
        if re.search(r"\|\s*$", before):
            return True
        return bool(before.strip()) and re.search(r"(?:\s{2,}|\t)$", before) is not None
    return not before.strip() or bool(re.search(r"(?:\s{2,}|\t|\|)\s*$", before))


_NAME_PART = re.compile(r"(?:first|last|given|family|middle)\s?name", re.IGNORECASE)
_CREDENTIAL_BEFORE = re.compile(
    r",\s*(?:md|m\.d\.|do|d\.o\.|np|pa-c|pa|fnp|dnp|mbbs|aprn|rn)[_.]?\s$", re.IGNORECASE
)


def _opens_a_text(line: str) -> bool:
    """ "Reason for Referral:" alone on its line is the label of the text under it."""
    labels = find_labels(line)
    return bool(labels) and labels[0].kind in ("reason", "diagnosis")


# "C. REFERRING PROVIDER", "2) Patient": a form's lettered or numbered section.
_SECTION_MARK = re.compile(r"^\s*(?:[A-Z]|\d{1,2})[.)]\s+")


def section_of(line: str) -> str | None:
    """The section a heading line opens, if the line is a heading."""
    line = _SECTION_MARK.sub("", line)
    for pattern, owner in _SECTION_LINE:
        if pattern.match(line):
            return owner
    # "INSURANCE / REFERRING": the first part opens the section
    first, slash, _ = line.partition("/")
    if slash and first.strip():
        for pattern, owner in _SECTION_LINE:
            if pattern.match(first):
                return owner
    return None


_PARTIES = (PATIENT, REFERRER, INSURANCE, RECIPIENT, OTHER)


def is_party(text: str) -> bool:
    """Whether ``text`` is a heading that names a party ("PATIENT", "Referring provider",
    "Coverage"): a grid's column heading."""
    return section_of(text.strip(" :")) in _PARTIES


def _heading_start(line: str) -> str | None:
    """A heading that also carries labels: ``PATIENT: Name: Jane Doe``."""
    text = line.strip()
    for pattern, owner in _SECTION_START:
        match = pattern.match(text)
        if match and text[match.end() :].lstrip().startswith(":"):
            rest = text[match.end() :].lstrip()[1:]
            if find_labels(rest) and find_labels(rest)[0].start <= 2:
                return owner
    return None


def _cells(text: str) -> list[str]:
    """The cells of a stretch of a line: what wide gaps (or a tab) part."""
    return [cell for cell in re.split(r"\s{2,}|\t", text) if cell.strip(" |;,:-_")]


# "9 9 3 0 1 2 4 6 7 P": a form's character boxes, one letter or digit to a box.
_CHARACTER_BOXES = re.compile(r"(?<!\S)[A-Za-z0-9](?: [A-Za-z0-9]){3,}(?!\S)")


def _clean(value: str) -> str:
    value = _CHARACTER_BOXES.sub(lambda m: m.group(0).replace(" ", ""), value)
    value = re.sub(r"_{2,}", " ", value)
    # a cell's underline or rule read by OCR after the value: "Capital Blue Cross —_"
    return " ".join(value.replace("\t", " ").split()).strip(" |;,:-_\u2014\u2013")


# A letter's salutation names whom it is written to; its sign-off closes the sender's part.
SALUTATION = re.compile(r"^\s*(?:dear|hello|hi|to whom)\b", re.IGNORECASE)
SIGN_OFF = re.compile(
    r"^\s*(?:(?:with\s+)?(?:(?:best|kind|kindest|warm|warmest|many|sincere)\s+)?"
    r"(?:regards|wishes|thanks)|sincerely(?:\s+yours)?|yours\s+(?:sincerely|truly|faithfully)"
    r"|respectfully(?:\s+yours)?|thank\s+you(?:\s+(?:very\s+much|again))?|cordially|best"
    r"|gratefully)[,.!]?\s*$",
    re.IGNORECASE,
)
# (a name has no digits: "ADDRESS 12 Elm St Erie, PA 16584" ends in a state, not a credential)
_SIGNATURE = re.compile(
    r"^\s*(?:dr\.?\s+)?[^\W\d_](?:[^\W\d]|['.\- ]){2,40},?\s+"
    r"(?:md|do|np|pa-c|pa|fnp|dnp|mbbs|aprn)\b"
    r"(?!\s*:)|^\s*dr\.?\s+[^\W\d_][\w'.\- ]{2,40}\s*(?:\||,?\s+npi\b)",
    re.IGNORECASE,
)
_CREDENTIAL_ALONE = re.compile(
    r"^\s*(?:md|m\.d\.|do|d\.o\.|np|pa-c|pa|fnp|dnp|mbbs|aprn)\s*$", re.IGNORECASE
)
_AT_POSITION = [
    (re.compile(rf"(?:{p})(?=[\s/]|$)", re.IGNORECASE), kind, owner) for p, kind, owner in _LEXICON
]


_PATIENT_COLUMN = re.compile(r"\s*(?:patient|pt\.?)\s", re.IGNORECASE)


def header_row(line: str) -> list[tuple[str, str | None]] | None:
    """The labels of a line made of labels only, left to right; None for any other line."""
    found: list[tuple[str, str | None]] = []
    position = 0
    text = line.rstrip()
    while position < len(text):
        if text[position] in " /|\t":
            position += 1
            continue
        hint = re.match(r"\([^)]{0,30}\)", text[position:])
        if hint and found:
            position += hint.end()
            continue
        matches = [(m.end(), k, o) for p, k, o in _AT_POSITION if (m := p.match(text, position))]
        if not matches:
            # a label the lexicon does not list: "Enrollee ID", "Callback Number"
            composed = label_words.row_label_at(text, position) or _misread_header(text, position)
            if composed is None:
                return None
            if found and composed[1:] == found[-1]:
                position = composed[0]  # "DIAGNOSIS CODE(S)": the same label, continued
                continue
            matches.append(composed)
        end, kind, owner = max(matches, key=lambda x: x[0])
        found.append((kind, owner))
        position = end
    values = [k for k, _ in found if k != "skip"]
    if len(found) >= 3 and found[0][0] != "name" and _PATIENT_COLUMN.match(text):
        found.insert(0, ("name", PATIENT))  # "Patient DOB Sex Phone": "Patient" is a column
    return found if len(found) >= 2 and values else None


_HEADER_WORD = re.compile(r"(?P<word>[A-Z0-9]{3,12})\.?(?=\s|$)")
# Digits OCR reads for capitals, and the capitals: "008" for "DOB" reads "OOB", one letter off.
_CAPITAL_FOR = str.maketrans("0815", "OBIS")


def _misread_header(text: str, position: int) -> tuple[int, str, str | None] | None:
    """ "Patient's Name  BOB.  Sex": a header in capitals OCR misread by one letter ("DOB"),
    when every label one letter away names the same field (not one left unread). Digits in
    it are read as the capitals they look like first ("008")."""
    match = _HEADER_WORD.match(text, position)
    if match is None or is_label(match["word"]):
        return None
    word = match["word"].translate(_CAPITAL_FOR)
    if not word.isalpha():
        return None
    near = _one_field_near(word)
    if near is None:
        return None
    kind, owner = near[1]
    return match.end(), kind, owner


def _one_field_near(word: str) -> tuple[str, tuple[str, str | None]] | None:
    """The label one letter away from ``word`` and what it names, when every such label
    names that one field, a field we read. A three-letter label of a field not read ("COB",
    one letter from "DOB") does not stand in the way: such abbreviations are all one letter
    from each other."""
    named = {near: classify(near) for near in edits.one_letter_changed(word) if is_label(near)}
    kept = {near: kind for near, kind in named.items() if kind[0] != "skip" or len(near) > 3}
    kinds = set(kept.values())
    if len(kinds) != 1 or next(iter(kinds))[0] == "skip":
        return None
    return min(kept), kinds.pop()


def _column_block(lines: list[str], index: int) -> list[tuple[int, str]]:
    block: list[tuple[int, str]] = []
    for j in range(index, len(lines)):
        text = lines[j].strip()
        if text and (find_labels(text) or section_of(text) is not None):
            break
        if text:
            block.append((j, text))
    return block


def _bare_labels_over_values(
    lines: list[str], index: int, labels: list[Label]
) -> tuple[list[str], int] | None:
    """The value lines under a line of two or more labels ending in ':' with no values."""
    line = lines[index]
    if len(labels) < 2 or labels[0].start > len(line) - len(line.lstrip()) + 1:
        return None
    ends = [label.start for label in labels[1:]] + [len(line)]
    if any(_clean(line[label.end : end]) for label, end in zip(labels, ends, strict=True)):
        return None
    if not all(":" in line[label.start : label.end] for label in labels):
        return None
    block = []
    for j in range(index + 1, min(len(lines), index + 3)):
        text = lines[j].strip()
        if not text or find_labels(text) or section_of(text) is not None:
            break
        block.append(text)
    cells = re.split(r"\s{2,}|\t", block[0]) if len(block) == 1 else []
    if len(cells) == len(labels):
        return cells, 1  # "LEE, KIM  5/12/2005": one value a label, as the gaps say
    return (block, len(block)) if block else None


def _row_block(lines: list[str], index: int) -> list[str]:
    block: list[str] = []
    for j in range(index + 1, min(len(lines), index + 6)):
        text = lines[j].strip()
        if not text or find_labels(text) or section_of(text) is not None or header_row(text):
            break
        block.append(text)
    return block


# OCR reads the "#" of a capitals label ("MEMBER #") as "@"; an address's "@" has no gap after.
_HASH_READ_AS_AT = re.compile(r"(?<=[A-Z]{2}) @(?=\s{2,}|\s*$)")
# "Member 1D:": OCR's I of a label's "ID" read as a one or a lower-case l.
_ID_READ_AS_1D = re.compile(r"(?<=[A-Za-z] )[1l]D(?=\s*[:#])")


_CUT_LABEL = re.compile(r"^[\s'‘’`|_—.,-]*(?P<head>[a-z]{4,}[A-Za-z /\-]{0,30}?)\s*:")


def _restore_cut_label(line: str) -> str:
    """ "eason for referral: …": a label whose first letter OCR lost at a box's edge, when
    exactly one letter before it makes a label of the lexicon."""
    match = _CUT_LABEL.match(line)
    if match is None or is_label(match["head"]):
        return line
    kinds = {
        classify(letter + match["head"])
        for letter in "abcdefghijklmnopqrstuvwxyz"
        if is_label(letter + match["head"])
    }
    if len(kinds) != 1:
        return line
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if is_label(letter + match["head"]):
            start = match.start("head")
            return f"{letter.upper()}{line[start:]}"  # the box's edge read as "‘" goes too
    return line


# A word alone on its line, or before a colon: where a form puts its labels.
_LONE_WORD = re.compile(r"^(?P<lead>\s*)(?P<word>[A-Za-z]{4,12})(?P<rest>\s*(?::.*)?)$")


def _restore_garbled_label(line: str) -> str:
    """ "ADOR" over "8538 Mill Rd …": a label OCR misread by one letter ("ADDR"), when it is
    no label itself, stands as a label stands (alone in capitals, or before a colon), and
    every label one letter away names the same field. Labels of fields not read ("Date",
    "Notes") are not restored: the value of a mended label would be taken for a field's.
    """
    match = _LONE_WORD.match(line)
    if match is None or is_label(match["word"]) or section_of(match["word"]) is not None:
        return line
    word, rest = match["word"], match["rest"]
    if not (word.isupper() or rest.strip().startswith(":")):
        return line
    found = _one_field_near(word)
    if found is None:
        return line
    near = found[0]
    return f"{match['lead']}{near.upper() if word.isupper() else near.capitalize()}{rest}"


def _restore_garbled_labels(lines: list[str]) -> tuple[list[str], set[int]]:
    """``_restore_garbled_label`` on each line but one standing under a bare label: that
    line is the label's value ("LAST NAME" / "BELL"), however like a label it reads, unless
    the label is of a number and the line has no digit ("PHONE" left empty over "ADOR", the
    next cell's label). Also the lines mended: their labels are guesses."""
    out = list(lines)
    mended: set[int] = set()
    above = ""
    for i, line in enumerate(lines):
        if line.strip():
            if not is_label(above) or _no_value_of(above, line):
                out[i] = _restore_garbled_label(line)
                if out[i] != line:
                    mended.add(i)
            above = line
    return out, mended


# OCR reads a label's colon as a semicolon ("Tel; +1 608 421 0118"): a phrase where a label
# stands (a line's start, after a gap or a bar) then ";" and a value (not a clause after it).
_SEMICOLON_AFTER_LABEL = re.compile(
    r"(?P<lead>^\s*|\s{2,}|\|\s*)(?P<head>[A-Za-z][A-Za-z.#/]*(?: [A-Za-z.#/]+){0,3});"
    r"(?=\s+[^\sa-z])"
)


def _colon_for_semicolon(match: re.Match[str]) -> str:
    """The label's colon, when the phrase before the semicolon is a label."""
    if not is_label(match["head"]):
        return match.group(0)
    return f"{match['lead']}{match['head']}:"


# Fields written with digits: a line without one is no value of theirs.
_NUMBER_KINDS = frozenset({"phone", "fax", "phone_fax", "dob", "npi", "zip"})


def _no_value_of(label: str, line: str) -> bool:
    """Whether ``line`` cannot be the value of the bare ``label`` above it: the label's field
    is a number and the line has no digit."""
    return classify(label.strip(_BORDER_NOISE))[0] in _NUMBER_KINDS and not any(
        c.isdigit() for c in line
    )


def labeled_values(page: PageText) -> Iterator[Labeled | Row]:
    """Every labelled value on a page, with the section it stands in; on an OCR'd page, a
    label misread by one letter is read as the label (``_restore_garbled_label``)."""
    lines = [
        _caption_after(
            _unnumbered(
                _question(
                    _banner(
                        _restore_cut_label(
                            _ID_READ_AS_1D.sub("ID", _HASH_READ_AS_AT.sub(" #", line))
                        )
                    )
                )
            )
        )
        for line in _answers_below(page.text.split("\n"))
    ]
    mended: set[int] = set()
    if page.method == "ocr":
        lines = [_SEMICOLON_AFTER_LABEL.sub(_colon_for_semicolon, line) for line in lines]
        lines, mended = _restore_garbled_labels(lines)
    section: str | None = None
    birth_dates = [
        i for i, line in enumerate(lines) if any(x.kind == "dob" for x in find_labels(line))
    ]
    skip_until = -1
    pending: list[tuple[str, str | None]] = []  # bare labels that found no value
    bare_lines: list[int] = []  # the lines of those labels
    named: set[str | None] = set()  # the sections whose party has been named
    # A second column's section: "PATIENT  ROE, JANE  REFER TO  Bone & Joint" / "ADDRESS …":
    # a party named in a cell after a wide gap owns that column, not the lines' first cells.
    side: str | None = None
    for index, line in enumerate(lines):
        if index == page.fax_header_lines:
            # the fax machine's "FROM: … TO: …" heads no section of the page, and the sender
            # it names is not a party the form itself has named yet
            section = None
            named.clear()
        if index <= skip_until:
            continue
        if _CREDENTIAL_ALONE.match(line) and index and lines[index - 1].strip():
            continue  # "Jane Roe" / "MD": a signature's credential, not a label over a value
        if SALUTATION.match(line):
            section = None  # a letter's body: no one's section
        elif SIGN_OFF.match(line) or _SIGNATURE.match(line):
            section = REFERRER  # what follows "Sincerely," or "Jane Roe, MD |" is the sender's
        row = header_row(line)
        if row is not None:
            block = _row_block(lines, index)
            if block:
                # "Patient Name DOB Mobile": the whole row is the patient's; so is "Name
                # Birthdate Gender" under the recipient's "Attention:" line
                row_section = section
                if any(o == PATIENT for _, o in row) or (
                    section != OTHER and any(k in ("dob", "sex") for k, _ in row)
                ):
                    row_section = PATIENT
                owned = tuple(
                    (kind, owner or _owner_in_row(row, row_section, kind)) for kind, owner in row
                )
                yield Row(owned, tuple(block), page.number, index + 1)
                if row_section == PATIENT:
                    section = PATIENT
                skip_until = index + len(block)
                continue
        heading = section_of(line)
        if heading is not None and not _opens_a_text(line):
            section = heading
            side = None
            named.discard(heading)  # "Emergency contact" after "Guardian": a new party's name
            labels = find_labels(line)
            # "Referring Provider:" / "REFERRING PRACTICE" / "Payer" alone on its line, the
            # value under it
            if labels and labels[0].kind in ("name", "provider", "practice", "insurer"):
                under = _value_below(lines, index)
                if under is not None:
                    owner = labels[0].owner or heading
                    yield Labeled(
                        labels[0].kind, owner, True, under[0], page.number, under[1], "", True
                    )
                    continue
            if labels and ":" in line and labels[0].kind != "skip":
                # "Insurance:" heads its section and labels a value OCR may read later
                pending.append((labels[0].kind, labels[0].owner or heading))
            continue
        opened = _heading_start(line)
        if opened is not None:
            section = opened
        labels = [_for_party(label, line, section) for label in find_labels(line)]
        if index in mended:
            labels = [replace(label, guessed=True) for label in labels]
        bare = _bare_labels_over_values(lines, index, labels)
        if bare is not None:
            # "EMPLOYER GROUP:   SEX:" over "female": each value to the label of its shape
            owned = tuple((lab.kind, lab.owner or _owner_in(section, lab.kind)) for lab in labels)
            yield Row(owned, tuple(bare[0]), page.number, index + 1, True)
            skip_until = index + bare[1]
            continue
        if not labels and line.strip() and len(pending) >= 2:
            # Two columns read one after the other: every label, then every value.
            column = _column_block(lines, index)
            # a title between the labels ("Referral Details") is no column of values; two
            # labels take a column of two values only
            if len(column) >= 3 or len(column) == len(pending) == 2:
                yield Row(tuple(pending), tuple(t for _, t in column), page.number, index, True)
                pending = []
                skip_until = column[-1][0]
                continue
        at_start = section
        left: str | None = None  # the first column's section, while a later cell is read
        entered: str | None = None
        for i, label in enumerate(labels):
            if left is None and i and _after_a_gap(line, label.start) and labels[0].start <= 1:
                if section != at_start:
                    side = None  # the line's first cell named a new party: a new block
                left, entered = section or "", side or section
                section = entered
            end = labels[i + 1].start if i + 1 < len(labels) else len(line)
            value = _clean(line[label.end : end])
            among_cells = len(_cells(line[label.end : end])) >= 2
            line_of_value = index
            is_below = False
            many = label.kind in ("reason", "diagnosis")
            # "REASON FOR REFERRAL" alone, no colon: a heading over its text, never one of a
            # column of bare labels ("ICD-10-CM" captions above it are no such column)
            over_a_text = many and ":" not in line
            if (
                not value
                and i + 1 == len(labels)
                and (over_a_text or not _in_label_run(lines, index, bare_lines))
            ):
                # after a run of bare labels, what stands under a gap is the values' column
                found = _value_below(lines, index, many=many, gap=len(pending) < 2)
                if found is not None:
                    value, line_of_value = found
                    is_below = True
                    if many:
                        skip_until = line_of_value
            if (
                label.kind in ("name", "first", "last")
                and label.owner is None
                and section not in (PATIENT, OTHER)
                and value
                and any(index < j <= index + _IDENTITY_REACH for j in birth_dates)
            ):
                # "Last name / First name / Date of birth" after the sender's particulars: a
                # name with a birth date after it is the patient's, whoever was named before
                section = PATIENT
            elif label.kind == "name" and label.owner is None and section in named and value:
                # "Attention: Bone & Joint" … "Name: Jane Doe": one party has one name, so a
                # second bare "Name" is someone else's: the form's, the patient's
                section = None
            if label.kind in ("name", "insurer") and label.owner is not None:
                # "Patient: Jane Doe" / "From: Dr. Wu   Fax: …": what follows is theirs
                section = label.owner
            elif label.kind == "provider" and section != RECIPIENT and value:
                section = REFERRER
            elif label.kind in ("name", "first", "last") and section is None and value:
                section = PATIENT  # a form's first "Name:" is the patient's
            if not value:
                if label.start <= 1 and i + 1 == len(labels):
                    pending.append((label.kind, label.owner or _owner_in(section, label.kind)))
                    bare_lines.append(index)
                continue
            if label.kind == "diagnosis" and i + 1 == len(labels):
                more = _codes_below(lines, line_of_value)
                if more:
                    value = f"{value} {more[0]}"
                    line_of_value = skip_until = more[1]
            if label.kind == "name":
                named.add(label.owner or section)
            pending.clear()  # labels with their values: no column of bare labels here
            yield Labeled(
                label.kind,
                label.owner or _owner_in(section, label.kind),
                label.owner is not None,
                value,
                page.number,
                line_of_value,
                label.hint,
                is_below,
                guessed=label.guessed,
                among_cells=among_cells,
            )
        if left is not None:
            if section != entered:
                side = section
            section = left or None


def _after_a_gap(line: str, start: int) -> bool:
    """Whether a label starts a cell after a wide gap, not the line's first cell."""
    before = line[:start]
    return bool(before.strip()) and re.search(r"(?:\s{2,}|\t)$", before) is not None


def _in_label_run(lines: list[str], index: int, bare_lines: list[int]) -> bool:
    """ "Sex at birth: / Mobile: / E-mail: / Address:" then their values: the line under the
    last of a run of bare labels is the first value of the column, not the last label's.

    Two bare labels make a run when exactly two value lines stand under them ("DOB: / PH: /
    3/6/00 / 1-609-553-8271": OCR read a two-column block one column after the other)."""
    above = [j for j in range(index - 1, -1, -1) if lines[j].strip()][:2]
    if len(above) == 2 and all(j in bare_lines for j in above):
        return True
    return bool(above) and above[0] in bare_lines and len(_column_block(lines, index + 1)) == 2


# Kinds that belong to one party whatever the section: an NPI under "PATIENT" is not hers.
_KIND_OWNERS = {
    "npi": (REFERRER, RECIPIENT, OTHER),
    "practice": (REFERRER, RECIPIENT, OTHER),
    "dob": (PATIENT, OTHER),
    "sex": (PATIENT, OTHER),
    # "RE: Jane Doe" names the letter's subject, whoever the heading above it names.
    "re": (PATIENT,),
}


_CLINICAL_KINDS = {"reason", "diagnosis", "urgency", "re", "skip"}


# A generic label names another field for each party: the "Name" of a payer is the payer, the
# "ID" of a provider her NPI.
_KIND_OF_PARTY = {("name", INSURANCE): "insurer", ("member_id", REFERRER): "npi"}


def _for_party(label: Label, line: str, section: str | None) -> Label:
    """The label as its section's party means it: a generic one by ``_KIND_OF_PARTY``, one
    of two parties' labels joined by a slash ("Organization / group", a grid's row of the
    provider's practice and the coverage's group) as the one that is the section's."""
    if section not in _PARTIES:
        return label
    if (
        section == OTHER
        and label.owner == PATIENT
        and label.kind == "phone"
        and not label_words.is_owner_word(line[label.start : label.end])
    ):
        # "Cell phone" under "Parent / guardian" is the guardian's, unless it says "Patient"
        return replace(label, owner=None)
    if label.owner is None:
        kind = _KIND_OF_PARTY.get((label.kind, section))
        return replace(label, kind=kind) if kind else label
    text = line[label.start : label.end]
    if "/" not in text or _listed(text.strip(" :#")) is not None:
        return label
    parts = [p for p in (_listed(part.strip(" :#")) for part in text.split("/")) if p is not None]
    if len(parts) < 2 or len({kind for kind, _ in parts}) < len(parts):
        return label  # "Service requested / reason": one field's two names
    if any(owner not in (None, *_PARTIES) for _, owner in parts):
        return label
    for kind, owner in parts:
        if (owner or _owner_in(section, kind)) == section:
            return replace(label, kind=kind, owner=None)
    return replace(label, kind="skip", owner=None)


def _owner_in_row(row: list[tuple[str, str | None]], section: str | None, kind: str) -> str | None:
    """ "Street Address  Primary Insurance  ID #": an id beside an insurer is the insurer's."""
    if kind in ("member_id", "group") and any(k == "insurer" and o == INSURANCE for k, o in row):
        return INSURANCE
    return _owner_in(section, kind)


def _owner_in(section: str | None, kind: str) -> str | None:
    if section == CLINICAL and kind not in _CLINICAL_KINDS:
        return None  # a name or phone under "Clinical Information" is no one's we know
    allowed = _KIND_OWNERS.get(kind)
    if allowed is not None and section not in allowed:
        return None
    return section


_CODE_START = re.compile(r"^\s*[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


def _codes_below(lines: list[str], index: int) -> tuple[str, int] | None:
    """A list of diagnoses that runs on to the next lines, each starting with a code."""
    taken: list[str] = []
    last = index
    for j in range(index + 1, min(len(lines), index + 6)):
        if not _CODE_START.match(lines[j]) or find_labels(lines[j]):
            break
        taken.append(lines[j].strip())
        last = j
    return (" ".join(taken), last) if taken else None


# "Encounter for screening … [Z12.11]": a diagnosis listed under "Diagnoses", whatever label
# its first word looks like.
_ENDS_IN_CODE = re.compile(r"\[[A-Z0-9£€][0-9A-Z .]{2,9}\]\s*$")


def _value_below(
    lines: list[str], index: int, *, many: bool = False, gap: bool = True
) -> tuple[str, int] | None:
    """The line under a bare label if it is a value (no label of its own), else None."""
    taken: list[str] = []
    last = index
    # OCR puts a blank line between a label and the value under it
    for j in range(index + 1, min(len(lines), index + (8 if many else 3))):
        text = lines[j].strip()
        if not text:
            if taken or not (gap or many):
                break
            continue
        if (
            find_labels(text) and len(text) > 1 and not (many and _ENDS_IN_CODE.search(text))
        ) or section_of(text) is not None:
            break  # "F" alone under "Sex:" is a value, not the footer's "F" for fax
        taken.append(text)
        last = j
        if not many:
            break
    if not taken:
        return None
    return _clean(" ".join(taken)), last
