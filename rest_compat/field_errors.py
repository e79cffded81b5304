"""Validation errors in the client's words: "unknown field dateOfBirth (did you mean dob?)".

Pydantic's own messages ("Extra inputs are not permitted", "Field required") speak of
the library; an integrator needs the field's name and, where one is close, the field
that was probably meant.
"""

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

# Names integrators send for our fields, too far apart for a spelling match to find.
SYNONYMS = {
    "dateofbirth": "dob",
    "birthdate": "dob",
    "birthday": "dob",
    "phonenumber": "phone",
    "mobile": "phone",
    "zipcode": "zip",
    "postalcode": "zip",
    "postcode": "zip",
    "emailaddress": "email",
    "faxnumber": "fax",
    "givenname": "firstName",
    "familyname": "lastName",
    "surname": "lastName",
    "organizationid": "orgId",
    "organisationid": "orgId",
}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation may hold (through Optional, unions, lists, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _wire_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def fields_at(model: type[BaseModel], path: Sequence[int | str]) -> list[str]:
    """The field names (as sent on the wire) of the object at ``path`` within ``model``."""
    current = [model]
    for part in path:
        if isinstance(part, int):
            continue
        following: list[type[BaseModel]] = []
        for candidate in current:
            for name, field in candidate.model_fields.items():
                if part in (name, field.alias):
                    following.extend(_models_in(field.annotation))
        if not following:
            return []
        current = following
    return sorted({name for candidate in current for name in _wire_names(candidate)})


def probably_meant(sent: str, known: Sequence[str]) -> str | None:
    """The known field a client most likely meant by ``sent``, if one is close."""
    if not known:
        return None
    folded = {k.lower(): k for k in known}
    squashed = sent.replace("_", "").replace("-", "").lower()
    for guess in (to_camel(sent).lower(), squashed):
        if guess in folded:
            return folded[guess]
    synonym = SYNONYMS.get(squashed)
    if synonym in known:
        return synonym
    close = difflib.get_close_matches(sent.lower(), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def message_for(error: ErrorDetails, model: type[BaseModel] | None) -> str:
    """The message for one error, in the API's words rather than the library's."""
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden" and loc:
        sent = str(loc[-1])
        message = f"unknown field {sent}"
        known = fields_at(model, loc[:-1]) if model is not None else []
        meant = probably_meant(sent, known)
        return f"{message} (did you mean {meant}?)" if meant else message
    if kind == "missing":
        return "required"
    return str(error["msg"]).removeprefix("Value error, ")
