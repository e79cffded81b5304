"""Depth, alias and token limits, and introspection (off unless allowed).

The validation rule classes are built once per limit value and reused: strawberry
caches validation by the rule classes, so building them per request would
re-validate every document every time.
"""

from collections.abc import Callable, Iterator
from functools import lru_cache

from graphql import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule


@lru_cache(maxsize=8)
def limit_rules(
    max_depth: int, max_aliases: int, introspection: bool = True
) -> tuple[type[ASTValidationRule], ...]:
    rules: tuple[type[ASTValidationRule], ...] = (
        depth_rule(max_depth, None, None),
        alias_rule(max_aliases),
    )
    if not introspection:
        rules += (NoSchemaIntrospectionCustomRule,)
    return rules


def limits_extension(
    max_depth: int, max_aliases: int, max_tokens: int, introspection: bool = True
) -> Callable[[], SchemaExtension]:
    rules = list(limit_rules(max_depth, max_aliases, introspection))

    class QueryLimits(AddValidationRules):
        def __init__(self) -> None:
            super().__init__(rules)

        def on_operation(self) -> Iterator[None]:
            self.execution_context.parse_options["max_tokens"] = max_tokens
            yield from super().on_operation()

    return QueryLimits
