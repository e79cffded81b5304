"""Checking the fields of a referrer or a location a person sends: every wrong one named."""

from typing import Any

from models.values import STATE_RULE, ZIP_RULE, npi_valid, phone_e164, us_state, us_zip
from resolvers.errors import ValidationFailed

MAX_NAME = 300
ADDRESS_LINES = ("line1", "line2", "city", "state", "zip")


class Checks:
    """Collects every wrong field so one 422 names them all."""

    def __init__(self) -> None:
        self.problems: list[dict[str, str]] = []

    def wrong(self, field: str, message: str) -> None:
        self.problems.append({"field": field, "message": message})

    def name(self, field: str, value: Any, longest: int = MAX_NAME) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            self.wrong(field, "a name is required")
        elif len(text) > longest:
            self.wrong(field, f"at most {longest} characters")
        return text

    def npi(self, field: str, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = value.strip() if isinstance(value, str) else str(value)
        if not npi_valid(text):
            self.wrong(field, f"{text!r} is not a valid NPI (10 digits, correct check digit)")
            return None
        return text

    def phone(self, field: str, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        normal = phone_e164(value) if isinstance(value, str) else None
        if normal is None:
            self.wrong(field, f"{value!r} is not a phone number")
        return normal

    def address(self, field: str, value: Any) -> dict[str, Any] | None:
        """``{line1, line2, city, state, zip}``: state as two letters, a US ZIP code."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.wrong(field, "an address is an object of line1, line2, city, state, zip")
            return None
        unknown = sorted(set(value) - set(ADDRESS_LINES))
        if unknown:
            self.wrong(f"{field}.{unknown[0]}", "not an address field")
        clean = {
            k: (str(value[k]).strip() or None) if value.get(k) else None for k in ADDRESS_LINES
        }
        if clean["state"] is not None:
            state = us_state(clean["state"])
            if state is None:
                self.wrong(f"{field}.state", STATE_RULE)
            clean["state"] = state
        if clean["zip"] is not None:
            zip_code = us_zip(clean["zip"])
            if zip_code is None:
                self.wrong(f"{field}.zip", ZIP_RULE)
            clean["zip"] = zip_code
        for key, text in clean.items():
            if text is not None and len(text) > 200:
                self.wrong(f"{field}.{key}", "at most 200 characters")
        return clean if any(clean.values()) else None

    def raise_if_any(self) -> None:
        if self.problems:
            first = self.problems[0]
            raise ValidationFailed(
                f"invalid {first['field']}: {first['message']}", details=self.problems
            )
