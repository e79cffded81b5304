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

from collections.abc import Callable
from dataclasses import dataclass
from types import GeneratorType
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
from strawberry.schema.schema_converter import GraphQLCoreConverter


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A basic scalar or enum field: what reads it, under which name, and its type."""

    read: Callable[[Any, str], Any]
    name: str
    kind: GraphQLLeafType
    non_null: bool


def _leaf_of(field: GraphQLField) -> _Leaf | None:
    """The field as a ``_Leaf`` when it is a basic one (no arguments, resolved by
    Strawberry's ``_get_basic_result``: its field's ``default_resolver`` reading the
    attribute, no info taken) of a scalar or enum type; None otherwise. Should Strawberry
    name it anew, no field is basic here and every one goes the whole way."""
    resolve = getattr(field.resolve, "__name__", "")
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if field.args or resolve != "_get_basic_result" or definition is None:
        return None
    kind: Any = field.type
    non_null = isinstance(kind, GraphQLNonNull)
    if non_null:
        kind = kind.of_type
    if not is_leaf_type(kind):
        return None
    return _Leaf(definition.default_resolver, definition.python_name, kind, non_null)


# Whether values of a type are awaitable, by type: some 3,000 values a page are asked,
# and on a pydantic model (the extraction's parts, shown as they are)
# ``hasattr(value, "__await__")`` misses through pydantic's ``__getattr__`` and its
# class's, two exceptions per value.
_AWAITABLE_BY_TYPE: dict[type, bool] = {}


def _awaitable_check(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``check`` (graphql-core's "is this value awaitable?") answered once per type, as
    ``await`` itself decides (by the value's type); a generator is asked each time (a
    generator-based coroutine is one by its code's flags, not its type)."""

    def is_awaitable(value: Any) -> bool:
        kind = type(value)
        known = _AWAITABLE_BY_TYPE.get(kind)
        if known is None:
            if kind is GeneratorType:
                return check(value)
            known = _AWAITABLE_BY_TYPE[kind] = check(value)
        return known

    return is_awaitable


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = _awaitable_check(self.is_awaitable)  # type: ignore[method-assign,assignment]
        # Per field of the schema (by id: fields are not hashable, and all outlive the
        # request): the field as a basic leaf, or None.
        self._leaves: dict[int, _Leaf | None] = {}
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

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
        if field is None or node.arguments or self._wrapped:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        try:
            leaf = self._leaves[id(field)]
        except KeyError:
            leaf = self._leaves[id(field)] = _leaf_of(field)
        if leaf is not None:
            try:
                value = leaf.read(source, leaf.name)
                if value is None:
                    if not leaf.non_null:
                        return None
                else:
                    coerced = leaf.kind.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # noqa: S110  (reported as graphql-core does, below)
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
