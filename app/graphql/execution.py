"""graphql-core's executor, with a shortcut for the fields most of an answer is made of.

A page of 50 referrals with their case and patient is some 1,500 fields, four in five
of them a scalar or an enum read off an attribute (Strawberry's "basic" fields: no
resolver, no extension, no argument). graphql-core gives each the whole path: a resolve
info object, awaitable checks before and after, the non-null, list, leaf, abstract and
object tests. For those fields the shortcut reads the attribute and coerces the value
as ``complete_leaf_value`` does; anything else (a null where none is allowed, a value
the type refuses, an awaitable) goes the whole way, which reads the attribute again and
reports it as graphql-core always has. The leaves of a selection set are read in the
loop over its fields itself (``execute_fields``), without a path or a call per field.
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
from graphql.pyutils import Path, gather_with_cancel
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
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[Any, list[Any]]] = {}
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

    def _leaf_for(self, parent_type: GraphQLObjectType, field_details_list: Any) -> _Leaf | None:
        """The field asked for as a basic leaf (``_leaf_of``, remembered per schema field),
        or None: not one, asked with arguments, or resolvers wrapped by middleware."""
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        if field is None or node.arguments or self._wrapped:
            return None
        try:
            return self._leaves[id(field)]
        except KeyError:
            leaf = self._leaves[id(field)] = _leaf_of(field)
            return leaf

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Any]:
        """Per field of a selection set, its ``_Leaf`` or None; remembered for the request
        by the set's identity (graphql-core collects a list's item selections once and
        hands every item the same set; kept alive with the plan so its id stays its own)."""
        key = (parent_type, id(grouped_field_set))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        plan = [self._leaf_for(parent_type, group) for group in grouped_field_set.values()]
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, with a basic leaf's value read in the loop
        (no path, no call of ``execute_field``, no awaitable check); any other field, or a
        leaf whose read fails, goes through ``execute_field`` as there."""
        plan = self._plan(parent_type, grouped_field_set)
        if not any(plan):
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for (response_name, field_details_list), leaf in zip(
                grouped_field_set.items(), plan, strict=True
            ):
                if leaf is not None:
                    value = _value_of(leaf, source_value)
                    if value is not _FAILED:
                        results[response_name] = value
                        continue
                result = super().execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        leaf = self._leaf_for(parent_type, field_details_list)
        if leaf is not None:
            value = _value_of(leaf, source)
            if value is not _FAILED:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


_FAILED = object()  # a basic leaf whose read needs graphql-core's whole way


def _value_of(leaf: _Leaf, source: Any) -> Any:
    """The leaf's value off ``source``, coerced as ``complete_leaf_value`` does; ``_FAILED``
    for a null where none is allowed, a value its type refuses, or a failing read."""
    try:
        value = leaf.read(source, leaf.name)
        if value is None:
            return _FAILED if leaf.non_null else None
        coerced = leaf.kind.coerce_output_value(value)
    except Exception:
        return _FAILED
    if coerced is None or coerced is Undefined:
        return _FAILED
    return coerced
