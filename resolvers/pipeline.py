"""Running the processing pipeline for one referral and storing what it found (DESIGN §7).

Steps: text (each page's text layer, else OCR, in the process pool), pages (each page
classified, each document's type from its pages), fields (the typed extraction), then
checks (QA, triage, matching, the case). Each step's work is pure (``app.pipeline``);
this module holds the transactions around it, short ones, never across slow work: on
SQLite every transaction holds the single write lock.

Faults, and what becomes of the run:
- the file cannot be read (``PipelineError``: corrupt, empty, password-protected, too
  many pages, too slow): the run and the referral fail at once with the reason;
- the storage or the database cannot be reached for now: retried with backoff
  (``RetryLater``, which the worker hands to PgQueuer), then failed with the reason;
- a worker that died mid-run: PgQueuer hands the job to another worker, which takes the
  run over (its attempt number is the lease: the one who started last stores the result);
- anything else is a bug: the run fails with a generic reason, and the log has the rest.
"""

import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from app import pipeline_tasks
from app.cpu_pool import CpuPool
from app.db import is_contention, transaction
from app.pipeline import pages as page_types
from app.pipeline.types import Limits, PageText, PipelineError, PipelineTimeout
from app.settings import Settings
from app.storage import Storage, StorageError
from models import (
    Document,
    DocumentStatus,
    Job,
    JobStatus,
    JobStep,
    Referral,
    ReferralStage,
    utcnow,
)
from models.document import PageType
from models.extraction import Extraction
from resolvers import access, audit, intake, qa, referrals, review
from resolvers.context import Context
from resolvers.errors import DomainError
from resolvers.org_config import OrgConfig

log = logging.getLogger("intakedesk.pipeline")

UNEXPECTED = "processing stopped on an unexpected error; it was logged for the IntakeDesk team"
MAX_REASON = 2000


@dataclass(frozen=True)
class Runner:
    """What a worker needs to run the pipeline."""

    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    storage: Storage
    pool: CpuPool

    def context(self, session: AsyncSession) -> Context:
        return Context(
            session=session, settings=self.settings, storage=self.storage, system_actor="worker"
        )

    @property
    def limits(self) -> Limits:
        return Limits(
            max_pages=self.settings.pipeline_max_pages,
            page_seconds=self.settings.pipeline_page_seconds,
        )


class RetryLater(Exception):
    """A transient fault: run the job again after ``delay`` seconds."""

    def __init__(self, reason: str, delay: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class _Transient(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Superseded(Exception):
    """Another worker took the run over (this one was thought dead): stop quietly."""


@dataclass(frozen=True)
class _File:
    document_id: str
    storage_key: str
    content_type: str


@dataclass(frozen=True)
class _Run:
    job_id: str
    org_id: str
    referral_id: str
    attempt: int
    files: list[_File]


# -- the run ----------------------------------------------------------------------------------


async def run(runner: Runner, *, job_id: str) -> None:
    """Run the pipeline for the run ``job_id`` (a no-op when it has already finished)."""
    try:
        started = await _start(runner, job_id)
    except DBAPIError as exc:
        raise RetryLater(
            f"the database was busy: {exc.orig}", runner.settings.job_retry_seconds
        ) from None
    if started is None:
        return
    try:
        await _run_steps(runner, started)
    except _Superseded:
        log.info("run %s was taken over by another worker", job_id)
    except PipelineError as exc:
        await _fail(runner, started, exc.reason)
    except _Transient as exc:
        await _retry_or_fail(runner, started, exc.reason)
    except DBAPIError as exc:
        if not is_contention(exc):
            log.exception("run %s failed", job_id)
            await _fail(runner, started, UNEXPECTED)
        else:
            await _retry_or_fail(runner, started, "the database was busy with other changes")
    except Exception:
        log.exception("run %s failed", job_id)
        await _fail(runner, started, UNEXPECTED)


async def _run_steps(runner: Runner, started: _Run) -> None:
    deadline = time.monotonic() + runner.settings.pipeline_document_seconds
    with tempfile.TemporaryDirectory(prefix="intakedesk-") as folder:
        paths = await _fetch(runner, started, Path(folder))
        packet = await _read(runner, started, paths, deadline)
    await _progress(runner, started, step=JobStep.pages)
    typed = [_with_type(page) for page in packet]
    await _progress(runner, started, step=JobStep.fields)
    extraction = await runner.pool.run(
        pipeline_tasks.extract,
        typed,
        timeout=_remaining(deadline, runner),
        what="reading the fields",
    )
    await _progress(runner, started, step=JobStep.checks)
    await _finish(runner, started, typed, extraction)


def _with_type(page: PageText) -> PageText:
    return replace(page, page_type=page_types.classify(page))


def _remaining(deadline: float, runner: Runner) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        limit = runner.settings.pipeline_document_seconds
        raise PipelineTimeout(f"reading the referral took longer than {limit:g} s, the limit")
    return left


def _hard_limit(limits: Limits, deadline: float, runner: Runner) -> float:
    """When the pool kills a call: past the page's own limit (which the reader checks and
    answers with a clear reason), or at the referral's deadline."""
    return min(limits.page_seconds * 1.5 + 2, _remaining(deadline, runner))


# -- steps outside transactions ---------------------------------------------------------------


async def _fetch(runner: Runner, started: _Run, folder: Path) -> list[Path]:
    """Each file's bytes, copied from storage to a temporary folder the pool reads from."""
    paths = []
    for index, file in enumerate(started.files):
        try:
            data = await runner.storage.get(file.storage_key)
        except (StorageError, OSError) as exc:
            raise _Transient(f"the stored file could not be read ({exc})") from None
        except Exception as exc:  # a cloud client's own errors: network, auth, 5xx
            raise _Transient(
                f"the file storage could not be reached ({type(exc).__name__})"
            ) from None
        if not data:
            raise PipelineError("the file is empty (0 bytes)")
        path = folder / f"{index}"
        path.write_bytes(data)
        paths.append(path)
    return paths


async def _read(
    runner: Runner, started: _Run, paths: list[Path], deadline: float
) -> list[PageText]:
    limits = runner.limits
    counts = []
    for file, path in zip(started.files, paths, strict=True):
        counts.append(
            await runner.pool.run(
                pipeline_tasks.count_pages,
                str(path),
                file.content_type,
                limits,
                timeout=_hard_limit(limits, deadline, runner),
                what="opening the file",
            )
        )
    total = sum(counts)
    await _progress(runner, started, step=JobStep.text, page=0, page_count=total)
    packet: list[PageText] = []
    for document_index, (file, path, count) in enumerate(
        zip(started.files, paths, counts, strict=True)
    ):
        for index in range(count):
            number = len(packet) + 1
            packet.append(
                await runner.pool.run(
                    pipeline_tasks.read_page,
                    str(path),
                    file.content_type,
                    index,
                    number=number,
                    document_index=document_index,
                    limits=limits,
                    timeout=_hard_limit(limits, deadline, runner),
                    what=f"reading page {number}",
                )
            )
            await _progress(runner, started, page=number)
    if not any(page.text.strip() for page in packet):
        raise PipelineError("no text could be read on any page: the pages look empty")
    return packet


# -- transactions -----------------------------------------------------------------------------


async def _start(runner: Runner, job_id: str) -> _Run | None:
    """Claim the run: mark it running under a new attempt number, its files processing."""
    async with transaction(runner.sessions) as session:
        ctx = runner.context(session)
        job = await access.get_row(ctx, Job, job_id, lock=True)
        if job is None or job.status not in (JobStatus.queued, JobStatus.running):
            return None  # finished (or never committed): nothing to do, and nothing twice
        referral = await access.get_row(ctx, Referral, job.referral_id, lock=True)
        assert referral is not None
        if job.attempts >= runner.settings.job_max_attempts:
            # A run that keeps dying with its worker (killed, out of memory) stops here.
            await _close(ctx, job, referral, f"processing was interrupted {job.attempts} times")
            return None
        now = utcnow()
        job.status = JobStatus.running
        job.attempts += 1
        job.step, job.page, job.page_count = JobStep.text, None, None
        job.started_at = job.started_at or now
        job.updated_at = now
        session.add(job)
        files = (await referrals.documents_of(ctx, [referral])).get(referral.id, [])
        for document in files:
            document.status = DocumentStatus.processing
            document.error = None
            document.updated_at = now
            session.add(document)
        return _Run(
            job_id=job.id,
            org_id=job.org_id,
            referral_id=referral.id,
            attempt=job.attempts,
            files=[_File(d.id, d.storage_key, d.content_type) for d in files],
        )


async def _progress(
    runner: Runner,
    started: _Run,
    *,
    step: JobStep | None = None,
    page: int | None = None,
    page_count: int | None = None,
) -> None:
    """Show where the run is; a run taken over by another worker stops here."""
    values: dict[str, object] = {"updated_at": utcnow()}
    if step is not None:
        values["step"] = step
    if page is not None:
        values["page"] = page
    if page_count is not None:
        values["page_count"] = page_count
    async with transaction(runner.sessions) as session:
        result = await session.execute(
            update(Job)
            .where(
                col(Job.id) == started.job_id,
                col(Job.attempts) == started.attempt,
                col(Job.status) == JobStatus.running,
            )
            .values(**values)
        )
        if getattr(result, "rowcount", 1) == 0:
            raise _Superseded


async def _owned(ctx: Context, started: _Run) -> tuple[Job, Referral]:
    """The run and its referral, locked, while this attempt still holds the run."""
    job = await access.get_row(ctx, Job, started.job_id, lock=True)
    if job is None or job.attempts != started.attempt or job.status != JobStatus.running:
        raise _Superseded
    referral = await access.get_row(ctx, Referral, started.referral_id, lock=True)
    assert referral is not None
    return job, referral


async def _finish(
    runner: Runner, started: _Run, packet: Sequence[PageText], extraction: Extraction
) -> None:
    async with transaction(runner.sessions) as session:
        ctx = runner.context(session)
        job, referral = await _owned(ctx, started)
        now = utcnow()
        for document_index, file in enumerate(started.files):
            document = await session.get(Document, file.document_id, populate_existing=True)
            if document is None:
                continue
            own = [p for p in packet if p.document_index == document_index]
            document.page_count = len(own)
            document.page_types = [p.page_type or PageType.other for p in own]
            document.document_type = page_types.document_type_of(
                [p.page_type for p in own if p.page_type is not None]
            )
            document.status = DocumentStatus.processed
            document.updated_at = now
            session.add(document)
        reread = review.keep_corrections(referral.extraction, extraction)
        referrals.set_extraction(ctx, referral, reread)
        referral.processed_at = now
        session.add(referral)
        await _advance(ctx, referral)
        job.status = JobStatus.done
        job.finished_at = job.updated_at = now
        session.add(job)
        audit.record(
            ctx,
            "referral.processed",
            org_id=referral.org_id,
            resource_type="referral",
            resource_id=referral.id,
            details={"jobId": job.id, "stage": str(referral.stage), "pages": len(packet)},
        )


async def _advance(ctx: Context, referral: Referral) -> None:
    """QA, triage, duplicates and the case (``intake.advance``); what it refuses leaves the
    referral in review, for a person, rather than failing a run whose reading went well."""
    # Out of ``processing`` first: the steps after it refuse a referral being processed.
    referral.stage = ReferralStage.review
    ctx.session.add(referral)
    try:
        async with ctx.session.begin_nested():
            await intake.advance(ctx, referral)
    except DomainError as exc:
        # e.g. marking a duplicate, which asks for a person's role the worker does not have
        await ctx.session.refresh(referral)  # the savepoint's rollback expired it
        log.warning("referral %s stays in review: %s", referral.id, exc.message)
        referral.qa = qa.check(referral.extraction or Extraction(), await _config(ctx, referral))
        referral.stage = ReferralStage.review
        ctx.session.add(referral)


async def _config(ctx: Context, referral: Referral) -> OrgConfig:
    return await referrals.config_for(ctx, referral.org_id)


async def _fail(runner: Runner, started: _Run, reason: str) -> None:
    try:
        async with transaction(runner.sessions) as session:
            ctx = runner.context(session)
            job, referral = await _owned(ctx, started)
            await _close(ctx, job, referral, reason)
    except _Superseded:
        pass


async def _retry_or_fail(runner: Runner, started: _Run, reason: str) -> None:
    if started.attempt >= runner.settings.job_max_attempts:
        await _fail(runner, started, f"{reason}; gave up after {started.attempt} attempts")
        return
    delay = runner.settings.job_retry_seconds * 2 ** (started.attempt - 1)
    try:
        async with transaction(runner.sessions) as session:
            job, _ = await _owned(runner.context(session), started)
            job.status = JobStatus.queued
            job.error = f"{reason}; trying again"[:MAX_REASON]
            job.updated_at = utcnow()
            session.add(job)
    except _Superseded:
        return
    raise RetryLater(reason, delay)


async def _close(ctx: Context, job: Job, referral: Referral, reason: str) -> None:
    """The run failed for good: the referral shows why, and is not retried."""
    now = utcnow()
    reason = reason[:MAX_REASON]
    for document in (await referrals.documents_of(ctx, [referral])).get(referral.id, []):
        if document.status == DocumentStatus.processing:
            document.status = DocumentStatus.failed
            document.error = reason
            document.updated_at = now
            ctx.session.add(document)
    job.status = JobStatus.failed
    job.error = reason
    job.finished_at = job.updated_at = now
    ctx.session.add(job)
    if referral.stage == ReferralStage.processing:
        referral.stage = ReferralStage.failed
    referral.error = reason
    referral.updated_at = now
    ctx.session.add(referral)
    audit.record(
        ctx,
        "referral.process_failed",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={"jobId": job.id, "reason": reason, "attempts": job.attempts},
    )
