"""The GraphQL request context: the domain Context plus this request's DataLoaders."""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from resolvers.context import Context

L = TypeVar("L")


@dataclass
class GraphQLContext:
    request: Request
    response: Response | None
    ctx: Context
    _loaders: dict[type, Any] = field(default_factory=dict)

    def loader(self, loader_class: type[L]) -> L:
        """This request's instance of a DataLoader class (built on first use)."""
        if loader_class not in self._loaders:
            self._loaders[loader_class] = loader_class(self.ctx)  # type: ignore[call-arg]
        loader: L = self._loaders[loader_class]
        return loader


Info = StrawberryInfo[GraphQLContext, None]
