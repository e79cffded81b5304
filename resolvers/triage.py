"""Triage: how urgent a referral is (1 most … 5 least), its priority band and work queue.

Automatic triage reads the extraction's urgency cue and the org's rules; the
most urgent level wins and every rule that fired is listed. A person may
override it with a reason; the override keeps the automatic result it replaced.
"""

from typing import Any

from models import Case, Org, Referral, ReferralStage, Role, utcnow
from models.values import name_key
from resolvers import access, audit, orgs
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found
from resolvers.org_config import OrgConfig, TriageRule

# DESIGN: stat/emergent → 1, urgent → 2, routine → 4, anything else 3.
URGENCY_LEVELS = {"stat": 1, "emergent": 1, "emergency": 1, "urgent": 2, "routine": 4}
DEFAULT_LEVEL = 3
BANDS = ("P1", "P2", "P3", "P4")
MAX_REASON = 1000


def _now_iso() -> str:
    return utcnow().isoformat().replace("+00:00", "Z")


def _code_key(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _rule_matches(
    rule: TriageRule, reason: str, codes: list[str], urgency: str
) -> list[dict[str, str]]:
    """The cues of ``rule`` found in the referral, as ``{"cue", "value"}`` pairs."""
    padded = f" {reason} "
    matched = [
        {"cue": "keyword", "value": keyword}
        for keyword in rule.keywords
        if name_key(keyword) and f" {name_key(keyword)} " in padded
    ]
    for prefix in rule.diagnosis_code_prefixes:
        hit = next(
            (c for c in codes if _code_key(prefix) and c.startswith(_code_key(prefix))), None
        )
        if hit is not None:
            matched.append({"cue": "diagnosisCode", "value": hit})
    if urgency and urgency in {u.strip().lower() for u in rule.urgency}:
        matched.append({"cue": "urgency", "value": urgency})
    return matched


def automatic(
    extraction: dict[str, Any] | None, config: OrgConfig, *, set_by: str | None
) -> dict[str, Any]:
    """The automatic triage of an extraction under an org's rules (pure: the pipeline uses it)."""
    clinical = (extraction or {}).get("clinical") or {}
    urgency = str(clinical.get("urgency") or "").strip().lower()
    reason = name_key(clinical.get("reason"))
    codes = [_code_key(str(c)) for c in clinical.get("diagnosisCodes") or [] if c]

    level = URGENCY_LEVELS.get(urgency, DEFAULT_LEVEL)
    fired: list[dict[str, Any]] = []
    if urgency in URGENCY_LEVELS:
        fired.append(
            {
                "name": "urgency",
                "level": level,
                "queue": None,
                "matched": [{"cue": "urgency", "value": urgency}],
            }
        )
    queue, queue_level = None, DEFAULT_LEVEL + 10
    for rule in config.triage_rules:
        matched = _rule_matches(rule, reason, codes, urgency)
        if not matched:
            continue
        fired.append(
            {"name": rule.name, "level": rule.level, "queue": rule.queue, "matched": matched}
        )
        level = min(level, rule.level)
        if rule.queue in config.queues and rule.level < queue_level:
            queue, queue_level = rule.queue, rule.level
    return _shape(
        level=level,
        priority_band=config.band_for(level),
        queue=queue or config.default_queue,
        source="auto",
        rules=fired,
        reason=_explain(level, fired),
        set_by=set_by,
        automatic=None,
    )


def _explain(level: int, fired: list[dict[str, Any]]) -> str:
    if not fired:
        return f"no urgency cue or rule matched: default level {level}"
    steps = ", ".join(f"{r['name']} → {r['level']}" for r in fired)
    return f"level {level}, the most urgent of: {steps}"


def _shape(
    *,
    level: int,
    priority_band: str | None,
    queue: str | None,
    source: str,
    rules: list[dict[str, Any]],
    reason: str,
    set_by: str | None,
    automatic: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "level": level,
        "priorityBand": priority_band,
        "queue": queue,
        "source": source,
        "rules": rules,
        "reason": reason,
        "setBy": set_by,
        "setAt": _now_iso(),
        "automatic": automatic,
    }


def automatic_part(current: dict[str, Any] | None) -> dict[str, Any] | None:
    """The automatic result behind the current triage, if there is one."""
    if not current:
        return None
    if current.get("source") == "auto":
        return {k: v for k, v in current.items() if k != "automatic"}
    automatic_result: dict[str, Any] | None = current.get("automatic")
    return automatic_result


def manual(
    *,
    current: dict[str, Any] | None,
    config: OrgConfig,
    level: int,
    reason: str,
    queue: str | None,
    priority_band: str | None,
    set_by: str | None,
) -> dict[str, Any]:
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise ValidationFailed(
            "level must be a whole number from 1 (most urgent) to 5", field="level"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("a manual triage needs a reason", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"reason is longer than {MAX_REASON} characters", field="reason")
    if queue is not None and queue not in config.queues:
        raise ValidationFailed(
            f"queue must be one of the org's queues: {', '.join(config.queues)}", field="queue"
        )
    if priority_band is not None and priority_band not in BANDS:
        raise ValidationFailed("priorityBand must be one of P1, P2, P3, P4", field="priorityBand")
    kept_queue = (current or {}).get("queue")
    if kept_queue not in config.queues:
        kept_queue = config.default_queue
    return _shape(
        level=level,
        priority_band=priority_band or config.band_for(level),
        queue=queue or kept_queue,
        source="manual",
        rules=[],
        reason=reason,
        set_by=set_by,
        automatic=automatic_part(current),
    )


# -- operations ------------------------------------------------------------------------------


async def _referral(ctx: Context, referral_id: str, minimum: Role, lock: bool) -> Referral:
    return await access.get_scoped(
        ctx, Referral, referral_id, resource="referral", minimum=minimum, lock=lock
    )


async def _config(ctx: Context, org_id: str) -> OrgConfig:
    org = await ctx.session.get(Org, org_id)
    if org is None:
        raise not_found("org", org_id)
    return orgs.config_of(org)


async def current(ctx: Context, *, referral_id: str) -> Referral:
    referral = await _referral(ctx, referral_id, Role.viewer, lock=False)
    audit.record(
        ctx,
        "referral.triage_read",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
    )
    return referral


async def run_automatic(ctx: Context, *, referral_id: str) -> Referral:
    """Triage by the org's rules now; replaces any manual override (the audit keeps it)."""
    referral = await _referral(ctx, referral_id, Role.coordinator, lock=True)
    _check_triageable(referral)
    if not referral.extraction:
        raise Conflict(f"referral {referral.id} has no extracted data yet: process it first")
    config = await _config(ctx, referral.org_id)
    await apply(ctx, referral, automatic(referral.extraction, config, set_by=ctx.actor_id))
    return referral


async def override(
    ctx: Context,
    *,
    referral_id: str,
    level: int,
    reason: str,
    queue: str | None = None,
    priority_band: str | None = None,
) -> Referral:
    referral = await _referral(ctx, referral_id, Role.coordinator, lock=True)
    _check_triageable(referral)
    config = await _config(ctx, referral.org_id)
    result = manual(
        current=referral.triage,
        config=config,
        level=level,
        reason=reason,
        queue=queue,
        priority_band=priority_band,
        set_by=ctx.actor_id,
    )
    await apply(ctx, referral, result)
    return referral


def _check_triageable(referral: Referral) -> None:
    if referral.stage == ReferralStage.duplicate:
        raise Conflict(f"referral {referral.id} is a duplicate; it is not triaged")


async def apply(ctx: Context, referral: Referral, result: dict[str, Any]) -> None:
    """Make ``result`` the referral's triage, and its case's when it has one."""
    now = utcnow()
    referral.triage = result
    referral.updated_at = now
    ctx.session.add(referral)
    if referral.case_id:
        case = await ctx.session.get(Case, referral.case_id)
        if case is not None:
            case.triage_level = result["level"]
            case.priority_band = result["priorityBand"]
            case.queue = result["queue"]
            case.updated_at = now
            ctx.session.add(case)
    audit.record(
        ctx,
        "referral.triage",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={
            "level": result["level"],
            "source": result["source"],
            "caseId": referral.case_id,
            "reason": result["reason"],
        },
    )
