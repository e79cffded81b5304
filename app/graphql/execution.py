"""graphql-core's executor, with a plan for the fields most of an answer is made of.

A page of 50 referrals with their case and patient is some 1,500 fields, four in five
of them a scalar or an enum read off an attribute (Strawberry's "basic" fields: no
resolver, no extension, no argument). graphql-core gives each the whole path: a resolve
info object, awaitable checks before and after, the non-null, list, leaf, abstract and
object tests. Here each selection set is planned once per request: per field, whether it
is a basic leaf, list of leaves, object or list of objects, or an object a resolver
answers, and for an object the plan of its own selection. Running a plan reads a leaf's
attribute and coerces it as ``complete_leaf_value`` does (a string as it is, an enum
member by its remembered name); an object's selection runs at once, without collecting
it again. Anything else (a null where none is allowed, a value the type refuses, an
awaitable, other resolvers) goes the whole way, which reads the attribute again and
reports it as graphql-core always has.
"""

from asyncio import ensure_future, gather
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import CoroutineType, GeneratorType
from typing import Any
from weakref import ReferenceType, ref

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfoHelpers,
    Undefined,
)
from graphql.pyutils import Path, gather_with_cancel
from graphql.pyutils import is_awaitable as default_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from app.graphql.shortcuts import (
    FAILED,
    Leaf,
    Leaves,
    Object,
    Objects,
    Resolved,
    Shortcut,
    own_is_type_of,
    shortcut_of,
    shortcuts_of,
    values_of,
)

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


@dataclass(slots=True)
class _Step:
    """One field of a planned selection set: its shortcut (None: the whole way), response
    name, field details (graphql-core's, for the whole way and errors), and for an object,
    list of objects or resolved object the plan of its selection and its field nodes."""

    shortcut: Shortcut | None
    response: str
    fields: Any
    plan: "list[_Step] | None" = None
    nodes: list[FieldNode] | None = None


def gather_async_work(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    """graphql-core's ``gather_async_work``, which reads nothing of its executor."""
    return gather_with_cancel(*values)


@dataclass(frozen=True, slots=True)
class _Tracking:
    """graphql-core's ``track_async_work`` of an executor held weakly. graphql-core gives
    the resolvers' info its executor's own bound methods, a cycle that keeps the whole
    request (its context, loaders, rows and session) until the garbage collector finds
    it: some 500 objects a page, a young collection every hundred requests. Once the
    executor is gone the work it would track has no one to wait for it: it is settled
    in the background as the executor would have."""

    executor: "ReferenceType[ExecutionContext]"

    def __call__(self, values: Sequence[Any]) -> None:
        executor = self.executor()
        if executor is not None:
            executor.track_async_work(values)
        else:
            awaitables = [v for v in values if default_is_awaitable(v)]
            if awaitables:
                ensure_future(gather(*awaitables, return_exceptions=True))


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = _awaitable_check(self.is_awaitable)  # type: ignore[method-assign,assignment]
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=gather_async_work, track=_Tracking(ref(self))
        )
        self._shortcuts = shortcuts_of(self.schema)
        # Per selection set of the request, by the grouped field set's identity
        # (graphql-core collects a list's item selections once and hands every item the
        # same set; kept alive with the plan so its id stays its own).
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[Any, list[_Step]]] = {}
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

    def _shortcut_for(self, parent_type: GraphQLObjectType, fields: Any) -> Shortcut | None:
        """The field asked for as a shortcut (a basic leaf, list of leaves, object or list
        of objects, or a resolved object), remembered per schema field, or None: none of
        these, or asked with directives (a @defer, @stream or @include is graphql-core's
        to read)."""
        node = fields[0].node
        field = parent_type.fields.get(node.name.value)
        if field is None or any(f.node.directives for f in fields):
            return None
        try:
            return self._shortcuts[id(field)]
        except KeyError:
            found = self._shortcuts[id(field)] = shortcut_of(field)
            return found

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[_Step]:
        """The selection set's plan: a step per field, an object's own selection planned
        with it (one with deferred parts goes the whole way)."""
        key = (parent_type, id(grouped_field_set))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        plan: list[_Step] = []
        self._plans[key] = (grouped_field_set, plan)
        for response, fields in grouped_field_set.items():
            shortcut = self._shortcut_for(parent_type, fields)
            step = _Step(shortcut, response, fields)
            if isinstance(shortcut, Object | Objects | Resolved):
                grouped, deferred, _ = self.collect_subfields(shortcut.kind, fields)
                if deferred:
                    step.shortcut = None
                else:
                    step.plan = self._plan(shortcut.kind, grouped)
                    step.nodes = [f.node for f in fields]
            plan.append(step)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, run by the selection set's plan (``_run``);
        inside a deferred part, or with resolvers wrapped by middleware, as there."""
        if position_context is not None or self._wrapped:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plan = self._plan(parent_type, grouped_field_set)
        return self._run(parent_type, plan, source_value, path)

    def _run(
        self, parent_type: GraphQLObjectType, plan: list[_Step], source: Any, path: Path | None
    ) -> Any:
        """The selection's answer for ``source``: a basic leaf's value read in the loop (no
        path, no call, no awaitable check), a basic object's or list's selection run at
        once; any other field, or a shortcut that fails, through ``execute_field``."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for step in plan:
                shortcut = step.shortcut
                kind = type(shortcut)
                if kind is Leaf:
                    # complete_leaf_value's coercion; a failure goes the whole way below.
                    leaf: Leaf = shortcut  # type: ignore[assignment]
                    try:
                        value = leaf.read(source, leaf.name)
                        if value is None:
                            if not leaf.non_null:
                                results[step.response] = None
                                continue
                        elif type(value) is leaf.passes:
                            results[step.response] = value
                            continue
                        else:
                            value = leaf.coerce(value)
                            if value is not None and value is not Undefined:
                                results[step.response] = value
                                continue
                    except Exception:
                        pass
                elif kind is Object or kind is Objects:
                    if kind is Object:
                        value = self._complete_object(step, parent_type, source, path)
                    else:
                        value = self._complete_objects(step, parent_type, source, path)
                    if value is not FAILED:
                        results[step.response] = value
                        # An answer, or the coroutine that completes it (``_settled``).
                        if type(value) is CoroutineType:
                            awaitable_fields.append(step.response)
                        continue
                elif kind is Resolved:
                    value = self._complete_resolved(step, parent_type, source, path)
                    results[step.response] = value
                    if type(value) is CoroutineType:
                        awaitable_fields.append(step.response)
                    continue
                elif kind is Leaves:
                    value = values_of(shortcut, source)  # type: ignore[arg-type]
                    if value is not FAILED:
                        results[step.response] = value
                        continue
                result = super().execute_field(
                    parent_type,
                    source,
                    step.fields,
                    Path(path, step.response, parent_type.name),
                    None,
                )
                if result is not Undefined:
                    results[step.response] = result
                    if is_awaitable(result):
                        awaitable_fields.append(step.response)
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

    def _complete_resolved(
        self, step: _Step, parent_type: GraphQLObjectType, source: Any, path: Path | None
    ) -> Any:
        """``execute_field`` for a ``Resolved`` field (its definition, nodes and selection
        known from the plan): the resolver called with the info graphql-core builds, an
        awaitable answer completed as there, an object answered at once run by the plan,
        anything else by ``complete_value``; an error nulls the field or is raised."""
        shortcut: Resolved = step.shortcut  # type: ignore[assignment]
        field_path = Path(path, step.response, parent_type.name)
        info = self.build_resolve_info(shortcut.field, step.nodes, parent_type, field_path)  # type: ignore[arg-type]
        try:
            result = shortcut.field.resolve(source, info)  # type: ignore[misc]
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    shortcut.declared, step.fields, info, field_path, result, None
                )
            if result is not None and self._object_value(shortcut, result):
                completed = self._run(shortcut.kind, step.plan, result, field_path)  # type: ignore[arg-type]
            else:
                completed = self.complete_value(
                    shortcut.declared, step.fields, info, field_path, result, None
                )
        except Exception as raw_error:
            self.handle_field_error(raw_error, shortcut.declared, step.fields, field_path)
            return None
        if not self.is_awaitable(completed):
            return completed
        return self._settled(completed, shortcut.declared, step.fields, field_path)

    def _object_value(self, shortcut: Object | Objects | Resolved, value: Any) -> bool:
        """Whether ``value`` (not None) may run the object's selection at once: not
        awaitable, not an exception, of the type by its ``is_type_of``."""
        if self.is_awaitable(value) or isinstance(value, Exception):
            return False
        is_type_of = shortcut.is_type_of
        return is_type_of is None or is_type_of(value, None) is True

    def _complete_object(
        self, step: _Step, parent_type: GraphQLObjectType, source: Any, path: Path | None
    ) -> Any:
        """A basic object field completed as ``execute_field`` and ``complete_value`` would:
        its selection run on the attribute's value, an error in it nulling this field or
        (non-null) raised to the parent. ``FAILED`` before any work when the read fails,
        is awaitable, is a null where none is allowed, or is not of the type: the whole
        way then reads it again and reports it as graphql-core does."""
        shortcut: Object = step.shortcut  # type: ignore[assignment]
        try:
            value = shortcut.read(source, shortcut.name)
        except Exception:
            return FAILED
        if value is None:
            return FAILED if shortcut.non_null else None
        if not self._object_value(shortcut, value):
            return FAILED
        field_path = Path(path, step.response, parent_type.name)
        try:
            completed = self._run(shortcut.kind, step.plan, value, field_path)  # type: ignore[arg-type]
        except Exception as raw_error:
            self.handle_field_error(raw_error, shortcut.declared, step.fields, field_path)
            return None
        if type(completed) is not CoroutineType:  # a dict, or _run's get_results()
            return completed
        return self._settled(completed, shortcut.declared, step.fields, field_path)

    def _complete_objects(
        self, step: _Step, parent_type: GraphQLObjectType, source: Any, path: Path | None
    ) -> Any:
        """A basic list-of-objects field completed as ``execute_field`` and
        ``complete_iterable_value`` would: each item's selection run at once, an error in
        one nulling the item or (non-null item) the list. ``FAILED`` before any work when
        the read fails, is no list or tuple, is a null where none is allowed, or holds an
        item that is null, awaitable or not of the type."""
        shortcut: Objects = step.shortcut  # type: ignore[assignment]
        try:
            values = shortcut.read(source, shortcut.name)
        except Exception:
            return FAILED
        if values is None:
            return FAILED if shortcut.non_null else None
        if type(values) is not list and type(values) is not tuple:
            return FAILED
        for value in values:
            if value is None or not self._object_value(shortcut, value):
                return FAILED
        field_path = Path(path, step.response, parent_type.name)
        items: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, value in enumerate(values):
                item_path = Path(field_path, index, None)
                try:
                    item = self._run(shortcut.kind, step.plan, value, item_path)  # type: ignore[arg-type]
                except Exception as raw_error:
                    self.handle_field_error(
                        raw_error, shortcut.item_declared, step.fields, item_path
                    )
                    item = None
                if type(item) is CoroutineType:  # _run's get_results()
                    item = self._settled(item, shortcut.item_declared, step.fields, item_path)
                    awaitable_indices.append(index)
                items.append(item)
        except Exception as raw_error:
            if awaitable_indices:
                self.settle_in_background([items[i] for i in awaitable_indices])
            self.handle_field_error(raw_error, shortcut.declared, step.fields, field_path)
            return None
        if not awaitable_indices:
            return items

        async def get_items() -> list[Any] | None:
            try:
                awaited = await gather_with_cancel(*(items[i] for i in awaitable_indices))
            except Exception as raw_error:
                self.handle_field_error(raw_error, shortcut.declared, step.fields, field_path)
                return None
            for index, item in zip(awaitable_indices, awaited, strict=True):
                items[index] = item
            return items

        return get_items()

    def _settled(self, completed: Any, declared: Any, fields: Any, path: Path) -> Any:
        """An awaited completion whose error is handled at ``path`` as graphql-core does."""

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, declared, fields, path)
                return None

        return await_completed()

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``complete_value``, with an object (a resolver's, a list's item)
        of a type whose ``is_type_of`` is Strawberry's own, or none, run at once: its
        sub-selection executed without the non-null, list, leaf and abstract tests and
        the relays between them. Anything else, or a value not of the type, goes there."""
        kind = return_type.of_type if type(return_type) is GraphQLNonNull else return_type
        if (
            type(kind) is GraphQLObjectType
            and result is not None
            and position_context is None
            and own_is_type_of(kind)
            and not isinstance(result, Exception)
        ):
            is_type_of: Any = kind.is_type_of
            if is_type_of is None or is_type_of(result, None) is True:
                grouped, deferred, _ = self.collect_subfields(kind, field_details_list)
                if not deferred:
                    return self.execute_fields(kind, result, path, grouped, None)
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )


def lean_resolvers(schema: Any) -> int:
    """Give each plain resolver field of ``schema`` (a Strawberry schema) a resolver that
    calls its function straight away; answers how many.

    Strawberry calls a resolver through a chain built for what a field may have: argument
    conversion, field extensions, exception handlers, ``root``/``parent`` parameters. A
    field with none of these (a method taking ``self`` and perhaps ``info``, like a node's
    link to its case) still pays for the chain on every object: some 100 calls a page.
    The lean resolver builds the same ``Info`` and makes the same call; an async one
    returns the resolver's coroutine for graphql-core to await, as Strawberry's wrapper
    does. Middleware (a schema extension's ``resolve``) still wraps whatever is here."""
    converter = schema.schema_converter
    info_class = schema.config.info_class
    count = 0
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            lean = _lean_resolver(converter, info_class, field, definition)
            if lean is not None:
                field.resolve = lean
                count += 1
    return count


def _lean_resolver(
    converter: Any, info_class: Any, field: GraphQLField, definition: Any
) -> Callable[..., Any] | None:
    if type(definition) is not StrawberryField or field.args or field.subscribe:
        return None
    resolver = definition.base_resolver
    if resolver is None or definition.extensions or definition.arguments:
        return None
    if converter._get_field_exception_handlers(definition):
        return None
    if resolver.root_parameter or resolver.parent_parameter or not resolver.self_parameter:
        return None
    call: Any = resolver.wrapped_func
    if resolver.info_parameter is None:
        return lambda source, _info: call(source)
    name = resolver.info_parameter.name

    def resolve(source: Any, info: Any) -> Any:
        return call(source, **{name: info_class(_raw_info=info, _field=definition)})

    return resolve
