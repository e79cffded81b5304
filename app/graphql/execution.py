"""graphql-core's executor, with a plan for the fields most of an answer is made of.

A page of 50 referrals with their case and patient is some 1,500 fields, four in five
of them a scalar or an enum read off an attribute (Strawberry's "basic" fields: no
resolver, no extension, no argument). graphql-core gives each the whole path: a resolve
info object, awaitable checks before and after, the non-null, list, leaf, abstract and
object tests. Here each selection set is planned once per request: per field, whether it
is a basic leaf, list of leaves, object or list of objects, and for an object the plan of
its own selection. Running a plan reads a leaf's attribute and coerces it as
``complete_leaf_value`` does (a string as it is, an enum member by its remembered name);
an object's selection runs at once, without collecting it again. Anything else (a null
where none is allowed, a value the type refuses, an awaitable, a resolver) goes the
whole way, which reads the attribute again and reports it as graphql-core always has.
"""

from asyncio import ensure_future, gather
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import CoroutineType, GeneratorType
from typing import Any
from weakref import ReferenceType, WeakKeyDictionary, ref

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfoHelpers,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, gather_with_cancel
from graphql.pyutils import is_awaitable as default_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# Leaf types whose output is the value itself when it is of this Python type (graphql-core's
# serialize_string, serialize_id and serialize_boolean answer such a value as it is).
_PASSES: dict[int, type] = {id(GraphQLString): str, id(GraphQLID): str, id(GraphQLBoolean): bool}


class _EnumNames:
    """An enum type's ``coerce_output_value``, remembered per member of its Python enum
    (Strawberry's compares the member with each of the type's values in turn). Members
    are singletons kept by their class, so their identity is their key; any other value
    is coerced each time."""

    __slots__ = ("coerce", "members", "names")

    def __init__(self, kind: CustomGraphQLEnumType) -> None:
        self.coerce = kind.coerce_output_value
        self.members = kind.wrapped_cls
        self.names: dict[int, str] = {}

    def __call__(self, value: Any) -> Any:
        if type(value) is not self.members:
            return self.coerce(value)
        name = self.names.get(id(value))
        if name is None:
            name = self.names[id(value)] = self.coerce(value)
        return name


@dataclass(frozen=True, slots=True)
class _Leaf:
    """A basic scalar or enum field: what reads it, under which name, its type, the Python
    type whose values are their own output (or None), and how others are coerced."""

    read: Callable[[Any, str], Any]
    name: str
    kind: GraphQLLeafType
    non_null: bool
    passes: type | None
    coerce: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Object:
    """A basic field of an object type (an attribute holding a Strawberry object): what
    reads it, under which name, its type as declared and as an object, and Strawberry's
    own ``is_type_of`` for it, if any (Strawberry's, for a type with interfaces or one
    derived from a pydantic model, never reads its info)."""

    read: Callable[[Any, str], Any]
    name: str
    declared: GraphQLOutputType
    kind: GraphQLObjectType
    non_null: bool
    is_type_of: Callable[[Any, Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Objects:
    """A basic field holding a list of objects (a connection's nodes): as ``_Object``, with
    the item type as declared."""

    read: Callable[[Any, str], Any]
    name: str
    declared: GraphQLOutputType
    item_declared: GraphQLOutputType
    kind: GraphQLObjectType
    non_null: bool
    is_type_of: Callable[[Any, Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Leaves:
    """A basic field holding a list of scalars or enums (a referral's diagnosis codes):
    what reads it, under which name, the item type, and where nulls are refused."""

    read: Callable[[Any, str], Any]
    name: str
    kind: GraphQLLeafType
    non_null: bool
    items_non_null: bool


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A field with a resolver and no arguments whose type is an object type with
    Strawberry's own ``is_type_of``, or none (a referral's case): its definition, its type
    as declared and as an object. The resolver is called as ``execute_field`` calls it;
    an object it answers at once runs the planned selection."""

    field: GraphQLField
    declared: GraphQLOutputType
    kind: GraphQLObjectType
    is_type_of: Callable[[Any, Any], Any] | None


_Shortcut = _Leaf | _Leaves | _Object | _Objects | _Resolved


def _is_basic(field: GraphQLField) -> Any:
    """The field's Strawberry definition when it is a basic one (no arguments, resolved by
    Strawberry's ``_get_basic_result``: its ``default_resolver`` reading the attribute, no
    info taken); None otherwise. Should Strawberry name it anew, no field is basic here
    and every one goes the whole way."""
    resolve = getattr(field.resolve, "__name__", "")
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if field.args or resolve != "_get_basic_result":
        return None
    return definition


def _own_is_type_of(kind: GraphQLObjectType) -> bool:
    """Whether the type's ``is_type_of`` is none or Strawberry's own (for a type with
    interfaces or one derived from a pydantic model): one that never reads its info."""
    is_type_of = kind.is_type_of
    return is_type_of is None or getattr(is_type_of, "__module__", "").startswith("strawberry.")


def _unwrapped(kind: Any) -> tuple[Any, bool]:
    """A type without its non-null wrapper, and whether it had one."""
    if isinstance(kind, GraphQLNonNull):
        return kind.of_type, True
    return kind, False


def _object_of(field: GraphQLField) -> _Object | _Objects | None:
    """The field as an ``_Object`` (or ``_Objects``, a list of them) when it is basic
    (``_is_basic``) of an object type whose ``is_type_of``, if any, is Strawberry's own
    (ours might read the info, which the shortcut has not built); None otherwise (lists
    of lists, interfaces, unions go the whole way)."""
    definition = _is_basic(field)
    if definition is None:
        return None
    kind, non_null = _unwrapped(field.type)
    item_declared = None
    if isinstance(kind, GraphQLList):
        item_declared = kind.of_type
        kind = _unwrapped(item_declared)[0]
    if not isinstance(kind, GraphQLObjectType) or not _own_is_type_of(kind):
        return None
    read, name = definition.default_resolver, definition.python_name
    if item_declared is not None:
        return _Objects(read, name, field.type, item_declared, kind, non_null, kind.is_type_of)
    return _Object(read, name, field.type, kind, non_null, kind.is_type_of)


def _resolved_of(field: GraphQLField) -> _Resolved | None:
    """The field as ``_Resolved`` when it has a resolver (not a basic one) and no arguments,
    of an object type whose ``is_type_of``, if any, is Strawberry's own; None otherwise."""
    if field.args or field.resolve is None or _is_basic(field) is not None:
        return None
    kind = _unwrapped(field.type)[0]
    if not isinstance(kind, GraphQLObjectType) or not _own_is_type_of(kind):
        return None
    return _Resolved(field, field.type, kind, kind.is_type_of)


def _leaves_of(field: GraphQLField) -> _Leaves | None:
    """The field as ``_Leaves`` when it is basic (``_is_basic``) of a list of a scalar or
    enum type (not a list of lists); None otherwise."""
    definition = _is_basic(field)
    if definition is None:
        return None
    kind, non_null = _unwrapped(field.type)
    if not isinstance(kind, GraphQLList):
        return None
    kind, items_non_null = _unwrapped(kind.of_type)
    if not is_leaf_type(kind):
        return None
    return _Leaves(
        definition.default_resolver, definition.python_name, kind, non_null, items_non_null
    )


def _leaf_of(field: GraphQLField) -> _Leaf | None:
    """The field as a ``_Leaf`` when it is basic (``_is_basic``) of a scalar or enum type;
    None otherwise."""
    definition = _is_basic(field)
    if definition is None:
        return None
    kind, non_null = _unwrapped(field.type)
    if not is_leaf_type(kind):
        return None
    coerce = _EnumNames(kind) if isinstance(kind, CustomGraphQLEnumType) else None
    return _Leaf(
        definition.default_resolver,
        definition.python_name,
        kind,
        non_null,
        _PASSES.get(id(kind)),
        coerce or kind.coerce_output_value,
    )


# Per schema, per field (by id: fields are not hashable, and all live as long as their
# schema): the field as a shortcut, or None. Weakly held: tests build many schemas.
_SHORTCUTS: "WeakKeyDictionary[GraphQLSchema, dict[int, _Shortcut | None]]" = WeakKeyDictionary()


def _shortcuts_of(schema: GraphQLSchema) -> dict[int, _Shortcut | None]:
    known = _SHORTCUTS.get(schema)
    if known is None:
        known = _SHORTCUTS[schema] = {}
    return known


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
    name, field details (graphql-core's, for the whole way and errors), and for an object
    or list of objects the plan of its selection."""

    shortcut: _Shortcut | None
    response: str
    fields: Any
    plan: "list[_Step] | None" = None
    nodes: list[FieldNode] | None = None  # a resolver's info's field nodes


_FAILED = object()  # a shortcut that needs graphql-core's whole way


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
        self._shortcuts = _shortcuts_of(self.schema)
        # Per selection set of the request, by the grouped field set's identity
        # (graphql-core collects a list's item selections once and hands every item the
        # same set; kept alive with the plan so its id stays its own).
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[Any, list[_Step]]] = {}
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

    def _shortcut_for(self, parent_type: GraphQLObjectType, fields: Any) -> _Shortcut | None:
        """The field asked for as a shortcut (a basic leaf, list of leaves, object or list
        of objects), remembered per schema field, or None: none of these, or asked with
        directives (a @defer, @stream or @include is graphql-core's to read)."""
        node = fields[0].node
        field = parent_type.fields.get(node.name.value)
        if field is None or any(f.node.directives for f in fields):
            return None
        try:
            return self._shortcuts[id(field)]
        except KeyError:
            found = _leaf_of(field) or _leaves_of(field) or _object_of(field) or _resolved_of(field)
            self._shortcuts[id(field)] = found
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
            if isinstance(shortcut, _Object | _Objects | _Resolved):
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
                if kind is _Leaf:
                    # complete_leaf_value's coercion; a failure goes the whole way below.
                    leaf: _Leaf = shortcut  # type: ignore[assignment]
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
                elif kind is _Object or kind is _Objects:
                    if kind is _Object:
                        value = self._complete_object(step, parent_type, source, path)
                    else:
                        value = self._complete_objects(step, parent_type, source, path)
                    if value is not _FAILED:
                        results[step.response] = value
                        # An answer, or the coroutine that completes it (``_settled``).
                        if type(value) is CoroutineType:
                            awaitable_fields.append(step.response)
                        continue
                elif kind is _Resolved:
                    value = self._complete_resolved(step, parent_type, source, path)
                    results[step.response] = value
                    if type(value) is CoroutineType:
                        awaitable_fields.append(step.response)
                    continue
                elif kind is _Leaves:
                    value = _values_of(shortcut, source)  # type: ignore[arg-type]
                    if value is not _FAILED:
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
        """``execute_field`` for a ``_Resolved`` field (its definition, nodes and selection
        known from the plan): the resolver called with the info graphql-core builds, an
        awaitable answer completed as there, an object answered at once run by the plan,
        anything else by ``complete_value``; an error nulls the field or is raised."""
        shortcut: _Resolved = step.shortcut  # type: ignore[assignment]
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

    def _object_value(self, shortcut: _Object | _Objects | _Resolved, value: Any) -> bool:
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
        (non-null) raised to the parent. ``_FAILED`` before any work when the read fails,
        is awaitable, is a null where none is allowed, or is not of the type: the whole
        way then reads it again and reports it as graphql-core does."""
        shortcut: _Object = step.shortcut  # type: ignore[assignment]
        try:
            value = shortcut.read(source, shortcut.name)
        except Exception:
            return _FAILED
        if value is None:
            return _FAILED if shortcut.non_null else None
        if not self._object_value(shortcut, value):
            return _FAILED
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
        one nulling the item or (non-null item) the list. ``_FAILED`` before any work when
        the read fails, is no list or tuple, is a null where none is allowed, or holds an
        item that is null, awaitable or not of the type."""
        shortcut: _Objects = step.shortcut  # type: ignore[assignment]
        try:
            values = shortcut.read(source, shortcut.name)
        except Exception:
            return _FAILED
        if values is None:
            return _FAILED if shortcut.non_null else None
        if type(values) is not list and type(values) is not tuple:
            return _FAILED
        for value in values:
            if value is None or not self._object_value(shortcut, value):
                return _FAILED
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
            and _own_is_type_of(kind)
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


def _values_of(leaves: _Leaves, source: Any) -> Any:
    """The list's items off ``source``, each coerced as ``complete_leaf_value`` does;
    ``_FAILED`` for anything but a list or tuple, a null where none is allowed, an item
    its type refuses, or a failing read."""
    try:
        values = leaves.read(source, leaves.name)
        if values is None:
            return _FAILED if leaves.non_null else None
        if type(values) is not list and type(values) is not tuple:
            return _FAILED
        coerce = leaves.kind.coerce_output_value
        items: list[Any] = []
        for value in values:
            if value is None:
                if leaves.items_non_null:
                    return _FAILED
                items.append(None)
                continue
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                return _FAILED
            items.append(coerced)
    except Exception:
        return _FAILED
    return items


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
