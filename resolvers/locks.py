"""Locks on what has no row to lock yet: a patient about to be created, a patient's open case.

Rows that exist are locked with ``SELECT … FOR UPDATE``. Deciding "no such patient yet,
create one" or "no open case yet, open one" needs a lock on the name of the thing
instead, or two requests both decide so and both create.
"""

from sqlalchemy import func, select

from resolvers.context import Context

# Matching or creating a patient, and opening or joining a patient's case, hold one lock
# per org. One per patient would serialise less, but a bulk triage of 500 referrals would
# then hold about 1,000 locks, and PostgreSQL's lock table is shared and bounded
# (max_locks_per_transaction × connections). Intake volumes make one per org cheap.
PATIENTS = "patients"


async def hold(ctx: Context, *key: str) -> None:
    """Hold the lock named ``key`` until the transaction ends (savepoints do not release it).

    PostgreSQL: a transaction-scoped advisory lock on a 64-bit hash of the name. SQLite
    needs none: each transaction begins as the only writer (``app/db.py``).
    """
    if ctx.session.get_bind().dialect.name != "postgresql":
        return
    name = ":".join(key)
    await ctx.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))
