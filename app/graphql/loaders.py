"""DataLoaders for the graph: one batched query per kind of lookup per request.

Built per request through ``GraphQLContext.loader(Class)``, reading through the
request's session (its transaction), scoped to the caller's orgs, and answering
one entry per key in key order: the row or ``None``, or a list (``[]`` when none).
The graph only shows what they load: by id and by parent, rows are Core rows of the
table (``rows_of``), with the model's attributes, not ORM instances.
"""

import functools
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Sequence
from functools import partial
from typing import Any, ClassVar, TypeVar

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
from resolvers.pagination import Built, among_bound, rows_of, shown_records

K = TypeVar("K")
V = TypeVar("V")


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


@functools.cache
def _by_key(model: Any, key: str, oldest_first: bool = False) -> Built[Any]:
    """The read of ``model``'s rows whose ``key`` is among the parameter ``keys`` and whose
    org among ``org_ids``: built once per dialect, not at every batch (building the
    statement and its cache key was a fifth of a prefetched page's reads)."""

    def build(dialect: str) -> Any:
        query = rows_of(model).where(
            among_bound(dialect, col(getattr(model, key)), "keys"),
            among_bound(dialect, col(model.org_id), "org_ids"),
        )
        if oldest_first:
            query = query.order_by(col(model.created_at), col(model.id))
        return query

    return Built(build)


class RequestLoader(DataLoader[K, V]):
    """A DataLoader of one request: its batches are the class's ``_load`` given the
    request's context. Not a bound method: a loader holding itself would be a cycle, left
    for the garbage collector with all it holds (the request's rows, its session), where
    one that holds none is freed with the request."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        super().__init__(load_fn=partial(self._load, ctx))

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError


class ByIdLoader(RequestLoader[str, Any]):
    model: ClassVar[Any]
    # Resource name for the audit trail when the rows carry patient data.
    audited_as: ClassVar[str | None] = None

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # Rows loaded ahead (``prefetch``), by key: answered without an await.
        self.known: dict[str, Any] = {}

    async def prefetch(self, keys: Iterable[str | None]) -> None:
        """Load ``keys`` now, as one batch would (the same query, audited the same way),
        for a page whose every node asks for its row: resolvers then find them in
        ``known`` instead of each awaiting the loader."""
        wanted = list(dict.fromkeys(k for k in keys if k and k not in self.known))
        if not wanted:
            return
        rows = dict(zip(wanted, await self._load(self.ctx, wanted), strict=True))
        self.known.update(rows)
        if self.batch is not None and not self.batch.dispatched:
            self.prime_many(rows)  # a load already waiting for its batch gets its row now

    def load(self, key: str) -> Awaitable[Any]:
        """The loader's ``load``; a prefetched row is primed when first asked for (most
        never are: the page's nodes read ``known``), not all at ``prefetch``."""
        if key in self.known:
            self.prime(key, self.known[key])
        return super().load(key)

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[str]) -> list[Any]:
        query = _by_key(cls.model, "id").on(ctx.session)
        params = {"keys": list(keys), "org_ids": list(visible_org_ids(ctx))}
        found = await shown_records(ctx.session, query, params)
        _audit_reads(ctx, cls.audited_as, found)
        rows = {row.id: row for row in found}
        return [rows.get(key) for key in keys]


class ByParentLoader(RequestLoader[str, list[Any]]):
    """Children by a foreign key, oldest first."""

    model: ClassVar[Any]
    parent: ClassVar[str]
    audited_as: ClassVar[str | None] = None

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[str]) -> list[list[Any]]:
        query = _by_key(cls.model, cls.parent, oldest_first=True).on(ctx.session)
        params = {"keys": list(keys), "org_ids": list(visible_org_ids(ctx))}
        grouped: dict[str, list[Any]] = defaultdict(list)
        found = await shown_records(ctx.session, query, params)
        _audit_reads(ctx, cls.audited_as, found)
        for row in found:
            grouped[getattr(row, cls.parent)].append(row)
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


class UserByIdLoader(RequestLoader[str, Any]):
    """Users are not org rows; only members of the caller's orgs are ever linked."""

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[str]) -> list[Any]:
        query = select(User).where(col(User.id).in_(list(keys)))
        rows = {row.id: row for row in (await ctx.session.scalars(query)).all()}
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


class AuditEventsByResourceLoader(RequestLoader[tuple[str, str], list[Any]]):
    """The newest events about each record; keys are ``(resource_type, resource_id)``."""

    per_record: ClassVar[int] = 50

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[tuple[str, str]]) -> list[list[Any]]:
        await audit.write_pending(ctx.session)
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
                col(AuditEvent.org_id).in_(visible_org_ids(ctx)),
            )
            .subquery()
        )
        event = aliased(AuditEvent, ranked)
        query = (
            select(event)
            .where(ranked.c.rank <= cls.per_record)
            .order_by(ranked.c.created_at.desc(), ranked.c.id.desc())
        )
        grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for row in (await ctx.session.scalars(query)).all():
            grouped[(row.resource_type, row.resource_id)].append(row)
        return [grouped.get(key, []) for key in keys]


class ProcessJobByReferralIdLoader(RequestLoader[str, Any]):
    """The newest processing job of each referral, or ``None``."""

    @classmethod
    async def _load(cls, ctx: Context, keys: Sequence[str]) -> list[Any]:
        newest = await jobs.latest_by_referral(
            ctx, org_ids=visible_org_ids(ctx), referral_ids=list(keys)
        )
        return [newest.get(key) for key in keys]
