"""Connections: ``first`` ≤ 100 and an opaque ``after`` cursor, the REST cursor format."""

from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError

from resolvers.pagination import Page

T = TypeVar("T")

MAX_FIRST = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Connection(Generic[T]):
    nodes: list[T]
    page_info: PageInfo
    page: strawberry.Private[Page[Any] | None] = None

    @strawberry.field(description="How many match the filters over all pages (one COUNT)")
    async def total_count(self, info: strawberry.Info) -> int:
        if self.page is None:
            return len(self.nodes)
        return await self.page.total(info.context.ctx.session)

    @classmethod
    def of(cls, page: Page, convert: object = None) -> "Connection[T]":
        items = [convert(i) for i in page.items] if callable(convert) else list(page.items)
        return cls(
            nodes=items,
            page_info=PageInfo(
                has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor
            ),
            page=page,
        )


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise GraphQLError(
            f"first must be between 1 and {MAX_FIRST}",
            extensions={"code": "BAD_USER_INPUT", "field": "first"},
        )
    return first
