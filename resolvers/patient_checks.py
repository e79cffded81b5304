"""A patient's fields as a person sends them: each checked and normalised, or every
problem named at once. The patient endpoints and the review of a referral's fields share
these checks."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.extraction import Sex
from models.values import (
    STATE_RULE,
    TWO_DIGIT_YEAR,
    ZIP_RULE,
    latest_date_on_earth,
    name_key,
    parse_dob,
    phone_e164,
    read_date,
    us_state,
    us_zip,
)
from resolvers.errors import ValidationFailed

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_TIMESTAMP = re.compile(r"\d\s*T\s*\d|\d:\d", re.IGNORECASE)
NAME_MAX = 100
_TEXT_MAX = 200
# Wire names of the fields, for error details and the audit trail.
FIELD_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "dob": "dob",
    "sex": "sex",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "insurance": "insurance",
    "mrn": "mrn",
}


@dataclass(frozen=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True)
class Insurance:
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


def clean_fields(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Checked and normalised values of the fields given, or every problem at once (422)."""
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise ValueError(f"unknown patient fields {sorted(unknown)}")
    clean: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    if creating:
        for name in ("first_name", "last_name"):
            if name not in fields:
                problems.append({"field": FIELD_NAMES[name], "message": "is required"})
    for name, value in fields.items():
        try:
            clean[name] = _CLEANERS[name](value)
        except InvalidValue as exc:
            problems.extend(
                {"field": field or FIELD_NAMES[name], "message": message}
                for field, message in exc.problems
            )
    if problems:
        first = problems[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", details=problems)
    return clean


class InvalidValue(Exception):
    """One field's problems: ``(field or None for the field itself, message)`` pairs."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.problems = [(field, message)]


def clean_text(value: Any, *, limit: int = _TEXT_MAX, field: str | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue("must be a string", field)
    text = value.strip()
    if len(text) > limit:
        raise InvalidValue(f"must be at most {limit} characters", field)
    return text or None


def _name(value: Any) -> str:
    text = clean_text(value, limit=NAME_MAX)
    if text is None:
        raise InvalidValue("is required and cannot be empty")
    if not name_key(text):
        raise InvalidValue("must contain letters")
    return text


def clean_dob(value: Any) -> date | None:
    """A date of birth exactly as written: never shifted by a time zone, never guessed."""
    if value is None or isinstance(value, date):
        text = value.isoformat() if isinstance(value, date) else None
    elif isinstance(value, str):
        text = value.strip() or None
    else:
        raise InvalidValue("must be a date written YYYY-MM-DD")
    if text is None:
        return None
    if _TIMESTAMP.search(text):
        raise InvalidValue("must be a date (YYYY-MM-DD), not a timestamp")
    if TWO_DIGIT_YEAR.fullmatch(text):
        raise InvalidValue("write the year with four digits (MM/DD/YYYY)")
    written = read_date(text)
    if written is None:
        raise InvalidValue("is not a readable date; write YYYY-MM-DD or MM/DD/YYYY")
    if written > latest_date_on_earth():
        raise InvalidValue("is in the future")
    dob = parse_dob(written)
    if dob is None:
        raise InvalidValue("is more than 130 years ago")
    return dob


def clean_sex(value: Any) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    if text.upper() not in Sex._value2member_map_:
        raise InvalidValue("must be one of " + ", ".join(Sex))
    return text.upper()


def clean_phone(value: Any) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    phone = phone_e164(text)
    if phone is None:
        raise InvalidValue("is not a phone number; write it like (555) 123-4567 or +15551234567")
    return phone


def clean_email(value: Any) -> str | None:
    text = clean_text(value, limit=320)
    if text is None:
        return None
    if not _EMAIL.fullmatch(text):
        raise InvalidValue("is not an email address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _address(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Address):
        raise InvalidValue("must be an object with line1, line2, city, state, zip")
    parts = {
        "line1": clean_text,
        "line2": clean_text,
        "city": clean_text,
        "state": clean_state,
        "zip": clean_zip,
    }
    address: dict[str, Any] = {}
    problems = []
    for name, clean in parts.items():
        try:
            address[name] = clean(getattr(value, name), field=f"address.{name}")
        except InvalidValue as exc:
            problems.extend(exc.problems)
    if problems:
        invalid = InvalidValue(problems[0][1], problems[0][0])
        invalid.problems = problems
        raise invalid
    return address if any(address.values()) else None


def clean_state(value: Any, *, field: str | None = None) -> str | None:
    text = clean_text(value, field=field)
    if text is None:
        return None
    state = us_state(text)
    if state is None:
        raise InvalidValue(STATE_RULE, field)
    return state


def clean_zip(value: Any, *, field: str | None = None) -> str | None:
    text = clean_text(value, field=field)
    if text is None:
        return None
    zip_code = us_zip(text)
    if zip_code is None:
        raise InvalidValue(ZIP_RULE, field)
    return zip_code


def _insurance(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Insurance):
        raise InvalidValue("must be an object with provider, memberId, groupNumber")
    insurance = {
        "provider": clean_text(value.provider, field="insurance.provider"),
        "memberId": clean_text(value.member_id, limit=100, field="insurance.memberId"),
        "groupNumber": clean_text(value.group_number, limit=100, field="insurance.groupNumber"),
    }
    return insurance if any(insurance.values()) else None


def _mrn(value: Any) -> str | None:
    return clean_text(value, limit=100)


_CLEANERS = {
    "first_name": _name,
    "last_name": _name,
    "dob": clean_dob,
    "sex": clean_sex,
    "phone": clean_phone,
    "email": clean_email,
    "address": _address,
    "insurance": _insurance,
    "mrn": _mrn,
}
