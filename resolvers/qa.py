"""Quality checks on a referral's extraction: is it complete, readable and trustworthy?

``check`` is pure (the pipeline calls it too); ``run`` stores its result on the
referral. An issue of severity ``error`` fails QA and sends the referral to
review; a ``warning`` is shown but does not.
"""

from datetime import date
from typing import Any

from models import Referral, ReferralStage, Role, utcnow
from models.extraction import Extraction, QaIssue, QaResult, QaSeverity
from models.values import E164, npi_valid, parse_dob
from resolvers import audit, referrals
from resolvers.context import Context
from resolvers.errors import Conflict
from resolvers.org_config import OrgConfig

# Fields a referral cannot be worked without (DESIGN §10 paths).
REQUIRED = (
    "patient.firstName",
    "patient.lastName",
    "patient.dob",
    "patient.phone",
    "insurance.provider",
    "insurance.memberId",
    "clinical.reason",
)
REFERRER_NAMES = ("referrer.providerName", "referrer.practiceName")
# A referral stays where it is once it has been triaged into a case or set aside.
SETTLED = (ReferralStage.triaged, ReferralStage.duplicate)


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def check(extraction: Extraction, config: OrgConfig, *, today: date | None = None) -> QaResult:
    """The QA result of an extraction under an org's confidence floor (pure)."""
    today = today or date.today()
    issues: list[QaIssue] = []

    def issue(path: str, code: str, message: str, severity: str = "error") -> None:
        issues.append(
            QaIssue(field=path, code=code, severity=QaSeverity(severity), message=message)
        )

    for path in REQUIRED:
        if not _present(extraction.value_at(path)):
            issue(path, "missing", f"{path} is required")
    if not any(_present(extraction.value_at(p)) for p in REFERRER_NAMES):
        issue("referrer", "missing", "a referring provider or practice name is required")

    dob = extraction.patient.dob
    if _present(dob):
        _check_dob(str(dob), today, issue)
    phone = extraction.patient.phone
    if _present(phone) and not E164.fullmatch(str(phone)):
        issue("patient.phone", "invalid_format", "patient.phone must be E.164 (+15551234567)")
    for path in ("referrer.phone", "referrer.fax"):
        value = extraction.value_at(path)
        if _present(value) and not E164.fullmatch(str(value)):
            issue(path, "invalid_format", f"{path} is not E.164", severity="warning")
    npi = extraction.referrer.npi
    if _present(npi) and not npi_valid(str(npi)):
        issue("referrer.npi", "invalid_check_digit", "referrer.npi fails the NPI check digit")

    _check_confidence(extraction, config.qa_min_confidence, issue)
    return QaResult(
        passed=not any(i.severity == "error" for i in issues), issues=issues, checked_at=utcnow()
    )


def _check_dob(value: str, today: date, issue: Any) -> None:
    if parse_dob(value, today=today) is not None:
        return
    try:
        in_future = date.fromisoformat(value) > today
    except ValueError:
        in_future = False
    if in_future:
        issue("patient.dob", "in_future", "patient.dob is in the future")
    else:
        issue("patient.dob", "invalid", "patient.dob is not a readable date of birth")


def _check_confidence(extraction: Extraction, minimum: float, issue: Any) -> None:
    """Found values read with less confidence than the org accepts (absent ones are `missing`).

    A value a person entered or confirmed is certain, whatever the machine scored.
    """
    required = set(REQUIRED) | set(REFERRER_NAMES)
    for path, score in sorted(extraction.confidence.items()):
        if score >= minimum or path in extraction.corrections:
            continue
        if not _present(extraction.value_at(path)):
            continue
        issue(
            path,
            "low_confidence",
            f"{path} was read with confidence {score:.2f}, below {minimum:.2f}",
            severity="error" if path in required else "warning",
        )


async def run(ctx: Context, *, referral_id: str) -> Referral:
    referral = await referrals.get_for_change(ctx, referral_id, minimum=Role.coordinator)
    if not referral.extraction:
        raise Conflict(f"referral {referral.id} has no extracted data yet: process it first")
    config = await referrals.config_for(ctx, referral.org_id)
    result = check(referral.extraction, config)
    referral.qa = result
    if not result.passed and referral.stage not in SETTLED:
        referral.stage = ReferralStage.review
        referral.needed_review = True
    referral.updated_at = utcnow()
    ctx.session.add(referral)
    audit.record(
        ctx,
        "referral.qa",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={"passed": result.passed, "issues": len(result.issues)},
    )
    return referral
