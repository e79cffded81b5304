"""What labels say: the lexicon of field labels and section headings, and whose value each
names (``classify``, ``is_label``, ``section_of``).

The lexicon also names labels we never extract (MRN, Age, Date …) so that their values end
the value before them instead of being swallowed by it.
"""

import re

from app.pipeline.fields import edits, label_words

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
        r"|ref\.? (?:md|dr\.?|doc(?:tor)?|prov(?:ider)?\.?|physician)|ref\.?",
        "name",
        REFERRER,
    ),
    # a scheduling screen's abbreviated column: "REF PRACTICE", "REF PHONE", "REF PROV NPI"
    (r"ref\.? (?:practice|clinic|office|facility|group)(?: name)?", "practice", REFERRER),
    (
        r"ref\.? (?:prov(?:ider)?\.? |md |dr\.? )?(?:phone|ph\.?|tel\.?)(?: #| no\.?)?",
        "phone",
        REFERRER,
    ),
    (r"ref\.? (?:prov(?:ider)?\.? |md |dr\.? )?fax(?: #| no\.?)?", "fax", REFERRER),
    (r"ref\.? (?:prov(?:ider)?\.? |md |dr\.? )?npi(?: #| no\.?)?", "npi", REFERRER),
    (
        r"(?:provider|physician|doctor|clinician|practitioner) name|provider|physician|doctor"
        # a clinical document's author (C-CDA): whoever wrote the referral
        r"|clinician|practitioner|author",
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
        r"|callback(?: number| no\.?| #)?"
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
        r"(?:home |mailing |street |patient |pt\.? )?(?:address(?: line)?|addr\.?)(?: ?1)?|street"
        r"|residence|(?:lives|resides|residing) at",
        "address",
        None,
    ),
    (r"(?:address(?: line)?|addr\.?) ?2|apt(?:\.|/suite)?|apartment|unit", "line2", None),
    (
        r"city(?:,? ?/? ?state,? ?/? ?zip(?: code)?)|city,? st,? zip|city ?/ ?st ?/ ?zip(?: code)?",
        "csz",
        None,
    ),
    (r"city", "city", None),
    (r"state(?: ?/ ?zip(?: ?code)?)?", "state", None),  # "State / ZIP": "ID 83221"
    (r"zip(?: ?code)?|postal code", "zip", None),
    # -- insurance
    (
        r"(?:primary )?insurance(?: provider| company| carrier| plan| name)?|ins\.?|carrier"
        r"|pay[eo]r(?: name)?|coverage|health plan|insurance/payer|plan name",
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
        r"(?:referring )?(?:practice|clinic|facility|organization|org\.?|office|location)"
        r"(?: name)?"
        # a clinical document's custodian (C-CDA): the organization that keeps it
        r"|medical group|custodian",
        "practice",
        None,
    ),
    # the ordering one, or the one referred to
    (r"(?:(?:referring|ordering|requesting) )?(?:department|dept\.?)", "department", None),
    # -- clinical
    (
        r"reason for (?:referral|consult(?:ation)?|visit|request)|referral reason|reason"
        r"|indication|clinical indication|clinical question"
        r"|services? requested|requested service|request|diagnosis ?/ ?reason|rsn\.?"
        r"|reason ?/ ?diagnosis|consult(?:ation)? for",
        "reason",
        CLINICAL,
    ),
    # what the patient came with: the reason where nothing names the referral's own
    (
        r"chief complaint|presenting (?:problem|concern)|(?:presenting )?complaint",
        "complaint",
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
    # -- a bilingual form's Spanish labels (its English caption, where printed, stands under
    # them): practices here serve Spanish speakers
    (r"nombre del paciente|nombre completo|paciente", "name", PATIENT),
    (r"nombre(?:\(s\)|s)?|primer nombre", "first", None),
    (r"apellido(?:\(s\)|s)?|apellido paterno", "last", None),
    (r"fecha de nacimiento|fecha de nac\.?|f\. de nac\.?", "dob", None),
    (r"sexo|g[ée]nero", "sex", None),
    (r"tel[ée]fono(?: celular| de casa| m[óo]vil)?|celular", "phone", None),
    (r"correo(?: electr[óo]nico)?", "email", None),
    (r"direcci[óo]n|domicilio", "address", None),
    (r"ciudad", "city", None),
    (r"c[óo]digo postal", "zip", None),
    (r"seguro(?: m[ée]dico)?|compa[ñn][íi]a de seguros?|aseguradora", "insurer", INSURANCE),
    (r"n[úu]mero de (?:miembro|afiliado|p[óo]liza|seguro)", "member_id", INSURANCE),
    (r"n[úu]mero de grupo", "group", INSURANCE),
    (r"m[ée]dico que refiere|m[ée]dico referente|referido por", "name", REFERRER),
    (r"referido a", "name", RECIPIENT),
    (r"cl[íi]nica|consultorio", "practice", None),
    (r"motivo de (?:la )?(?:referencia|consulta|remisi[óo]n)|motivo", "reason", CLINICAL),
    (r"diagn[óo]sticos?(?: \(cie-?10\))?|cie-?10", "diagnosis", CLINICAL),
    (r"prioridad|urgencia", "urgency", None),
    (
        r"idioma(?: preferido)?|¿?necesita int[ée]rprete\??|int[ée]rprete|fecha|firma|edad"
        r"|titular de la p[óo]liza|estado civil",
        "skip",
        None,
    ),
    # -- labels whose values we never take, so that they end the value before them
    (
        r"mrn|specimen id|accession(?: #| number)?|sample id|order id|patient id|pt\.? id"
        r"|patient #|patient number|chart(?: #| number)?|account"
        r"|medical record(?: number| #| no\.?)?|ssn|social security(?: number| #)?|age"
        # (a longer label before the shorter one it starts with: the first that fits is taken)
        r"|date of (?:visit|encounter)|encounter date"
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
        r"|(?:clinical )?findings|results?|order(?: #| number| date)?|status|type"
        r"|specialty requested|services? ordered|homebound(?: status| because)?"
        r"|cob|coordination of benefits|referral (?:id|#|number)|created|rel\.|code status"
        # a scheduling screen's: "REF #  997504", "ACCT #", "RECEIVED  11/27/2026", "VALID …"
        r"|ref\.? ?(?:#|no\.?|number|id)|acct\.?(?: #| no\.?| number)?|received(?: date)?"
        r"|valid(?: dates?| from| through| thru)?|visits? (?:approved|authorized|allowed)",
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
        r"(?:patient|pt\.?|member|child|minor|veteran|beneficiary|enrollee)(?:'s)?"
        r"(?: information| info| demographics| details| data)?"
        r"|demographics|patient identification|paciente",
        PATIENT,
    ),
    (
        r"(?:referring|ordering|requesting|sending|discharging)"
        # "Referring pediatrician", "Ordering surgeon": a clinician named by their field;
        # "Referring VA provider": an agency's initials before it
        r"(?: (?-i:[A-Z]{2,4}))?"
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
    (
        r"(?:primary )?insurance(?: information| info| details)?|coverage|payer"
        r"|seguro(?: m[ée]dico)?",
        INSURANCE,
    ),
    (
        r"clinical(?: information| info| details| summary)?|diagnos[ie]s|reason for referral"
        r"|referral (?:details|information|info)",
        CLINICAL,
    ),
)


_WORD_BEFORE = r"(?:(?<=^)|(?<=[\s|;,(\[]))"


# What a label may carry in brackets after it: "Diagnosis (ICD-10)", "Phone (cell)"; not an
# area code OCR read a letter into ("Phone (S20) 534-3648": S for 5), which is the value's.
_HINT = r"\((?!(?=[^)]*\d)\s*[0-9OoIlSB$§|]{3}\s*\))(?=[^)]*[A-Za-z])[^)]{1,30}\)"


LABEL_PATTERNS = [
    re.compile(
        _WORD_BEFORE
        + f"(?P<label>{p})"
        + rf"(?P<hint>\s*{_HINT})?"
        + r"(?P<tail>\s*[:#]|(?=\s{2,}|\t|\s*\||\s*$)|(?P<space>(?= \S)))",
        re.IGNORECASE,
    )
    for p, _, _ in _LEXICON
]


LABEL_AT = re.compile(
    _WORD_BEFORE
    + "(?P<label>"
    + "|".join(f"(?:{p})" for p, _, _ in _LEXICON)
    + rf")(?P<hint>\s*{_HINT})?"
    + r"(?P<tail>\s*[:#]|(?=\s{2,}|\t|\s*\||\s*$)|(?P<space>(?= \S)))",
    re.IGNORECASE,
)


# Without a colon a label counts only at the start of a line and only if it is a strong one
# (several words or an acronym): "Date of Birth 01/02/1980", "DOB 01/02/1980".
AT_START = [
    re.compile(
        rf"^\s*(?P<label>{p})(?P<hint>\s*{_HINT})?(?P<tail>\s+)(?=\S)",
        re.IGNORECASE,
    )
    for p, _, _ in _LEXICON
]


# Words that start sentences as often as they label a table row.
WEAK_AT_START = re.compile(
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


SECTION_START = [(re.compile(rf"^\s*(?:{p})\b", re.IGNORECASE), owner) for p, owner in _SECTIONS]


def in_lexicon(label_text: str) -> tuple[str, str | None] | None:
    """The kind and owner the lexicon gives a label's words, if it lists them."""
    words = " ".join(label_text.lower().split())
    for pattern, kind, owner in _KINDS:
        if pattern.fullmatch(words):
            return kind, owner
    return None


def classify(label_text: str) -> tuple[str, str | None]:
    """The kind and owner a label's words name: the lexicon's, else what its words compose."""
    listed = in_lexicon(label_text)
    if listed is not None:
        return listed
    return label_words.compose(" ".join(label_text.lower().split())) or ("skip", None)


BARE_LABEL_END = re.compile(rf"\s*(?:{_HINT})?\s*[:#]?\s*$")


# What OCR makes of a table's rules and corners next to a cell's text.
BORDER_NOISE = " \t'‘’`|_—-.,;"


def is_label(text: str) -> bool:
    """Whether ``text`` is a label and nothing more ("DATE OF BIRTH", "NPI:", "3. MEMBER ID").

    A letter alone is a value (the "F" of a sex column, an initial), not the "F" of a footer's
    "F 555-123-4567", which labels only with its number beside it.
    """
    text = label_words.BOX_NUMBER.sub("", text.strip(BORDER_NOISE))
    if len(text.rstrip(":#")) <= 1:
        return False
    for candidate in (text, BARE_LABEL_END.sub("", text)):
        words = " ".join(candidate.lower().split())
        if words and (in_lexicon(words) is not None or label_words.is_label_phrase(words)):
            return True
    return False


# "C. REFERRING PROVIDER", "2) Patient": a form's lettered or numbered section.
SECTION_MARK = re.compile(r"^\s*(?:[A-Z]|\d{1,2})[.)]\s+")


def section_of(line: str) -> str | None:
    """The section a heading line opens, if the line is a heading."""
    line = SECTION_MARK.sub("", line)
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


PARTIES = (PATIENT, REFERRER, INSURANCE, RECIPIENT, OTHER)


def is_party(text: str) -> bool:
    """Whether ``text`` is a heading that names a party ("PATIENT", "Referring provider",
    "Coverage"): a grid's column heading."""
    return section_of(text.strip(" :")) in PARTIES


AT_POSITION = [
    (re.compile(rf"(?:{p})(?=[\s/]|$)", re.IGNORECASE), kind, owner) for p, kind, owner in _LEXICON
]


def one_field_near(word: str) -> tuple[str, tuple[str, str | None]] | None:
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
