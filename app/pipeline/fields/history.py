"""Whether a line stands under a history heading: a problem list, a past medical history.

An EHR's referral order prints the patient's whole problem list, with its codes, beside the
order's own diagnoses; a letter recalls the past history. Those codes say what the patient
has had, not what the referral is for.
"""

import re

# "Problem List (active)", "Active problems", "Past Medical History:", "PMH", "Surgical history"
_HEADING = re.compile(
    r"^\W*(?:(?:active|current|chronic)\s+)?(?:problem\s+list|problems\b|conditions\b"
    r"|(?:past\s+)?(?:medical|surgical|family|social)\s+history|pmh\b|past\s+history"
    r"|history\s+of\s+(?:illness|problems|conditions)|(?:past|prior|historical)\s+diagnos[ie]s)"
    r"(?:\s*\([^)]*\))?\s*(?::|$)",
    re.IGNORECASE,
)
# A heading of the referral's own part ends the history's section.
_OWN_PART = re.compile(
    r"\b(?:referral|referring|order|reason|diagnos[ie]s|indication|assessment|impression"
    r"|plan|request|requested)\b",
    re.IGNORECASE,
)
_REACH = 30  # lines a history's section is looked for above


def under_history(lines: list[str], number: int) -> bool:
    """Whether line ``number`` (or the value ending there) is in a history's section: a
    history heading above it, no heading of the referral's own part between."""
    for line in reversed(lines[max(0, number - _REACH) : number + 1]):
        if _HEADING.match(line):
            return True
        if _OWN_PART.search(line):
            return False
    return False
