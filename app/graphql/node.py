"""``node(id:)``: any prefixed id (``ref_…``, ``case_…``) resolves to its object or null.

Our ids are already globally unique and typed by prefix, so they serve as
node ids as they are; each domain module registers a loader for its prefix.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.graphql.context import Info


@strawberry.interface(description="An object with a globally unique, prefixed id")
class Node:
    id: strawberry.ID


NodeLoader = Callable[[Info, str], Awaitable[Any]]
_LOADERS: dict[str, NodeLoader] = {}


def register_node(prefix: str) -> Callable[[NodeLoader], NodeLoader]:
    def register(loader: NodeLoader) -> NodeLoader:
        _LOADERS[prefix] = loader
        return loader

    return register


async def resolve_node(info: Info, id_: str) -> Any:
    prefix, sep, _ = id_.partition("_")
    loader = _LOADERS.get(prefix + "_") if sep else None
    return await loader(info, id_) if loader else None
