"""ICD-10 chapters, from the first three characters of a code (one letter, two digits/letters).

The one home of the mapping, ``chapter_of``. A query groups by the referral's ``code_head``
column (``head_of`` its first diagnosis code, kept by ``referral_facets``: a few hundred
values at most) and the groups are folded into chapters here. Ranges are ICD-10-CM's
chapter blocks; a code outside every block (a typo, an empty value) has no chapter and is
reported as ``unknown``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    number: int
    first: str  # first three characters of the block's first code, upper case
    last: str  # … and of its last code
    title: str

    @property
    def key(self) -> str:
        return f"{self.first}-{self.last}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(1, "A00", "B99", "Certain infectious and parasitic diseases"),
    Chapter(2, "C00", "D49", "Neoplasms"),
    Chapter(3, "D50", "D89", "Diseases of the blood and immune mechanism"),
    Chapter(4, "E00", "E89", "Endocrine, nutritional and metabolic diseases"),
    Chapter(5, "F01", "F99", "Mental, behavioral and neurodevelopmental disorders"),
    Chapter(6, "G00", "G99", "Diseases of the nervous system"),
    Chapter(7, "H00", "H59", "Diseases of the eye and adnexa"),
    Chapter(8, "H60", "H95", "Diseases of the ear and mastoid process"),
    Chapter(9, "I00", "I99", "Diseases of the circulatory system"),
    Chapter(10, "J00", "J99", "Diseases of the respiratory system"),
    Chapter(11, "K00", "K95", "Diseases of the digestive system"),
    Chapter(12, "L00", "L99", "Diseases of the skin and subcutaneous tissue"),
    Chapter(13, "M00", "M99", "Diseases of the musculoskeletal system and connective tissue"),
    Chapter(14, "N00", "N99", "Diseases of the genitourinary system"),
    Chapter(15, "O00", "O9A", "Pregnancy, childbirth and the puerperium"),
    Chapter(16, "P00", "P96", "Certain conditions originating in the perinatal period"),
    Chapter(17, "Q00", "Q99", "Congenital malformations and chromosomal abnormalities"),
    Chapter(18, "R00", "R99", "Symptoms, signs and abnormal findings, not elsewhere classified"),
    Chapter(19, "S00", "T88", "Injury, poisoning and other consequences of external causes"),
    Chapter(20, "U00", "U85", "Codes for special purposes"),
    Chapter(21, "V00", "Y99", "External causes of morbidity"),
    Chapter(22, "Z00", "Z99", "Factors influencing health status and contact with health services"),
)
BY_KEY = {c.key: c for c in CHAPTERS}
UNKNOWN = "unknown"


def head_of(code: str | None) -> str | None:
    """The code's first three characters, upper case (all ``chapter_of`` reads)."""
    return (code or "").strip().upper()[:3] or None


def chapter_of(code: str | None) -> Chapter | None:
    head = head_of(code) or ""
    if len(head) < 3:
        return None
    return next((c for c in CHAPTERS if c.first <= head <= c.last), None)


def chapter_key(head: str | None) -> str:
    found = chapter_of(head)
    return found.key if found else UNKNOWN
