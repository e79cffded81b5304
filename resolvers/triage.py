"""Triage: how urgent a referral is (1 most … 5 least), its priority band and work queue.

Automatic triage reads the extraction's urgency cue and the org's rules; the
most urgent level wins and every rule that fired is listed. A person may
override it with a reason; the override keeps the automatic result it replaced.
"""

from models import Case, Org, Referral, ReferralStage, Role, utcnow
from models.extraction import (
    LEAST_URGENT_LEVEL,
    MOST_URGENT_LEVEL,
    Extraction,
    FiredRule,
    PriorityBand,
    TriageCue,
    TriageResult,
    Urgency,
    is_triage_level,
)
from models.values import name_key
from resolvers import access, audit, cases, orgs, referral_facets
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found
from resolvers.org_config import OrgConfig, TriageRule

# DESIGN: stat/emergent → 1, urgent → 2, routine → 4, anything else 3.
URGENCY_LEVELS = {Urgency.stat: 1, Urgency.urgent: 2, Urgency.routine: 4}
DEFAULT_LEVEL = 3
MAX_REASON = 1000


def _code_key(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _rule_matches(
    rule: TriageRule, reason: str, codes: list[str], urgency: Urgency | None
) -> list[TriageCue]:
    """The cues of ``rule`` found in the referral."""
    padded = f" {reason} "
    matched = [
        TriageCue(cue="keyword", value=keyword)
        for keyword in rule.keywords
        if name_key(keyword) and f" {name_key(keyword)} " in padded
    ]
    for prefix in rule.diagnosis_code_prefixes:
        hit = next(
            (c for c in codes if _code_key(prefix) and c.startswith(_code_key(prefix))), None
        )
        if hit is not None:
            matched.append(TriageCue(cue="diagnosisCode", value=hit))
    if urgency is not None and urgency in {Urgency.read(u) for u in rule.urgency}:
        matched.append(TriageCue(cue="urgency", value=urgency.value))
    return matched


def automatic(
    extraction: Extraction | None, config: OrgConfig, *, set_by: str | None
) -> TriageResult:
    """The automatic triage of an extraction under an org's rules (pure: the pipeline uses it)."""
    clinical = (extraction or Extraction()).clinical
    urgency = clinical.urgency
    reason = name_key(clinical.reason)
    codes = [_code_key(c) for c in clinical.diagnosis_codes if c]

    level = URGENCY_LEVELS.get(urgency, DEFAULT_LEVEL) if urgency else DEFAULT_LEVEL
    fired: list[FiredRule] = []
    if urgency is not None:
        cue = TriageCue(cue="urgency", value=urgency.value)
        fired.append(FiredRule(name="urgency", level=level, matched=[cue]))
    queue, queue_level = None, LEAST_URGENT_LEVEL + 1
    for rule in config.triage_rules:
        matched = _rule_matches(rule, reason, codes, urgency)
        if not matched:
            continue
        fired.append(FiredRule(name=rule.name, level=rule.level, queue=rule.queue, matched=matched))
        level = min(level, rule.level)
        if rule.queue in config.queues and rule.level < queue_level:
            queue, queue_level = rule.queue, rule.level
    return TriageResult(
        level=level,
        priority_band=config.band_for(level),
        queue=queue or config.default_queue,
        source="auto",
        rules=fired,
        reason=_explain(level, fired),
        set_by=set_by,
        set_at=utcnow(),
    )


def _explain(level: int, fired: list[FiredRule]) -> str:
    if not fired:
        return f"no urgency cue or rule matched: default level {level}"
    steps = ", ".join(f"{r.name} → {r.level}" for r in fired)
    return f"level {level}, the most urgent of: {steps}"


def automatic_part(current: TriageResult | None) -> TriageResult | None:
    """The automatic result behind the current triage, if there is one."""
    if current is None:
        return None
    if current.source == "auto":
        return current.model_copy(update={"automatic": None})
    return current.automatic


def check_level(level: object, field: str = "level") -> int:
    """A triage level, 1 (most urgent) to 5; anything else is a 422 naming ``field``."""
    if not is_triage_level(level):
        raise ValidationFailed(
            f"{field} must be a whole number from {MOST_URGENT_LEVEL} (most urgent) "
            f"to {LEAST_URGENT_LEVEL}",
            field=field,
        )
    assert isinstance(level, int)
    return level


def check_band(band: object, field: str = "priorityBand") -> PriorityBand:
    try:
        return PriorityBand(str(band))
    except ValueError:
        allowed = ", ".join(b.value for b in PriorityBand)
        raise ValidationFailed(f"{field} must be one of {allowed}", field=field) from None


def manual(
    *,
    current: TriageResult | None,
    config: OrgConfig,
    level: int,
    reason: str,
    queue: str | None,
    priority_band: str | None,
    set_by: str | None,
) -> TriageResult:
    level = check_level(level)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("a manual triage needs a reason", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"reason is longer than {MAX_REASON} characters", field="reason")
    if queue is not None and queue not in config.queues:
        raise ValidationFailed(
            f"queue must be one of the org's queues: {', '.join(config.queues)}", field="queue"
        )
    band = check_band(priority_band) if priority_band is not None else None
    kept_queue = current.queue if current else None
    if kept_queue not in config.queues:
        kept_queue = config.default_queue
    return TriageResult(
        level=level,
        priority_band=band or config.band_for(level),
        queue=queue or kept_queue,
        source="manual",
        rules=[],
        reason=reason,
        set_by=set_by,
        set_at=utcnow(),
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


async def apply(ctx: Context, referral: Referral, result: TriageResult) -> None:
    """Make ``result`` the referral's triage; its case follows its most urgent referral.
    The caller holds the referral locked, and so its case."""
    referral.triage = result
    referral_facets.keep(referral)
    referral.updated_at = utcnow()
    ctx.session.add(referral)
    if referral.case_id:
        # Held already: every caller holds the referral locked (``access.get_row``), which
        # locks its case first, so a referral of the same case triaged at this moment is
        # waited for and seen, not read as it was and overwritten.
        case = await ctx.session.get(Case, referral.case_id)
        if case is not None:
            await cases.follow_referrals(ctx, case)
    audit.record(
        ctx,
        "referral.triage",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={
            "level": result.level,
            "source": result.source,
            "caseId": referral.case_id,
            "reason": result.reason,
        },
    )
