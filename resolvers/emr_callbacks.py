"""The EMR bridge's callbacks: results of chart creation and document delivery (DESIGN §6).

Each result of a batch is applied on its own (an unknown or other-org id is ``ok: false``
for that entry alone); a malformed batch is refused whole before anything changes. A
``success`` completes an item for good; ``failed``/``error`` put it back to ``pending``
with the message, counting the attempt, or to ``dead`` past the org's
``emr.maxAttempts``. A chart's success stores the chart id as the patient's MRN and, in
the same transaction, queues the case's documents and its summary (``resolvers.emr``).

Locks: the results' cases first, then their items, in id order, as every path that
changes both takes them.
"""

from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import col, select

from models import Case, EmrChartItem, EmrDocumentItem, EmrStatus, Org, Patient, QueueStatus, utcnow
from resolvers import audit, orgs
from resolvers.access import CHANGE_LOCK
from resolvers.context import Context
from resolvers.emr import (
    MAX_RESULTS,
    Item,
    queue_sources,
    queue_summary,
    recompute_document_status,
    recompute_document_statuses,
    require_api_key,
    set_emr_status,
)
from resolvers.errors import ValidationFailed
from resolvers.org_config import OrgConfig

_MAX_MESSAGE = 2000

Outcome = Literal["success", "failed", "error"]


@dataclass(frozen=True)
class CallbackResult:
    queue_item_id: str
    status: Outcome
    emr_chart_id: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class CallbackOutcome:
    queue_item_id: str
    ok: bool
    error: str | None = None


async def chart_callback(
    ctx: Context, *, org_id: str | None, results: list[CallbackResult]
) -> list[CallbackOutcome]:
    """Apply a bridge's chart results, each on its own (see the module docstring)."""
    org = require_api_key(ctx, org_id)
    _check_results(results, chart=True)
    items, cases = await _locked(ctx, EmrChartItem, org, results)
    config = await _config(ctx, org)
    outcomes = []
    for result in results:
        item = items.get(result.queue_item_id)
        if item is None:
            outcomes.append(_unknown(result))
            continue
        case = cases[item.case_id]
        if result.status == "success":
            outcomes.append(await _chart_succeeded(ctx, item, case, result))
        else:
            outcome = _failed(ctx, item, result, config.emr.max_attempts)
            if outcome.ok:
                set_emr_status(ctx, case, EmrStatus.failed)
            outcomes.append(outcome)
    _audit_callback(ctx, "emr.queue_callback", org, results, items)
    return outcomes


async def document_callback(
    ctx: Context, *, org_id: str | None, results: list[CallbackResult]
) -> list[CallbackOutcome]:
    """Apply a bridge's delivery results, then recompute each case's ``emrDocumentStatus``."""
    org = require_api_key(ctx, org_id)
    _check_results(results, chart=False)
    items, cases = await _locked(ctx, EmrDocumentItem, org, results)
    config = await _config(ctx, org)
    outcomes = []
    for result in results:
        item = items.get(result.queue_item_id)
        if item is None:
            outcomes.append(_unknown(result))
        elif result.status == "success":
            outcomes.append(_completed(ctx, item, result))
        else:
            outcomes.append(_failed(ctx, item, result, config.emr.max_attempts))
    await ctx.session.flush()
    await recompute_document_statuses(ctx, list(cases.values()))
    _audit_callback(ctx, "emr.document_queue_callback", org, results, items)
    return outcomes


def _audit_callback(
    ctx: Context, action: str, org: str, results: list[CallbackResult], items: dict[str, Item]
) -> None:
    """One event per case a callback touched, naming each result and where it left the item."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        item = items.get(result.queue_item_id)
        if item is not None:
            entry = {"queueItemId": item.id, "status": result.status, "now": str(item.status)}
            by_case.setdefault(item.case_id, []).append(entry)
    for case_id, entries in by_case.items():
        failed = any(e["status"] != "success" for e in entries)
        audit.record(
            ctx,
            action,
            org_id=org,
            resource_type="case",
            resource_id=case_id,
            outcome="failure" if failed else "success",
            details={"results": entries},
        )


def _check_results(results: list[CallbackResult], *, chart: bool) -> None:
    """A malformed batch is refused whole (422) before anything changes."""
    if len(results) > MAX_RESULTS:
        raise ValidationFailed(f"at most {MAX_RESULTS} results per callback", field="results")
    problems = []
    for n, result in enumerate(results):
        if not result.queue_item_id:
            problems.append({"field": f"results.{n}.queueItemId", "message": "required"})
        if result.status not in ("success", "failed", "error"):
            problems.append(
                {"field": f"results.{n}.status", "message": "must be success, failed or error"}
            )
        if chart and result.status == "success" and not (result.emr_chart_id or "").strip():
            problems.append(
                {"field": f"results.{n}.emrChartId", "message": "required with success"}
            )
    if problems:
        first = problems[0]
        raise ValidationFailed(f"invalid {first['field']}: {first['message']}", details=problems)


async def _config(ctx: Context, org_id: str) -> OrgConfig:
    org = await ctx.session.get(Org, org_id)
    assert org is not None  # the API key's org exists
    return orgs.config_of(org)


async def _locked(
    ctx: Context, model: type[Item], org: str, results: list[CallbackResult]
) -> tuple[dict[str, Item], dict[str, Case]]:
    """The named items of the org and their cases, locked in one order: cases, then items."""
    ids = sorted({r.queue_item_id for r in results})
    if not ids:
        return {}, {}
    case_ids = (
        await ctx.session.scalars(
            select(model.case_id).where(model.org_id == org, col(model.id).in_(ids))
        )
    ).all()
    cases: dict[str, Case] = {}
    if case_ids:
        locked_cases = await ctx.session.scalars(
            select(Case)
            .where(Case.org_id == org, col(Case.id).in_(sorted(set(case_ids))))
            .order_by(col(Case.id))
            .with_for_update(**CHANGE_LOCK)
            .execution_options(populate_existing=True)
        )
        cases = {c.id: c for c in locked_cases.all()}
    locked_items = await ctx.session.scalars(
        select(model)
        .where(model.org_id == org, col(model.id).in_(ids))
        .order_by(col(model.id))
        .with_for_update(**CHANGE_LOCK)
        .execution_options(populate_existing=True)
    )
    items = {i.id: i for i in locked_items.all() if i.case_id in cases}
    return items, cases


def _unknown(result: CallbackResult) -> CallbackOutcome:
    return CallbackOutcome(
        result.queue_item_id, ok=False, error=f"queue item {result.queue_item_id} not found"
    )


def _completed(ctx: Context, item: Item, result: CallbackResult) -> CallbackOutcome:
    if item.status == QueueStatus.completed:
        return CallbackOutcome(item.id, ok=True)  # a repeated success: nothing more to do
    now = utcnow()
    item.status = QueueStatus.completed
    item.attempts += 1
    item.last_attempt_failed = False
    item.last_message = _message(result.message) or item.last_message
    item.lease_expires_at = None
    item.completed_at = now
    item.updated_at = now
    ctx.session.add(item)
    return CallbackOutcome(item.id, ok=True)


def _failed(
    ctx: Context, item: Item, result: CallbackResult, max_attempts: int | None
) -> CallbackOutcome:
    if item.status == QueueStatus.completed:
        return CallbackOutcome(
            item.id, ok=False, error=f"queue item {item.id} is completed; a failure cannot undo it"
        )
    item.attempts += 1
    item.last_attempt_failed = True
    item.last_message = _message(result.message) or f"{result.status} (no message)"
    item.lease_expires_at = None
    dead = max_attempts is not None and item.attempts >= max_attempts
    item.status = QueueStatus.dead if dead else QueueStatus.pending
    item.updated_at = utcnow()
    ctx.session.add(item)
    return CallbackOutcome(item.id, ok=True)


def _message(message: str | None) -> str | None:
    return message.strip()[:_MAX_MESSAGE] or None if message else None


async def _chart_succeeded(
    ctx: Context, item: EmrChartItem, case: Case, result: CallbackResult
) -> CallbackOutcome:
    if item.status == QueueStatus.completed:
        return CallbackOutcome(item.id, ok=True)
    chart_id = (result.emr_chart_id or "").strip()
    item.emr_chart_id = chart_id
    _completed(ctx, item, result)
    case.emr_chart_id = chart_id
    set_emr_status(ctx, case, EmrStatus.created)
    ctx.session.add(case)
    patient = await ctx.session.get(Patient, case.patient_id) if case.patient_id else None
    if patient is not None and patient.mrn != chart_id:
        patient.mrn = chart_id
        patient.updated_at = utcnow()
        ctx.session.add(patient)
    await ctx.session.flush()
    await queue_sources(ctx, case, item)
    await queue_summary(ctx, case, item)
    await recompute_document_status(ctx, case)
    return CallbackOutcome(item.id, ok=True)
