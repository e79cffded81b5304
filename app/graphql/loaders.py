"""DataLoaders for the graph: one batched query per kind of lookup per request.

Built per request through ``GraphQLContext.loader(Class)``, reading through the
request's session (its transaction), scoped to the caller's orgs, and answering
one entry per key in key order: the row or ``None``, or a list (``[]`` when none).
The graph only shows what they load: by id and by parent, rows are Core rows of the
table (``rows_of``), with the model's attributes, not ORM instances.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from models import (
    AuditEvent,
    Case,
    ContactEvent,
    Document,
    Location,
    Patient,
    Practice,
    Provider,
    Referral,
    User,
)
from resolvers import audit, jobs
from resolvers.access import visible_org_ids
from resolvers.context import Context
from resolvers.pagination import among, rows_of, shown_records


def _audit_reads(ctx: Context, resource: str | None, rows: list[Any]) -> None:
    """Patient data read through the graph leaves one event per batch and org."""
    if resource is None or not rows:
        return
    by_org: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_org[row.org_id].append(row.id)
    for org_id, ids in by_org.items():
        audit.record_many(
            ctx, f"{resource}.read", org_id=org_id, resource_type=resource, resource_ids=ids
        )


class ByIdLoader(DataLoader[str, Any]):
    model: ClassVar[Any]
    # Resource name for the audit trail when the rows carry patient data.
    audited_as: ClassVar[str | None] = None

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Rows loaded ahead (``prefetch``), by key: answered without an await.
        self.known: dict[str, Any] = {}
        super().__init__(load_fn=self._load)

    async def prefetch(self, keys: Iterable[str | None]) -> None:
        """Load ``keys`` now, as one batch would (the same query, audited the same way),
        for a page whose every node asks for its row: resolvers then find them in
        ``known`` instead of each awaiting the loader."""
        wanted = list(dict.fromkeys(k for k in keys if k and k not in self.known))
        if not wanted:
            return
        for key, row in zip(wanted, await self._load(wanted), strict=True):
            self.known[key] = row
            self.prime(key, row)

    async def _load(self, keys: Sequence[str]) -> list[Any]:
        session = self.ctx.session
        query = rows_of(self.model).where(
            among(session, col(self.model.id), keys),
            among(session, col(self.model.org_id), visible_org_ids(self.ctx)),
        )
        found = await shown_records(self.ctx.session, query)
        _audit_reads(self.ctx, self.audited_as, found)
        rows = {row.id: row for row in found}
        return [rows.get(key) for key in keys]


class ByParentLoader(DataLoader[str, list[Any]]):
    """Children by a foreign key, oldest first."""

    model: ClassVar[Any]
    parent: ClassVar[str]
    audited_as: ClassVar[str | None] = None

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[list[Any]]:
        parent = getattr(self.model, self.parent)
        query = (
            rows_of(self.model)
            .where(
                among(self.ctx.session, col(parent), keys),
                among(self.ctx.session, col(self.model.org_id), visible_org_ids(self.ctx)),
            )
            .order_by(col(self.model.created_at), col(self.model.id))
        )
        grouped: dict[str, list[Any]] = defaultdict(list)
        found = await shown_records(self.ctx.session, query)
        _audit_reads(self.ctx, self.audited_as, found)
        for row in found:
            grouped[getattr(row, self.parent)].append(row)
        return [grouped.get(key, []) for key in keys]


class ReferralByIdLoader(ByIdLoader):
    model = Referral
    audited_as = "referral"


class CaseByIdLoader(ByIdLoader):
    model = Case
    audited_as = "case"


class PatientByIdLoader(ByIdLoader):
    model = Patient
    audited_as = "patient"


class DocumentByIdLoader(ByIdLoader):
    model = Document
    audited_as = "document"


class PracticeByIdLoader(ByIdLoader):
    model = Practice


class ProviderByIdLoader(ByIdLoader):
    model = Provider


class LocationByIdLoader(ByIdLoader):
    model = Location


class UserByIdLoader(DataLoader[str, Any]):
    """Users are not org rows; only members of the caller's orgs are ever linked."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[Any]:
        query = select(User).where(col(User.id).in_(list(keys)))
        rows = {row.id: row for row in (await self.ctx.session.scalars(query)).all()}
        return [rows.get(key) for key in keys]


class ReferralsByCaseIdLoader(ByParentLoader):
    model = Referral
    parent = "case_id"
    audited_as = "referral"


class ReferralsByPatientIdLoader(ByParentLoader):
    model = Referral
    parent = "patient_id"
    audited_as = "referral"


class CasesByPatientIdLoader(ByParentLoader):
    model = Case
    parent = "patient_id"
    audited_as = "case"


class DocumentsByReferralIdLoader(ByParentLoader):
    model = Document
    parent = "referral_id"
    audited_as = "document"


class DocumentsByPatientIdLoader(ByParentLoader):
    model = Document
    parent = "patient_id"
    audited_as = "document"


class ContactEventsByCaseIdLoader(ByParentLoader):
    model = ContactEvent
    parent = "case_id"
    audited_as = "contact_event"


class ProvidersByPracticeIdLoader(ByParentLoader):
    model = Provider
    parent = "practice_id"


class AuditEventsByResourceLoader(DataLoader[tuple[str, str], list[Any]]):
    """The newest events about each record; keys are ``(resource_type, resource_id)``."""

    per_record: ClassVar[int] = 50

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[tuple[str, str]]) -> list[list[Any]]:
        await audit.write_pending(self.ctx.session)
        rank = (
            func.row_number()
            .over(
                partition_by=(col(AuditEvent.resource_type), col(AuditEvent.resource_id)),
                order_by=(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc()),
            )
            .label("rank")
        )
        ranked = (
            select(AuditEvent, rank)
            .where(
                col(AuditEvent.resource_type).in_({kind for kind, _ in keys}),
                col(AuditEvent.resource_id).in_({id_ for _, id_ in keys}),
                col(AuditEvent.org_id).in_(visible_org_ids(self.ctx)),
            )
            .subquery()
        )
        event = aliased(AuditEvent, ranked)
        query = (
            select(event)
            .where(ranked.c.rank <= self.per_record)
            .order_by(ranked.c.created_at.desc(), ranked.c.id.desc())
        )
        grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for row in (await self.ctx.session.scalars(query)).all():
            grouped[(row.resource_type, row.resource_id)].append(row)
        return [grouped.get(key, []) for key in keys]


class ProcessJobByReferralIdLoader(DataLoader[str, Any]):
    """The newest processing job of each referral, or ``None``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[Any]:
        newest = await jobs.latest_by_referral(
            self.ctx, org_ids=visible_org_ids(self.ctx), referral_ids=list(keys)
        )
        return [newest.get(key) for key in keys]
