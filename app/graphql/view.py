"""``/graphql``: Strawberry's ASGI view on the request's Context."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from app.graphql.context import GraphQLContext


class GraphQLView(GraphQL[GraphQLContext, None]):
    async def get_context(self, request: Request, response: Response) -> GraphQLContext:  # type: ignore[override]
        return GraphQLContext(request=request, response=response, ctx=request.state.ctx)

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:  # type: ignore[override]
        # Mutations commit one by one; what a query wrote (its audit events) commits here.
        # A request refused before it ran (parse, validation, cost: errors with no path)
        # wrote nothing but its authentication, which commits as on success.
        session = request.state.ctx.session
        if result.errors and result.data is None and any(e.path for e in result.errors):
            await session.rollback()
        else:
            await session.commit()
        return await super().process_result(request, result)
