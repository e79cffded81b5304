"""Rules the tables keep themselves: one active run per referral, sane timestamps."""

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from app.db import transaction
from models import JobStatus
from resolvers import jobs, orgs
from resolvers.context import Context


def system(app: Any, session: Any) -> Context:
    return Context(
        session=session,
        settings=app.state.settings,
        storage=app.state.storage,
        system_actor="tests",
    )


async def test_a_second_active_run_of_one_referral_is_refused(app: Any) -> None:
    from models import Referral, utcnow

    async with transaction(app.state.sessions) as session:
        org = await orgs.create(system(app, session), name="Jobs Org")
        referral = Referral(org_id=org.id, updated_at=utcnow())
        session.add(referral)
    async with transaction(app.state.sessions) as session:
        first = jobs.create(system(app, session), org_id=org.id, referral_id=referral.id)
    with pytest.raises(IntegrityError):
        async with transaction(app.state.sessions) as session:
            jobs.create(system(app, session), org_id=org.id, referral_id=referral.id)
    # Once the first has finished, the referral may run again.
    async with transaction(app.state.sessions) as session:
        done = await session.get(type(first), first.id)
        assert done is not None
        done.status = JobStatus.done
        session.add(done)
    async with transaction(app.state.sessions) as session:
        jobs.create(system(app, session), org_id=org.id, referral_id=referral.id)


async def test_a_new_row_is_never_updated_before_it_was_created(app: Any) -> None:
    from datetime import timedelta

    from models import Referral, utcnow

    async with transaction(app.state.sessions) as session:
        org = await orgs.create(system(app, session), name="Clock Org")
        referral = Referral(org_id=org.id, updated_at=utcnow() - timedelta(seconds=5))
        session.add(referral)
    async with app.state.sessions() as session:
        stored = await session.get(Referral, referral.id)
        assert stored is not None and stored.updated_at == stored.created_at


def _pointers() -> list[tuple[str, str, str]]:
    """Every (table, column, target) pointer between two org-scoped tables."""
    from sqlmodel import SQLModel

    found = []
    for table in SQLModel.metadata.sorted_tables:
        for constraint in table.foreign_key_constraints:
            columns = [c.name for c in constraint.columns]
            if columns[0] == "org_id" and len(columns) == 2:
                found.append((table.name, columns[1], constraint.referred_table.name))
    return found


def test_every_pointer_between_org_rows_is_a_same_org_key() -> None:
    from sqlmodel import SQLModel

    pointers = {(table, column) for table, column, _ in _pointers()}
    for table in SQLModel.metadata.sorted_tables:
        if "org_id" not in table.columns:
            continue
        for fk in table.foreign_keys:
            target = fk.column.table
            if fk.parent.name != "org_id" and "org_id" in target.columns:
                assert (table.name, fk.parent.name) in pointers, (table.name, fk.parent.name)
    assert ("referrals", "case_id") in pointers and ("documents", "patient_id") in pointers


async def test_the_database_refuses_a_row_that_points_into_another_org(app: Any) -> None:
    from models import Case, Document, Patient, Referral, utcnow

    async with transaction(app.state.sessions) as session:
        ctx = system(app, session)
        mine, theirs = await orgs.create(ctx, name="Mine"), await orgs.create(ctx, name="Theirs")
        their_patient = Patient(
            org_id=theirs.id,
            first_name="T",
            last_name="P",
            first_name_key="t",
            last_name_key="p",
            updated_at=utcnow(),
        )
        their_case = Case(org_id=theirs.id, patient_id=their_patient.id, updated_at=utcnow())
        their_referral = Referral(org_id=theirs.id, updated_at=utcnow())
        session.add_all([their_patient, their_case, their_referral])
    crossings = [
        Case(org_id=mine.id, patient_id=their_patient.id, updated_at=utcnow()),
        Referral(org_id=mine.id, case_id=their_case.id, updated_at=utcnow()),
        Referral(org_id=mine.id, duplicate_of_id=their_referral.id, updated_at=utcnow()),
        Document(
            org_id=mine.id,
            referral_id=their_referral.id,
            file_name="x.pdf",
            content_type="application/pdf",
            storage_key=f"{mine.id}/documents/x",
        ),
    ]
    for row in crossings:
        with pytest.raises(IntegrityError):
            async with transaction(app.state.sessions) as session:
                session.add(row)
    # The same pointers within one org are fine.
    async with transaction(app.state.sessions) as session:
        session.add(Referral(org_id=theirs.id, case_id=their_case.id, updated_at=utcnow()))
