"""Files that reach the bucket without passing through us: gs:// signed-URL uploads.

With Cloud Storage a client PUTs its file straight to the bucket, so no request of ours sees
it arrive, and a referral created with ``POST /api/referrals`` would wait for someone to
press *process*. The worker looks for such files once a minute (``app.worker``, a PgQueuer
schedule: one worker of all those running does it each minute). Every document still waiting
for its bytes, created within ``LOOKBACK``, is looked for in the bucket; one that has arrived
is completed as an upload through us would be: checked, recorded and audited, sent on to its
case's EMR chart if there is one, and its referral processed if its org processes on arrival.
Each document is its own transaction: one refused file does not hold up the others.

The bucket is asked first, outside any transaction, so the documents still waiting (most of
them, most minutes) cost one object lookup each and no lock; only an arrived file's document
is locked, once, and completed. The newest waiting documents are looked for first: an upload
comes soon after its create, and a pile of abandoned ones must not keep a fresh fax waiting.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from app.db import transaction
from app.settings import Settings
from app.storage import Storage, StorageError
from models import Document, utcnow
from resolvers import documents, referrals
from resolvers.access import CHANGE_LOCK
from resolvers.context import Context
from resolvers.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

log = logging.getLogger("intakedesk.arrivals")

# How far back a document may have been created and still be looked for. A signed URL lives
# ``signed_url_ttl_seconds``, but a retried create signs a new one for the same document.
LOOKBACK = timedelta(hours=24)
# At most this many documents are looked for in one sweep, newest first.
BATCH = 500


@dataclass(frozen=True)
class Waiting:
    id: str
    storage_key: str


@dataclass(frozen=True)
class Sweep:
    looked: int
    arrived: tuple[str, ...]  # document ids completed
    refused: tuple[str, ...]  # document ids whose bytes were not an accepted file


async def waiting(ctx: Context, *, since: datetime) -> list[Waiting]:
    """Documents created since ``since`` whose bytes have not arrived, newest first."""
    query = (
        select(Document.id, Document.storage_key)
        .where(col(Document.uploaded_at).is_(None), col(Document.created_at) >= since)
        .order_by(col(Document.created_at).desc(), col(Document.id).desc())
        .limit(BATCH)
    )
    return [Waiting(id=i, storage_key=k) for i, k in (await ctx.session.execute(query)).all()]


async def arrive(ctx: Context, *, document_id: str) -> bool:
    """Complete the document if its bytes are in the bucket; True when they were."""
    document = await ctx.session.get(Document, document_id, with_for_update=CHANGE_LOCK)
    if document is None or document.uploaded_at is not None:
        return False
    if not await documents.complete_from_storage(ctx, document, locked=True):
        return False
    await referrals.upload_arrived(ctx, document)
    return True


async def sweep(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    storage: Storage,
    *,
    now: datetime | None = None,
) -> Sweep:
    """Look once for every waiting document's bytes (the worker's schedule calls this)."""

    def context(session: AsyncSession) -> Context:
        return Context(session=session, settings=settings, storage=storage, system_actor="worker")

    async with transaction(sessions) as session:
        found = await waiting(context(session), since=(now or utcnow()) - LOOKBACK)
    arrived: list[str] = []
    refused: list[str] = []
    for document in found:
        try:
            if not await storage.exists(document.storage_key):
                continue
            async with transaction(sessions) as session:
                if await arrive(context(session), document_id=document.id):
                    arrived.append(document.id)
        except (PayloadTooLarge, UnsupportedMediaType, ValidationFailed) as refusal:
            # its bytes are gone from the bucket; the document waits for a proper file
            refused.append(document.id)
            log.info("upload for document %s refused: %s", document.id, refusal)
        except StorageError as fault:
            log.warning("bucket unreachable for document %s: %s", document.id, fault)
            break  # the next sweep tries again
    if arrived or refused:
        log.info("uploads found in the bucket: %d arrived, %d refused", len(arrived), len(refused))
    return Sweep(looked=len(found), arrived=tuple(arrived), refused=tuple(refused))
