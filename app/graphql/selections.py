"""The fields a query's selection set selects, read off the document itself."""

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


def fields_of(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    on: str | None = None,
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[FieldNode, str | None]]:
    """Each field selected, with inline and named fragments spread, and the type condition
    it stands under (``None``: the selection's own type). A fragment already being spread
    is not spread again inside itself."""
    if selections is None:
        return
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection, on
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = condition.name.value if condition else on
            yield from fields_of(selection.selection_set, fragments, inner, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:
                continue
            yield from fields_of(
                fragment.selection_set, fragments, fragment.type_condition.name.value, seen | {name}
            )
