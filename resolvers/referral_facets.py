"""What reporting groups referrals by, read off their JSON and kept on the row as columns.

The case mix and conversion by payer over a year cannot read every referral's extraction
and triage JSON per request in time (issue 13), so the write path keeps three plain,
indexed columns equal to what the JSON says, in the transaction that sets either
(``referrals.set_extraction``, ``triage.apply``):

- ``payer``: the extraction's insurance provider, trimmed; none when blank;
- ``reason_category``: the name of the first triage rule that fired; none when no rule did
  (or the referral was triaged by hand only);
- ``code_head``: the first three characters of the first diagnosis code, trimmed and upper
  case (what ``icd10.chapter_of`` reads); none without a code.

``facets_of`` is the one definition; ``keep`` applies it to a referral.
"""

from dataclasses import dataclass

from models import Referral
from models.extraction import Extraction, TriageResult
from resolvers.reporting import icd10

# The columns' widths (models/referral.py); a longer value is grouped by its beginning.
PAYER_MAX = 200
CATEGORY_MAX = 100


@dataclass(frozen=True)
class Facets:
    payer: str | None
    reason_category: str | None
    code_head: str | None


def facets_of(extraction: Extraction | None, triage: TriageResult | None) -> Facets:
    payer = (extraction.insurance.provider or "").strip() if extraction else ""
    codes = extraction.clinical.diagnosis_codes if extraction else []
    rules = triage.rules if triage else []
    return Facets(
        payer=payer[:PAYER_MAX] or None,
        reason_category=(rules[0].name[:CATEGORY_MAX] or None) if rules else None,
        code_head=icd10.head_of(codes[0]) if codes else None,
    )


def keep(referral: Referral) -> None:
    """Set the referral's columns from its extraction and triage as they are now."""
    facets = facets_of(referral.extraction, referral.triage)
    referral.payer = facets.payer
    referral.reason_category = facets.reason_category
    referral.code_head = facets.code_head
