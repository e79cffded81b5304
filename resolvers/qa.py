"""Quality checks on a referral's extraction: is it complete, readable and trustworthy?

``check`` is pure (the pipeline calls it too); ``run`` stores its result on the
referral. An issue of severity ``error`` fails QA and sends the referral to
review; a ``warning`` is shown but does not.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models import Referral, ReferralStage, Role, utcnow
from models.values import npi_valid, parse_dob
from resolvers import audit, referrals
from resolvers.context import Context
from resolvers.errors import Conflict
from resolvers.org_config import OrgConfig

# ASCII digits only: \d would take any script's digits, and $ a trailing newline.
E164 = re.compile(r"\+[1-9][0-9]{7,14}")

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
_SETTLED = (ReferralStage.triaged, ReferralStage.duplicate)


@dataclass
class QaResult:
    passed: bool
    issues: list[dict[str, str]] = field(default_factory=list)

    def as_json(self, checked_at: str) -> dict[str, Any]:
        return {"passed": self.passed, "issues": self.issues, "checkedAt": checked_at}


def value_at(extraction: dict[str, Any], path: str) -> Any:
    node: Any = extraction
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def check(extraction: dict[str, Any], config: OrgConfig, *, today: date | None = None) -> QaResult:
    today = today or date.today()
    issues: list[dict[str, str]] = []

    def issue(path: str, code: str, message: str, severity: str = "error") -> None:
        issues.append({"field": path, "code": code, "severity": severity, "message": message})

    for path in REQUIRED:
        if not _present(value_at(extraction, path)):
            issue(path, "missing", f"{path} is required")
    if not any(_present(value_at(extraction, p)) for p in REFERRER_NAMES):
        issue("referrer", "missing", "a referring provider or practice name is required")

    dob = value_at(extraction, "patient.dob")
    if _present(dob):
        _check_dob(str(dob), today, issue)
    phone = value_at(extraction, "patient.phone")
    if _present(phone) and not E164.fullmatch(str(phone)):
        issue("patient.phone", "invalid_format", "patient.phone must be E.164 (+15551234567)")
    for path in ("referrer.phone", "referrer.fax"):
        value = value_at(extraction, path)
        if _present(value) and not E164.fullmatch(str(value)):
            issue(path, "invalid_format", f"{path} is not E.164", severity="warning")
    npi = value_at(extraction, "referrer.npi")
    if _present(npi) and not npi_valid(str(npi)):
        issue("referrer.npi", "invalid_check_digit", "referrer.npi fails the NPI check digit")

    _check_confidence(extraction, config.qa_min_confidence, issue)
    return QaResult(passed=not any(i["severity"] == "error" for i in issues), issues=issues)


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


def _check_confidence(extraction: dict[str, Any], minimum: float, issue: Any) -> None:
    """Found values read with less confidence than the org accepts (absent ones are `missing`)."""
    confidence = extraction.get("confidence")
    if not isinstance(confidence, dict):
        return
    required = set(REQUIRED) | set(REFERRER_NAMES)
    for path, score in sorted(confidence.items()):
        if not isinstance(score, int | float) or score >= minimum:
            continue
        if not _present(value_at(extraction, path)):
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
    now = utcnow()
    referral.qa = result.as_json(now.isoformat().replace("+00:00", "Z"))
    if not result.passed and referral.stage not in _SETTLED:
        referral.stage = ReferralStage.review
        referral.needed_review = True
    referral.updated_at = now
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
