"""Files that reach the bucket without passing through us: gs:// signed-URL uploads.

With Cloud Storage a client PUTs its file straight to the bucket, so no request of ours sees
it arrive, and a referral created with ``POST /api/referrals`` would wait for someone to
press *process*. The worker looks for such files once a minute (``app.worker``, a PgQueuer
schedule: one worker of all those running does it each minute). Every document still waiting
for its bytes, created within ``LOOKBACK``, is looked for in the bucket; one that has arrived
is completed as an upload through us would be: checked, recorded and audited, sent on to its
case's EMR chart if there is one, and its referral processed if its org processes on arrival.
Each document is its own transaction: one refused file does not hold up the others.
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
# At most this many documents are looked for in one sweep (oldest first); the next sweep
# takes the rest.
BATCH = 500


@dataclass(frozen=True)
class Sweep:
    looked: int
    arrived: tuple[str, ...]  # document ids completed
    refused: tuple[str, ...]  # document ids whose bytes were not an accepted file


async def waiting(ctx: Context, *, since: datetime) -> list[str]:
    """Documents created since ``since`` whose bytes have not arrived, oldest first."""
    query = (
        select(Document.id)
        .where(col(Document.uploaded_at).is_(None), col(Document.created_at) >= since)
        .order_by(col(Document.created_at), col(Document.id))
        .limit(BATCH)
    )
    return list((await ctx.session.scalars(query)).all())


async def arrive(ctx: Context, *, document_id: str) -> bool:
    """Complete the document if its bytes are in the bucket; True when they were."""
    document = await ctx.session.get(Document, document_id, with_for_update=CHANGE_LOCK)
    if document is None or document.uploaded_at is not None:
        return False
    if not await documents.complete_from_storage(ctx, document):
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
        ids = await waiting(context(session), since=(now or utcnow()) - LOOKBACK)
    arrived: list[str] = []
    refused: list[str] = []
    for document_id in ids:
        try:
            async with transaction(sessions) as session:
                if await arrive(context(session), document_id=document_id):
                    arrived.append(document_id)
        except (PayloadTooLarge, UnsupportedMediaType, ValidationFailed) as refusal:
            # its bytes are gone from the bucket; the document waits for a proper file
            refused.append(document_id)
            log.info("upload for document %s refused: %s", document_id, refusal)
        except StorageError as fault:
            log.warning("bucket unreachable for document %s: %s", document_id, fault)
            break  # the next sweep tries again
    if arrived or refused:
        log.info("uploads found in the bucket: %d arrived, %d refused", len(arrived), len(refused))
    return Sweep(looked=len(ids), arrived=tuple(arrived), refused=tuple(refused))
