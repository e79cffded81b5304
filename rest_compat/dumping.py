"""An answer serialised straight from its fields, not validated into its models first.

A page of 50 referrals with their cases and patients is some 150 nested answers built
by this service from rows it has just read (``ReferralOut.fields`` …). Validating them
into the response models only to serialise those cost as much as the serialising. A
``Dumper`` serialises the same dicts through pydantic's own serialiser, by a TypedDict
mirror of each model named in ``built`` (same fields, same camelCase names, same
serialisers), in one call.

The answer is the model's, byte for byte, given what the model path would have had:
each dict holds exactly the fields that would have been set (``exclude_unset``) and in
the model's field order (a TypedDict is written in the dict's order; a key it does not
declare is left out). Values must already be of their field's type: a mirrored model's
value a dict of its fields, any other model an instance of it (a value read from a
stored JSON dict still goes through its model, ``AddressOut.model_validate``). A value
of another type is an error (``warnings="error"``), not a guess. Timestamps are written
as given: they must be aware UTC, as the database columns answer them
(``models.base.UTCDateTime``). The route still declares its response model, so the
OpenAPI document is unchanged.
"""

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter
from typing_extensions import TypedDict

# Called with a name and fields known only here (a type checker takes only literals).
_TYPED_DICT: Any = TypedDict


class Dumper:
    """Serialises ``model``'s answer given as nested dicts (for the models in ``built``)."""

    def __init__(self, model: type[BaseModel], *, built: tuple[type[BaseModel], ...]) -> None:
        if model not in built:
            raise ValueError(f"{model.__name__} must be among the models built as dicts")
        self._built = built
        self._mirrors: dict[type[BaseModel], Any] = {}
        self._adapter: TypeAdapter[Any] = TypeAdapter(self._mirror(model))

    def dump(self, fields: dict[str, Any]) -> bytes:
        # exclude_unset for the models inside (a stored extraction that lacks a field
        # leaves it out, as its model's own serialisation does); a dict has only its keys.
        return self._adapter.dump_json(fields, by_alias=True, exclude_unset=True, warnings="error")

    def _mirror(self, model: type[BaseModel]) -> Any:
        mirror = self._mirrors.get(model)
        if mirror is None:
            declared = {
                name: Annotated[  # type: ignore[valid-type]
                    (
                        self._annotation(field.annotation),
                        *field.metadata,
                        Field(serialization_alias=field.alias or name),
                    )
                ]
                for name, field in model.model_fields.items()
            }
            mirror = _TYPED_DICT(f"{model.__name__}Fields", declared, total=False)
            self._mirrors[model] = mirror
        return mirror

    def _annotation(self, annotation: Any) -> Any:
        """``annotation`` with each model built as a dict replaced by its mirror."""
        if annotation in self._built:
            return self._mirror(annotation)
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            return Union[tuple(self._annotation(a) for a in get_args(annotation))]  # noqa: UP007
        if origin is list:
            return list[self._annotation(get_args(annotation)[0])]  # type: ignore[misc]
        return annotation
