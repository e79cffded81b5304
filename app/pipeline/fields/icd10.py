"""The ICD-10-CM code set (CMS's list, as shipped by the ``simple-icd-10-cm`` package).

Only the package's plain code list is read (a set of ~98,000 strings, a few tens of ms),
not its XML tree, which takes seconds to build.
"""

import importlib.util
import re
from functools import cache
from pathlib import Path

_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?$")


@cache
def _codes() -> frozenset[str]:
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the simple-icd-10-cm package (the ICD-10-CM code set) is missing")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    listing = max(data.glob("code-list-*.txt"))
    codes = set()
    for line in listing.read_text(encoding="utf-8").splitlines():
        code = line.split(" ")[0].strip()
        if _SHAPE.match(code):  # categories and below; not chapters ("1") nor blocks ("A00-A09")
            codes.add(code)
    return frozenset(codes)


def is_code(code: str) -> bool:
    """``M17.11`` or ``M1711``: a category or code of ICD-10-CM."""
    return code.replace(".", "").upper() in _codes()


@cache
def _heads() -> frozenset[str]:
    """Every category or code that more specific codes extend ("C34" of "C34.11")."""
    return frozenset(code[:i] for code in _codes() for i in range(3, len(code)))


def has_subcodes(code: str) -> bool:
    """Whether more specific codes extend ``code`` (a category, "C34"): read from a fax, the
    characters after its dot may be what OCR lost."""
    return code.replace(".", "").upper() in _heads()


def dotted(code: str) -> str:
    bare = code.replace(".", "").upper()
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"
