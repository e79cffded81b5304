"""The fields the executor may answer without graphql-core's whole way (its shortcuts),
as read off the schema: what a field is (a basic leaf, list of leaves, object, list of
objects, or an object a resolver answers) and how its value is read and coerced.

A "basic" field is Strawberry's own reading of an attribute: no resolver, no extension,
no argument. Each kind is decided once per schema field (``shortcuts_of``); the executor
(app.graphql.execution) plans a request's selection sets with them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

FAILED = object()  # a shortcut that needs graphql-core's whole way

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
class Leaf:
    """A basic scalar or enum field: what reads it, under which name, its type, the Python
    type whose values are their own output (or None), and how others are coerced."""

    read: Callable[[Any, str], Any]
    name: str
    kind: GraphQLLeafType
    non_null: bool
    passes: type | None
    coerce: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Object:
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
class Objects:
    """A basic field holding a list of objects (a connection's nodes): as ``Object``, with
    the item type as declared."""

    read: Callable[[Any, str], Any]
    name: str
    declared: GraphQLOutputType
    item_declared: GraphQLOutputType
    kind: GraphQLObjectType
    non_null: bool
    is_type_of: Callable[[Any, Any], Any] | None


@dataclass(frozen=True, slots=True)
class Leaves:
    """A basic field holding a list of scalars or enums (a referral's diagnosis codes):
    what reads it, under which name, the item type, and where nulls are refused."""

    read: Callable[[Any, str], Any]
    name: str
    kind: GraphQLLeafType
    non_null: bool
    items_non_null: bool


@dataclass(frozen=True, slots=True)
class Resolved:
    """A field with a resolver and no arguments whose type is an object type with
    Strawberry's own ``is_type_of``, or none (a referral's case): its definition, its type
    as declared and as an object. The resolver is called as ``execute_field`` calls it;
    an object it answers at once runs the planned selection."""

    field: GraphQLField
    declared: GraphQLOutputType
    kind: GraphQLObjectType
    is_type_of: Callable[[Any, Any], Any] | None


Shortcut = Leaf | Leaves | Object | Objects | Resolved


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


def own_is_type_of(kind: GraphQLObjectType) -> bool:
    """Whether the type's ``is_type_of`` is none or Strawberry's own (for a type with
    interfaces or one derived from a pydantic model): one that never reads its info."""
    is_type_of = kind.is_type_of
    return is_type_of is None or getattr(is_type_of, "__module__", "").startswith("strawberry.")


def _unwrapped(kind: Any) -> tuple[Any, bool]:
    """A type without its non-null wrapper, and whether it had one."""
    if isinstance(kind, GraphQLNonNull):
        return kind.of_type, True
    return kind, False


def _object_of(field: GraphQLField) -> Object | Objects | None:
    """The field as an ``Object`` (or ``Objects``, a list of them) when it is basic
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
    if not isinstance(kind, GraphQLObjectType) or not own_is_type_of(kind):
        return None
    read, name = definition.default_resolver, definition.python_name
    if item_declared is not None:
        return Objects(read, name, field.type, item_declared, kind, non_null, kind.is_type_of)
    return Object(read, name, field.type, kind, non_null, kind.is_type_of)


def _resolved_of(field: GraphQLField) -> Resolved | None:
    """The field as ``Resolved`` when it has a resolver (not a basic one) and no arguments,
    of an object type whose ``is_type_of``, if any, is Strawberry's own; None otherwise."""
    if field.args or field.resolve is None or _is_basic(field) is not None:
        return None
    kind = _unwrapped(field.type)[0]
    if not isinstance(kind, GraphQLObjectType) or not own_is_type_of(kind):
        return None
    return Resolved(field, field.type, kind, kind.is_type_of)


def _leaves_of(field: GraphQLField) -> Leaves | None:
    """The field as ``Leaves`` when it is basic (``_is_basic``) of a list of a scalar or
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
    return Leaves(
        definition.default_resolver, definition.python_name, kind, non_null, items_non_null
    )


def _leaf_of(field: GraphQLField) -> Leaf | None:
    """The field as a ``Leaf`` when it is basic (``_is_basic``) of a scalar or enum type;
    None otherwise."""
    definition = _is_basic(field)
    if definition is None:
        return None
    kind, non_null = _unwrapped(field.type)
    if not is_leaf_type(kind):
        return None
    coerce = _EnumNames(kind) if isinstance(kind, CustomGraphQLEnumType) else None
    return Leaf(
        definition.default_resolver,
        definition.python_name,
        kind,
        non_null,
        _PASSES.get(id(kind)),
        coerce or kind.coerce_output_value,
    )


# Per schema, per field (by id: fields are not hashable, and all live as long as their
# schema): the field as a shortcut, or None. Weakly held: tests build many schemas.
_SHORTCUTS: "WeakKeyDictionary[GraphQLSchema, dict[int, Shortcut | None]]" = WeakKeyDictionary()


def shortcut_of(field: GraphQLField) -> Shortcut | None:
    """The field as a shortcut, or None: graphql-core's whole way."""
    return _leaf_of(field) or _leaves_of(field) or _object_of(field) or _resolved_of(field)


def shortcuts_of(schema: GraphQLSchema) -> dict[int, Shortcut | None]:
    """The schema's fields as shortcuts so far, by field id (filled by the executor)."""
    known = _SHORTCUTS.get(schema)
    if known is None:
        known = _SHORTCUTS[schema] = {}
    return known


def values_of(leaves: Leaves, source: Any) -> Any:
    """The list's items off ``source``, each coerced as ``complete_leaf_value`` does;
    ``FAILED`` for anything but a list or tuple, a null where none is allowed, an item
    its type refuses, or a failing read."""
    try:
        values = leaves.read(source, leaves.name)
        if values is None:
            return FAILED if leaves.non_null else None
        if type(values) is not list and type(values) is not tuple:
            return FAILED
        coerce = leaves.kind.coerce_output_value
        items: list[Any] = []
        for value in values:
            if value is None:
                if leaves.items_non_null:
                    return FAILED
                items.append(None)
                continue
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                return FAILED
            items.append(coerced)
    except Exception:
        return FAILED
    return items
