"""A static cost estimate of each GraphQL operation, checked before it executes.

As Medplum does: a scalar costs nothing; a link to one object costs 1 plus its selection;
a list costs 1 plus its length times its selection, the length being ``first`` on a
connection (its ``nodes`` and ``edges`` are that long) or ``DEFAULT_LIST_LENGTH`` for a
plain list. An operation over the budget is refused with a top-level error naming its
cost and the budget, before a resolver (or a SQL statement) runs.

The same estimate weighs the request for the rate limit: a query for 100 referrals draws
more than ``{ me }`` (one point per ``COST_PER_POINT``, on top of the request's own point).
"""

import math
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    value_from_ast,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from app.graphql.context import GraphQLContext
from app.graphql.selections import fields_of
from app.rate_limit import over_limit

# A plain list (not a connection) is assumed this long.
DEFAULT_LIST_LENGTH = 10
# ``first`` when a connection declares no default, or a variable for it is not given.
DEFAULT_FIRST = 100
# Rate-limit points: one per this much cost, besides the request's own point.
COST_PER_POINT = 100
# Connection fields whose length is the connection's ``first``.
_PAGE_FIELDS = ("nodes", "edges")


class _Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def of(self, selections: SelectionSetNode | None, parent: GraphQLNamedType, page: int) -> int:
        """The cost of a selection on ``parent``; ``page`` is the length of its page fields."""
        if selections is None:
            return 0
        total = 0
        for node, condition in fields_of(selections, self.fragments):
            on = (self._type(condition) if condition else None) or parent
            total += self._field(node, on, page)
        return total

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if definition is None:  # __typename, or a field the validation already refused
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        first = definition.args.get("first")
        if first is not None:  # a connection: its nodes and edges are `first` long
            declared = first.default_value if isinstance(first.default_value, int) else None
            return 1 + self.of(node.selection_set, named, self._first(node, declared))
        if is_list_type(get_nullable_type(definition.type)):
            length = page if node.name.value in _PAGE_FIELDS else DEFAULT_LIST_LENGTH
            return 1 + length * self.of(node.selection_set, named, DEFAULT_LIST_LENGTH)
        return 1 + self.of(node.selection_set, named, DEFAULT_LIST_LENGTH)

    def _first(self, node: FieldNode, declared: int | None) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value = value_from_ast(argument.value, GraphQLInt, self.variables)
                if isinstance(value, int) and value >= 0:
                    return value
                return DEFAULT_FIRST  # a variable not given: assume the most
        return declared if declared is not None else DEFAULT_FIRST


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> int:
    """The cost of the operation the request runs (0 when there is none to run)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name and op.name.value == operation_name)
    ]
    if not chosen:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Estimate(schema, fragments, variables or {}).of(
        operation.selection_set, root, DEFAULT_LIST_LENGTH
    )


def rate_points(cost: int) -> int:
    """What the operation draws on the rate limit besides the request's own point."""
    return math.floor(cost / COST_PER_POINT)


def cost_extension(budget: int) -> type[SchemaExtension]:
    class QueryCost(SchemaExtension):
        """Refuses an operation over ``budget`` before it runs; weighs the rest for the
        rate limit."""

        async def on_execute(self) -> Any:
            context = self.execution_context
            document = context.graphql_document
            if document is not None and context.result is None:
                cost = estimate(
                    context.schema._schema, document, context.operation_name, context.variables
                )
                refusal = await _refusal(context.context, cost, budget)
                if refusal is not None:
                    context.result = GraphQLExecutionResult(data=None, errors=[refusal])
            yield

    return QueryCost


async def _refusal(context: Any, cost: int, budget: int) -> GraphQLError | None:
    if cost > budget:
        return GraphQLError(
            f"query cost {cost} exceeds the budget of {budget}: ask for fewer rows "
            "(a smaller first) or fewer nested lists",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": budget},
        )
    if not isinstance(context, GraphQLContext):
        return None
    points = rate_points(cost)
    state = context.request.scope.get("state", {})
    limiter_budget = state.get("rate_limit_budget")
    if points <= 0 or limiter_budget is None:
        return None
    draw = await context.request.app.state.rate_limiter.draw(limiter_budget, points)
    state["rate_limit"] = draw
    if draw.allowed:
        return None
    exc = over_limit(draw)
    if context.response is not None:
        context.response.status_code = 429
        context.response.headers["Retry-After"] = str(exc.retry_after)
    return GraphQLError(exc.message, extensions={"code": "RATE_LIMITED"})
