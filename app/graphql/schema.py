"""The Strawberry schema: each domain module contributes a Query and a Mutation type."""

from functools import lru_cache

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from app.graphql import (
    audit,
    cases,
    documents,
    emr,
    orgs,
    patients,
    referrals,
    referrers,
    reporting,
    review,
)
from app.graphql.context import Info
from app.graphql.cost import cost_extension
from app.graphql.execution import ExecutionContext, lean_resolvers
from app.graphql.limits import limits_extension
from app.graphql.node import Node, resolve_node
from app.graphql.scalars import SCALAR_MAP
from resolvers.errors import DomainError


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its prefixed id; null if missing or not yours")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        orgs.require_principal_or_error(info)
        return await resolve_node(info, id)


# Each domain module lists its Query and Mutation types; the schema merges them all.
_DOMAINS = (orgs, referrals, review, cases, patients, documents, referrers, audit, emr, reporting)
QUERIES: tuple[type, ...] = (NodeQuery, *(t for d in _DOMAINS for t in d.QUERY_TYPES))
MUTATIONS: tuple[type, ...] = tuple(t for d in _DOMAINS for t in d.MUTATION_TYPES)
# Types reachable only through Node or lazy links still belong in the schema.
TYPES: tuple[type, ...] = (
    referrals.Referral,
    cases.Case,
    cases.ContactEvent,
    patients.Patient,
    documents.Document,
    referrers.Practice,
    referrers.Provider,
    referrers.Location,
    audit.AuditEvent,
)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)


def _unexpected(error: GraphQLError) -> bool:
    """Mask server failures only; our own refusals, bad input and limit errors stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


@lru_cache(maxsize=4)
def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    mask_errors: bool = True,
    max_cost: int = 10_000,
    introspection: bool = True,
    shortcut: bool = True,
) -> strawberry.Schema:
    """``shortcut``: basic scalar and object fields skip graphql-core's full path, and plain
    resolvers Strawberry's chain (app.graphql.execution); off, graphql-core's executor and
    Strawberry's resolvers answer as they are (what the shortcut is checked against)."""
    # Strawberry keeps parse and validation caches per maxsize, shared by the per-request
    # extension instances; validation hits only when the rule classes are the same objects.
    extensions = [
        limits_extension(max_depth, max_aliases, max_tokens, introspection),
        cost_extension(max_cost),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    ]
    if mask_errors:
        extensions.append(
            lambda: MaskErrors(should_mask_error=_unexpected, error_message="Internal server error")
        )
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=TYPES,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=ExecutionContext if shortcut else None,
    )
    if shortcut:
        lean_resolvers(schema)
    return schema


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
