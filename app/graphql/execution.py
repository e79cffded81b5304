"""graphql-core's executor, with a shortcut for the fields most of an answer is made of.

A page of 50 referrals with their case and patient is some 1,500 fields, four in five
of them a scalar or an enum read off an attribute (Strawberry's "basic" fields: no
resolver, no extension, no argument). graphql-core gives each the whole path: a resolve
info object, awaitable checks before and after, the non-null, list, leaf, abstract and
object tests. For those fields the shortcut reads the attribute and coerces the value
as ``complete_leaf_value`` does; anything else (a null where none is allowed, a value
the type refuses, an awaitable) goes the whole way, which reads the attribute again and
reports it as graphql-core always has.
"""

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


def _leaf_of(field: GraphQLField) -> tuple[GraphQLLeafType, bool] | None:
    """The field's scalar or enum type, and whether it is non-null, when the field is a
    basic one (no arguments, resolved by Strawberry's ``_get_basic_result``, which reads
    the attribute and takes no info); None otherwise. Should Strawberry name it anew,
    no field is basic here and every one goes the whole way."""
    resolve = getattr(field.resolve, "__name__", "")
    if field.args or resolve != "_get_basic_result":
        return None
    kind: Any = field.type
    non_null = isinstance(kind, GraphQLNonNull)
    if non_null:
        kind = kind.of_type
    return (kind, non_null) if is_leaf_type(kind) else None


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per field of the schema (by id: fields are not hashable, and all outlive the
        # request): its leaf type and nullness, or None (not a basic leaf).
        self._leaves: dict[int, tuple[GraphQLLeafType, bool] | None] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        if field is None or node.arguments or self.middleware_manager_wraps():
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        try:
            leaf = self._leaves[id(field)]
        except KeyError:
            leaf = self._leaves[id(field)] = _leaf_of(field)
        if leaf is not None:
            kind, non_null = leaf
            value = field.resolve(source, None)  # type: ignore[misc]
            if value is None and not non_null:
                return None
            if value is not None:
                try:
                    coerced = kind.coerce_output_value(value)
                except Exception:  # reported as graphql-core does, below
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def middleware_manager_wraps(self) -> bool:
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)
