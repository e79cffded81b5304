"""The fields a query's selection set selects, read off the document itself."""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_directive_values

Selection = FieldNode | FragmentSpreadNode | InlineFragmentNode


def fields_of(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    on: str | None = None,
    seen: frozenset[str] = frozenset(),
    variables: Mapping[str, Any] | None = None,
) -> Iterator[tuple[FieldNode, str | None]]:
    """Each field selected, with inline and named fragments spread, and the type condition
    it stands under (``None``: the selection's own type). A fragment already being spread
    is not spread again inside itself. With ``variables`` (the operation's, coerced), a
    selection its @skip or @include leaves out is left out, as the executor does; without,
    every selection is (what a query may run at most)."""
    if selections is None:
        return
    for selection in selections.selections:
        if variables is not None and not executed(selection, variables):  # type: ignore[arg-type]
            continue
        if isinstance(selection, FieldNode):
            yield selection, on
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = condition.name.value if condition else on
            yield from fields_of(selection.selection_set, fragments, inner, seen, variables)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:
                continue
            yield from fields_of(
                fragment.selection_set,
                fragments,
                fragment.type_condition.name.value,
                seen | {name},
                variables,
            )


def executed(selection: Selection, variables: Mapping[str, Any]) -> bool:
    """Whether the executor runs ``selection``: not skipped (``@skip(if: true)``) and not
    left out (``@include(if: false)``), read by graphql-core's own directive reader with
    the operation's coerced variables (as a resolver's info holds them)."""
    if not selection.directives:
        return True
    values = VariableValues(sources={}, coerced=dict(variables))
    skip = get_directive_values(GraphQLSkipDirective, selection, values)
    if skip is not None and skip["if"] is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, selection, values)
    return include is None or include["if"] is True
