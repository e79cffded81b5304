"""What kind of page a page is, from general cues of its text (not from any one layout).

Each page type has families of cues, each with a weight: phrases that name the kind of
document ("reason for referral", "reference range"), and structural signs (a lab's rows of
value, unit and flag; a cover sheet's few lines). Scores add up per type; the best type
wins if it clears a floor, else the page is ``other``. A cue counts once per page however
often it occurs, so one long page of notes mentioning "MRI" does not become imaging.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from app.pipeline.types import PageText
from models.document import DocumentType, PageType


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float


def _cues(*weighted: tuple[float, str]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(p, re.IGNORECASE | re.MULTILINE), w) for w, p in weighted)


_REFERRAL = _cues(
    (2.0, r"\breferral\b"),
    (4.0, r"\breason\s+for\s+(?:the\s+)?(?:referral|consult(?:ation)?)\b"),
    (3.0, r"\breferr(?:ing|ed)\s+(?:by|provider|physician|doctor|clinician|practice|from|to)\b"),
    (3.0, r"\brefer(?:ring)?\s+(?:this|the|my|our|him|her|them)\b"),
    (2.0, r"\b(?:specialist|specialty)\s+(?:consult(?:ation)?|referral|requested)\b"),
    (2.0, r"\b(?:consult(?:ation)?|evaluation)\s+(?:requested|request)\b"),
    # what an inpatient consult request asks of the consultant: "Question for the consultant"
    (3.0, r"\bconsultant\s+requested\b|\bquestion\s+for\s+(?:the\s+)?consultant\b"),
    (2.0, r"\brequesting\s+(?:hospitalist|physician|provider|clinician|doctor|team)\b"),
    (2.0, r"\brequest(?:ed)?\s+(?:for\s+)?(?:consult(?:ation)?|evaluation|appointment)\b"),
    (
        2.0,
        r"\byour\s+(?:advice|input|help|opinion|expertise|consultation|evaluation|assessment"
        r"|recommendations?)\b|\ban?\s+(?:consultation|opinion|evaluation|assessment)\b",
    ),
    (2.0, r"\bplease\s+(?:see|evaluate|schedule|assess|contact\s+the\s+patient)\b"),
    # a home-health order names the agency it refers the patient to
    (1.5, r"\bhome\s+health\s+(?:agency|services|referral|order)\b"),
    (1.5, r"\bthank\s+you\s+for\s+(?:seeing|evaluating|your|the\s+consult|agreeing)\b"),
    (1.5, r"\bdear\s+(?:dr\.?|doctor|colleague|provider|specialist)\b"),
    (2.5, r"\bsend(?:ing)?\b[^.\n]{0,60}\bto\s+(?:you|your)\b"),
    (
        2.0,
        r"\bfor\s+(?:an?\s+)?(?:evaluation|assessment|consultation|second\s+opinion)\b"
        r"|\bfurther\s+(?:management|evaluation|work-?up|care|treatment)\b",
    ),
    (1.5, r"\b(?:could|can|should|to)\s+be\s+seen\b|\bsee\s+(?:him|her|them|this\s+patient)\b"),
    (
        2.5,
        r"\b(?:if\s+you\s+could|could\s+you|would\s+you|kindly)\s+(?:please\s+)?"
        r"(?:see|arrange|advise|assess|review|evaluate|manage|consider)\b",
    ),
    (2.0, r"\brequest(?:ed|ing)?\s+(?:action|services?|for|to)\b|\bservices?\s+requested\b"),
    (2.0, r"\bre\s*:[^\n]{0,60}\b(?:dob|d\.o\.b|date\s+of\s+birth|born)\b"),
    (
        1.0,
        r"\b(?:cardiology|dermatology|gastroenterology|neurology|orthop(?:a)?edic\w*|oncology"
        r"|urology|pulmonology|rheumatology|endocrinology|nephrology|ophthalmology"
        r"|otolaryngology|psychiatry|sleep\s+medicine|podiatry|physical\s+therapy)\b",
    ),
    (0.5, r"\bsincerely\b|\b(?:kind|best|warm)\s+regards\b|\bwith\s+thanks\b"),
    (1.0, r"\border(?:ing)?\s+(?:comments|details|provider)\b|\breferral\s+order\b"),
    (1.0, r"\bgrateful\b|\bappreciate\b|\bto\s+whom\s+it\s+may\s+concern\b"),
    (1.0, r"\b(?:notes|records|results)\s+(?:are\s+)?(?:enclosed|attached)\b|\benclosed\b"),
    (1.0, r"\burgen(?:cy|t)\b|\bpriority\b|\broutine\b|\bstat\b|\belective\b"),
    (1.0, r"\bnpi\b|\bnational\s+provider\b"),
    (1.0, r"\b(?:specialty|department|refer\s+to|service\s+requested)\b"),
    (1.0, r"\bdiagnos[ie]s\b|\bicd[- ]?10\b|\bdx\b"),
    (0.5, r"\bauthori[sz]ation\b|\bprior\s+auth\b"),
)
# The labels of a patient's particulars; a form that asks for most of them (name, birth
# date, sex, address, phone, insurance, the referring clinician) is an intake form.
_DEMOGRAPHICS = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"\b(?:patient|pt)(?:'s)?\s*(?:name)?\s*:|\bname\s*:|\b(?:first|last)\s+name\b|\bsurname\b"
        r"|^\s*(?:patient\s+|member\s+)?name\s*$"  # a label above its value
        r"|^\s*(?:patient|client|member)(?:'s)?(?:\s+name)?(?:\s{2,}|\t)\S",  # a cell before it
        r"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|born)\b",
        r"\b(?:sex|gender)\b|\bm\s*/\s*f\b",
        r"\b(?:address|street|city|zip|residence)\b",
        r"\b(?:phone|tel|mobile|cell|contact)\b",
        r"\b(?:insurance|health\s+plan|payer|coverage|member\s*(?:id|#|no)|subscriber)\b",
        r"\b(?:physician|provider|doctor|clinician|npi)\b|\bdr\.?\s+[a-z]",
    )
)
_NOTES = _cues(
    (
        3.0,
        r"\bprogress\s+notes?\b|\boffice\s+(?:visit|note)\b(?!\s*:?\s*\$)|\bclinic(?:al)?\s+notes?\b",
    ),
    (2.5, r"\bchief\s+complaint\b|\bcc:"),
    (3.0, r"\bhistory\s+of\s+(?:present\s+)?illness\b|\bhpi\b"),
    (2.0, r"\b(?:review\s+of\s+systems|ros)\b"),
    (2.0, r"\bphysical\s+exam(?:ination)?\b|\bexam(?:ination)?\s*:"),
    (2.0, r"\bassessment\s*(?:and|&|/)\s*plan\b|\bassessment\b|\bplan\s*:"),
    (1.5, r"\bvital(?:s| signs)\b|\bblood\s+pressure\b|\bbp\s*:?\s*\d{2,3}/\d{2,3}"),
    (1.0, r"\b(?:current\s+)?medications?\b|\ballergies\b|\bnkda\b"),
    (2.0, r"\bpast\s+medical\s+history\b|\bpmh\b|\bsocial\s+history\b|\bfamily\s+history\b"),
    (1.5, r"\bsubjective\b|\bobjective\b"),
    (1.0, r"\bencounter\b|\bdate\s+of\s+(?:service|visit)\b"),
    (3.0, r"\bdischarge\s+summary\b|\bhospital\s+course\b|\bconsult(?:ation)?\s+note\b"),
    (2.0, r"\badmi(?:ssion|tting|tted)\b|\bdischarge\s+(?:date|medications?|diagnos[ie]s)\b"),
    (1.0, r"\bhr\s*:?\s*\d{2,3}\b|\b\d{1,3}\s*(?:yo|y/o|year[- ]old)\b"),
    (1.0, r"\b\d+(?:\.\d+)?\s*(?:mg|mcg)\b"),
    (
        3.0,
        r"\b(?:visit|encounter|clinic|h&p|soap)\s+note\b"
        r"|\breason\s+for\s+visit\b|\bhistory\s+and\s+physical\b",
    ),
    (3.0, r"\bproblem\s+list\b|\bactive\s+problems\b|\bimmunizations?\b"),
    (3.0, r"\bmedication\s+(?:list|reconciliation|history)\b|\bmed\s+(?:list|rec)\b"),
    (1.0, r"\b(?:po|bid|tid|qid|qhs|prn|q\d+h)\b"),
    (1.0, r"\bfollow[- ]?up\b|\breturn\s+(?:in|to\s+clinic)\b"),
)
_LAB = _cues(
    (3.0, r"\blab(?:oratory)?\s+(?:results?|report)\b"),
    (3.5, r"\breference\s+(?:range|interval)s?\b|\bref\.?\s+range\b"),
    (1.5, r"\bspecimen\b|\bcollected\b|\bcollection\s+date\b"),
    (2.0, r"\b(?:cbc|cmp|bmp|hba1c|a1c|tsh|lipid\s+panel|metabolic\s+panel|urinalysis)\b"),
    (1.5, r"\b(?:hemoglobin|hematocrit|platelets?|wbc|rbc|glucose|creatinine|sodium|potassium)\b"),
    (2.0, r"\b(?:mg/dl|mmol/l|g/dl|u/l|iu/l|meq/l|ng/ml|x10\^?\d|k/ul|10\^3/ul|fl|pg)\b"),
    (0.5, r"\b(?:high|low|abnormal|critical)\b\s*(?:flag)?|\bflag\b"),
    (2.0, r"\b(?:result|value)s?\s+(?:units?|flag)\b|\btest\s+name\b|\banaly[st]e\b"),
    (1.5, r"\bspecific\s+gravity\b|/hpf\b|/lpf\b|\bleukocyte\s+esterase\b|\bnitrite\b"),
    (2.5, r"\bmicrobiology\b|\bsusceptib\w+|\bcfu\b|\borganisms?\b|\bsensitivities\b"),
    (2.0, r"\bpathology\b|\bcytology\b|\bculture\b|\bbiopsy\b"),
    (2.5, r"\b(?:gross|microscopic)\s+description\b|\bfinal\s+(?:pathologic\w*\s+)?diagnosis\b"),
)
_IMAGING = _cues(
    (3.0, r"\bimpression\s*:?"),
    (2.0, r"\bfindings\s*:?"),
    (
        1.5,
        r"\b(?:mri|mra|ct|cta|x-?ray|radiograph(?:s|y)?|ultrasound|sonograph\w*"
        r"|mammogra\w+|pet(?:/ct)?|dexa|fluoroscop\w*|nuclear\s+medicine)\b",
    ),
    (3.0, r"\bradiolog(?:y|ist)\b|\bimaging\s+report\b|\bradiology\s+report\b"),
    (2.5, r"\btechnique\s*:|\bcomparison\s*:|\bclinical\s+(?:history|indication)\s*:"),
    (1.0, r"\bcontrast\b|\bwithout\s+contrast\b|\bviews?\b|\bsagittal\b|\baxial\b|\bcoronal\b"),
    (0.5, r"\belectronically\s+signed\b|\bdictated\b|\btranscribed\b"),
    (2.0, r"\bexam(?:ination)?\s*:\s*(?:mri|ct|x-?ray|us|xr)\b"),
    # A report titled by its modality code: "XR KNEE 3 VIEWS", "US ABDOMEN", "CT HEAD".
    (2.0, r"^\s*(?:xr|us|ct|cta|mr|mri|mra|nm|pet|dx|mammo)\s+[a-z]{3,}"),
    (
        2.5,
        r"\bechocardiogra\w*|\bdoppler\b|\bstress\s+test\b|\bangiogra\w+",
    ),
    (
        1.5,
        r"\bventricle\b|\bejection\s+fraction\b|\bregurgitation\b|\bnodules?\b"
        r"|\blymphadenopathy\b|\bmediastin\w+",
    ),
    (1.0, r"\bsummary\s*:|\brecommend(?:ation)?s?\s*:"),
    (3.0, r"\bbi-?rads\b|\bbreast\s+(?:composition|density)\b"),
    (1.0, r"\bcalcifications?\b|\barchitectural\s+distortion\b|\bstenosis\b|\bprotrusion\b"),
    (2.0, r"\bconclusion\s*:|\bindication\s*:|\bhistory\s*:"),
    (
        1.5,
        r"\b(?:echogenic\w*|hypoechoic|anechoic|hyperdens\w+|hypodens\w+|opacit\w+"
        r"|consolidation|effusion|osteophytes?|joint\s+space|fracture)\b",
    ),
)
_INSURANCE = _cues(
    (2.0, r"\bmember\s*(?:id|#|number|no\.?)\b|\bsubscriber\s*(?:id|#|no\.?)\b|\bid\s*#"),
    (1.0, r"\bgroup\s*(?:#|no\.?|number|id)\b|\bgrp\b"),
    (3.5, r"\brx\s*(?:bin|pcn|grp|group)\b|\bbin\s*[:#]?\s*\d{6}\b|\bpcn\b"),
    (3.0, r"\b(?:insurance|member|id|health)\s+card\b|\b(?:front|back)\s+of\s+(?:the\s+)?card\b"),
    (
        2.5,
        r"\b(?:office\s+visit|ov|pcp|primary|spc|spec|specialist|er|emergency|urgent\s+care"
        r"|in-network|out-of-network)\b[^\n$]{0,20}\$\s*\d",
    ),
    (1.5, r"\bsubscriber\b|\bdependents?\b|\bidentification\s+(?:no|number|#)"),
    (1.0, r"\bpharmacy\s+benefit\b|\bpre-?certification\b|\bclaims?\b"),
    (2.0, r"\bco-?pay(?:ment)?s?\b|\bdeductible\b|\bcoinsurance\b"),
    (
        2.0,
        r"\b(?:customer|member)\s+services?\b|\bproviders?\s*(?:call|:)|\bsubmit\s+claims\b",
    ),
    (1.0, r"\bppo\b|\bhmo\b|\bepo\b|\bpos\b|\bhsa\b|\bplan\s+(?:type|code)\b"),
    (1.0, r"\beffective\s+date\b|\beligibility\b|\bdoes\s+not\s+guarantee\b|\bpayer\s+id\b"),
    (3.0, r"\bmedicare\s+(?:number|health\s+insurance|card)\b|\bpart\s+[abcd]\)"),
    (2.0, r"\b(?:medicaid|recipient|beneficiary)\s+(?:id|number|no\.?|#)\b"),
    (2.0, r"\bentitled\s+to\b|\bcoverage\s+(?:starts|begins|effective)\b"),
)
_COVER = _cues(
    (1.5, r"\bfax\b|\bfacsimile\b|\btelecopy\b"),
    (3.5, r"\bcover\s+(?:sheet|page|letter)\b|\btransmittal\b"),
    (1.0, r"\bto\s*:"),
    (1.0, r"\bfrom\s*:"),
    (
        2.5,
        r"\b(?:number\s+of\s+)?pages?\s*(?:\(.*?\))?\s*:|\b#\s*of\s+pages\b|\bpages?\s+including\b",
    ),
    (0.5, r"\bre\s*:|\bsubject\s*:"),
    (1.5, r"\bconfidential(?:ity)?\b|\bprivileged\b|\bintended\s+(?:only\s+)?for\b"),
    (
        2.0,
        r"\bif\s+you\s+(?:have\s+)?received\s+this\b|\bin\s+error\b|\bnotify\s+(?:the\s+)?sender\b",
    ),
    (0.5, r"\bdestroy\b|\bprohibited\b|\bdisclos\w+\b"),
    (1.0, r"\burgent\b\s*[□☐\[]|\bfor\s+review\b|\bplease\s+(?:comment|reply)\b"),
)

_FAMILIES: dict[PageType, tuple[Cue, ...]] = {
    PageType.referral: _REFERRAL,
    PageType.clinical_notes: _NOTES,
    PageType.lab: _LAB,
    PageType.imaging: _IMAGING,
    PageType.insurance_card: _INSURANCE,
    PageType.cover_sheet: _COVER,
}
# Below this no type has said enough about itself: the page is ``other``.
FLOOR = 4.0
# A lab row: a measurement, then a unit or a range ("Glucose 105 mg/dL 70-99 H").
_LAB_ROW = re.compile(
    r"\d+(?:\.\d+)?\s*(?:[a-zA-Z%/^0-9µ]+/[a-zA-Z0-9µ]+|%)?\s+\(?\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\)?"
)
# A SOAP note's lines: "S: ...", "O: ...", "A: ...", "P: ...".
_SOAP_LINE = re.compile(r"^\s*[SOAP]\s*[:.)]\s", re.MULTILINE)
_WORDS = re.compile(r"[A-Za-z]{2,}")
# A page's title (its first few lines) naming what it is counts beyond the same words further
# down ("send your consult note" in a referral is not a consult note).
_TITLE_LINES = 4
TITLE_WEIGHT = 2.5
_TITLES = {
    kind: re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for kind, pattern in (
        (
            PageType.referral,
            r"\breferral\b|\bconsult(?:ation)?\s+request\b|\brequest\s+for\s+(?:\w+\s+)?consult",
        ),
        (
            PageType.clinical_notes,
            r"\b(?:progress|visit|office|clinic|consult(?:ation)?|soap|encounter)\s+notes?\b"
            r"|\bhistory\s+and\s+physical\b|\bdischarge\s+summary\b|\bproblem\s+list\b"
            r"|\bmedication\s+list\b",
        ),
        (
            PageType.lab,
            r"\blab(?:oratory)?\b|\bpathology\b|\bpanel\b|\bmicrobiology\b|\burinalysis\b"
            r"|\bblood\s+count\b",
        ),
        (
            PageType.imaging,
            r"\bradiology\b|\bimaging\b|\bultrasound\b|\bmammogra\w*|\bechocardiogra\w*"
            r"|^\s*(?:mri|mra|ct|cta|x-?ray|xr|us)\b",
        ),
        (
            PageType.insurance_card,
            r"\b(?:insurance|member|id)\s+card\b|\bmedicare\s+health\s+insurance\b",
        ),
        (
            PageType.cover_sheet,
            r"^\s*(?:fax|facsimile)(?:\s+(?:cover(?:\s+sheet)?|transmission|message))?\s*$"
            r"|\bcover\s+(?:sheet|page)\b|\btransmittal\b",
        ),
    )
}
# A patient's identity as a form states it: a birth date labelled (whatever the layout).
_IDENTITY = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date)\b\s*:?\s*(?:\n\s*)?"
    r"(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s-]+\d)",
    re.IGNORECASE,
)
REFERRAL_IDENTITY_WEIGHT = 4.0
# "Referral to Cardiology: … Reason: …": a referral ordered, with its reason, on one line.
_REFERRAL_ORDERED = re.compile(r"\brefer(?:ral)?\s+to\b[^\n]{0,80}\breason\s*:", re.IGNORECASE)
# Why a patient is sent, stated: "Reason: …", "Dx M75.102", "ICD-10: …".
_REASON_STATED = re.compile(
    r"\breason(?:\s+for\s+(?:referral|consult\w*))?\s*:|\b(?:dx|icd-?10(?:-cm)?)\s*:?\s+"
    r"[A-TV-Z]\d{2}(?:\.\w{1,4})?\b",
    re.IGNORECASE,
)
# Signs of a patient's record (a chart printout, an order), which an insurance card is not.
_RECORD = re.compile(
    r"\bmrn\b|\bmedical\s+record\s+(?:number|no)|\belectronically\s+signed\b"
    r"|\bprinted\b[^\n]{0,40}\bby\b|\bplease\s+(?:schedule|see|evaluate)\b",
    re.IGNORECASE,
)
# A page that says it goes on from the one before ("Page 2 of 3", "continued").
_CONTINUED = re.compile(
    r"\bpage\s*\d+\s*(?:of|/)\s*\d+\b|\bcontinued\b|\(cont(?:'d|\.|inued)?\)", re.IGNORECASE
)
_CARRIED_OVER = (PageType.referral, PageType.clinical_notes, PageType.lab, PageType.imaging)
# A running head that names the referral and the page's number: "Valley Clinic · Transplant
# referral, page 2", "REFERRAL (page 3)".
_REFERRAL_PAGE_HEAD = re.compile(
    r"^[^\n]*\breferral\b[^\n]*\bpage\s*\d+\b|^[^\n]*\bpage\s*\d+\b[^\n]*\breferral\b",
    re.IGNORECASE | re.MULTILINE,
)


def classify(page: PageText) -> PageType:
    """The page's type from its own text (the fax header line left out)."""
    return best_type(scores(page.body))


def classify_all(pages: Sequence[PageText]) -> list[PageType]:
    """Every page's type, reading each in the light of the one before it.

    A page that says too little about itself (``other``) but says it continues ("Page 2
    of 2"), or repeats the heading of the page before it (a form's letterhead and title on
    each of its pages), takes the type of the previous page of the same file: the second
    page of a chart printout of a referral order is still the referral; so does one after a
    referral page that names the patient's birth date again. A page titled a referral
    whose next page of the same file continues it as a referral is the referral's first
    page, however much clinical history it tells.
    """
    by_page = [scores(page.body) for page in pages]
    types: list[PageType] = []
    carried: list[int] = []  # pages that take the type of the page before them
    for index, page in enumerate(pages):
        kind = best_type(by_page[index])
        # the type of the page before, when it is of the same file
        same_file = index > 0 and pages[index - 1].document_index == page.document_index
        previous = types[-1] if same_file else None
        if kind == PageType.other:
            if previous in _CARRIED_OVER and (
                _CONTINUED.search(page.body) or _same_heading(pages[index - 1].body, page.body)
            ):
                kind = types[-1]
                carried.append(index)
            elif previous == PageType.referral and _IDENTITY.search(page.body):
                # a page of the referral's file after it that names the patient again (her
                # birth date) and reads as nothing else: the referral's own second page
                kind = PageType.referral
        elif previous == PageType.referral and _REFERRAL_PAGE_HEAD.search(_head(page.body)):
            # "Transplant referral, page 2" over a table of labs: the referral's own page,
            # whatever it holds; a lab's report after the referral heads itself as the lab's
            kind = PageType.referral
        types.append(kind)
    for index in range(len(pages) - 2, -1, -1):
        page, after = pages[index], pages[index + 1]
        if (
            types[index] != PageType.referral
            and types[index + 1] == PageType.referral
            and after.document_index == page.document_index
            and _CONTINUED.search(after.body)
            and _TITLES[PageType.referral].search(_head(page.body))
        ):
            # "Referral for Orthopedics consultation - clinical summary" then "Page 2 of 2"
            # with the patient's particulars: a referral that opens with its clinical story
            types[index] = PageType.referral
    if PageType.referral not in types:
        sender = _most_like_a_referral(by_page, types)
        if sender is not None:
            types[sender] = PageType.referral
    for index in carried:  # the page before may since have been found to be the referral
        types[index] = types[index - 1]
    return types


def _most_like_a_referral(
    by_page: Sequence[dict[PageType, float]], types: Sequence[PageType]
) -> int | None:
    """The page of a packet with no referral page that reads most like one, if any says enough.

    A packet comes in as a referral, so it holds one: where no page reads as a referral first
    (an order in the middle of a discharge summary, a consult request on a progress note's
    letterhead), the page whose referral cues score highest and clear the floor on their own
    is it. A cover sheet stays a cover sheet: it only sends the referral."""
    candidates = [
        (score[PageType.referral], index)
        for index, score in enumerate(by_page)
        if types[index] != PageType.cover_sheet and score[PageType.referral] >= FLOOR
    ]
    return max(candidates, key=lambda c: (c[0], -c[1]))[1] if candidates else None


# How alike two pages' first lines must be to be one heading (OCR reads each copy a little
# differently).
_SAME_HEADING = 0.9


def _same_heading(before: str, page: str) -> bool:
    """Whether a page opens with the heading the page before it opened with: its first
    lines, three or more of them (a practice's name alone heads many kinds of page)."""
    first, second = _head(before), _head(page)
    if len(first.split("\n")) < 3:
        return False
    return SequenceMatcher(None, first, second).ratio() >= _SAME_HEADING


def _head(text: str) -> str:
    """The page's title: its first few lines."""
    return "\n".join([line for line in text.split("\n") if line.strip()][:_TITLE_LINES])


def scores(text: str) -> dict[PageType, float]:
    result = {kind: _score(cues, text) for kind, cues in _FAMILIES.items()}
    if len(_SOAP_LINE.findall(text)) >= 3:
        result[PageType.clinical_notes] += 4.0
    particulars = sum(1 for label in _DEMOGRAPHICS if label.search(text))
    head = _head(text)
    names_patient = _IDENTITY.search(text) is not None  # a birth date labelled
    if particulars >= 5:
        result[PageType.referral] += 1.0 * (particulars - 4)
        if _TITLES[PageType.referral].search(head) and names_patient:
            # A page titled a referral that states who the patient is (a name and a birth date
            # labelled) refers that patient, whatever else it holds: a discharge summary
            # "and referral for follow-up", an order printout with a history.
            result[PageType.referral] += REFERRAL_IDENTITY_WEIGHT
    lab_rows = len(_LAB_ROW.findall(text))
    result[PageType.lab] += min(lab_rows, 8) * 0.75
    for kind, title in _TITLES.items():
        if title.search(head):
            result[kind] += TITLE_WEIGHT
    if _RECORD.search(text):
        result[PageType.insurance_card] *= 0.5
    if names_patient and _REFERRAL_ORDERED.search(text):
        # a visit note whose plan orders the referral, its reason stated, for a patient it
        # names: the referral the packet was sent for
        result[PageType.referral] += REFERRAL_IDENTITY_WEIGHT
    if names_patient and _REASON_STATED.search(text):
        # a cover sheet whose comments name the patient (a birth date) and why she is sent
        # (a reason, a diagnosis code) is the referral written on the cover
        result[PageType.cover_sheet] *= 0.4
    words = len(_WORDS.findall(text))
    # A cover sheet says who, to whom and how many pages, and little else; a long page with
    # the same words ("confidential", "fax:") in its letterhead or footer is something else.
    if words > 250:
        result[PageType.cover_sheet] *= 0.4
    elif words < 120:
        result[PageType.cover_sheet] *= 1.3
    # An insurance card is small: a page of prose that names a member id is a form.
    if words > 200:
        result[PageType.insurance_card] *= 0.5
    return result


def best_type(by_type: dict[PageType, float]) -> PageType:
    kind, score = max(by_type.items(), key=lambda item: item[1])
    return kind if score >= FLOOR else PageType.other


def document_type_of(page_types: Iterable[PageType | None]) -> DocumentType:
    """A file is a referral if any of its pages is; else a lab or imaging report, or other."""
    seen = {t for t in page_types if t is not None}
    if PageType.referral in seen:
        return DocumentType.referral
    for page_type, document_type in (
        (PageType.lab, DocumentType.lab),
        (PageType.imaging, DocumentType.imaging),
        (PageType.clinical_notes, DocumentType.summary),
    ):
        if page_type in seen:
            return document_type
    return DocumentType.other


def _score(cues: tuple[Cue, ...], text: str) -> float:
    return sum(cue.weight for cue in cues if cue.pattern.search(text))
