"""A lock held too long by another transaction: 409 `conflict` to retry, and nothing written."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from app.db import CONTENTION_MESSAGE
from app.main import create_app
from app.settings import Settings
from models import ContactEvent
from tests.case_fixtures import count_rows, make_case
from tests.conftest import World, assert_error, assert_graphql_refusal, client_for

CLOSE = {"type": "close", "reason": "done"}

LOG_CONTACT = """
mutation ($caseId: ID!) {
  logContact(input: {caseId: $caseId, kind: NOTE, note: "hello"}) {
    __typename
    ... on MutationError { code message }
  }
}
"""


@pytest.fixture
async def impatient_app(settings: Settings) -> AsyncIterator[Any]:
    """The same database, waiting half a second for a lock instead of fifteen."""
    application = create_app(settings.model_copy(update={"db_lock_timeout_seconds": 0.5}))
    async with application.router.lifespan_context(application):
        yield application


async def hold_case_lock(session: Any, db_kind: str, case_id: str) -> None:
    """Take what a concurrent writer of the case would hold: its row, or SQLite's write lock."""
    if db_kind == "postgresql":
        await session.execute(
            text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case_id}
        )
    else:
        await session.execute(
            text("UPDATE cases SET queue = queue WHERE id = :id"), {"id": case_id}
        )


async def test_a_case_locked_past_the_timeout_answers_conflict_and_writes_nothing(
    app: Any, impatient_app: Any, world: World, db_kind: str
) -> None:
    made = await make_case(app, world.a.id)
    url = f"/api/cases/{made.id}/contact"
    async with client_for(impatient_app, {"x-api-key": world.a.api_key}) as client:
        async with app.state.sessions() as holder:
            await hold_case_lock(holder, db_kind, made.id)
            refused = await client.post(url, json=CLOSE)
            graphql = await client.post(
                "/graphql", json={"query": LOG_CONTACT, "variables": {"caseId": made.id}}
            )
            await holder.rollback()
        error = assert_error(refused, 409, "conflict")
        assert error["message"] == CONTENTION_MESSAGE
        if db_kind == "postgresql":
            # Authentication went through; the mutation waited on the case row.
            assert graphql.json()["data"]["logContact"] == {
                "__typename": "MutationError",
                "code": "conflict",
                "message": CONTENTION_MESSAGE,
            }
        else:
            # SQLite: authentication already waits for the write lock, before GraphQL runs.
            refusal = assert_graphql_refusal(graphql, 409, "CONFLICT")
            assert refusal["message"] == CONTENTION_MESSAGE
        assert await count_rows(app, ContactEvent, case_id=made.id) == 0
        # Once the lock is gone, the same request goes through.
        retried = await client.post(url, json=CLOSE)
    assert retried.status_code == 201, retried.text
    assert await count_rows(app, ContactEvent, case_id=made.id) == 1
